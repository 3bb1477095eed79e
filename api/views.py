"""The JSON API: public reads of reviewed articles, and drafting for editors.

Views parse the request, call one selector or service, and render; every error
becomes JSON in api.errors. Review transitions (start review, request changes,
approve) are deliberately absent: they happen at the desk, by people.
"""

from __future__ import annotations

from dataclasses import asdict

from django.utils.cache import get_conditional_response
from drf_spectacular.renderers import OpenApiJsonRenderer2, OpenApiYamlRenderer
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from drf_spectacular.views import SpectacularAPIView
from rest_framework import serializers, status
from rest_framework.exceptions import NotFound
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from api import presenters, selectors
from api.documents import read_document
from api.errors import PROBLEM_TYPES, PreconditionRequired, problem_type_uri
from api.parsers import ArticleDocumentParser
from api.permissions import IsEditor
from api.schema import ARTICLE_DOCUMENT
from api.serializers import (
    DraftSerializer,
    PublicArticleSerializer,
    PublicArticleSummarySerializer,
    SubmitRequestSerializer,
)
from articles import services, steps
from articles.errors import ArticleNotShown, EditConflict
from articles.selectors import article_get_content, article_get_for_reader


class ArticlePagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100


class ArticleListQuery(serializers.Serializer):
    updated_since = serializers.DateTimeField(
        required=False,
        help_text="Only articles whose public content changed at or after this time (ISO 8601).",
    )


class ArticleListView(GenericAPIView):
    permission_classes = [AllowAny]
    pagination_class = ArticlePagination
    serializer_class = PublicArticleSummarySerializer
    error_statuses = {400, 404}

    @extend_schema(
        operation_id="articles_list",
        parameters=[ArticleListQuery],
        responses={200: PublicArticleSummarySerializer(many=True)},
        summary="Reviewed and pending articles",
        description="Approved articles, and pending ones (status submitted / under_review) "
        "when the site shows them. Drafts and retracted articles are never listed.",
    )
    def get(self, request):
        query = ArticleListQuery(data=request.query_params)
        query.is_valid(raise_exception=True)
        articles = selectors.article_list_public(
            updated_since=query.validated_data.get("updated_since")
        )
        page = self.paginate_queryset(articles)
        items = [presenters.public_summary(request, article) for article in page]
        return self.get_paginated_response(self.get_serializer(items, many=True).data)


class ArticleDetailView(APIView):
    permission_classes = [AllowAny]
    error_statuses = {404, 410}

    @extend_schema(
        operation_id="articles_retrieve",
        summary="One article with claims, references and its review record",
        parameters=[
            OpenApiParameter("If-None-Match", str, OpenApiParameter.HEADER, required=False)
        ],
        responses={
            200: PublicArticleSerializer,
            304: OpenApiResponse(
                description="Not modified: the ETag sent still names this content"
            ),
        },
    )
    def get(self, request, slug: str):
        article = selectors.article_get_public_by_slug(slug=slug)
        if article is None:
            raise ArticleNotShown()
        # A retracted article's address is gone (410); articles.visibility decides.
        public = article_get_for_reader(article=article)
        etag = presenters.public_etag(public)
        not_modified = get_conditional_response(request, etag=etag)
        if not_modified is not None:
            return not_modified
        data = PublicArticleSerializer(presenters.public_detail(request, public)).data
        return Response(data, headers={"ETag": etag})


def expected_version(request, article, *, required: bool) -> int | None:
    """The content version named by If-Match ("3", W/"3" or 3), None when absent and optional."""
    value = request.headers.get("If-Match", "").strip()
    if not value or value == "*":
        if required:
            raise PreconditionRequired()
        return None
    tag = value.removeprefix("W/").strip('"')
    if not tag.isdigit() or len(tag) > 12:
        raise EditConflict(
            f"If-Match {value!r} names no version of this draft; send its ETag.",
            current_version=article.content_version,
        )
    return int(tag)


def draft_response(request, article, *, status_code: int = 200) -> Response:
    item = presenters.draft_item(request, article, article_get_content(article=article))
    headers = {"ETag": item.etag}
    if status_code == status.HTTP_201_CREATED:
        headers["Location"] = item.url
    return Response(DraftSerializer(item).data, status=status_code, headers=headers)


PK = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The article's id")
IF_MATCH = OpenApiParameter(
    "If-Match",
    str,
    OpenApiParameter.HEADER,
    required=True,
    description='The draft\'s ETag (its content_version in quotes, e.g. "3") the edit started from.',
)


