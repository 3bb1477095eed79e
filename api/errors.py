"""Every API error as RFC 9457 problem details (``application/problem+json``).

    {"type": "https://…/api/problems/#edit_conflict", "title": "Edit conflict",
     "status": 409, "detail": "Someone saved …", "code": "edit_conflict",
     "current_version": 4, "changes": ["…"]}

``code`` is the machine code of the problem type (``type`` names the same, as a
URI documented at ``/api/problems/``); ``detail`` is what to tell the user about
this occurrence. Extension members carry what a client acts on: ``fields`` (the
values at fault, by JSON path) for bad input, ``reasons`` for a step the
article is not ready for, ``current_version`` and ``changes`` for an edit
conflict. The refusals of the rules (``articles.errors``) are answered with the
status of their kind; DRF's own errors (authentication, throttling, parsing)
with theirs. Nothing here reads an error's text: each error carries its parts.
"""

from __future__ import annotations

from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from django.http import Http404
from django.urls import reverse
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import set_rollback

from api.parsers import PayloadTooLarge
from articles.errors import (
    STATUS_OF_KIND,
    EditorialError,
    InvalidInput,
    as_editorial_error,
    every_error_class,
)

PROBLEM_JSON = "application/problem+json"


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

# The problem a request meets while the database is unreachable (``editorial.errors``).
UNAVAILABLE_CODE = "unavailable"


@dataclass(frozen=True)
class ProblemType:
    """One kind of problem the API answers with, as ``/api/problems/`` documents it."""

    code: str
    title: str
    status: int
    description: str


def _problem_types() -> dict[str, ProblemType]:
    types: dict[str, ProblemType] = {}
    for cls in every_error_class():
        description = (cls.__doc__ or "").strip().split("\n\n")[0].replace("\n", " ")
        types[cls.code] = ProblemType(cls.code, cls.title, STATUS_OF_KIND[cls.kind], description)
    transport = [
        (exceptions.ParseError, "The request body is not JSON (or not UTF-8 text)."),
        (exceptions.AuthenticationFailed, "The API token is not valid, or was revoked."),
        (exceptions.NotAuthenticated, "This operation needs an API token."),
        (exceptions.MethodNotAllowed, "The operation does not take this HTTP method."),
        (exceptions.NotAcceptable, "The API answers JSON only."),
        (exceptions.UnsupportedMediaType, "Send the request body as application/json."),
        (exceptions.Throttled, "Too many requests: wait for the seconds in Retry-After."),
        (PayloadTooLarge, "The request body is larger than the API accepts."),
        (PreconditionRequired, "Send the draft's ETag in If-Match: the version the edit is on."),
    ]
    for cls, description in transport:
        code = DRF_CODES.get(cls, cls.default_code)
        types[code] = ProblemType(code, _phrase(cls.status_code), cls.status_code, description)
    types[UNAVAILABLE_CODE] = ProblemType(
        UNAVAILABLE_CODE,
        _phrase(503),
        503,
        "The service is briefly unavailable; nothing was changed. Try again after Retry-After.",
    )
    return types


def _phrase(status_code: int) -> str:
    return HTTPStatus(status_code).phrase


PROBLEM_TYPES = _problem_types()


def problem_type_uri(request, code: str) -> str:
    """The URI naming the problem type ``code``: its entry on the API's problem types page."""
    path = f"{reverse('api:problems')}#{code}"
    return request.build_absolute_uri(path) if request is not None else path


def problem(request, *, status_code: int, code: str, detail: str, **members: Any) -> dict[str, Any]:
    """The problem details object: the RFC 9457 members, ``code`` and any extension members."""
    known = PROBLEM_TYPES.get(code)
    body = {
        "type": problem_type_uri(request, code) if known else "about:blank",
        "title": known.title if known else _phrase(status_code),
        "status": status_code,
        "detail": detail,
        "code": code,
    }
    body.update({name: value for name, value in members.items() if value is not None})
    return body


def problem_response(
    request, *, status_code: int, code: str, detail: str, headers=None, **members: Any
) -> Response:
    body = problem(request, status_code=status_code, code=code, detail=detail, **members)
    return Response(body, status=status_code, headers=headers, content_type=PROBLEM_JSON)


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


def refusal_members(refusal: EditorialError) -> dict[str, Any]:
    """The extension members of a refusal: its faults by JSON path, and its own details."""
    members = dict(refusal.details)
    if isinstance(refusal, InvalidInput):
        members["fields"] = [
            {
                "path": fault.path or json_path([fault.field] if fault.field else []),
                "message": fault.message + (f" (line {fault.line})" if fault.line else ""),
            }
            for fault in refusal.faults
        ]
    return members


def exception_handler(exc: Exception, context: dict) -> Response | None:
    """DRF exception handler: problem details for every failure the API expects."""
    request = context.get("request")
    refusal = as_editorial_error(exc)
    if refusal is not None:
        set_rollback()
        return problem_response(
            request,
            status_code=STATUS_OF_KIND[refusal.kind],
            code=refusal.code,
            detail=refusal.message,
            **refusal_members(refusal),
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    if not isinstance(exc, exceptions.APIException):
        return None  # a bug: let it surface as a server error rather than hide it
    headers = {}
    if isinstance(exc, exceptions.Throttled) and exc.wait is not None:
        headers["Retry-After"] = str(int(exc.wait) + 1)
    if getattr(exc, "auth_header", None):
        headers["WWW-Authenticate"] = exc.auth_header
    code = next((c for cls, c in DRF_CODES.items() if type(exc) is cls), None)
    code = code or (exc.default_code if isinstance(exc.default_code, str) else "error")
    set_rollback()
    if isinstance(exc, exceptions.ValidationError):
        return problem_response(
            request,
            status_code=exc.status_code,
            code=code,
            detail="The request is not valid.",
            headers=headers,
            fields=flatten_detail(exc.detail),
        )
    return problem_response(
        request, status_code=exc.status_code, code=code, detail=str(exc.detail), headers=headers
    )
