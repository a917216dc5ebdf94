"""GET requests and requests/{id}: public cases (cases.public) as GeoReport v2 service requests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _

from gridgov.cases.models import Case, CasePhoto, State, TimelineEntry
from gridgov.cases.public import PUBLIC_ACTIONS, PUBLIC_NOTE_ACTIONS, public_cases, public_text
from gridgov.open311.errors import Open311Error
from gridgov.web.cases.display import action_label

# The spec's default window and cap.
DEFAULT_DAYS = 90
MAX_RECORDS = 1000
STATUSES = ("open", "closed")


def status_of(case: Case) -> str:
    return "closed" if case.state == State.CLOSED else "open"


def w3c(moment: datetime | None) -> str | None:
    """ISO 8601 in the local zone (+08:00), seconds precision."""
    return timezone.localtime(moment).isoformat(timespec="seconds") if moment else None


def _moment(value: str, name: str, *, end: bool) -> datetime | None:
    value = value.strip()
    if not value:
        return None
    try:
        # An unencoded "+" of the offset arrives as a space.
        moment = parse_datetime(value) or parse_datetime(value.replace(" ", "+"))
        if moment is None:
            day = parse_date(value)
            if day is not None:
                moment = datetime.combine(day + timedelta(days=1) if end else day, time.min)
    except ValueError:
        moment = None
    if moment is None:
        raise Open311Error(
            400, _("%(field)s must be a w3c date and time, e.g. 2026-11-24T09:00:00+08:00.") % {"field": name}
        )
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


@dataclass
class RequestQuery:
    """The filters of GET requests, as strings (absent = "")."""

    service_request_id: str = ""
    service_code: str = ""
    start_date: str = ""
    end_date: str = ""
    status: str = ""


def _split(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def _with_public_parts(cases: QuerySet[Case]) -> QuerySet[Case]:
    return cases.select_related(
        "category", "department", "handling_unit", "responsible_unit", "open311_request"
    ).prefetch_related(
        Prefetch(
            "timeline",
            queryset=TimelineEntry.objects.filter(action__in=PUBLIC_ACTIONS).order_by("at", "id"),
            to_attr="public_steps",
        ),
        Prefetch("photos", queryset=CasePhoto.objects.order_by("uploaded_at", "id"), to_attr="all_photos"),
    )


def find_requests(query: RequestQuery, *, now: datetime | None = None) -> list[Case]:
    """Public cases matching `query`, newest first, at most MAX_RECORDS.

    service_request_id (a comma list) wins over every other filter, as the spec says. Without
    dates the window is the last DEFAULT_DAYS days. Raises Open311Error 400 for a bad filter.
    """
    cases = public_cases()
    numbers = _split(query.service_request_id)
    if numbers:
        return list(
            _with_public_parts(cases.filter(number__in=numbers[:MAX_RECORDS])).order_by("-reported_at")
        )
    statuses = _split(query.status)
    if any(status not in STATUSES for status in statuses):
        raise Open311Error(400, _("status must be open, closed or both (comma separated)."))
    if set(statuses) == {"closed"}:
        cases = cases.filter(state=State.CLOSED)
    elif set(statuses) == {"open"}:
        cases = cases.exclude(state=State.CLOSED)
    codes = _split(query.service_code)
    if codes:
        cases = cases.filter(category__code__in=codes)
    start = _moment(query.start_date, "start_date", end=False)
    end = _moment(query.end_date, "end_date", end=True)
    if start and end and end < start:
        raise Open311Error(400, _("end_date is before start_date."))
    if start is None:
        start = (end or now or timezone.now()) - timedelta(days=DEFAULT_DAYS)
    cases = cases.filter(reported_at__gte=start)
    if end is not None:
        cases = cases.filter(reported_at__lt=end)
    return list(_with_public_parts(cases).order_by("-reported_at", "-id")[:MAX_RECORDS])


def find_request(number: str) -> Case:
    """The public case with this number; raises Open311Error 404 (missing and not public alike)."""
    case = _with_public_parts(public_cases().filter(number=number)).first()
    if case is None:
        raise Open311Error(404, _("Unknown service_request_id."))
    return case


def _status_notes(case: Case) -> str:
    steps = case.public_steps  # type: ignore[attr-defined]
    if not steps:
        return ""
    latest = steps[-1]
    note = public_text(latest.note) if latest.action in PUBLIC_NOTE_ACTIONS else ""
    return note or action_label(latest.action)


def _agency(case: Case, language: str) -> str:
    if case.department is not None:
        department = case.department
        return department.name_en if language.startswith("en") and department.name_en else department.name_zh
    unit = case.handling_unit or case.responsible_unit
    return unit.name_for(language) if unit is not None else ""


def _media_url(case: Case, build_uri) -> str:
    submitted = getattr(case, "open311_request", None)
    if submitted is not None and submitted.media_url:
        return submitted.media_url
    photos = case.all_photos  # type: ignore[attr-defined]
    if not photos:
        return ""
    return build_uri(reverse("open311:photo", args=[case.number, photos[0].pk]))


def request_entry(case: Case, *, language: str, build_uri) -> dict[str, Any]:
    """One service request as the spec names its fields; `build_uri` makes a path absolute."""
    return {
        "service_request_id": case.number,
        "status": status_of(case),
        "status_notes": _status_notes(case),
        "service_name": case.category.name_for(language),
        "service_code": case.category.code,
        "description": public_text(case.description),
        "agency_responsible": _agency(case, language),
        "service_notice": "",
        "requested_datetime": w3c(case.reported_at),
        "updated_datetime": w3c(case.updated_at),
        "expected_datetime": w3c(case.deadline) if case.state != State.CLOSED else None,
        "address": case.address,
        "address_id": "",
        "zipcode": "",
        "lat": case.lat,
        "long": case.lon,
        "media_url": _media_url(case, build_uri),
    }
