from django import forms

from public.models import FollowUpQuestion


class FollowUpForm(forms.Form):
    question = forms.CharField(
        label="Your question",
        max_length=FollowUpQuestion.MAX_LENGTH,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": FollowUpQuestion.MAX_LENGTH}),
        error_messages={
            "required": "Write your question.",
            "max_length": f"Keep your question under {FollowUpQuestion.MAX_LENGTH} characters.",
        },
    )
    # Left empty by people, filled in by bots that complete every field.
    website = forms.CharField(required=False, label="Leave this field empty")

    @property
    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get("website"))
