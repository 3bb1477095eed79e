"""The refusals of the editorial rules: one hierarchy, each error with a stable code and words.

Every error carries what each door needs, so no door reads or splits an error's text:

- ``kind``: what sort of refusal it is; each door answers each kind one way (the desk and the
  API with one HTTP status, ``STATUS_OF_KIND``);
- ``code``: a stable machine code (the API's ``code`` member), the same for every occurrence;
- ``title``: a short summary of the problem type, the same for every occurrence;
- ``message``: what to tell the user about this occurrence, in one line;
- ``messages``: the same, one sentence per problem, for doors that list them (the desk);
- ``details``: structured members, such as a refused step's ``reasons`` or the
  ``current_version`` an edit conflicted with.

The rules still raise Django's ``PermissionDenied`` and ``ValidationError`` and django-fsm's
``TransitionNotAllowed`` and ``ConcurrentTransition`` where they always have;
``as_editorial_error`` describes those (and the parsers' ``ContentParseError``) in the same
terms, in this one place. The doors map the result once each: the desk in ``desk/errors.py``,
the API as RFC 9457 problem details in ``api/errors.py``, the admin in ``articles/admin.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any, ClassVar

from django.core.exceptions import PermissionDenied, ValidationError
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from articles.content import ContentParseError


class Kind(StrEnum):
    """What sort of refusal an error is: what the user can do about it."""

    INVALID = "invalid"  # the input is wrong: correct it and send it again
    NOT_ALLOWED = "not_allowed"  # this user may not do this
    NOT_FOUND = "not_found"  # nothing here for this user
    CONFLICT = "conflict"  # not possible in the article's state or content now
    GONE = "gone"  # readers were shown it; it has been retracted


# The one HTTP status of each kind, for the doors that answer in HTTP (the desk and the API).
STATUS_OF_KIND = {
    Kind.INVALID: 400,
    Kind.NOT_ALLOWED: 403,
    Kind.NOT_FOUND: 404,
    Kind.CONFLICT: 409,
    Kind.GONE: 410,
}


class EditorialError(Exception):
    """The base of every refusal of the rules; concrete classes set the class attributes."""

    kind: ClassVar[Kind]
    code: ClassVar[str]
    title: ClassVar[str]
    default_message: ClassVar[str]

    def __init__(self, message: str = "", *args: Any, **kwargs: Any):
        self.message = message or self.default_message
        super().__init__(self.message, *args, **kwargs)

    @property
    def messages(self) -> list[str]:
        return [self.message]

    @property
    def details(self) -> dict[str, Any]:
        return {}


# -- 400: the input ------------------------------------------------------------------


@dataclass(frozen=True)
class Fault:
    """One thing wrong with an input, located for the person who has to correct it."""

    message: str
    field: str = ""  # the form field or body member at fault; "" for the input as a whole
    path: str = ""  # the JSON path in a document, such as "$.claims[3].citations[0]"
    line: int | None = None  # the 1-based line in a text or Markdown document

    def __str__(self) -> str:
        where = f"line {self.line}: " if self.line else (f"{self.path}: " if self.path else "")
        return f"{where}{self.message}"


class InvalidInput(EditorialError):
    """The input is not valid; every fault is named, by field where it has one."""

    kind = Kind.INVALID
    code = "invalid"
    title = "Invalid input"
    default_message = "Invalid input."

    def __init__(self, faults: list[Fault] | tuple[Fault, ...] = (), message: str = ""):
        self.faults = tuple(faults)
        super().__init__(message or "; ".join(fault.message for fault in self.faults))

    @property
    def messages(self) -> list[str]:
        return [str(fault) for fault in self.faults] or [self.message]


class InvalidDocument(InvalidInput):
    """An article document (JSON, Markdown or page text) that its parser cannot accept."""

    code = "invalid_article"
    title = "Invalid article document"
    default_message = "The article document is not valid."

    def __init__(self, faults: list[Fault] | tuple[Fault, ...] = ()):
        super().__init__(faults, message=self.default_message)


# -- 403: the user ---------------------------------------------------------------------


class NotAllowed(EditorialError, PermissionDenied):
    """This user may not do this (a ``PermissionDenied``, so Django answers it 403 too)."""

    kind = Kind.NOT_ALLOWED
    code = "permission_denied"
    title = "Not allowed"
    default_message = "You may not do this."


# -- 404 and 410: what readers are shown ------------------------------------------------


class ArticleNotShown(EditorialError):
    """Nothing is shown at this address: a draft answers like an address never used."""

    kind = Kind.NOT_FOUND
    code = "not_found"
    title = "Not found"
    default_message = "No published article has this address."


class ArticleGone(EditorialError):
    """The article was shown to readers in an approved version, then retracted."""

    kind = Kind.GONE
    code = "retracted"
    title = "Retracted"
    default_message = "This article was retracted and is no longer published."

    def __init__(self, message: str = "", *, article=None):
        self.article = article  # its address answers with the retraction notice
        super().__init__(message)


# -- 409: the article's state or content -----------------------------------------------


class WorkflowConflict(EditorialError):
    """The request no longer fits the article: it moved or changed meanwhile."""

    kind = Kind.CONFLICT
    code = "workflow_conflict"
    title = "The article changed meanwhile"
    default_message = "The article changed meanwhile."


class ContentLocked(WorkflowConflict):
    """Content changes only in draft; the article is in review, approved or retracted."""

    code = "content_locked"
    title = "Content locked"
    default_message = "The article's content changes only in draft."


class EditConflict(WorkflowConflict):
    """Someone saved the article after this edit started; the later save is refused."""

    code = "edit_conflict"
    title = "Edit conflict"
    default_message = "Someone saved this article after your edit started."

    def __init__(
        self, message: str = "", *, current_version: int, changes: list[str] | None = None
    ):
        super().__init__(message)
        self.current_version = current_version
        self.changes = list(changes or [])

    @property
    def details(self) -> dict[str, Any]:
        return {"current_version": self.current_version, "changes": self.changes}


class StepRefused(EditorialError, TransitionNotAllowed):
    """The step is not taken from the article's current state (a ``TransitionNotAllowed``)."""

    kind = Kind.CONFLICT
    code = "transition_not_allowed"
    title = "Step not possible now"
    default_message = "This step is not possible in the article's current state."


