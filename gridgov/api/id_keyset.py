"""Keyset (cursor) pagination on the primary key, oldest record first, for the registry lists.

Registry records have no natural time order a client pages by (a person registered in 1998 is
edited today); their id is stable, indexed and never reused. A page is "the next `limit` rows
after this id": as fast deep in a district's million persons as on the first page, and records
added meanwhile land at the end instead of shifting the pages a client is walking. Clients that
keep a copy page once, then ask for `updated_since` their last run.
"""

from __future__ import annotations

import base64
import binascii
import json

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError

from gridgov.api.keyset import KeysetPagination

_LARGEST_ID = 2**63 - 1  # a BigAutoField


def encode_id_cursor(pk: int) -> str:
    raw = json.dumps({"after": pk}, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_id_cursor(cursor: str, *, field: str = "cursor") -> int:
    """The id a cursor carries; raises ValidationError naming `field` for a foreign cursor."""
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        pk = json.loads(raw)["after"]
        if not isinstance(pk, int) or isinstance(pk, bool) or not 0 <= pk <= _LARGEST_ID:
            raise ValueError
    except (binascii.Error, UnicodeDecodeError, ValueError, TypeError, KeyError):
        message = _("This cursor is not valid; start again from the first page.")
        raise ValidationError({field: [message]}) from None
    return pk


class IdKeysetPagination(KeysetPagination):
    """By ascending id; `?limit=` rows a page (≤ `max_limit`), `?cursor=` from `next`.

    Same parameters and answer as the case list's KeysetPagination ({"next", "results"})."""

    def ordering(self) -> tuple[str, ...]:
        return ("pk",)

    def after(self, queryset: QuerySet, cursor: str) -> QuerySet:
        return queryset.filter(pk__gt=decode_id_cursor(cursor, field=self.cursor_query_param))

    def cursor_of(self, row) -> str:
        return encode_id_cursor(row.pk)
