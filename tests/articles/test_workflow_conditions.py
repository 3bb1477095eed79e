"""Submit and approve conditions, the conflict-of-interest rule, required comments."""

import dataclasses

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings

from articles import readiness, services, steps
from articles.content import ClaimData, ClaimKind
from articles.errors import ConditionsNotMet
from articles.models import ArticleApproval, ClaimReview
from articles.selectors import article_get_content
from articles.workflow import ArticleState
from tests.factories import (
    declare_no_conflict,
    draft_article,
    make_reviewer,
    sample_content,
    submitted_article,
    under_review_article,
    verify_all_claims,
)

pytestmark = pytest.mark.django_db


def reasons_for_submit(article, editor) -> list[str]:
    with pytest.raises(ConditionsNotMet) as refused:
        services.article_submit(article=article, by=editor)
    article.refresh_from_db()
    assert article.state == ArticleState.DRAFT
    return refused.value.reasons


def test_submit_needs_at_least_one_claim(editor):
    article = services.article_create(by=editor, title="Is it safe?")
    assert reasons_for_submit(article, editor) == ["The article has no claims yet."]


def test_title_is_required(editor):
    with pytest.raises(ValidationError):
        services.article_create(by=editor, title="   ")


def test_submit_needs_every_fact_claim_cited(editor):
    content = sample_content()
    uncited = ClaimData(kind=ClaimKind.PARAGRAPH, text="An uncited statement.")
    article = draft_article(
        by=editor, content=dataclasses.replace(content, claims=(*content.claims, uncited))
    )
    assert reasons_for_submit(article, editor) == [readiness.every_fact_claim_is_cited.message]


def test_a_claim_marked_as_needing_no_citation_may_be_submitted(editor):
    content = sample_content()
    exempt = ClaimData(kind=ClaimKind.PARAGRAPH, text="Ask your doctor.", needs_no_citation=True)
    article = draft_article(
        by=editor, content=dataclasses.replace(content, claims=(*content.claims, exempt))
    )
    services.article_submit(article=article, by=editor)
    assert article.state == ArticleState.SUBMITTED


def test_headings_never_need_a_citation(editor):
    content = sample_content()
    assert content.claims[0].kind == ClaimKind.HEADING and not content.claims[0].citations
    services.article_submit(article=draft_article(by=editor, content=content), by=editor)


def test_unresolved_citation_blocks_submit_and_is_kept(editor):
    content = sample_content(references=2)
    dangling = ClaimData(kind=ClaimKind.BULLET, text="Cites a missing reference.", citations=(1, 7))
    article = draft_article(
        by=editor, content=dataclasses.replace(content, claims=(*content.claims, dangling))
    )
    reasons = reasons_for_submit(article, editor)
    assert reasons == [readiness.has_no_unresolved_citation.message]
    stored = article.claims.get(text="Cites a missing reference.").citations.all()
    assert [(c.reference is not None, c.unresolved_label) for c in stored] == [
        (True, ""),
        (False, "7"),
    ]


def test_imported_article_with_unresolved_citations_is_submitted_but_cannot_be_approved(
    editor, reviewer
):
    content = sample_content(references=1)
    dangling = ClaimData(kind=ClaimKind.BULLET, text="Unresolved.", citations=(4,))
    article = draft_article(
        by=editor, content=dataclasses.replace(content, claims=(*content.claims, dangling))
    )
    services.article_receive_import(article=article, by=editor, note="Imported from seed.txt")
    declare_no_conflict(article, reviewer)
    services.article_start_review(article=article, by=reviewer)
    verify_all_claims(article, reviewer)
    with pytest.raises(ConditionsNotMet) as refused:
        services.article_approve(article=article, by=reviewer)
    assert readiness.has_no_unresolved_citation.message in refused.value.reasons
    article.refresh_from_db()
    assert article.state == ArticleState.UNDER_REVIEW


def test_approve_needs_every_claim_and_heading_verified_as_it_now_reads(editor, reviewer, policy):
    article = under_review_article(by=editor, reviewer=reviewer)
    claims = list(article.claims.all())
    assert not claims[0].states_fact  # the heading is signed off like the rest
    for claim in claims[:-1]:
        services.claim_review(claim=claim, by=reviewer, verdict=ClaimReview.Verdict.VERIFIED)
    with pytest.raises(ConditionsNotMet):
        services.article_approve(article=article, by=reviewer)
    services.claim_review(
        claim=claims[-1], by=reviewer, verdict=ClaimReview.Verdict.NEEDS_CHANGE, comment="Dose?"
    )
    with pytest.raises(ConditionsNotMet):
        services.article_approve(article=article, by=reviewer)
    services.claim_review(claim=claims[-1], by=reviewer, verdict=ClaimReview.Verdict.VERIFIED)
    services.article_approve(article=article, by=reviewer)
    assert article.state == ArticleState.APPROVED


def test_a_verification_lapses_when_the_claim_is_reworded(editor, reviewer, policy):
    article = under_review_article(by=editor, reviewer=reviewer)
    verify_all_claims(article, reviewer)
    services.article_request_changes(article=article, by=reviewer, comment="Tighten claim 1.")
    content = article_get_content(article=article)
    reworded = tuple(
        dataclasses.replace(c, text="Claim 1 states a narrower fact.")
        if c.text == "Claim 1 states a fact."
        else c
        for c in content.claims
    )
    services.article_replace_content(
        article=article,
        by=editor,
        expected_version=article.content_version,
        content=dataclasses.replace(content, claims=reworded),
    )
    services.article_submit(article=article, by=editor)
    declare_no_conflict(article, reviewer)
    services.article_start_review(article=article, by=reviewer)
    assert [s.verified for s in readiness.claim_summaries(article)].count(False) == 1
    with pytest.raises(ConditionsNotMet):
        services.article_approve(article=article, by=reviewer)


