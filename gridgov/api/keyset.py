"""Keyset (cursor) pagination on (reported_at, id), newest first.

A page is "the next `limit` rows after this key", answered from the index on the ordering
columns whatever the page number, and without COUNT(*): deep pages of a city's case list stay
as fast as the first one, and rows inserted meanwhile neither repeat nor shift later pages.
The cursor is opaque to clients (URL-safe base64 of the last row's key) and checked on the way in.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from gridgov.api.pagination import _whole_number


def encode_cursor(at: datetime, pk: int) -> str:
    raw = json.dumps([at.isoformat(), pk], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, *, field: str = "cursor") -> tuple[datetime, int]:
    """The (time, id) key a cursor carries; raises ValidationError naming `field` for a foreign cursor."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        at_text, pk = json.loads(raw)
        at = datetime.fromisoformat(at_text)
        if at.tzinfo is None or not isinstance(pk, int) or isinstance(pk, bool):
            raise ValueError
    except (binascii.Error, UnicodeDecodeError, ValueError, TypeError):
        message = _("This cursor is not valid; start again from the first page.")
        raise ValidationError({field: [message]}) from None
    return at, pk


class KeysetPagination(BasePagination):
    """Newest first by (`time_field`, id); `?limit=` rows a page (≤ `max_limit`), `?cursor=` from `next`."""

    time_field = "reported_at"
    default_limit = 50
    max_limit = 200
    cursor_query_param = "cursor"
    limit_query_param = "limit"

    def paginate_queryset(self, queryset: QuerySet, request, view=None) -> list:
        limit = _whole_number(request, self.limit_query_param, minimum=1)
        self.limit = self.default_limit if limit is None else min(limit, self.max_limit)
        self.request = request
        cursors = request.query_params.getlist(self.cursor_query_param)
        if len(cursors) > 1:
            raise ValidationError({self.cursor_query_param: [_("Give this parameter once.")]})
        if cursors:
            queryset = self.after(queryset, cursors[0])
        # One row more than asked tells whether a next page exists, without counting.
        rows = list(queryset.order_by(*self.ordering())[: self.limit + 1])
        self.has_next = len(rows) > self.limit
        rows = rows[: self.limit]
        self.last = rows[-1] if rows else None
        return rows

    # What a subclass with another order changes: the order, the filter a cursor stands for and
    # the cursor of a row.
    def ordering(self) -> tuple[str, ...]:
        return (f"-{self.time_field}", "-pk")

    def after(self, queryset: QuerySet, cursor: str) -> QuerySet:
        at, pk = decode_cursor(cursor, field=self.cursor_query_param)
        return queryset.filter(Q(**{f"{self.time_field}__lt": at}) | Q(**{self.time_field: at, "pk__lt": pk}))

    def cursor_of(self, row) -> str:
        return encode_cursor(getattr(row, self.time_field), row.pk)

    def get_next_link(self) -> str | None:
        if not self.has_next or self.last is None:
            return None
        url = self.request.build_absolute_uri()
        url = replace_query_param(url, self.limit_query_param, self.limit)
        return replace_query_param(url, self.cursor_query_param, self.cursor_of(self.last))

    def get_paginated_response(self, data) -> Response:
        return Response({"next": self.get_next_link(), "results": data})

    def get_paginated_response_schema(self, schema: dict) -> dict:
        return {
            "type": "object",
            "required": ["next", "results"],
            "properties": {
                "next": {
                    "type": "string",
                    "nullable": True,
                    "format": "uri",
                    "description": "The next page, or null on the last page.",
                },
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view) -> list[dict]:
        return [
            {
                "name": self.limit_query_param,
                "required": False,
                "in": "query",
                "description": f"Rows per page, 1 to {self.max_limit} (default {self.default_limit}).",
                "schema": {"type": "integer", "minimum": 1},
            },
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": "Opaque position from the `next` link of the previous page.",
                "schema": {"type": "string"},
            },
        ]
