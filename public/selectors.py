"""Reads for the public site: what a reader may see, and everything the page shows.

Each page calls a fixed handful of selectors, so its query count does not grow
with the size of an article (the article page's budget is pinned in
tests/public/test_article_queries.py).
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass, field

from django.db.models import F, FilteredRelation, Prefetch, Q, QuerySet
from django.db.models.fields.json import KeyTextTransform
from django.utils import timezone

from articles import steps
from articles.content import ArticleContent, CitedPassage, ClaimData, ClaimKind, ReferenceData
from articles.evidence import LevelWords, scale_for
from articles.models import Article, ArticleTransition, ArticleVersion, EditorialPolicy
from articles.selectors import policy_get_in_force
from articles.visibility import approved_visible_q, visible_q
from board.models import BoardMember, Credential, Specialty
from public.models import SiteText
from public.prepared import NUMBER_MARKER, TEXT_MARKER, PreparedQuery
from screening import selectors as screening_selectors

# -- Which article a reader asks for (what they see of it: articles.selectors) ------


# What the page never reads of the approved version it shows (its history reads its own).
VERSION_NOT_SHOWN = ("content", "claim_verifications", "comment", "approval_rule", "declarations")


def article_get_by_slug(*, slug: str, audience: str | None = None) -> Article | None:
    """The article with everything its page header needs joined in (1 query).

    With ``audience``, the stored text of its approved version for that audience
    comes in the same row (``stored_body_*``, read by ``public.page.article_body``).
    """
    # Slugs are unique: no ordering, at most one row.
    article = _article_page_query(audience).first(slug)
    if article is not None and audience is not None:
        article.stored_body_audience = audience  # what stored_body_* were read for
    return article


# The article page's queries are the same for every article but the one it asks for: the
# SQL of each is built once per process and database (``public.prepared``).
@functools.cache
def _article_page_query(audience: str | None) -> PreparedQuery:
    rows = _article_page_rows(audience)
    return PreparedQuery(Article, lambda slug: rows.filter(slug=slug), marker=TEXT_MARKER)


def _article_page_rows(audience: str | None) -> QuerySet[Article]:
    articles = (
        Article.objects.select_related("published_version__policy")
        .annotate(**screening_selectors.notice_stamp_annotation())  # read by page_notices
        # An approved snapshot's text is read only to render it once (public.rendered); the
        # page shows the policy's number and address, never its text.
        .defer(*(f"published_version__{name}" for name in VERSION_NOT_SHOWN))
        .defer("published_version__policy__body", "published_version__policy__title")
    )
    if audience is None:
        return articles
    return articles.annotate(
        shown_body=FilteredRelation(
            "published_version__rendered_bodies",
            condition=Q(published_version__rendered_bodies__audience=audience),
        ),
        stored_body_template=F("shown_body__template_version"),
        stored_body_html=F("shown_body__html"),
        stored_body_facts=F("shown_body__facts"),
    )


def article_get_retraction(*, article: Article) -> ArticleTransition | None:
    """The retraction that took the article down, with its reason (1 query)."""
    return (
        article.transitions.filter(name=steps.RETRACT.name).order_by("-created_at", "-pk").first()
    )


# -- Site furniture that every article page shows --------------------------------


@dataclass(frozen=True)
class PageFurniture:
    policy: EditorialPolicy | None
    disclaimer: str  # for healthcare professionals
    patient_disclaimer: str = SiteText.DEFAULTS[SiteText.PATIENT_DISCLAIMER]

    def disclaimer_for(self, audience: str) -> str:
        return self.patient_disclaimer if audience == "patient" else self.disclaimer


def page_furniture() -> PageFurniture:
    """The policy in force and the disclaimer texts for each audience (2 queries)."""
    keys = (SiteText.DISCLAIMER, SiteText.PATIENT_DISCLAIMER)
    stored = dict(SiteText.objects.filter(key__in=keys).values_list("key", "text"))
    texts = {key: stored.get(key) or SiteText.DEFAULTS[key] for key in keys}
    return PageFurniture(
        policy=policy_get_in_force(),
        disclaimer=texts[SiteText.DISCLAIMER],
        patient_disclaimer=texts[SiteText.PATIENT_DISCLAIMER],
    )


# -- The body of an article, shaped for the template ------------------------------


@dataclass
class Cite:
    number: int
    resolved: bool
    anchor: str = ""  # the id of this citation mark, the target of the reference's back link


@dataclass(frozen=True)
class Provenance:
    """What an approved version says of how its claims were checked (``ArticleVersion``)."""

    verifications: dict  # ``ArticleVersion.claim_verifications``
    scale_version: int | None = None


@dataclass
class ClaimProof:
    """What one claim's disclosure shows: its evidence, its passages, who verified it and when."""

    number: int  # the claim's place among the article's claims, 1..n
    level: str
    words: LevelWords | None
    passages: tuple[CitedPassage, ...]
    cited: tuple[int, ...]  # resolved reference numbers: retraction notices go beside them
    no_reference: bool
    verified_by: str = ""
    member_id: int | None = None
    verified_on: datetime.date | None = None


