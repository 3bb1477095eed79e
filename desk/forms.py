"""Desk forms: they check the shape of the input; the services check the rules."""

from __future__ import annotations

import re

from django import forms

from articles import limits
from articles.bibliography import FORMATS as REFERENCE_FORMATS
from articles.bibliography import (
    ParsedEntry,
    ReferenceParseError,
    parse_reference_bytes,
    parse_references,
)
from articles.content import ReferenceData, ReferenceKind
from articles.identifiers import normalise_doi, normalise_pmid
from articles.interchange import MAX_INPUT_BYTES
from articles.models import ClaimReview
from board.models import Specialty
from desk.body import FORMATS

DOI_RE = re.compile(r"^10\.\d{4,9}/\S+$")
PMID_RE = re.compile(r"^\d{1,8}$")


class NewArticleForm(forms.Form):
    title = forms.CharField(
        label="Question",
        max_length=300,
        help_text="The reader's question, as they would ask it. The web address is made from it.",
    )


class VersionedForm(forms.Form):
    """Every edit names the content version it started from, so a later save cannot overwrite it."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class BodyForm(VersionedForm):
    format = forms.ChoiceField(label="Format", choices=FORMATS, initial="markdown")
    body = forms.CharField(
        label="Body",
        # The body-keeper keeps what is typed on the device until it is saved.
        widget=forms.Textarea(
            attrs={"rows": 24, "spellcheck": "true", "data-body-keeper-target": "body"}
        ),
        strip=False,
        max_length=MAX_INPUT_BYTES,
        help_text="One claim per paragraph or list item; cite references with their numbers, e.g. [1] or [2, 3].",
    )


class ClaimForm(VersionedForm):
    text = forms.CharField(
        label="Claim", max_length=limits.MAX_CLAIM_CHARS, widget=forms.Textarea(attrs={"rows": 3})
    )
    plain_text = forms.CharField(
        label="Plain-language version",
        required=False,
        max_length=limits.MAX_CLAIM_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Shown to readers who choose \u201cPatient or caregiver\u201d.",
    )
    citations = forms.CharField(
        label="Cited reference numbers",
        required=False,
        help_text="For example: 1, 3",
    )
    needs_no_citation = forms.BooleanField(label="This claim needs no reference", required=False)

    HEADING_CITED = "A heading states no fact and cites nothing: cite the claims below it."

    def __init__(self, *args, is_heading: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.is_heading = is_heading
        if is_heading:
            # A heading is not offered citations, nor the "needs no reference" mark.
            self.fields["text"].label = "Heading"
            del self.fields["citations"]
            del self.fields["needs_no_citation"]

    def clean(self):
        cleaned = super().clean()
        if self.is_heading and self.data.get("citations", "").strip():
            raise forms.ValidationError(self.HEADING_CITED)
        return cleaned

    def clean_citations(self) -> tuple[int, ...]:
        raw = self.cleaned_data["citations"]
        parts = [p for p in re.split(r"[\s,]+", raw) if p]
        if not all(p.isdigit() and int(p) > 0 for p in parts):
            raise forms.ValidationError("Give reference numbers separated by commas, e.g. 1, 3.")
        numbers = tuple(dict.fromkeys(int(p) for p in parts))
        if len(numbers) > limits.MAX_CITATIONS_PER_CLAIM:
            raise forms.ValidationError(limits.citations_message().capitalize() + ".")
        return numbers


class ReferenceSearchForm(forms.Form):
    q = forms.CharField(
        label="Search the library", required=False, help_text="Title words, DOI or PMID"
    )


class CiteForm(VersionedForm):
    target = forms.ChoiceField(label="Cite it")

    def __init__(self, *args, targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = list(targets)


class ReferenceForm(CiteForm):
    kind = forms.ChoiceField(label="Type", choices=[(k.value, k.value) for k in ReferenceKind])
    title = forms.CharField(label="Title", max_length=500)
    source = forms.CharField(label="Source or journal", max_length=300)
    year = forms.IntegerField(label="Year", min_value=1800, max_value=2100)
    authors = forms.CharField(label="Authors", max_length=500, required=False)
    doi = forms.CharField(
        label="DOI",
        max_length=200,
        required=False,
        help_text="For example 10.1212/WNL.0000000000001234",
    )
    pmid = forms.CharField(label="PMID", max_length=12, required=False, help_text="Digits only")
    url = forms.URLField(label="URL", max_length=500, required=False, assume_scheme="https")

    field_order = ["kind", "title", "source", "year", "authors", "doi", "pmid", "url", "target"]

    def clean_doi(self) -> str:
        raw = self.cleaned_data["doi"].strip()
        doi = normalise_doi(raw)
        if raw and not doi:
            doi = raw  # not a DOI at all: refused below, as typed
        if doi and not DOI_RE.match(doi):
            raise forms.ValidationError(
                "A DOI looks like 10.1000/xyz123: \u201c10.\u201d, a number, a slash, a suffix."
            )
        return doi

    def clean_pmid(self) -> str:
        raw = self.cleaned_data["pmid"].strip()
        pmid = normalise_pmid(raw) or raw
        if pmid and not PMID_RE.match(pmid):
            raise forms.ValidationError("A PMID is a number of up to 8 digits.")
        return pmid

    def reference_data(self) -> ReferenceData:
        data = self.cleaned_data
        return ReferenceData(
            kind=ReferenceKind(data["kind"]),
            title=data["title"],
            source=data["source"],
            year=data["year"],
            authors=data["authors"],
            doi=data["doi"],
            pmid=data["pmid"],
            url=data["url"],
        )


class ReferenceImportForm(forms.Form):
    """A reference list pasted or uploaded; cleaning it reads the list (``entries``)."""

    format = forms.ChoiceField(label="Format", choices=REFERENCE_FORMATS, initial="auto")
    text = forms.CharField(
        label="Paste references",
        required=False,
        strip=False,
        max_length=MAX_INPUT_BYTES,
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        help_text="PubMed (MEDLINE/.nbib), RIS, BibTeX or CSL-JSON; one entry or many "
        f"(at most {limits.MAX_REFERENCES_PER_IMPORT}).",
    )
    file = forms.FileField(
        label="Or choose a file",
        required=False,
        help_text=".nbib, .txt, .ris, .bib or .json, up to 1 MB.",
    )
    shelve = forms.BooleanField(
        label="Add them to this article’s shelf", required=False, initial=True
    )

    def clean(self):
        values = super().clean()
        text, upload = values.get("text") or "", values.get("file")
        if self.errors:
            return values
        if upload is not None and text.strip():
            raise forms.ValidationError("Paste the references or choose a file, not both.")
        if upload is None and not text.strip():
            raise forms.ValidationError("Paste references or choose a file to import.")
        try:
            if upload is not None:
                if upload.size > MAX_INPUT_BYTES:
                    raise ReferenceParseError(
                        f"the file is {upload.size:,} bytes; the limit is {MAX_INPUT_BYTES:,} bytes"
                    )
                self.format_read, self.entries = parse_reference_bytes(
                    upload.read(), values.get("format", "auto")
                )
            else:
                self.format_read, self.entries = parse_references(
                    text, values.get("format", "auto")
                )
        except ReferenceParseError as error:
            raise forms.ValidationError(
                [str(e)[:1].upper() + str(e)[1:] + "." for e in error.errors]
            ) from None
        return values

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.format_read = ""
        self.entries: list[ParsedEntry] = []


class ClaimReviewForm(forms.Form):
    verdict = forms.ChoiceField(
        choices=ClaimReview.Verdict.choices, widget=forms.RadioSelect, label="Verdict"
    )
    comment = forms.CharField(
        label="Comment", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    # The fingerprint of the claim as the reviewer was shown it.
    expected_hash = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)


class TransitionForm(forms.Form):
    """Every input a workflow step may take (``articles.steps``); the step reads its own."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)
    expected_hash = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)
    comment = forms.CharField(
        label="Comment", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})
    )
    summary = forms.CharField(
        label="Public change summary",
        required=False,
        max_length=300,
        help_text="Readers see this line in the review history and the feed; required when "
        "revising an approved article.",
    )
    note = forms.CharField(
        label="Note to the board (private)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Only the desk shows this: for example your reply to the reviewer's comments.",
    )
    confirm_open_threads = forms.BooleanField(
        label="Resubmit although “Needs change” threads are still open", required=False
    )


