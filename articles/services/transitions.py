"""Moving articles through the workflow: every transition takes the same steps in the same order.

Check (``articles.policy``: the edge, the user's right, the conditions), lock
the row and check it is the version the user saw, change the state, save with
who and why for the history, write the audit row, refresh the public search
entry, and queue notifications in the same transaction (the outbox), so they are sent only
if it commits and are retried until the mail server takes them.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from articles import events, notifications, policy, readiness, steps
from articles.errors import EditConflict
from articles.evidence import SCALE
from articles.interchange.jsonformat import document_from_content
from articles.models import Article, ArticleApproval, ArticleVersion, ClaimThread
from articles.reviewed import content_fingerprint
from articles.selectors import article_get_content, article_list_writers, policy_get_in_force
from articles.services.review import claim_verifications_at_approval
from articles.services.search import search_entry_refresh
from articles.services.steps import audit_record, lock_article, save_article
from articles.services.threads import threads_settle_with_approval
from board.assignments import (
    assignments_cancel_open,
    assignments_complete,
    assignments_reopen,
    assignments_return,
)
from board.rules import approval_rule_for, declarations_of


def _require_comment(comment: str, what: str) -> str:
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError({"comment": f"A comment is required to {what}."})
    return comment


def _take_transition(
    article: Article,
    step: steps.Step,
    *,
    by,
    comment: str = "",
    expected_version: int | None = None,
    before_save: Callable[[], None] | None = None,
    checked: bool = False,
) -> Article:
    """Check, lock, change, save, audit: the same steps in the same order for every transition.

    ``checked`` says the caller has already checked and locked (approval does,
    to count sign-offs before it moves the article).
    """
    if not checked:
        step.check(by, article)
        lock_article(article, expected_version=expected_version)
    source = article.state
    step.move(article)
    article.last_transition = step.name
    article.last_transition_at = timezone.now()
    if step.enters_queue:
        article.queued_at = article.last_transition_at
        article.review_round += 1
    if before_save:
        before_save()
    why = step.reason
    save_article(article, by=by, reason=f"{why}: {comment}" if comment else why)
    audit_record(article, name=step.name, source=source, by=by, comment=comment)
    search_entry_refresh(article)
    events.announce(events.article_key(article.pk))  # public pages show the state
    return article


@steps.SUBMIT.carried_out_by
@transaction.atomic
def article_submit(
    *,
    article: Article,
    by,
    summary: str = "",
    note: str = "",
    expected_version: int | None = None,
    confirm_open_threads: bool = False,
) -> Article:
    """An editor submits a draft for board review.

    ``summary`` is the public change summary (readers see it in the review
    history and the feed); ``note`` is a private note to the board, kept in the
    audit log and shown only at the desk. With "Needs change" threads still open
    (not marked addressed), the editor must say they resubmit anyway
    (``confirm_open_threads``), at every door.
    """
    steps.SUBMIT.check(by, article)
    if not confirm_open_threads and (
        open_threads := ClaimThread.objects.filter(
            article=article, status=ClaimThread.Status.OPEN
        ).count()
    ):
        raise ValidationError(
            {
                "confirm_open_threads": f"{open_threads} “Needs change” thread"
                f"{'s are' if open_threads != 1 else ' is'} still open. Answer "
                f"{'them' if open_threads != 1 else 'it'} and mark "
                f"{'them' if open_threads != 1 else 'it'} addressed, or confirm that you "
                "resubmit anyway."
            }
        )
    summary = (summary or "").strip()
    if article.published_version_id and not summary:
        raise ValidationError(
            {
                "summary": "Say in one line what this revision changes; readers see it in the "
                "review history."
            }
        )
    if len(summary) > 300:
        raise ValidationError({"summary": "Keep the summary to one line (300 characters at most)."})

    def remember_summary() -> None:
        article.change_summary = summary

    lock_article(article, expected_version=expected_version)
    _take_transition(
        article,
        steps.SUBMIT,
        by=by,
        comment=(note or "").strip(),
        before_save=remember_summary,
        checked=True,
    )
    # The reviewers who sent it back are asked again, each with a new due date.
    reopening = assignments_reopen(article=article, by=by)
    if reopening.audit_comment:
        audit_record(article, name="reassign", by=by, comment=reopening.audit_comment)
    notifications.notify_board_of_submission(article_id=article.pk)
    return article


@steps.RECEIVE_IMPORT.carried_out_by
@transaction.atomic
def article_receive_import(*, article: Article, by, note: str) -> Article:
    """An imported article enters the review queue as its source shows it: submitted."""
    return _take_transition(article, steps.RECEIVE_IMPORT, by=by, comment=note)


@steps.WITHDRAW.carried_out_by
@transaction.atomic
def article_withdraw(*, article: Article, by, comment: str = "") -> Article:
    """The editor takes a submitted article back to draft before review starts."""
    _take_transition(article, steps.WITHDRAW, by=by, comment=comment)
    assignments_cancel_open(article=article, by=by, reason="Cancelled: the editor withdrew it")
    return article


@steps.START_REVIEW.carried_out_by
@transaction.atomic
def article_start_review(*, article: Article, by) -> Article:
    """A board reviewer takes a submitted article and becomes its assigned reviewer."""

    def assign() -> None:
        article.assigned_reviewer = by

    return _take_transition(article, steps.START_REVIEW, by=by, before_save=assign)


@steps.REQUEST_CHANGES.carried_out_by
@transaction.atomic
def article_request_changes(
    *, article: Article, by, comment: str, expected_version: int | None = None
) -> Article:
    """A board reviewer sends the article back to its editors with a comment.

    Its resubmission returns to this reviewer (``changes_requested_by``).
    """
    comment = _require_comment(comment, "request changes")

    def remember_requester() -> None:
        article.changes_requested_by = by

    _take_transition(
        article,
        steps.REQUEST_CHANGES,
        by=by,
        comment=comment,
        expected_version=expected_version,
        before_save=remember_requester,
    )
    # The assignments wait for the resubmission rather than close (``assignments_return``).
    assignments_return(article=article, by=by)
    notifications.notify_editors(article_id=article.pk, event="changes_requested")
    return article


def approval_signers(*, article: Article, fingerprint: str) -> set[int]:
    """Who has approved this content in this review round and may still do so (the sign-off rule).

    An approval counts only while its signer may give it: one who has since lost
    the board role, edited the revision, declared a conflict or let every
    credential expire no longer publishes anything.
    """
    approved = set(
        ArticleApproval.objects.filter(
            article=article, review_round=article.review_round, content_hash=fingerprint
        ).values_list("reviewer_id", flat=True)
    )
    return approved - policy.signers_not_counted(article, approved)


@steps.APPROVE.carried_out_by
@transaction.atomic
def article_approve(
    *,
    article: Article,
    by,
    comment: str = "",
    expected_hash: str | None = None,
    expected_version: int | None = None,
) -> Article:
    """A board reviewer signs off the reviewed content; with enough sign-offs it is published.

    ``expected_hash`` is the fingerprint of the content the reviewer was shown
    (``articles.reviewed``): an approval names what it approves, so content
    that changed meanwhile, through any door, is refused. The snapshot stored
    for readers is exactly that content. "Last updated" moves only when it
    differs from the previously approved version; a re-review that changes
    nothing updates the review date alone.
    """
    comment = (comment or "").strip()
    steps.APPROVE.check(by, article)
    lock_article(article, expected_version=expected_version)
    # Public pages show the approval, even a partial one's reviewers.
    events.announce(events.article_key(article.pk))
    content = article_get_content(article=article)
    fingerprint = content_fingerprint(content)
    if expected_hash is not None and expected_hash != fingerprint:
        raise EditConflict(
            "The article changed since you reviewed it (its text, a citation or a cited "
            "reference). Reload it and review what it says now.",
            current_version=article.content_version,
        )
    rule = approval_rule_for(article)
    ArticleApproval.objects.get_or_create(
        article=article,
        review_round=article.review_round,
        content_hash=fingerprint,
        reviewer=by,
        defaults={
            "revision": article.revision,
            "content_version": article.content_version,
            "comment": comment,
            "approval_rule": str(rule),
        },
    )
    assignments_complete(article=article, reviewer=by)
    signers = approval_signers(article=article, fingerprint=fingerprint)
    if len(signers) < rule.count:
        audit_record(
            article,
            name=steps.APPROVE.partial_name,
            source=article.state,
            by=by,
            comment=comment or f"Approval {len(signers)} of {rule.count} ({rule.source})",
        )
        return article

    # Everyone who vouched for this content: the verifiers of its claims and the approvers.
    summaries = readiness.claim_summaries(article)
    verifiers = {s.verified_by for s in summaries if s.verified_by}
    # Who verified each claim and when, kept with the version for its readers.
    verifications = claim_verifications_at_approval(content=content, summaries=summaries)

    def publish() -> None:
        now = timezone.now()
        previous = article.published_version
        if previous is None or previous.content_hash != fingerprint:
            article.last_updated = timezone.localdate(now)
        else:
            article.last_updated = previous.last_updated
        document = document_from_content(content)
        document["last_updated"] = article.last_updated.isoformat()
        version = ArticleVersion.objects.create(
            article=article,
            revision=article.revision,
            content=document,
            content_hash=fingerprint,
            last_updated=article.last_updated,
            approved_at=now,
            approved_by=by,
            policy=policy_get_in_force(on=timezone.localdate(now)),
            change_summary=article.change_summary,
            comment=comment,
            approval_rule=str(rule),
            declarations=declarations_of(article, signers | verifiers),
            claim_verifications=verifications,
            written_by=article_list_writers(article=article),
            evidence_scale_version=SCALE.version
            if any(c.evidence for c in content.claims)
            else None,
        )
        version.reviewers.set(signers | verifiers)
        article.published_version = version
        article.changes_requested_by = None  # the round is over
        events.published.send(sender=ArticleVersion, version=version)

    _take_transition(
        article,
        steps.APPROVE,
        by=by,
        comment=comment,
        before_save=publish,
        checked=True,
    )
    assignments_cancel_open(article=article, by=by, reason="Cancelled: the article was approved")
    threads_settle_with_approval(article=article, by=by)
    notifications.notify_editors(article_id=article.pk, event="approved")
    return article


@steps.REVISE.carried_out_by
@transaction.atomic
def article_revise(*, article: Article, by) -> Article:
    """An editor starts a new revision of an approved article; readers keep the approved one."""

    def new_revision() -> None:
        article.revision += 1
        article.change_summary = ""
        article.assigned_reviewer = None
        article.changes_requested_by = None

    _take_transition(article, steps.REVISE, by=by, before_save=new_revision)
    # A new revision has new authors: only they are barred from signing it off.
    article.contributors.set([by])
    return article


@steps.RETRACT.carried_out_by
@transaction.atomic
def article_retract(*, article: Article, by, comment: str) -> Article:
    """A site admin withdraws the article from publication for good."""
    comment = _require_comment(comment, "retract an article")
    _take_transition(article, steps.RETRACT, by=by, comment=comment)
    assignments_cancel_open(article=article, by=by, reason="Cancelled: the article was retracted")
    return article
