"""The workflow steps people take at a door, declared once.

Each step names its service, the input it takes, whether a comment is
required, and what to say when it is done. The desk's workflow buttons, the
admin's transition forms and the API read this table; none of them branch on
step names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError

from articles import policy, services

# What a step may take. Every step gets ``article`` and ``by``.
COMMENT = "comment"  # a comment recorded in the audit log
SUMMARY = "summary"  # the public one-line change summary of a revision
NOTE = "note"  # a private note to the board
EXPECTED_VERSION = "expected_version"  # the content version the user's page showed
EXPECTED_HASH = "expected_hash"  # the fingerprint of the reviewed content the user was shown
# The editor resubmits although "Needs change" threads are still open (a yes/no).
CONFIRM_OPEN_THREADS = "confirm_open_threads"

DESK, ADMIN, API = "desk", "admin", "api"


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    service: Callable[..., Any]
    done: str
    inputs: tuple[str, ...] = ()
    comment_required: bool = False
    # The step names what the user saw, and is refused without it.
    names_content: bool = False
    style: str = ""  # "primary" or "danger", for the button
    help_text: str = ""
    doors: frozenset[str] = field(default_factory=lambda: frozenset({DESK, ADMIN}))
    # Where the desk goes once the step is done (a URL name taking the article's pk).
    desk_next: str = "desk:article"

    @property
    def takes_comment(self) -> bool:
        return COMMENT in self.inputs

    @property
    def takes_summary(self) -> bool:
        return SUMMARY in self.inputs

    @property
    def takes_thread_confirmation(self) -> bool:
        return CONFIRM_OPEN_THREADS in self.inputs

    def run(self, *, article, by, data: dict[str, Any]):
        """Call the service with the inputs this step takes, read from ``data``."""
        kwargs = {}
        for name in self.inputs:
            value = data.get(name)
            if name in (EXPECTED_VERSION, EXPECTED_HASH):
                if value not in (None, ""):
                    kwargs[name] = value
            elif name == CONFIRM_OPEN_THREADS:
                kwargs[name] = value is True or str(value).lower() in ("on", "true", "1", "yes")
            else:
                kwargs[name] = value or ""
        if self.names_content and not kwargs.get(EXPECTED_HASH):
            # Who may not take the step at all hears that first.
            policy.ensure(by, self.name, article)
            raise ValidationError(
                "Reload the article and try again: the version you were shown was not sent."
            )
        return self.service(article=article, by=by, **kwargs)


ACTIONS: dict[str, Action] = {
    action.name: action
    for action in (
        Action(
            name="submit",
            label="Submit for review",
            service=services.article_submit,
            inputs=(SUMMARY, NOTE, EXPECTED_VERSION, CONFIRM_OPEN_THREADS),
            done="Submitted for review. The board has been told.",
            style="primary",
            help_text="The change summary is public: readers see it in the review history. "
            "The note to the board is private.",
            doors=frozenset({DESK, ADMIN, API}),
        ),
        Action(
            name="withdraw",
            label="Withdraw",
            service=services.article_withdraw,
            inputs=(COMMENT,),
            done="Withdrawn: the article is a draft again.",
            help_text="Take the submission back to draft before review starts.",
        ),
        Action(
            name="start_review",
            label="Start review",
            service=services.article_start_review,
            done="You are now reviewing this article.",
            style="primary",
            desk_next="desk:review",
            help_text="You become the assigned reviewer.",
        ),
        Action(
            name="request_changes",
            label="Request changes",
            service=services.article_request_changes,
            inputs=(COMMENT, EXPECTED_VERSION),
            comment_required=True,
            done="Changes requested. The editors have been told.",
            help_text="Say what must change; the editors see your comment at the desk.",
        ),
        Action(
            name="approve",
            label="Approve",
            service=services.article_approve,
            inputs=(COMMENT, EXPECTED_HASH, EXPECTED_VERSION),
            names_content=True,
            done="Approval recorded.",
            style="primary",
            help_text="You approve the question, the display heading and every claim exactly as "
            "shown, with the details of every cited reference.",
        ),
        Action(
            name="revise",
            label="Revise",
            service=services.article_revise,
            done="A new revision has started; readers keep the approved version meanwhile.",
            help_text="Start a new revision; readers keep the approved version meanwhile.",
        ),
        Action(
            name="retract",
            label="Retract",
            service=services.article_retract,
            inputs=(COMMENT,),
            comment_required=True,
            done="The article is retracted.",
            style="danger",
            help_text="Readers are told the article was retracted, with your comment's reason.",
        ),
    )
}


def for_door(door: str) -> list[Action]:
    """The steps a door offers, in workflow order."""
    return [action for action in ACTIONS.values() if door in action.doors]


def get(name: str, *, door: str) -> Action | None:
    action = ACTIONS.get(name)
    return action if action is not None and door in action.doors else None