class ThreadMessageForm(forms.Form):
    """A reply in a claim thread, or the note given with resolving or reopening it."""

    body = forms.CharField(
        label="Message", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2})
    )
    # Which screen the message was written on, so the answer goes back there.
    back = forms.ChoiceField(choices=[("article", "article"), ("review", "review")], required=False)


class DeclarationForm(forms.Form):
    """A reviewer's conflict-of-interest declaration on one article."""

    conflict = forms.ChoiceField(
        label="Do you have a conflict of interest with this article?",
        choices=[
            ("no", "No conflict of interest"),
            ("yes", "I have a conflict of interest (I will not review this article)"),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="What is the conflict?",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required when you declare a conflict; it is kept in the article's record.",
    )


class AssignForm(forms.Form):
    """Who reviews the article, and by when; the reviewers are read from the checked boxes."""

    due_on = forms.DateField(
        label="Due date",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The reviewers are reminded daily once it has passed.",
    )


class AssignmentDueForm(forms.Form):
    """A new due date for one open assignment, and why (the reviewer is told)."""

    due_on = forms.DateField(label="New due date", widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(
        label="Why (optional; the reviewer is told)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AssignmentWithdrawForm(forms.Form):
    """Why an open assignment is withdrawn (the reviewer is told); the service requires it."""

    reason = forms.CharField(
        label="Why it is withdrawn (the reviewer is told)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class TopicsForm(forms.Form):
    """What the article is about, from the board's specialty list."""

    topics = forms.ModelMultipleChoiceField(
        label="Topics",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Reviewers with these specialties are suggested; some topics need more "
        "approvals or an earlier re-review.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"].queryset = Specialty.objects.order_by("name")
