"""Forms of the structured editor: one claim's fields, a new claim, the citation picker."""

from __future__ import annotations

from django import forms
from django.db.models import Q

from articles import evidence, limits
from articles.content import ClaimKind
from articles.models import Reference
from desk.forms import ClaimForm, VersionedForm

KIND_CHOICES = [
    (ClaimKind.HEADING.value, "Heading"),
    (ClaimKind.SUBHEADING.value, "Subheading"),
    (ClaimKind.PARAGRAPH.value, "Paragraph"),
    (ClaimKind.BULLET.value, "Bullet"),
    (ClaimKind.NUMBERED.value, "Numbered item"),
]

EVIDENCE_CHOICES = [("", "None given"), *evidence.EvidenceLevel.choices]


class EditorClaimForm(ClaimForm):
    """A claim as the structured editor edits it: the claim form plus its kind and nesting."""

    kind = forms.ChoiceField(label="Kind", choices=KIND_CHOICES)
    level = forms.IntegerField(
        label="Nesting level",
        min_value=0,
        max_value=5,
        required=False,
        help_text="0 for a top-level list item; 1 under it, and so on.",
    )
    evidence = forms.ChoiceField(
        label="Evidence level",
        choices=EVIDENCE_CHOICES,
        required=False,
        help_text="GRADE certainty of the evidence behind the claim; the board verifies it.",
    )
    # The version of this claim the editor started from: a save names it, so that only a
    # concurrent change of this claim is a conflict, not one of another claim.
    claim_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)
    field_order = [
        "kind",
        "level",
        "text",
        "plain_text",
        "citations",
        "needs_no_citation",
        "evidence",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["citations"].label = "Cited references"
        self.fields[
            "citations"
        ].help_text = "The numbers of the article's references in the order cited, e.g. 2, 4, 3."
        self.fields["text"].widget.attrs.update({"rows": 2, "data-claim-text": ""})

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind and ClaimKind(kind).is_heading and data.get("citations"):
            self.add_error("citations", "Headings state no fact and cite nothing.")
        if kind and (
            refusal := evidence.level_refusal(
                level=data.get("evidence", ""),
                is_heading=ClaimKind(kind).is_heading,
                needs_no_citation=bool(data.get("needs_no_citation")),
            )
        ):
            self.add_error("evidence", refusal[0].upper() + refusal[1:] + ".")
        return data


class NewClaimForm(EditorClaimForm):
    after = forms.UUIDField(widget=forms.HiddenInput, required=False)


class CitePickForm(VersionedForm):
    q = forms.CharField(label="Search references", required=False, max_length=200)
    reference = forms.TypedMultipleChoiceField(
        label="References to cite", coerce=int, required=False
    )

    def __init__(self, *args, article=None, **kwargs):
        super().__init__(*args, **kwargs)
        posted = self.data.getlist("reference") if hasattr(self.data, "getlist") else []
        ids = [int(value) for value in posted if str(value).isdigit()]
        # The library's current entries, or one the article already cites (even if replaced since).
        citable = Reference.objects.filter(
            Q(is_current=True) | Q(citations__claim__article=article)
        ).distinct()
        self.references = citable.in_bulk(ids)
        self.fields["reference"].choices = [(pk, r.title) for pk, r in self.references.items()]

    def clean_reference(self):
        picked = self.cleaned_data["reference"]
        if not picked:
            raise forms.ValidationError("Choose at least one reference to cite.")
        if len(picked) > limits.MAX_CITATIONS_PER_CLAIM:
            raise forms.ValidationError(limits.citations_message().capitalize() + ".")
        # In the order the editor picked them: that is the order they are cited in.
        return [self.references[pk] for pk in dict.fromkeys(picked)]
