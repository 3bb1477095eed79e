"""One mapping from service errors to HTTP answers, used by every desk view.

Views with a form catch ``DESK_ERRORS`` themselves so they can re-render the
form with what the user typed; every other view lets the ``desk_view``
decorator answer with the error page. Either way the status and message come
from ``error_status`` and ``error_messages`` below.
"""

from __future__ import annotations

import functools

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, JsonResponse
from django.shortcuts import render

from articles.errors import REFUSALS, STATUS_OF_KIND, InvalidInput, as_editorial_error
from articles.policy import has_desk_access

# Every refusal of the rules (``articles.errors``); anything else is a bug and stays a 500.
DESK_ERRORS = REFUSALS


def error_status(error: Exception) -> int:
    """The desk's status for a refusal: the one status of its kind."""
    return STATUS_OF_KIND[as_editorial_error(error).kind]


def error_messages(error: Exception) -> list[str]:
    """What to tell the user, one sentence per problem (the error's own list, never its text cut up)."""
    return as_editorial_error(error).messages


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
    refusal = as_editorial_error(error)
    if isinstance(refusal, InvalidInput):
        for fault in refusal.faults:
            form.add_error(fault.field if fault.field in form.fields else None, str(fault))
        return
    for message in refusal.messages:
        form.add_error(None, message)
