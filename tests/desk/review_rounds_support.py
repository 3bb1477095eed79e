"""Two review rounds built through the services, for the review-round tests."""

from __future__ import annotations

import dataclasses

from articles import services
from articles.models import Claim, ClaimReview, ClaimThread
from articles.permissions import EDITORS_IN_CHIEF
from articles.selectors import article_get_content
from tests.factories import UserFactory, under_review_article

FIRST_COMMENT = "Overstated: the guideline covers adults only."
SECOND_COMMENT = "Which dose? Say it in the plain-language version too."


def make_editor_in_chief(username: str = "chief"):
    return UserFactory(username=username, group=EDITORS_IN_CHIEF)


def fact_claims(article) -> list[Claim]:
    return [c for c in article.claims.all() if c.states_fact]


def first_round(*, editor, reviewer, claims: int = 3):
    """Reviewer sends the article back: two claims "Needs change" with comments, the rest verified."""
    article = under_review_article(by=editor, reviewer=reviewer, claims=claims)
    first, second, *rest = fact_claims(article)
    services.claim_review(
        claim=first, by=reviewer, verdict=ClaimReview.Verdict.NEEDS_CHANGE, comment=FIRST_COMMENT
    )
    services.claim_review(
        claim=second, by=reviewer, verdict=ClaimReview.Verdict.NEEDS_CHANGE, comment=SECOND_COMMENT
    )
    for claim in [c for c in article.claims.all() if c.pk not in (first.pk, second.pk)]:
        services.claim_review(claim=claim, by=reviewer, verdict=ClaimReview.Verdict.VERIFIED)
    services.article_request_changes(article=article, by=reviewer, comment="Two claims to fix.")
    article.refresh_from_db()
    return article


def threads_of(article) -> list[ClaimThread]:
    return list(ClaimThread.objects.filter(article=article).order_by("pk"))


def edit_claim(article, *, by, uid, **changes):
    """Change one claim's fields (text, plain_text, citations...) through the content service."""
    content = article_get_content(article=article)
    claims = tuple(
        dataclasses.replace(c, **changes) if c.uid == str(uid) else c for c in content.claims
    )
    return services.article_replace_content(
        article=article,
        by=by,
        expected_version=article.content_version,
        content=dataclasses.replace(content, claims=claims),
    )


def second_round(*, editor, reviewer, claims: int = 3):
    """The editor answers both threads, fixes the first claim and resubmits; review starts again."""
    article = first_round(editor=editor, reviewer=reviewer, claims=claims)
    first_thread, second_thread = threads_of(article)
    services.thread_reply(thread=first_thread, by=editor, body="Now limited to adults.")
    services.thread_mark_addressed(thread=first_thread, by=editor)
    services.thread_reply(thread=second_thread, by=editor, body="Dose added.", addressed=True)
    article = edit_claim(
        article,
        by=editor,
        uid=first_thread.claim_uid,
        text="In adults, claim 1 states a fact.",
        plain_text="For grown-ups only.",
    )
    services.article_submit(article=article, by=editor)
    services.article_start_review(article=article, by=reviewer)
    article.refresh_from_db()
    return article


def declared_no_conflict(article, reviewer) -> None:
    """A reviewer who declared no conflict earlier in the article's review (the service takes
    declarations only while it is in review; this one is sent back to draft)."""
    from board.models import ConflictDeclaration

    ConflictDeclaration.objects.get_or_create(
        article=article, reviewer=reviewer, defaults={"has_conflict": False}
    )