class ConditionsNotMet(StepRefused):
    """The step exists from this state, but the article is not ready for it.

    ``lead`` says what is refused ("You cannot submit this article yet"); ``reasons``
    say why, each a sentence of its own, so no door has to take the message apart.
    """

    code = "conditions_not_met"
    title = "Not ready for this step"
    default_message = "The article is not ready for this step."

    def __init__(self, lead: str, *, reasons: list[str]):
        self.lead = lead
        self.reasons = list(reasons)
        super().__init__((f"{lead}: " + " ".join(self.reasons)) if self.reasons else lead)

    @property
    def messages(self) -> list[str]:
        return [f"{self.lead}:", *self.reasons] if self.reasons else [self.lead]

    @property
    def details(self) -> dict[str, Any]:
        return {"reasons": self.reasons}


MOVED_AT_ONCE = (
    "Someone else moved this article at the same moment. Reload it to see where it is now."
)

# What every door answers as a refusal: this hierarchy and the framework errors it describes.
REFUSALS = (
    EditorialError,
    PermissionDenied,
    ValidationError,
    TransitionNotAllowed,
    ConcurrentTransition,
    ContentParseError,
)


def as_editorial_error(error: BaseException) -> EditorialError | None:
    """``error`` as an error of this hierarchy; None for anything else (a bug, not a refusal)."""
    if isinstance(error, EditorialError):
        return error
    if isinstance(error, ContentParseError):
        return InvalidDocument([Fault(e.message, path=e.path, line=e.line) for e in error.errors])
    if isinstance(error, ValidationError):
        return InvalidInput(_validation_faults(error))
    if isinstance(error, PermissionDenied):
        return NotAllowed(str(error))
    if isinstance(error, ConcurrentTransition):
        return WorkflowConflict(MOVED_AT_ONCE)
    if isinstance(error, TransitionNotAllowed):
        return StepRefused(str(error))
    return None


def _validation_faults(error: ValidationError) -> list[Fault]:
    if hasattr(error, "error_dict"):
        return [
            Fault(message, field="" if name == "__all__" else name)
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return [Fault(message) for message in error.messages]


def every_error_class() -> list[type[EditorialError]]:
    """Every concrete class of the hierarchy (each has its own code), for docs and tests."""
    found, pending = [], [EditorialError]
    while pending:
        cls = pending.pop(0)
        if "code" in vars(cls):
            found.append(cls)
        pending.extend(cls.__subclasses__())
    return found
