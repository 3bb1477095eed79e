"""Claim threads: a reviewer's "Needs change" opens one, the editors answer, the board settles it.

Who may take each step is ``articles.policy`` (``THREAD_*``); which step fits the
thread's status is decided here. Every step locks the thread's row, writes one
``ThreadMessage`` (who, what, when: the thread's own audit trail) and saves the
status, in one transaction; the editors' replies tell the reviewer who opened the
thread, the board's replies and reopenings tell the editors (``articles.notifications``).
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from articles import policy
from articles.errors import WorkflowConflict
from articles.models import ClaimReview, ClaimThread, ThreadMessage
from articles.notifications import notify_thread_step

Status = ClaimThread.Status
Event = ThreadMessage.Event

MAX_BODY = 5000


def _clean_body(body: str, *, required: bool, what: str) -> str:
    body = (body or "").strip()
    if required and not body:
        raise ValidationError({"body": f"Write something to {what}."})
    if len(body) > MAX_BODY:
        raise ValidationError({"body": f"Keep it to {MAX_BODY} characters."})
    return body


def _locked(thread: ClaimThread) -> ClaimThread:
    current = ClaimThread.objects.select_for_update().select_related("article").get(pk=thread.pk)
    thread.status = current.status  # the caller's object follows what it changed
    return current


def _step(
    thread: ClaimThread, *, by, event: str, body: str, status: str | None = None
) -> ThreadMessage:
    now = timezone.now()
    if status is not None:
        thread.status = status
        if status == Status.ADDRESSED:
            thread.addressed_at = now
        elif status == Status.RESOLVED:
            thread.resolved_at = now
    thread.updated_at = now
    thread.save()
    return ThreadMessage.objects.create(
        thread=thread, author=by, event=event, body=body, created_at=now
    )


@transaction.atomic
def thread_open_for_review(*, review: ClaimReview) -> ClaimThread:
    """A reviewer's "Needs change" opens the claim's thread, or joins the one still unresolved.

    Called by ``claim_review``, which has checked the reviewer and the comment.
    """
    claim = review.claim
    thread = (
        ClaimThread.objects.select_for_update()
        .filter(article_id=claim.article_id, claim_uid=claim.uid)
        .exclude(status=Status.RESOLVED)
        .first()
    )
    if thread is None:
        thread = ClaimThread(
            article_id=claim.article_id,
            claim_uid=claim.uid,
            claim_text=claim.text,
            opened_by=review.reviewer,
            opened_with=review,
        )
        event = Event.OPENED
    else:
        # Said again on the same claim: the thread wants the editors' attention again.
        event = Event.OPENED if thread.is_open else Event.REOPENED
    _step(thread, by=review.reviewer, event=event, body=review.comment, status=Status.OPEN)
    return thread


@transaction.atomic
def thread_reply(*, thread: ClaimThread, by, body: str, addressed: bool = False) -> ThreadMessage:
    """An editor of the article answers in the thread, optionally saying it is now addressed."""
    current = _locked(thread)
    policy.ensure(by, policy.THREAD_ADDRESS if addressed else policy.THREAD_REPLY, current.article)
    body = _clean_body(body, required=not addressed, what="reply")
    if current.is_resolved:
        raise TransitionNotAllowed("This thread is resolved; the board reopens it if needed.")
    if addressed:
        if not current.is_open:
            raise TransitionNotAllowed("This thread is already marked addressed.")
        message = _step(current, by=by, event=Event.ADDRESSED, body=body, status=Status.ADDRESSED)
    else:
        message = _step(current, by=by, event=Event.REPLY, body=body)
    notify_thread_step(thread=current, message=message)
    thread.status = current.status
    return message


def thread_mark_addressed(*, thread: ClaimThread, by, body: str = "") -> ThreadMessage:
    """An editor of the article says the change the thread asked for is made."""
    return thread_reply(thread=thread, by=by, body=body, addressed=True)


@transaction.atomic
def thread_resolve(*, thread: ClaimThread, by, body: str = "") -> ThreadMessage:
    """A board reviewer (not one of the revision's writers) closes the thread as settled."""
    current = _locked(thread)
    policy.ensure(by, policy.THREAD_RESOLVE, current.article)
    body = _clean_body(body, required=False, what="resolve")
    if current.is_resolved:
        raise TransitionNotAllowed("This thread is already resolved.")
    message = _step(current, by=by, event=Event.RESOLVED, body=body, status=Status.RESOLVED)
    thread.status = current.status
    return message


@transaction.atomic
def thread_reopen(*, thread: ClaimThread, by, body: str) -> ThreadMessage:
    """A board reviewer sends an addressed or resolved thread back to the editors, saying why."""
    current = _locked(thread)
    policy.ensure(by, policy.THREAD_REOPEN, current.article)
    body = _clean_body(body, required=True, what="say why it is reopened")
    if current.is_open:
        raise TransitionNotAllowed("This thread is already open.")
    if (
        current.is_resolved
        and ClaimThread.objects.filter(article_id=current.article_id, claim_uid=current.claim_uid)
        .exclude(status=Status.RESOLVED)
        .exists()
    ):
        raise WorkflowConflict("A newer thread on this claim is open; continue there.")
    message = _step(current, by=by, event=Event.REOPENED, body=body, status=Status.OPEN)
    notify_thread_step(thread=current, message=message)
    thread.status = current.status
    return message


SETTLED_BY_APPROVAL = "Resolved with the approval: every claim was verified as it now reads."


def threads_settle_with_approval(*, article, by) -> int:
    """The board approved the article: its threads still unsettled are resolved, on record.

    Called by ``article_approve`` in its transaction, once every claim is verified as it
    reads now; a thread left open would tell the next round that the board still waits.
    """
    unsettled = list(ClaimThread.objects.filter(article=article).exclude(status=Status.RESOLVED))
    for thread in unsettled:
        _step(thread, by=by, event=Event.RESOLVED, body=SETTLED_BY_APPROVAL, status=Status.RESOLVED)
    return len(unsettled)


# The steps a door offers on a thread, by the name in its URL.
THREAD_STEPS = {
    "reply": thread_reply,
    "address": thread_mark_addressed,
    "resolve": thread_resolve,
    "reopen": thread_reopen,
}
