"""Shapes of the API's responses and small request bodies (DRF serializers).

Article documents sent by drafting tools are read by the interchange format's
own parser (``articles.interchange.parse_json``), not by a serializer here, so
one definition of the format serves imports, exports and the API alike.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from articles.content import ClaimKind, ReferenceKind
from articles.evidence import EvidenceLevel
from articles.states import ArticleState

PUBLIC_STATUSES = ["approved", ArticleState.SUBMITTED.value, ArticleState.UNDER_REVIEW.value]


class ProblemFieldSerializer(serializers.Serializer):
    path = serializers.CharField(
        help_text='JSON path of the value at fault, e.g. "$.claims[3].text"'
    )
    message = serializers.CharField()


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details, with the problem's machine code and extension members."""

    type = serializers.CharField(
        help_text="URI of the problem type, documented at /api/problems/ (about:blank for "
        "plain HTTP errors)"
    )
    title = serializers.CharField(help_text="Short summary of the problem type")
    status = serializers.IntegerField(help_text="The HTTP status code")
    detail = serializers.CharField(help_text="What went wrong this time, for the user")
    code = serializers.CharField(
        help_text="Machine-readable problem type, e.g. invalid_article, edit_conflict, retracted"
    )
    fields = ProblemFieldSerializer(
        many=True, required=False, help_text="The values at fault (codes invalid, invalid_article)."
    )
    reasons = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="Why a step is refused, one sentence each (code conditions_not_met).",
    )
    current_version = serializers.IntegerField(
        required=False, help_text="The draft's content version now (code edit_conflict)."
    )
    changes = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text="What changed since the edit started, when known (code edit_conflict).",
    )


class PersonSerializer(serializers.Serializer):
    """A board member as readers see them: name and credentials."""

    name = serializers.SerializerMethodField()
    credentials = serializers.SerializerMethodField()

    @staticmethod
    def _profile(user):
        try:
            return user.board_profile
        except user._meta.model.board_profile.RelatedObjectDoesNotExist:
            return None

    def get_name(self, user) -> str:
        profile = self._profile(user)
        return profile.name if profile else (user.get_full_name() or user.get_username())

    def get_credentials(self, user) -> str:
        profile = self._profile(user)
        return profile.credentials if profile else ""


class ReviewRecordSerializer(serializers.Serializer):
    """Who approved the version shown, when, and under which editorial policy."""

    revision = serializers.IntegerField()
    approved_at = serializers.DateTimeField()
    approved_by = PersonSerializer()
    reviewers = PersonSerializer(many=True, source="reviewers.all")
    policy_version = serializers.IntegerField(
        source="policy.version", allow_null=True, default=None
    )
    change_summary = serializers.CharField()
    evidence_scale_version = serializers.IntegerField(
        allow_null=True,
        help_text="The version of the evidence scale (GRADE certainty, defined on the editorial "
        "policy page) the claims' levels were verified under; null when no claim has one",
    )


class PassageSerializer(serializers.Serializer):
    number = serializers.IntegerField(help_text="The cited reference number it is quoted from")
    quote = serializers.CharField(help_text="The passage of the source that supports the claim")
    locator = serializers.CharField(
        help_text="Where it is in the source (page, table); may be empty"
    )


class VerificationSerializer(serializers.Serializer):
    verified_by = serializers.CharField(
        help_text="The board reviewer whose verdict counted, named as credited at approval"
    )
    verified_at = serializers.DateTimeField(help_text="When they verified the claim")


class ClaimSerializer(serializers.Serializer):
    uid = serializers.CharField(help_text="Stable identity of the claim across revisions")
    kind = serializers.ChoiceField(choices=[k.value for k in ClaimKind])
    text = serializers.CharField()
    level = serializers.IntegerField(min_value=0, help_text="Nesting depth of a list item")
    citations = serializers.ListField(
        child=serializers.IntegerField(), help_text="Reference numbers cited, in order"
    )
    needs_no_citation = serializers.BooleanField()
    plain_text = serializers.CharField(help_text="Plain-language version, may be empty")
    evidence = serializers.ChoiceField(
        choices=["", *EvidenceLevel.values],
        help_text="GRADE certainty of the evidence behind the claim, as the board verified it; "
        "empty when none is given (always for headings and claims that need no reference)",
    )
    passages = PassageSerializer(
        many=True, help_text="Quoted passages of the cited sources, one per reference at most"
    )
    verification = VerificationSerializer(
        allow_null=True,
        help_text="Who verified the claim and when, recorded when the version was approved; "
        "null while the article is pending review (nothing is verified yet)",
    )


class ReferenceSerializer(serializers.Serializer):
    number = serializers.IntegerField(help_text="The number claims cite it by")
    kind = serializers.ChoiceField(choices=[k.value for k in ReferenceKind])
    title = serializers.CharField()
    source = serializers.CharField()
    year = serializers.IntegerField()
    authors = serializers.CharField()
    doi = serializers.CharField()
    pmid = serializers.CharField()
    url = serializers.CharField()


class _PublicStatusMixin(serializers.Serializer):
    status = serializers.ChoiceField(
        choices=PUBLIC_STATUSES,
        help_text="approved: reviewed by the Medical Advisory Board. submitted / under_review: "
        "pending review, not yet approved; show it as such.",
    )
    is_approved = serializers.BooleanField()


class PublicArticleSummarySerializer(_PublicStatusMixin):
    slug = serializers.SlugField()
    title = serializers.CharField()
    display_heading = serializers.CharField()
    last_updated = serializers.DateField(allow_null=True)
    updated_at = serializers.DateTimeField(
        allow_null=True, help_text="When the public content last changed (use with updated_since)"
    )
    url = serializers.CharField(help_text="The API address of the article")
    web_url = serializers.CharField(help_text="The public page of the article")
    review = ReviewRecordSerializer(allow_null=True, help_text="Null while pending review")


class PublicArticleSerializer(PublicArticleSummarySerializer):
    claims = ClaimSerializer(many=True)
    references = ReferenceSerializer(many=True)


class DraftSerializer(serializers.Serializer):
    """An article as its editors work on it through the API."""

    id = serializers.IntegerField()
    slug = serializers.SlugField()
    state = serializers.ChoiceField(choices=ArticleState.values)
    revision = serializers.IntegerField()
    content_version = serializers.IntegerField(
        help_text='Send it back as If-Match: "<content_version>" when updating'
    )
    etag = serializers.CharField()
    url = serializers.CharField()
    unresolved_citations = serializers.ListField(child=serializers.IntegerField())
    document = serializers.SerializerMethodField(
        help_text="The article in the interchange JSON format, as it now stands"
    )

    @extend_schema_field({"$ref": "#/components/schemas/ArticleDocument"})
    def get_document(self, draft) -> dict:
        return draft.document


class SubmitRequestSerializer(serializers.Serializer):
    summary = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=300,
        default="",
        help_text="Public: one line on what this revision changes, shown to readers in the "
        "review history and the feed (required for a new revision of an approved article)",
    )
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=5000,
        default="",
        help_text="Private: a note to the board (for example a reply to their comments), "
        "shown only at the desk",
    )
    confirm_open_threads = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Resubmit although board reviewers' “Needs change” threads are still open "
        "(not marked addressed); without it such a submission is refused with 400",
    )
