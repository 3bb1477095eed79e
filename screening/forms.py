"""The justification form: it checks the shape of the input; the service checks the rules."""

from django import forms


class JustificationForm(forms.Form):
    reference = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    text = forms.CharField(
        label="Justification",
        required=False,  # the service says why an empty one is refused
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Why the claim may cite this retracted paper, e.g. the article discusses the retraction.",
    )
