"""JSON bodies with a size limit checked before anything is read or parsed."""

from __future__ import annotations

import codecs
import json

from django.conf import settings
from rest_framework import exceptions, parsers, status

from articles.interchange import MAX_INPUT_BYTES


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "payload_too_large"


def max_body_bytes() -> int:
    # The interchange format's own input limit, unless a deployment sets its own.
    return getattr(settings, "API_MAX_BODY_BYTES", MAX_INPUT_BYTES)


def read_limited(stream, meta) -> bytes:
    """The request body, refused with 413 beyond the limit (declared or actually sent)."""
    limit = max_body_bytes()
    try:
        declared = int(meta.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        raise PayloadTooLarge(f"The request body is larger than {limit} bytes.")
    body = stream.read(limit + 1) if stream is not None else b""
    if len(body) > limit:
        raise PayloadTooLarge(f"The request body is larger than {limit} bytes.")
    return body


def decode_utf8(body: bytes, encoding: str = "utf-8") -> str:
    try:
        return codecs.decode(body, encoding)
    except (UnicodeDecodeError, LookupError) as error:
        raise exceptions.ParseError("The request body is not UTF-8 text.") from error


class LimitedJSONParser(parsers.JSONParser):
    """A JSON object body, at most ``API_MAX_BODY_BYTES`` long."""

    def parse(self, stream, media_type=None, parser_context=None):
        request = (parser_context or {}).get("request")
        meta = request.META if request is not None else {}
        text = decode_utf8(read_limited(stream, meta))
        try:
            return json.loads(text)
        except ValueError as error:
            raise exceptions.ParseError(f"The request body is not valid JSON: {error}") from error


class ArticleDocumentParser(parsers.BaseParser):
    """The article interchange document, passed on as text for ``parse_json`` to read."""

    media_type = "application/json"

    def parse(self, stream, media_type=None, parser_context=None):
        request = (parser_context or {}).get("request")
        meta = request.META if request is not None else {}
        return decode_utf8(read_limited(stream, meta))