class DraftListView(APIView):
    permission_classes = [IsEditor]
    parser_classes = [ArticleDocumentParser]
    error_statuses = {400, 401, 403, 413, 415}

    @extend_schema(
        operation_id="drafts_create",
        summary="Create a draft from an article document",
        request={"application/json": ARTICLE_DOCUMENT},
        responses={201: DraftSerializer},
    )
    def post(self, request):
        content = read_document(document_text(request))
        article = services.article_create(
            by=request.user, title=content.title, content=content, reason="Created through the API"
        )
        return draft_response(request, article, status_code=status.HTTP_201_CREATED)


class DraftDetailView(APIView):
    permission_classes = [IsEditor]
    parser_classes = [ArticleDocumentParser]
    error_statuses = {"GET": {403, 404}, "PUT": {400, 403, 404, 409, 413, 415, 428}}

    @extend_schema(
        operation_id="drafts_retrieve",
        summary="A draft as it now stands",
        parameters=[PK],
        responses={200: DraftSerializer},
    )
    def get(self, request, pk: str):
        return draft_response(request, editable_article(pk))

    @extend_schema(
        operation_id="drafts_update",
        summary="Replace a draft's content",
        description="Send the whole document; claims keep their identity by uid. The If-Match "
        "header names the version the edit started from: a later edit by someone else is a 409.",
        parameters=[PK, IF_MATCH],
        request={"application/json": ARTICLE_DOCUMENT},
        responses={200: DraftSerializer},
    )
    def put(self, request, pk: str):
        article = editable_article(pk)
        version = expected_version(request, article, required=True)
        content = read_document(document_text(request))
        services.article_replace_content(
            article=article,
            by=request.user,
            expected_version=version,
            content=content,
            reason="Edited through the API",
        )
        return draft_response(request, article)


class DraftSubmitView(APIView):
    permission_classes = [IsEditor]
    error_statuses = {400, 401, 403, 404, 409, 413, 415}

    @extend_schema(
        operation_id="drafts_submit",
        summary="Submit a draft for board review",
        description="Moves the draft to the review queue (state submitted). Refused with 409 "
        "and the reasons when it is not ready, e.g. uncited claims or unresolved citations.",
        parameters=[PK, OpenApiParameter("If-Match", str, OpenApiParameter.HEADER, required=False)],
        request=SubmitRequestSerializer,
        responses={200: DraftSerializer},
    )
    def post(self, request, pk: str):
        article = editable_article(pk)
        body = SubmitRequestSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        steps.SUBMIT.run(
            article=article,
            by=request.user,
            data={
                **body.validated_data,
                "expected_version": expected_version(request, article, required=False),
            },
        )
        return draft_response(request, article)


def document_text(request) -> str:
    # An empty body arrives as {} from DRF; the parser reports it as not JSON.
    return request.data if isinstance(request.data, str) else ""


def editable_article(pk: str):
    # Ids arrive as text so a malformed one gets this JSON 404, not the site's page.
    article = (
        selectors.article_get_for_editing(pk=int(pk)) if pk.isascii() and pk.isdigit() else None
    )
    if article is None:
        raise NotFound("No article has this id.")
    return article


@extend_schema(exclude=True)
class ProblemTypesView(APIView):
    """Every problem type the API answers with: what each error's ``type`` URI names."""

    permission_classes = [AllowAny]

    def get(self, request):
        types = [
            {"type": problem_type_uri(request, kind.code), **asdict(kind)}
            for kind in sorted(PROBLEM_TYPES.values(), key=lambda kind: (kind.status, kind.code))
        ]
        return Response({"problems": types})


@extend_schema(exclude=True)
class NotFoundView(APIView):
    permission_classes = [AllowAny]

    def http_method_not_allowed(self, request, *args, **kwargs):
        raise NotFound("No API endpoint has this address.")

    def get(self, request, *args, **kwargs):
        raise NotFound("No API endpoint has this address.")


class PlainTextYamlRenderer(OpenApiYamlRenderer):
    media_type = "text/plain"


class SchemaView(SpectacularAPIView):
    """The OpenAPI schema: YAML, or JSON with ``?format=json``, and readable in a browser.

    A browser asks for HTML first and takes anything else; given the schema's own
    media type it saves a file instead of showing it. So a request that accepts
    HTML gets the same YAML as ``text/plain`` (or the JSON as ``application/json``),
    which browsers display; other clients negotiate as before.
    """

    def perform_content_negotiation(self, request, force=False):
        renderer, media_type = super().perform_content_negotiation(request, force)
        if "text/html" not in request.META.get("HTTP_ACCEPT", ""):
            return renderer, media_type
        shown = OpenApiJsonRenderer2() if renderer.format == "json" else PlainTextYamlRenderer()
        return shown, shown.media_type
