"""What every workflow step is: one record holding its check, its work and its words.

A step is a subclass of ``Step`` with one instance (``articles.steps`` lists them).
The record says who may take it (``permitted``, a rule of ``articles.policy``), what
it is called at every door, what it takes as input, what the desk says when it is
done or refused, what the article must be like first (``conditions``, named in
``articles.readiness``), and what kind of step it is (a board review step, a sign-off,
one that puts the article in the review queue or ends a round of review). Its edge
(from which states, to which) is read from the state graph (``articles.workflow``), so
the graph is drawn once; ``tests/articles/test_steps.py``
checks that every transition has a record and every record a transition.

The work is the service of the same step in ``articles.services.transitions``, which
declares itself with ``carried_out_by``: the services check through the record, so
the record cannot import them without a loop.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from django.core.exceptions import PermissionDenied, ValidationError
from django_fsm import TransitionNotAllowed, can_proceed

from articles import policy, roles
from articles.errors import ConditionsNotMet, ContentLocked
from articles.readiness import unmet
from articles.workflow import ArticleWorkflow

if TYPE_CHECKING:
    from articles.models import Article

# What a step may take. Every step gets ``article`` and ``by``.
COMMENT = "comment"  # a comment recorded in the audit log
SUMMARY = "summary"  # the public one-line change summary of a revision
NOTE = "note"  # a private note to the board
EXPECTED_VERSION = "expected_version"  # the content version the user's page showed
EXPECTED_HASH = "expected_hash"  # the fingerprint of the reviewed content the user was shown
# The editor resubmits although "Needs change" threads are still open (a yes/no).
CONFIRM_OPEN_THREADS = "confirm_open_threads"
INPUTS = (COMMENT, SUMMARY, NOTE, EXPECTED_VERSION, EXPECTED_HASH, CONFIRM_OPEN_THREADS)

# The doors a step may be offered at.
DESK, ADMIN, API = "desk", "admin", "api"
DOORS = (DESK, ADMIN, API)


class Step:
    """One workflow step. Subclasses set the class attributes and ``permitted``."""

    # The transition's name in ``articles.workflow``, stored on audit rows
    # (``ArticleTransition.name``) and on ``Article.last_transition``.
    name: ClassVar[str]
    # What the desk's button and the admin's form are called.
    label: ClassVar[str]
    # The step as the object of "You may not ..." and "You cannot ...", so refusals read
    # as sentences ("You may not start reviewing this article.").
    phrase: ClassVar[str]
    # What the desk and the admin say once it is done.
    done: ClassVar[str]
    # The reason kept with the history row of the save.
    reason: ClassVar[str]
    help_text: ClassVar[str] = ""
    inputs: ClassVar[tuple[str, ...]] = ()
    comment_required: ClassVar[bool] = False
    # The step names what the user saw, and is refused without it.
    names_content: ClassVar[bool] = False
    style: ClassVar[str] = ""  # "primary" or "danger", for the button
    doors: ClassVar[frozenset[str]] = frozenset({DESK, ADMIN})
    # Where the desk goes once the step is done (a URL name taking the article's pk).
    desk_next: ClassVar[str] = "desk:article"

    # -- What kind of step it is ---------------------------------------------------------
    # Taken by board reviewers under the board's rules (``board.rules``): a refused reviewer
    # is told the board's reason (an expired credential, no declaration, a recusal).
    board_review: ClassVar[bool] = False
    # Vouches for the revision: never by someone who wrote it.
    signs_off: ClassVar[bool] = False
    # Puts the article in the review queue: a new round of review starts.
    enters_queue: ClassVar[bool] = False
    # Closes a round of review (the next round's screen compares against its end).
    ends_round: ClassVar[bool] = False
    # The desk's comment box starts by pointing at the open "Needs change" threads.
    comment_points_at_open_threads: ClassVar[bool] = False
    # The step the desk explains, when it is held back, in the states it leaves from:
    # how the list of what holds it back is headed ("Not ready to submit:"); "" for none.
    not_ready: ClassVar[str] = ""
    # The public page's stepper: the stage readers see this step reach; "" for none.
    stage: ClassVar[str] = ""

    # What the article must be like for the step (``articles.readiness``), in the order
    # the reasons are told when it is not.
    conditions: ClassVar[tuple[Callable[[Article], bool], ...]] = ()

    service: Callable[..., Any] | None = None

    def __repr__(self) -> str:
        return f"<Step {self.name}>"

    # -- The edge, as the state graph draws it -------------------------------------------

    @property
    def _transitions(self):
        return getattr(ArticleWorkflow, self.name)._django_fsm.transitions

    @property
    def sources(self) -> tuple[str, ...]:
        """The states the step leaves from."""
        return tuple(self._transitions)

    @property
    def target(self) -> str:
        """The state the step leads to."""
        (target,) = {transition.target for transition in self._transitions.values()}
        return target

    def leaves(self, article: Article) -> bool:
        """Whether the step goes from the article's state, conditions aside."""
        return can_proceed(getattr(article, self.name), check_conditions=False)

    # -- Who may take it -----------------------------------------------------------------

    def permitted(self, article: Article, user) -> bool:
        """Whether ``user`` may take the step on ``article`` (a rule of ``articles.policy``)."""
        raise NotImplementedError

    def refusal(self, article: Article, user) -> str:
        """Why ``user`` may not take the step, told to them."""
        if self.board_review and roles.is_reviewer(user):
            if self.signs_off and policy.wrote_this_revision(article, user):
                return policy.COI_MESSAGE
            if refusal := policy.board_refusal(article, user):
                return refusal
        return f"You may not {self.phrase}."

    def unmet_conditions(self, article: Article) -> list[str]:
        """What the article still lacks for the step, in words (the record's ``conditions``)."""
        return unmet(self.conditions, article)

    def check(self, user, article: Article) -> None:
        """Raise unless ``user`` may take the step on ``article`` now.

        Wrong state -> TransitionNotAllowed (409); not this user's -> PermissionDenied
        (403); the article not ready -> ConditionsNotMet (409), with every reason.
        """
        if not self.leaves(article):
            raise TransitionNotAllowed(
                f"You cannot {self.phrase} while it is {policy.state_phrase(article)}."
            )
        if not self.permitted(article, user):
            raise PermissionDenied(self.refusal(article, user))
        if reasons := self.unmet_conditions(article):
            raise ConditionsNotMet(f"You cannot {self.phrase} yet", reasons=reasons)

    def can(self, user, article: Article) -> bool:
        """Whether ``check`` would let ``user`` take the step now."""
        try:
            self.check(user, article)
        except (PermissionDenied, TransitionNotAllowed, ContentLocked):
            return False
        return True

    def blockers(self, user, article: Article) -> list[str]:
        """What keeps ``user`` from the step, in words, when it is otherwise theirs to take.

        Empty when the step is open, or when it is not this user's at all (a button
        they are not offered needs no explanation). A board reviewer held back by the
        board's rules is told why.
        """
        try:
            self.check(user, article)
        except ConditionsNotMet as error:
            return list(error.reasons)
        except PermissionDenied as error:
            if self.board_review and roles.is_reviewer(user) and self.leaves(article):
                return [str(error)]
        except (TransitionNotAllowed, ContentLocked):
            pass
        return []

    # -- The work --------------------------------------------------------------------------

    def move(self, article: Article) -> None:
        """Move ``article`` along the step's edge, its row locked and the step checked.

        The conditions are asked once more: what the article was like may have changed
        between the check and the lock (a justification withdrawn, a notice arrived).
        """
        if reasons := self.unmet_conditions(article):
            raise ConditionsNotMet(f"You cannot {self.phrase} yet", reasons=reasons)
        getattr(article, self.name)()

    def carried_out_by(self, service: Callable[..., Any]) -> Callable[..., Any]:
        """Declare ``service`` as the step's work (a decorator for the step's service)."""
        self.service = service
        return service

    def execute(self, *, article: Article, by, **inputs: Any):
        """Take the step: its service checks, locks, moves, saves and audits."""
        if self.service is None:
            raise RuntimeError(f"No service carries out {self!r}: import articles.services.")
        return self.service(article=article, by=by, **inputs)

    def run(self, *, article: Article, by, data: dict[str, Any]):
        """Take the step with the inputs it takes, read from a door's ``data``."""
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
            self.check(by, article)
            raise ValidationError(
                "Reload the article and try again: the version you were shown was not sent."
            )
        return self.execute(article=article, by=by, **kwargs)

    # -- What the doors show ---------------------------------------------------------------

    @property
    def takes_comment(self) -> bool:
        return COMMENT in self.inputs

    @property
    def takes_summary(self) -> bool:
        return SUMMARY in self.inputs

    @property
    def takes_thread_confirmation(self) -> bool:
        return CONFIRM_OPEN_THREADS in self.inputs

    def offered_at(self, door: str) -> bool:
        return door in self.doors
