"""One mapping from service errors to HTTP answers, used by every desk view.

Views with a form catch ``DESK_ERRORS`` themselves so they can re-render the
form with what the user typed; every other view lets the ``desk_view``
decorator answer with the error page. Either way the status and message come
from ``error_status`` and ``error_messages`` below.
"""

from __future__ import annotations

import functools

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from articles.content import ContentParseError
from articles.errors import ConditionsNotMet, WorkflowConflict
from articles.policy import has_desk_access

DESK_ERRORS = (
    PermissionDenied,
    TransitionNotAllowed,
    WorkflowConflict,
    ConcurrentTransition,
    ValidationError,
    ContentParseError,
)


def error_status(error: Exception) -> int:
    if isinstance(error, PermissionDenied):
        return 403
    if isinstance(error, (ValidationError, ContentParseError)):
        return 400
    # Wrong state, not ready, moved or changed by someone else meanwhile.
    return 409


def error_messages(error: Exception) -> list[str]:
    """What to tell the user, one sentence per problem."""
    if isinstance(error, ConcurrentTransition):
        return [
            "Someone else moved this article at the same moment. Reload it to see where it is now."
        ]
    if isinstance(error, ConditionsNotMet):
        return [str(error).split(":")[0] + ":", *error.reasons]
    if isinstance(error, ValidationError):
        return list(error.messages)
    if isinstance(error, ContentParseError):
        return [str(e) for e in error.errors]
    return [str(error) or "You may not do this."]


def render_error(request, error: Exception):
    status = error_status(error)
    if request.headers.get("X-Requested-With") == "fetch":
        # The desk's scripts say what went wrong in the server's own words.
        return JsonResponse({"errors": error_messages(error)}, status=status)
    return render(
        request,
        "desk/error.html",
        {"status": status, "messages_list": error_messages(error)},
        status=status,
    )


def desk_view(view):
    """Desk access for the view, and service errors answered with their own status.

    Anonymous users are sent to log in; signed-in readers get 403: the desk is
    for editors, board reviewers and site admins only.
    """

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not has_desk_access(request.user):
            return render_error(
                request, PermissionDenied("The desk is for editors and board reviewers.")
            )
        try:
            return view(request, *args, **kwargs)
        except Http404:
            raise
        except DESK_ERRORS as error:
            return render_error(request, error)

    return wrapper


def add_form_errors(form, error: Exception) -> None:
    """Attach a service error to the form so it shows beside what the user typed."""
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            target = name if name in form.fields else None
            for message in errors:
                form.add_error(target, message)
        return
    for message in error_messages(error):
        form.add_error(None, message)
