"""``GET /api/answers/``: reviewed claims that answer a question, verbatim, with their proof.

The same answer as the follow-up form on the article pages (``answers.selectors``):
only claims of approved versions readers are shown, each with its article,
citations, reviewer and review date, and nothing written for the occasion.
"""

from __future__ import annotations

import hashlib
import json

from django.utils.cache import get_conditional_response, patch_cache_control
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from answers.selectors import Answer, answer_get, min_score
from answers.views import MAX_QUESTION
from public import page
from public.page import site_url


class AnswerQuery(serializers.Serializer):
    q = serializers.CharField(
        max_length=MAX_QUESTION, help_text="The reader's question, in their own words."
    )
    audience = serializers.ChoiceField(
        choices=sorted(page.AUDIENCES),
        default=page.DEFAULT_AUDIENCE,
        help_text="Whose wording to answer in: the professional text or the plain-language one.",
    )

    def validate_q(self, value: str) -> str:
        # NUL cannot be stored or searched on PostgreSQL; it is never meaningful.
        value = value.replace("\x00", "").strip()
        if not value:
            raise serializers.ValidationError("Write a question.")
        return value


class AnswerCitationSerializer(serializers.Serializer):
    number = serializers.IntegerField(help_text="The reference's number in its article.")
    title = serializers.CharField()
    source = serializers.CharField(allow_blank=True)
    year = serializers.IntegerField(allow_null=True)
    doi = serializers.CharField(allow_blank=True)
    pmid = serializers.CharField(allow_blank=True)
    url = serializers.CharField(allow_blank=True, help_text="The source's own address, if any.")
    reference_url = serializers.CharField(help_text="The reference in its article's list.")


class AnswerArticleSerializer(serializers.Serializer):
    slug = serializers.CharField()
    question = serializers.CharField(help_text="The article's question, as approved.")
    url = serializers.CharField()


class AnswerClaimSerializer(serializers.Serializer):
    text = serializers.CharField(help_text="The approved claim, word for word.")
    score = serializers.FloatField(help_text="How much of the question it covers, 0 to 1.")
    number = serializers.IntegerField(help_text="The claim's place in its article.")
    section = serializers.CharField(allow_blank=True, help_text="The heading it stands under.")
    article = AnswerArticleSerializer()
    citations = AnswerCitationSerializer(many=True)
    reviewer = serializers.CharField(help_text="The board reviewer who verified the claim.")
    reviewed_on = serializers.DateField()


class AnswerSerializer(serializers.Serializer):
    question = serializers.CharField()
    audience = serializers.CharField()
    answered = serializers.BooleanField(
        help_text="False when no reviewed claim reaches the threshold: there is no answer yet."
    )
    threshold = serializers.FloatField()
    urgent = serializers.BooleanField(help_text="The question suggests an emergency.")
    urgent_notice = serializers.ListField(child=serializers.CharField())
    disclaimer = serializers.ListField(child=serializers.CharField())
    claims = AnswerClaimSerializer(many=True)


def answer_data(answer: Answer, *, threshold: float) -> dict:
    """The answer as the API shows it: absolute links to each article and reference."""
    claims = []
    for match in answer.shown:
        entry = match.entry
        url = site_url(entry.article.get_absolute_url())
        if answer.audience == "patient":
            url += "?audience=patient"
        claims.append(
            {
                "text": entry.text,
                "score": match.score,
                "number": entry.number,
                "section": entry.section,
                "article": {"slug": entry.article.slug, "question": entry.question, "url": url},
                "citations": [
                    {**cite, "reference_url": f"{url}#ref-{cite['number']}"}
                    for cite in entry.citations
                ],
                "reviewer": entry.reviewer,
                "reviewed_on": entry.reviewed_on,
            }
        )
    return {
        "question": answer.question,
        "audience": answer.audience,
        "answered": answer.answered,
        "threshold": threshold,
        "urgent": answer.urgent,
        "urgent_notice": answer.urgent_notice,
        "disclaimer": answer.disclaimer,
        "claims": claims,
    }


class AnswerView(APIView):
    permission_classes = [AllowAny]
    error_statuses = {400}

    @extend_schema(
        operation_id="answers_retrieve",
        summary="Reviewed claims that answer a question",
        description="Up to three claims the board verified, quoted verbatim from approved "
        "articles, best first. `answered` is false when none reaches the threshold: there is "
        "no reviewed answer yet. Drafts, pending submissions and retracted articles are never "
        "used. An emergency question carries the urgent-care notice; every answer carries the "
        "disclaimer.",
        parameters=[
            AnswerQuery,
            OpenApiParameter("If-None-Match", str, OpenApiParameter.HEADER, required=False),
        ],
        responses={
            200: AnswerSerializer,
            304: OpenApiResponse(description="Not modified: the ETag sent still names this answer"),
        },
    )
    def get(self, request):
        query = AnswerQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        answer = answer_get(
            question=query.validated_data["q"], audience=query.validated_data["audience"]
        )
        data = AnswerSerializer(answer_data(answer, threshold=min_score())).data
        # The answer changes only with the index (an approval, a retraction) or the site's
        # texts: readers' caches revalidate it with a cheap 304, like the public pages.
        etag = (
            '"' + hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:32] + '"'
        )
        not_modified = get_conditional_response(request, etag=etag)
        if not_modified is not None:
            return not_modified
        response = Response(data, headers={"ETag": etag})
        patch_cache_control(response, public=True, no_cache=True, max_age=0)
        return response
