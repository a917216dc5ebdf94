"""OpenAPI post-processing: document the error answers every endpoint can give."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

_DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
# A validation error names each bad field with its reasons; a malformed request gets "detail".
_FIELD_ERRORS = {
    "type": "object",
    "additionalProperties": {
        "oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
    },
}
ERROR_RESPONSES = {
    "400": (_("Bad input: each field named with its reasons, in the request's language."), _FIELD_ERRORS),
    "401": (_("No valid credentials were given."), _DETAIL),
    "403": (_("The caller's roles do not allow this."), _DETAIL),
    "404": (_("Not found, or outside the caller's jurisdiction (the two are not told apart)."), _DETAIL),
}


def add_error_responses(result, generator, request, public):
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status, (description, body) in ERROR_RESPONSES.items():
                responses.setdefault(
                    status,
                    {"description": str(description), "content": {"application/json": {"schema": body}}},
                )
    return result