def claim_proof(claim: ClaimData, number: int, provenance: Provenance, references: int):
    """The disclosure of a fact-stating claim of an approved version, or None for a heading."""
    if not claim.states_fact:
        return None
    verified = provenance.verifications.get(claim.uid) or {}
    at = verified.get("at")
    return ClaimProof(
        number=number,
        level=claim.evidence,
        words=scale_for(provenance.scale_version).words(claim.evidence),
        passages=tuple(p for p in claim.passages if 1 <= p.number <= references),
        cited=tuple(dict.fromkeys(n for n in claim.citations if 1 <= n <= references)),
        no_reference=claim.needs_no_citation,
        verified_by=verified.get("reviewer", ""),
        member_id=verified.get("member_id"),
        verified_on=datetime.datetime.fromisoformat(at).date() if at else None,
    )


@dataclass
class Block:
    """A heading or paragraph, or a list whose items may hold nested lists."""

    kind: str  # heading, subheading, paragraph, ul, ol
    text: str = ""
    cites: list[Cite] = field(default_factory=list)
    items: list[Block] = field(default_factory=list)  # list items, for ul/ol
    children: list[Block] = field(default_factory=list)  # nested lists of a list item
    plain: bool = False  # the text shown is the plain-language version
    proof: ClaimProof | None = None  # approved versions only: how the claim was checked


@dataclass
class ReferenceEntry:
    number: int
    data: ReferenceData
    backlinks: list[str] = field(default_factory=list)

    @property
    def doi_url(self) -> str:
        return f"https://doi.org/{self.data.doi}" if self.data.doi else ""

    @property
    def pmid_url(self) -> str:
        return f"https://pubmed.ncbi.nlm.nih.gov/{self.data.pmid}/" if self.data.pmid else ""


@dataclass
class ArticleBody:
    blocks: list[Block]
    references: list[ReferenceEntry]
    unresolved: list[int]
    has_plain_language: bool


def _list_tag(claim: ClaimData) -> str:
    return "ol" if claim.kind == ClaimKind.NUMBERED else "ul"


def article_body(
    *, content: ArticleContent, audience: str, provenance: Provenance | None = None
) -> ArticleBody:
    """Group claims into headings, paragraphs and nested lists; number the citations.

    With the ``provenance`` of an approved version, each fact-stating claim carries its
    disclosure; working content (pending, previews) has none, since nobody has verified
    it yet.
    """
    references = [
        ReferenceEntry(number=i, data=r) for i, r in enumerate(content.references, start=1)
    ]
    unresolved: list[int] = []
    blocks: list[Block] = []
    # The open lists, outermost first: (level, list block).
    open_lists: list[tuple[int, Block]] = []
    patient = audience == "patient"
    has_plain = False

    for number, claim in enumerate(content.claims, start=1):
        has_plain = has_plain or bool(claim.plain_text)
        use_plain = patient and bool(claim.plain_text)
        cites = []
        for cited in claim.citations:
            if 1 <= cited <= len(references):
                entry = references[cited - 1]
                anchor = f"cite-{cited}-{len(entry.backlinks) + 1}"
                entry.backlinks.append(anchor)
                cites.append(Cite(number=cited, resolved=True, anchor=anchor))
            else:
                cites.append(Cite(number=cited, resolved=False))
                if cited not in unresolved:
                    unresolved.append(cited)
        block = Block(
            kind=claim.kind.value,
            text=claim.plain_text if use_plain else claim.text,
            cites=cites,
            plain=use_plain,
            proof=claim_proof(claim, number, provenance, len(references)) if provenance else None,
        )
        if not claim.kind.is_list_item:
            open_lists.clear()
            blocks.append(block)
            continue
        block.kind = "li"
        tag = _list_tag(claim)
        # Close lists deeper than this item, or of another kind at its level.
        while open_lists and (
            open_lists[-1][0] > claim.level
            or (open_lists[-1][0] == claim.level and open_lists[-1][1].kind != tag)
        ):
            open_lists.pop()
        if open_lists and open_lists[-1][0] == claim.level:
            open_lists[-1][1].items.append(block)
            continue
        new_list = Block(kind=tag, items=[block])
        parent = open_lists[-1][1] if open_lists else None
        if parent is not None and parent.items:
            parent.items[-1].children.append(new_list)
        else:
            blocks.append(new_list)
        open_lists.append((claim.level, new_list))

    return ArticleBody(
        blocks=blocks,
        references=references,
        unresolved=sorted(unresolved),
        has_plain_language=has_plain,
    )


# -- Review history, board, policy ----------------------------------------------


