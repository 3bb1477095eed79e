"""The workflow steps, one record each: every door, the policy's refusals and the reports read these.

Each record (``articles.steps.base.Step``) holds who may take the step, its words,
its inputs and what kind of step it is; its edge comes from the state graph in
``articles.workflow``. Nothing else names a step by a string: code that needs "the
step that approves" or "the steps that end a round" asks here (``APPROVE``,
``STEPS``), and ``tests/articles/test_steps.py`` searches the code for string
comparisons with step names.
"""

from __future__ import annotations

from articles import policy, readiness
from articles.steps.base import (
    ADMIN,
    API,
    COMMENT,
    CONFIRM_OPEN_THREADS,
    DESK,
    DOORS,
    EXPECTED_HASH,
    EXPECTED_VERSION,
    INPUTS,
    NOTE,
    SUMMARY,
    Step,
)


class Submit(Step):
    name = "submit"
    label = "Submit for review"
    phrase = "submit this article for review"
    done = "Submitted for review. The board has been told."
    reason = "Submitted for review"
    help_text = (
        "The change summary is public: readers see it in the review history. "
        "The note to the board is private."
    )
    inputs = (SUMMARY, NOTE, EXPECTED_VERSION, CONFIRM_OPEN_THREADS)
    style = "primary"
    doors = frozenset({DESK, ADMIN, API})
    enters_queue = True
    not_ready = "Not ready to submit:"
    stage = "Submitted"
    conditions = readiness.SUBMIT_CONDITIONS

    def permitted(self, article, user) -> bool:
        return policy.may_edit(article, user)


class ReceiveImport(Step):
    """An article drafted elsewhere arrives as submitted; the importer takes it, no door."""

    name = "receive_import"
    label = "Receive an import"
    phrase = "import this article into the review queue"
    done = "Imported into the review queue."
    reason = "Imported"
    doors = frozenset()
    enters_queue = True
    conditions = readiness.IMPORT_CONDITIONS

    def permitted(self, article, user) -> bool:
        return policy.may_edit(article, user)


class Withdraw(Step):
    name = "withdraw"
    label = "Withdraw"
    phrase = "withdraw this article"
    done = "Withdrawn: the article is a draft again."
    reason = "Withdrawn"
    help_text = "Take the submission back to draft before review starts."
    inputs = (COMMENT,)

    def permitted(self, article, user) -> bool:
        return policy.may_withdraw(article, user)


class StartReview(Step):
    name = "start_review"
    label = "Start review"
    phrase = "start reviewing this article"
    done = "You are now reviewing this article."
    reason = "Review started"
    help_text = "You become the assigned reviewer."
    style = "primary"
    desk_next = "desk:review"
    board_review = True
    not_ready = "Not ready to start the review:"
    stage = "Under Review"

    def permitted(self, article, user) -> bool:
        return policy.may_review(article, user)


class RequestChanges(Step):
    name = "request_changes"
    label = "Request changes"
    phrase = "request changes to this article"
    done = "Changes requested. The editors have been told."
    reason = "Changes requested"
    help_text = "Say what must change; the editors see your comment at the desk."
    inputs = (COMMENT, EXPECTED_VERSION)
    comment_required = True
    board_review = True
    ends_round = True
    comment_points_at_open_threads = True

    def permitted(self, article, user) -> bool:
        return policy.may_review(article, user)


class Approve(Step):
    name = "approve"
    label = "Approve"
    phrase = "approve this article"
    done = "Approval recorded."
    reason = "Approved"
    help_text = (
        "You approve the question, the display heading and every claim exactly as "
        "shown, with the details of every cited reference."
    )
    inputs = (COMMENT, EXPECTED_HASH, EXPECTED_VERSION)
    names_content = True
    style = "primary"
    board_review = True
    signs_off = True
    ends_round = True
    not_ready = "Not ready to approve:"
    stage = "Approved"
    conditions = readiness.APPROVE_CONDITIONS
    # The audit row of an approval that does not yet publish (more sign-offs are needed).
    partial_name = "approve_partial"

    def permitted(self, article, user) -> bool:
        return policy.may_sign_off(article, user)


class Revise(Step):
    name = "revise"
    label = "Revise"
    phrase = "revise this article"
    done = "A new revision has started; readers keep the approved version meanwhile."
    reason = "New revision started"
    help_text = "Start a new revision; readers keep the approved version meanwhile."

    def permitted(self, article, user) -> bool:
        return policy.may_edit(article, user)


class Retract(Step):
    name = "retract"
    label = "Retract"
    phrase = "retract this article"
    done = "The article is retracted."
    reason = "Retracted"
    help_text = "Readers are told the article was retracted, with your comment's reason."
    inputs = (COMMENT,)
    comment_required = True
    style = "danger"

    def permitted(self, article, user) -> bool:
        return policy.may_retract(article, user)


SUBMIT = Submit()
RECEIVE_IMPORT = ReceiveImport()
WITHDRAW = Withdraw()
START_REVIEW = StartReview()
REQUEST_CHANGES = RequestChanges()
APPROVE = Approve()
REVISE = Revise()
RETRACT = Retract()

# Every step, in workflow order (the order the desk's buttons and the admin's list follow).
STEPS: tuple[Step, ...] = (
    SUBMIT,
    RECEIVE_IMPORT,
    WITHDRAW,
    START_REVIEW,
    REQUEST_CHANGES,
    APPROVE,
    REVISE,
    RETRACT,
)
_BY_NAME = {step.name: step for step in STEPS}

# The board's review steps: refused with the board's reason, explained to a held-back reviewer.
BOARD_REVIEW_STEPS = tuple(step for step in STEPS if step.board_review)
# The audit names of the steps that close a round of review.
ENDS_ROUND = tuple(step.name for step in STEPS if step.ends_round)


def named(name: str) -> Step | None:
    """The step called ``name`` (as a URL, a form or an audit row names it), or None."""
    return _BY_NAME.get(name)


def get(name: str, *, door: str) -> Step | None:
    """The step called ``name`` if ``door`` offers it, else None."""
    step = _BY_NAME.get(name)
    return step if step is not None and step.offered_at(door) else None


def for_door(door: str) -> list[Step]:
    """The steps a door offers, in workflow order."""
    return [step for step in STEPS if step.offered_at(door)]


def open_to(user, article, *, door: str | None = None) -> list[Step]:
    """The steps ``user`` may take on ``article`` now (at ``door``, when one is named)."""
    offered = STEPS if door is None else for_door(door)
    return [step for step in offered if step.can(user, article)]


def explained(article) -> Step | None:
    """The step the desk explains when it is held back in the article's state (or None)."""
    return next((s for s in STEPS if s.not_ready and article.state in s.sources), None)


def stages() -> list[tuple[str, str]]:
    """The public stepper: each stage readers see, as (state reached, label), in order."""
    return [(step.target, step.stage) for step in STEPS if step.stage]


__all__ = [
    "ADMIN",
    "API",
    "APPROVE",
    "BOARD_REVIEW_STEPS",
    "COMMENT",
    "CONFIRM_OPEN_THREADS",
    "DESK",
    "DOORS",
    "ENDS_ROUND",
    "EXPECTED_HASH",
    "EXPECTED_VERSION",
    "INPUTS",
    "NOTE",
    "RECEIVE_IMPORT",
    "REQUEST_CHANGES",
    "RETRACT",
    "REVISE",
    "START_REVIEW",
    "STEPS",
    "SUBMIT",
    "SUMMARY",
    "WITHDRAW",
    "Step",
    "explained",
    "for_door",
    "get",
    "named",
    "open_to",
    "stages",
]
