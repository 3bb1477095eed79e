"""Errors the services raise; each maps to its own HTTP status in the views.

- ``django.core.exceptions.PermissionDenied``: the user may not do this (403).
- ``django_fsm.TransitionNotAllowed`` / ``WorkflowConflict``: not possible in the
  article's current state or content (409).
- ``django.core.exceptions.ValidationError``: bad input (400).
"""

from __future__ import annotations

from django_fsm import TransitionNotAllowed


class WorkflowConflict(Exception):
    """The request no longer fits the article: it moved or changed meanwhile (409)."""


class ContentLocked(WorkflowConflict):
    """Content changes only in draft; the article is in review, approved or retracted."""


class EditConflict(WorkflowConflict):
    """Someone saved the article after this edit started; the later save is refused."""

    def __init__(self, message: str, *, current_version: int, changes: list[str] | None = None):
        super().__init__(message)
        self.current_version = current_version
        self.changes = changes or []


class ConditionsNotMet(TransitionNotAllowed):
    """The transition exists from this state, but the article is not ready for it."""

    def __init__(self, message: str, *, reasons: list[str]):
        super().__init__(message)
        self.reasons = reasons
