"""The OpenAPI schema: the article document from its JSON Schema, and every error documented.

The request body of drafts is the interchange format's own JSON Schema, turned
into OpenAPI 3.0 components, so the documented body and the parser never differ.
Each operation lists the errors it can answer with (``error_statuses`` on the
view), all as RFC 9457 problem details (``application/problem+json``, the
``Problem`` component), so clients and schema checks know them all.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse

from api.errors import PROBLEM_JSON
from api.serializers import ProblemSerializer
from articles.interchange.jsonformat import schema as article_json_schema

COMPONENT = "ArticleDocument"
ARTICLE_DOCUMENT = {"$ref": f"#/components/schemas/{COMPONENT}"}
# Every operation can meet a bad or revoked token and the rate limit.
COMMON_ERROR_STATUSES = {401, 429}
# JSON Schema keywords with no meaning in OpenAPI 3.0, or only for our own parser.
DROPPED_KEYWORDS = {"$schema", "$id", "$defs", "errorMessage"}
SURROGATE_RANGE = r"\ud800-\udfff"


def _component_name(definition: str) -> str:
    return COMPONENT + definition[:1].upper() + definition[1:]


def _to_openapi(node: Any) -> Any:
    """One JSON Schema 2020-12 node as OpenAPI 3.0 says it."""
    if isinstance(node, list):
        return [_to_openapi(item) for item in node]
    if not isinstance(node, dict):
        return node
    result: dict[str, Any] = {}
    for key, value in node.items():
        if key in DROPPED_KEYWORDS:
            continue
        if key == "$ref" and value.startswith("#/$defs/"):
            result["$ref"] = "#/components/schemas/" + _component_name(
                value.removeprefix("#/$defs/")
            )
        elif key == "const":
            result["enum"] = [value]
        elif key == "type" and isinstance(value, list):
            types = [t for t in value if t != "null"]
            result["type"] = types[0] if len(types) == 1 else types
            if "null" in value:
                result["nullable"] = True
        elif key == "pattern":
            # Lone surrogates cannot travel in UTF-8, so clients (and test
            # generators) cannot send them as text; the parser still refuses them.
            result["pattern"] = value.replace(SURROGATE_RANGE, "")
        else:
            result[key] = _to_openapi(value)
    if "$ref" in result and len(result) > 1:
        # OpenAPI 3.0 ignores siblings of $ref; keep them by wrapping the reference.
        ref = result.pop("$ref")
        result["allOf"] = [{"$ref": ref}]
    return result


def article_document_components() -> dict[str, dict]:
    source = article_json_schema()
    components = {COMPONENT: _to_openapi(source)}
    for name, definition in source.get("$defs", {}).items():
        components[_component_name(name)] = _to_openapi(definition)
    return components


def add_article_document(result: dict, generator, request, public) -> dict:
    """Postprocessing hook: register the article document's components."""
    result.setdefault("components", {}).setdefault("schemas", {}).update(
        article_document_components()
    )
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            body = operation.get("requestBody", {})
            if (
                body.get("content", {}).get("application/json", {}).get("schema")
                == ARTICLE_DOCUMENT
            ):
                body["required"] = True
    return result


class ApiAutoSchema(AutoSchema):
    def _error_statuses(self) -> set[int]:
        declared = getattr(self.view, "error_statuses", set())
        if isinstance(declared, dict):
            declared = declared.get(self.method, set())
        return set(declared) | COMMON_ERROR_STATUSES

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in sorted(self._error_statuses()):
            response = OpenApiResponse(ProblemSerializer, description=HTTPStatus(code).phrase)
            responses.setdefault(
                str(code),
                self._get_response_for_code(response, str(code), media_types=[PROBLEM_JSON]),
            )
        return responses
