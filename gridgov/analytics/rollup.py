"""The cockpit's roll-up: DailyFact summed per (day, community, top category) into DailyCommunityFact.

Derived from DailyFact alone, in one INSERT … SELECT, so it holds exactly DailyFact's sums for
every scope of a community or a unit above it. Whoever writes the DailyFact rows of some days
rebuilds the roll-up of the same days in the same transaction (`daily.aggregate_days` does).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import connection, transaction

from gridgov.analytics.models import DailyCommunityFact, DailyFact
from gridgov.geo.models import CODE_LENGTHS, Level, path_for_code

# A community's path: "150502.001.003" (fixed-width segments, so a prefix cut of the grid path).
COMMUNITY_PATH_LENGTH = len(path_for_code("0" * CODE_LENGTHS[Level.COMMUNITY]))
COUNTS = ("reported", "closed", "rated", "satisfied")

# Plain SQL, the same on SQLite and PostgreSQL: the ORM has no INSERT … SELECT, and sending every
# grouped row through Python would make a full rebuild slow.
_INSERT = (
    "INSERT INTO {target} (day, org_path, top_category_id, {counts}) "
    "SELECT day, substr(org_path, 1, {length}), top_category_id, {sums} FROM {source} {where} "
    "GROUP BY day, substr(org_path, 1, {length}), top_category_id"
)


def _insert_sql(where: str) -> str:
    return _INSERT.format(
        target=DailyCommunityFact._meta.db_table,
        source=DailyFact._meta.db_table,
        counts=", ".join(COUNTS),
        sums=", ".join(f"sum({c})" for c in COUNTS),
        length=COMMUNITY_PATH_LENGTH,
        where=where,
    )


def rollup_days(days: Iterable[date]) -> int:
    """Rebuild the roll-up rows of `days` from their DailyFact rows. Returns the rows written."""
    todo = sorted(set(days))
    if not todo:
        return 0
    values = [connection.ops.adapt_datefield_value(d) for d in todo]
    written = 0
    with transaction.atomic(), connection.cursor() as cursor:
        DailyCommunityFact.objects.filter(day__in=todo).delete()
        # Batches keep the statement under SQLite's limit on query parameters.
        for start in range(0, len(values), 500):
            batch = values[start : start + 500]
            cursor.execute(_insert_sql(f"WHERE day IN ({', '.join(['%s'] * len(batch))})"), batch)
            written += max(cursor.rowcount, 0)
    return written


def rebuild_rollup() -> int:
    """Rebuild the whole roll-up from DailyFact (after a bulk rebuild of the daily rows)."""
    with transaction.atomic(), connection.cursor() as cursor:
        DailyCommunityFact.objects.all().delete()
        cursor.execute(_insert_sql(""))
        return max(cursor.rowcount, 0)


def covers(paths: list[str]) -> bool:
    """Whether the roll-up answers exactly for these scope paths: none below a community."""
    return all(len(p) <= COMMUNITY_PATH_LENGTH for p in paths)
