"""Every API error as JSON: a machine-readable code, a message and the fields at fault.

    {"error": {"code": "invalid_article", "message": "...",
               "fields": [{"path": "$.claims[3].citations[0]", "message": "..."}]}}

Domain errors raised by the services keep their meaning here: not allowed is
403, a wrong state or a stale edit is 409, bad input is 400.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django_fsm import ConcurrentTransition, TransitionNotAllowed
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from articles.content import ContentParseError
from articles.errors import ConditionsNotMet, ContentLocked, EditConflict, WorkflowConflict


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "payload_too_large"


class Gone(exceptions.APIException):
    status_code = status.HTTP_410_GONE
    default_detail = "This article was retracted and is no longer published."
    default_code = "retracted"


class PreconditionRequired(exceptions.APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = (
        "Name the version your edit started from: send the draft's ETag in an If-Match header."
    )
    default_code = "precondition_required"


# Codes for DRF's own exceptions, where its default code is vaguer than ours.
DRF_CODES = {
    exceptions.ParseError: "invalid_json",
    exceptions.AuthenticationFailed: "invalid_token",
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.PermissionDenied: "permission_denied",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.NotAcceptable: "not_acceptable",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "rate_limited",
    exceptions.ValidationError: "invalid",
}


def error_body(code: str, message: str, **extra: Any) -> dict:
    body = {"code": code, "message": message, "fields": extra.pop("fields", [])}
    body.update({k: v for k, v in extra.items() if v is not None})
    return {"error": body}


def json_path(parts: list[str | int]) -> str:
    path = "$"
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else f".{part}"
    return path


def flatten_detail(detail: Any, parts: list[str | int] | None = None) -> list[dict]:
    """DRF's nested error detail as a flat list of {path, message}."""
    parts = parts or []
    if isinstance(detail, dict):
        fields = []
        for key, value in detail.items():
            key_parts = parts if key in ("non_field_errors", "__all__") else [*parts, key]
            fields.extend(flatten_detail(value, key_parts))
        return fields
    if isinstance(detail, list):
        if all(not isinstance(item, (dict, list)) for item in detail):
            return [{"path": json_path(parts), "message": str(item)} for item in detail]
        fields = []
        for index, item in enumerate(detail):
            if item:
                fields.extend(flatten_detail(item, [*parts, index]))
        return fields
    return [{"path": json_path(parts), "message": str(detail)}]


def _django_validation_fields(error: DjangoValidationError) -> list[dict]:
    if hasattr(error, "error_dict"):
        return [
            {"path": json_path([] if key == "__all__" else [key]), "message": message}
            for key, messages in error.message_dict.items()
            for message in messages
        ]
    return [{"path": "$", "message": message} for message in error.messages]


def _domain_error(exc: Exception) -> tuple[int, dict] | None:
    """Status and body for the errors the services and parsers raise, else None."""
    if isinstance(exc, ContentParseError):
        fields = [
            {"path": e.path or "$", "message": e.message + (f" (line {e.line})" if e.line else "")}
            for e in exc.errors
        ]
        return 400, error_body(
            "invalid_article", "The article document is not valid.", fields=fields
        )
    if isinstance(exc, DjangoValidationError):
        fields = _django_validation_fields(exc)
        message = "; ".join(f["message"] for f in fields) or "Invalid input."
        return 400, error_body("invalid", message, fields=fields)
    if isinstance(exc, DjangoPermissionDenied):
        return 403, error_body("permission_denied", str(exc) or "You may not do this.")
    if isinstance(exc, Http404):
        return 404, error_body("not_found", "Not found.")
    if isinstance(exc, ConditionsNotMet):
        return 409, error_body("conditions_not_met", str(exc), reasons=list(exc.reasons))
    if isinstance(exc, EditConflict):
        return 409, error_body("edit_conflict", str(exc), current_version=exc.current_version)
    if isinstance(exc, ContentLocked):
        return 409, error_body("content_locked", str(exc))
    if isinstance(exc, WorkflowConflict | ConcurrentTransition):
        return 409, error_body("workflow_conflict", str(exc) or "The article changed meanwhile.")
    if isinstance(exc, TransitionNotAllowed):
        return 409, error_body("transition_not_allowed", str(exc))
    return None


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF exception handler: JSON errors for every failure the API expects."""
    domain = _domain_error(exc)
    if domain is not None:
        status_code, body = domain
        set_rollback()
        return Response(body, status=status_code)
    if not isinstance(exc, exceptions.APIException):
        return None  # a bug: let it surface as a server error rather than hide it
    headers = {}
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        headers["Retry-After"] = str(int(exc.wait) + 1)
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    code = next((c for cls, c in DRF_CODES.items() if type(exc) is cls), None)
    code = code or (exc.default_code if isinstance(exc.default_code, str) else "error")
    if isinstance(exc, exceptions.ValidationError):
        fields = flatten_detail(exc.detail)
        body = error_body(code, "The request is not valid.", fields=fields)
    else:
        body = error_body(code, str(exc.detail))
    set_rollback()
    return Response(body, status=exc.status_code, headers=headers)
