"""Human-readable case numbers: district code, date and a daily sequence (150502-20261124-00123)."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from gridgov.cases.models import CaseCounter


def next_case_number(district_code: str, at: datetime) -> str:
    """The next number for `district_code` on the local date of `at`; call inside a transaction.

    The counter row is updated in place, so concurrent callers queue on its row lock and never
    share a number.
    """
    day = timezone.localtime(at).strftime("%Y%m%d")
    key = f"{district_code}-{day}"
    if not CaseCounter.objects.filter(key=key).update(value=F("value") + 1):
        try:
            with transaction.atomic():
                CaseCounter.objects.create(key=key, value=1)
        except IntegrityError:  # another request created it first
            CaseCounter.objects.filter(key=key).update(value=F("value") + 1)
    value = CaseCounter.objects.values_list("value", flat=True).get(key=key)
    return f"{key}-{value:05d}"