# What the page shows of a reviewer: their name, or their board profile's name and credentials.
PERSON_SHOWN = (
    "username",
    "first_name",
    "last_name",
    "board_profile__name",
    "board_profile__credentials",
)


def article_list_review_history(*, article: Article) -> list[ArticleVersion]:
    """Every approved version, newest first, with its approving reviewer (1 query)."""
    return _review_history_query().list(article.pk)


@functools.cache
def _review_history_query() -> PreparedQuery:
    rows = (
        ArticleVersion.objects.select_related("approved_by__board_profile")
        .only(
            "approved_at",
            "change_summary",
            "declarations",
            *(f"approved_by__{name}" for name in PERSON_SHOWN),
        )
        .order_by("-approved_at", "-pk")
    )
    return PreparedQuery(
        ArticleVersion, lambda article_id: rows.filter(article_id=article_id), marker=NUMBER_MARKER
    )


@dataclass(frozen=True)
class ReviewerCredit:
    """A board reviewer credited on a published version: who verified or approved it."""

    user: object
    profile: BoardMember | None

    @property
    def name(self) -> str:
        if self.profile is not None:
            return f"{self.profile.name}, {self.profile.credentials}"
        return self.user.get_full_name() or self.user.get_username()


def version_list_credits(*, version: ArticleVersion) -> list[ReviewerCredit]:
    """Every board reviewer who verified or approved ``version``, the final approver first (1 query)."""
    rows = _credit_query().list(version.pk)
    credits = [ReviewerCredit(user=row.user, profile=reviewer_profile(row.user)) for row in rows]
    credits.sort(key=lambda credit: credit.user.pk != version.approved_by_id)
    return credits


@functools.cache
def _credit_query() -> PreparedQuery:
    # Read through the reviewers' table: a user has no way back to the versions it reviewed.
    reviewers = ArticleVersion.reviewers.through
    rows = (
        reviewers.objects.select_related("user__board_profile")
        .only(*(f"user__{name}" for name in PERSON_SHOWN))
        .order_by("user__last_name", "user_id")
    )
    return PreparedQuery(
        reviewers,
        lambda version_id: rows.filter(articleversion_id=version_id),
        marker=NUMBER_MARKER,
    )


def reviewer_profile(user) -> BoardMember | None:
    """The board profile of a reviewer, when joined in already (no query)."""
    if user is None:
        return None
    try:
        return user.board_profile
    except BoardMember.DoesNotExist:
        return None


def board_list_active() -> QuerySet[BoardMember]:
    """Active Medical Advisory Board members, by name, with specialties and credentials (3 queries)."""
    return (
        BoardMember.objects.filter(is_active=True)
        .prefetch_related(
            Prefetch("specialties", queryset=Specialty.objects.order_by("name")),
            Prefetch("credential_records", queryset=Credential.objects.order_by("name", "pk")),
        )
        .order_by("name")
    )


def policy_list_effective() -> list[EditorialPolicy]:
    """Policy versions already in effect, newest first; the first is the one in force."""
    return list(
        EditorialPolicy.objects.filter(effective_date__lte=timezone.localdate()).order_by(
            "-version"
        )
    )


def policy_get_effective(*, version: int) -> EditorialPolicy | None:
    """One policy version, if it has taken effect (future versions are not public yet)."""
    return EditorialPolicy.objects.filter(
        version=version, effective_date__lte=timezone.localdate()
    ).first()


# -- Lists: home, sitemap, feed (search is public.search) --------------------------


def article_list_public() -> QuerySet[Article]:
    """Approved and (unless hidden by setting) pending articles, most recently updated first.

    Read from the search entries ``articles.services`` keeps of what readers
    are shown: an approved article is listed under its approved title and date,
    never a revision's working ones. Walks the entries' (date, article) index.
    """
    return (
        Article.objects.filter(visible_q(), search_entry__isnull=False)
        .annotate(
            shown_title=F("search_entry__title"),
            shown_heading=F("search_entry__display_heading"),
            shown_updated=F("search_entry__shown_updated"),
        )
        .only("pk", "slug", "state", "published_version_id")
        .order_by("-search_entry__shown_updated", "-search_entry__article_id")
    )


def article_list_approved() -> QuerySet[Article]:
    """Articles with an approved version readers see, for the sitemap."""
    return (
        Article.objects.filter(approved_visible_q())
        .select_related("published_version")
        .defer("published_version__content")
        .order_by("-published_version__approved_at", "-pk")
    )


def version_list_recent_approvals(*, limit: int = 50) -> QuerySet[ArticleVersion]:
    """The latest approvals of articles still published, newest first, for the feed."""
    return (
        ArticleVersion.objects.filter(approved_visible_q(prefix="article__"))
        .select_related("article", "approved_by__board_profile")
        .annotate(shown_title=KeyTextTransform("title", "content"))
        .defer("content")
        .order_by("-approved_at", "-pk")[:limit]
    )
