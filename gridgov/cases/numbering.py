"""Human-readable case numbers: district code, date and a daily sequence (150502-20261124-00123)."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from gridgov.cases.models import CaseCounter

# CaseCounter's table; Django's update() cannot return the new value.
_NEXT = "UPDATE cases_casecounter SET value = value + 1 WHERE key = %s RETURNING value"


def next_case_number(district_code: str, at: datetime) -> str:
    """The next number for `district_code` on the local date of `at`; call inside a transaction.

    The counter row is updated in place (one UPDATE … RETURNING, on PostgreSQL and SQLite), so
    concurrent callers queue on its row lock and never share a number.
    """
    day = timezone.localtime(at).strftime("%Y%m%d")
    key = f"{district_code}-{day}"
    with connection.cursor() as cursor:
        cursor.execute(_NEXT, [key])
        row = cursor.fetchone()
    if row is None:  # the day's first case
        try:
            with transaction.atomic():
                CaseCounter.objects.create(key=key, value=1)
            value = 1
        except IntegrityError:  # another request created it first
            with connection.cursor() as cursor:
                cursor.execute(_NEXT, [key])
                value = cursor.fetchone()[0]
    else:
        value = row[0]
    return f"{key}-{value:05d}"
