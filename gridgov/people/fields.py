"""Model fields of the registry that the database must treat in a particular way."""

from __future__ import annotations

from typing import Any

from django.db import models


class SearchKeyField(models.CharField):
    """A text column searched by prefix and sorted by the same index: compared by code point.

    On PostgreSQL a B-tree index serves `LIKE 'x%'` only when its collation is "C" (a database
    created with a linguistic collation, or even with C.UTF-8 before PostgreSQL 17, does not
    qualify), while the `varchar_pattern_ops` index Django adds for LIKE cannot serve ORDER BY.
    With the column in "C", one plain index gives both the prefix range and the order, so
    "the first 50 names starting with 王" reads 50 index entries. SQLite's default (BINARY) is
    already code point order for UTF-8. Declare the index in Meta.indexes: `db_index=True`
    would add Django's pattern-ops twin, useless here.
    """

    def db_parameters(self, connection) -> dict[str, Any]:
        parameters = super().db_parameters(connection)
        # CharField has db_collation; the stubs do not know it.
        if connection.vendor == "postgresql" and not getattr(self, "db_collation", None):
            parameters["collation"] = "C"
        return parameters
