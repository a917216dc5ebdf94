"""Searching and exporting the audit log for auditors."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from gridgov.audit.models import AuditEntry

PAGE_SIZE = 50
CSV_COLUMNS = (
    "id",
    "seq",
    "time",
    "account",
    "roles",
    "action",
    "target_type",
    "target_id",
    "target",
    "outcome",
    "client_address",
    "sealed",
    "details",
)


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def filter_entries(filters: dict[str, Any]) -> QuerySet[AuditEntry]:
    """Entries matching the cleaned filters of AuditFilterForm, newest first.

    `action` ending in "." or "*" matches by prefix ("auth." finds every login event); dates
    are whole days in the server's time zone, both ends included.
    """
    entries = AuditEntry.objects.all()
    if actor := filters.get("actor"):
        entries = entries.filter(actor_name__iexact=actor)
    if action := filters.get("action"):
        if action.endswith(("*", ".")):
            entries = entries.filter(action__startswith=action.rstrip("*"))
        else:
            entries = entries.filter(action=action)
    if outcome := filters.get("outcome"):
        entries = entries.filter(outcome=outcome)
    if target_type := filters.get("target_type"):
        entries = entries.filter(target_type=target_type)
    if target_id := filters.get("target_id"):
        entries = entries.filter(target_id=target_id)
    if text := filters.get("q"):
        entries = entries.filter(target_repr__icontains=text)
    if date_from := filters.get("date_from"):
        entries = entries.filter(at__gte=_day_start(date_from))
    if date_to := filters.get("date_to"):
        entries = entries.filter(at__lt=_day_start(date_to + timedelta(days=1)))
    return entries.order_by("-at", "-id")


def filters_for_log(filters: dict[str, Any]) -> dict[str, str]:
    """The filters that were set, as text, for the audit entry that records the search."""
    return {name: str(value) for name, value in filters.items() if value not in (None, "")}


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    # A leading =, +, - or @ makes spreadsheets run the cell as a formula (CSV injection).
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_lines(entries: Iterable[AuditEntry]) -> Iterator[str]:
    """The entries as CSV lines (header first), streamed so an export never loads the whole log."""
    import json

    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(CSV_COLUMNS)  # BOM: Excel then reads UTF-8 Chinese correctly
    for entry in entries:
        yield writer.writerow(
            [
                _cell(v)
                for v in (
                    entry.id,
                    entry.seq,
                    timezone.localtime(entry.at).isoformat(timespec="seconds"),
                    entry.actor_name,
                    entry.roles,
                    entry.action,
                    entry.target_type,
                    entry.target_id,
                    entry.target_repr,
                    entry.outcome,
                    entry.client_ip,
                    "yes" if entry.is_sealed else "no",
                    json.dumps(entry.details, ensure_ascii=False, sort_keys=True),
                )
            ]
        )
