"""The mail settings form: it checks that each answer is one of the choices; the service saves."""

from __future__ import annotations

from django import forms

from notifications.kinds import AT_MOST_DAILY, EVERY_KIND, Delivery, Kind

FOLLOW_EVERY_KIND = ("", "As for everything else")


def field_name(kind: str) -> str:
    return f"kind_{kind}"


class PreferencesForm(forms.Form):
    """One choice for every kind, then one per kind that may set it apart."""

    every_kind = forms.ChoiceField(
        label="Everything",
        choices=Delivery.choices,
        initial=Delivery.NOW,
        help_text="How you hear of everything below left as it is.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in Kind:
            self.fields[field_name(kind)] = forms.ChoiceField(
                label=kind.label,
                choices=[FOLLOW_EVERY_KIND, *Delivery.choices],
                required=False,
                help_text=(
                    "Reminders are mailed at most once a day, in the day's mail."
                    if kind in AT_MOST_DAILY
                    else ""
                ),
            )

    @classmethod
    def from_choices(cls, choices: dict[str, str]) -> PreferencesForm:
        initial = {"every_kind": choices.get(EVERY_KIND, Delivery.NOW)}
        initial.update({field_name(kind): choices.get(kind, "") for kind in Kind})
        return cls(initial=initial)

    def kind_fields(self):
        return [self[field_name(kind)] for kind in Kind]

    def choices(self) -> dict[str, str]:
        """The answers as the service takes them: kind ("" for everything) -> delivery."""
        chosen = {EVERY_KIND: self.cleaned_data["every_kind"]}
        chosen.update({kind.value: self.cleaned_data[field_name(kind)] for kind in Kind})
        return chosen