def test_a_reviewer_who_edited_the_revision_may_not_approve_it(editor, policy):
    # A board member who also holds editor rights and touched the draft.
    both = make_reviewer("dual")
    both.groups.add(editor.groups.first())
    article = draft_article(by=editor)
    services.article_update(
        article=article, by=both, expected_version=article.content_version, display_heading="Edited"
    )
    services.article_submit(article=article, by=editor)
    declare_no_conflict(article, both)
    services.article_start_review(article=article, by=both)
    # Conflict of interest covers verification too: not one item can be verified by them.
    for claim in article.claims.all():
        with pytest.raises(PermissionDenied):
            services.claim_review(claim=claim, by=both, verdict=ClaimReview.Verdict.VERIFIED)
    assert not ClaimReview.objects.filter(claim__article=article).exists()
    verify_all_claims(article, make_reviewer("independent"))
    with pytest.raises(PermissionDenied):
        services.article_approve(article=article, by=both)
    assert steps.APPROVE not in steps.open_to(both, article)
    article.refresh_from_db()
    assert article.state == ArticleState.UNDER_REVIEW


def test_the_author_of_the_previous_revision_may_approve_a_revision_by_someone_else(
    editor, other_editor, policy
):
    dual = make_reviewer("dual")
    dual.groups.add(editor.groups.first())
    article = draft_article(by=dual)
    services.article_submit(article=article, by=dual)
    reviewer = make_reviewer("independent")
    declare_no_conflict(article, reviewer)
    services.article_start_review(article=article, by=reviewer)
    verify_all_claims(article, reviewer)
    services.article_approve(article=article, by=reviewer)
    services.article_revise(article=article, by=other_editor)
    services.article_submit(article=article, by=other_editor, summary="Nothing changed.")
    declare_no_conflict(article, dual)
    services.article_start_review(article=article, by=dual)
    services.article_approve(article=article, by=dual)
    assert article.state == ArticleState.APPROVED


@pytest.mark.parametrize("comment", ["", "   "])
def test_request_changes_needs_a_comment(editor, reviewer, comment):
    article = under_review_article(by=editor, reviewer=reviewer)
    with pytest.raises(ValidationError):
        services.article_request_changes(article=article, by=reviewer, comment=comment)
    article.refresh_from_db()
    assert article.state == ArticleState.UNDER_REVIEW


def test_retract_needs_a_comment(editor, site_admin):
    article = submitted_article(by=editor)
    with pytest.raises(ValidationError):
        services.article_retract(article=article, by=site_admin, comment="")
    article.refresh_from_db()
    assert article.state == ArticleState.SUBMITTED


def test_start_review_assigns_the_reviewer(editor, reviewer):
    article = under_review_article(by=editor, reviewer=reviewer)
    article.refresh_from_db()
    assert article.assigned_reviewer == reviewer


def test_revising_an_approved_article_needs_a_summary_at_submit(editor, reviewer, policy):
    article = under_review_article(by=editor, reviewer=reviewer)
    verify_all_claims(article, reviewer)
    services.article_approve(article=article, by=reviewer)
    services.article_revise(article=article, by=editor)
    with pytest.raises(ValidationError):
        services.article_submit(article=article, by=editor, summary="")
    services.article_submit(article=article, by=editor, summary="Clarified the dosing.")
    assert article.change_summary == "Clarified the dosing."


@override_settings(REQUIRED_APPROVALS=2)
def test_two_required_approvals_need_two_different_reviewers(
    editor, reviewer, other_reviewer, policy
):
    article = under_review_article(by=editor, reviewer=reviewer)
    verify_all_claims(article, reviewer)
    services.article_approve(article=article, by=reviewer)
    assert article.state == ArticleState.UNDER_REVIEW
    services.article_approve(article=article, by=reviewer)  # the same reviewer again counts once
    assert article.state == ArticleState.UNDER_REVIEW
    assert ArticleApproval.objects.filter(article=article).count() == 1
    declare_no_conflict(article, other_reviewer)
    services.article_approve(article=article, by=other_reviewer)
    article.refresh_from_db()
    assert article.state == ArticleState.APPROVED
    assert set(article.published_version.reviewers.all()) == {reviewer, other_reviewer}


def test_content_changes_only_in_draft(editor, reviewer):
    from articles.errors import ContentLocked

    article = submitted_article(by=editor)
    with pytest.raises(ContentLocked):
        services.article_update(
            article=article, by=editor, expected_version=article.content_version, title="New?"
        )
    with pytest.raises(ContentLocked):
        services.article_replace_content(
            article=article,
            by=editor,
            expected_version=article.content_version,
            content=sample_content(),
        )


def test_readers_and_reviewers_may_not_edit(editor, reviewer, anonymous):
    article = draft_article(by=editor)
    for user in (reviewer, anonymous):
        with pytest.raises(PermissionDenied):
            services.article_update(
                article=article, by=user, expected_version=article.content_version, title="X?"
            )
        with pytest.raises(PermissionDenied):
            services.article_create(by=user, title="Mine?")


def test_a_stale_edit_is_refused_and_changes_nothing(editor, other_editor):
    from articles.errors import EditConflict

    article = draft_article(by=editor)
    started_from = article.content_version
    services.article_update(
        article=article, by=other_editor, expected_version=started_from, title="First save?"
    )
    with pytest.raises(EditConflict) as conflict:
        services.article_update(
            article=article, by=editor, expected_version=started_from, title="Second save?"
        )
    assert conflict.value.current_version == started_from + 1
    article.refresh_from_db()
    assert article.title == "First save?"
