"""Assessment pages: indicator tables with drill-down, snapshots (freeze, publish, explain), xlsx.

Thin: figures come from compute/snapshots, the records behind field-work figures from drilldown;
every list goes through access.scope and shows only what the case queue shows (number, category,
grid, state, times — no reporter) or, for households and persons, masked records.
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridgov.access.models import Department
from gridgov.access.scope import get_for_user, has_permission, in_scope, jurisdiction_paths, scoped
from gridgov.analytics.routers import reads_from_replica
from gridgov.assessment import drilldown, exports
from gridgov.assessment.compute import cases_behind, entities, entity_of, indicators_for
from gridgov.assessment.indicators import BY_CODE, CASES, indicators_of
from gridgov.assessment.models import AssessmentRow, AssessmentRun, Kind, RunState
from gridgov.assessment.periods import KINDS, Period, PeriodError
from gridgov.assessment.snapshots import AssessmentError, freeze, frozen_case_ids, publish
from gridgov.cases.models import Case
from gridgov.geo.models import Level, OrgUnit
from gridgov.web.permissions import permission_required

VIEW = "assessment.view"
MANAGE = "assessment.manage"
CASE_LIST_LIMIT = 1000


class BadInput(Exception):
    """A query parameter that cannot be used: answered with 400 and the reason."""


def _bad(request, message: str):
    return render(request, "assessment/bad_input.html", {"message": message}, status=400)


def _areas(user) -> list[OrgUnit]:
    """The units the user may pick as the assessed area: their jurisdictions and the streets below."""
    paths = jurisdiction_paths(user, VIEW)
    tops = list(OrgUnit.objects.filter(path__in=paths).order_by("path"))
    below = scoped(user, OrgUnit.objects.active().filter(level__lte=Level.COMMUNITY), VIEW).exclude(
        path__in=paths
    )
    return tops + list(below.order_by("path"))


def _area(request, areas: list[OrgUnit]) -> OrgUnit:
    chosen = request.GET.get("area") or request.POST.get("area")
    if not chosen:
        if not areas:
            raise Http404
        return areas[0]
    try:
        pk = int(chosen)
    except ValueError:
        raise BadInput(_("Unknown area.")) from None
    return get_for_user(request.user, OrgUnit.objects.all(), VIEW, request=request, pk=pk)


def _kind(value: str | None) -> str:
    kind = value or Kind.GRID
    if kind not in Kind.values:
        raise BadInput(_("Unknown assessed kind."))
    return kind


def _period(request) -> Period:
    text = request.GET.get("period")
    if not text:
        kind = request.GET.get("period_kind") or "month"
        day = request.GET.get("day") or timezone.localdate().isoformat()
        text = f"{kind}:{day}"
    try:
        return Period.parse(text)
    except PeriodError as error:
        raise BadInput(str(error)) from None


def _arrow(indicator, value, before) -> dict | None:
    if value is None or before is None or abs(value - before) < 1e-12:
        return None
    up = value > before
    good = up == indicator.higher_is_better
    return {"symbol": "▲" if up else "▼", "tone": "success" if good else "danger", "before": before}


def _table(rows, kind: str, period: Period, area: OrgUnit) -> dict:
    indicators = indicators_of(kind)
    base = {"kind": kind, "period": period.key, "area": area.pk}
    table = []
    for row in sorted(rows, key=lambda r: (r.rank is None, r.rank or 0, r.label)):
        cells = []
        for i in indicators:
            f = row.figures[i.code]
            link = (
                reverse("assessment:cases" if i.source == CASES else "assessment:records")
                + "?"
                + urlencode({**base, "indicator": i.code, "part": "numerator", "entity": row.key})
            )
            cells.append(
                {
                    "indicator": i,
                    "figure": f,
                    "link": link,
                    "pop": _arrow(i, f.value, row.previous.get(i.code)),
                    "yoy": _arrow(i, f.value, row.year_ago.get(i.code)),
                }
            )
        table.append({"row": row, "cells": cells})
    return {"indicators": indicators, "rows": table}


@permission_required(VIEW)
@reads_from_replica
def index(request):
    user = request.user
    areas = _areas(user)
    try:
        area = _area(request, areas)
        kind = _kind(request.GET.get("kind"))
        period = _period(request)
    except BadInput as error:
        return _bad(request, str(error))
    table = _table(indicators_for(kind, period, area=area), kind, period, area)
    if request.GET.get("format") == "xlsx":
        return exports.xlsx_response(request, exports.live_table(table), f"assessment-{kind}-{period.key}")
    context = {
        "areas": areas,
        "area": area,
        "kind": kind,
        "kinds": Kind.choices,
        "period": period,
        "period_kinds": KINDS,
        "table": table,
        "can_manage": has_permission(user, MANAGE),
        "export_query": urlencode({"kind": kind, "period": period.key, "area": area.pk, "format": "xlsx"}),
    }
    return render(request, "assessment/index.html", context)


def _entity_in_scope(user, kind: str, entity: str) -> bool:
    try:
        pk = int(entity)
    except ValueError:
        return False
    if kind in (Kind.GRID, Kind.COMMUNITY, Kind.STREET):
        unit = OrgUnit.objects.filter(pk=pk).first()
        return unit is not None and in_scope(user, unit.path, VIEW)
    if kind == Kind.DEPARTMENT:
        return Department.objects.filter(pk=pk).exists()
    return any(e.key == entity for e in entities(kind, None) if in_scope(user, e.path, VIEW))


def _case_rows(user, case_ids):
    cases = scoped(user, Case.objects.filter(pk__in=case_ids), VIEW)
    return cases.select_related("category", "grid", "fact").order_by("-reported_at", "-id")


def _figure_query(request):
    """(indicator, part, kind, period, entity, area) of a drill-down link; BadInput names the bad one."""
    indicator = BY_CODE.get(request.GET.get("indicator", ""))
    if indicator is None:
        raise BadInput(_("Unknown indicator."))
    part = request.GET.get("part", "numerator")
    if part not in ("numerator", "denominator") or (part == "denominator" and not indicator.denominator):
        raise BadInput(_("Choose the numerator or the denominator of a rate."))
    kind = _kind(request.GET.get("kind"))
    if kind not in indicator.kinds:
        raise BadInput(_("This indicator is not assessed for this kind."))
    period = _period(request)
    entity = request.GET.get("entity", "")
    area = _area(request, _areas(request.user)) if request.GET.get("area") else None
    return indicator, part, kind, period, entity, area


def _drill_context(request, indicator, part, period, total: int, shown) -> dict:
    return {
        "indicator": indicator,
        "part": part,
        "period": period,
        "rows": shown,
        "total": total,
        "limit": CASE_LIST_LIMIT,
        "other_part": _other_part_link(request, indicator, part),
        "export_query": request.GET.urlencode() + "&format=xlsx",
    }


@permission_required(VIEW)
@reads_from_replica
def cases(request):
    """The cases behind one figure: `?indicator=&part=&kind=&entity=&period=[&area=]`."""
    user = request.user
    try:
        indicator, part, kind, period, entity, area = _figure_query(request)
    except BadInput as error:
        return _bad(request, str(error))
    if indicator.source != CASES:  # an old link: the records of a field-work figure
        return redirect(reverse("assessment:records") + "?" + request.GET.urlencode())
    if not _entity_in_scope(user, kind, entity):
        raise Http404
    facts = cases_behind(indicator, part, kind, entity, period, area=area)
    rows = _case_rows(user, facts.values("case_id"))
    total = rows.count()
    if request.GET.get("format") == "xlsx":
        return exports.xlsx_response(
            request, exports.case_table(rows[:50000]), f"cases-{indicator.code}-{period.key}"
        )
    context = _drill_context(request, indicator, part, period, total, rows[:CASE_LIST_LIMIT])
    return render(request, "assessment/cases.html", context)


@permission_required(VIEW)
@reads_from_replica
def records(request):
    """The households, persons or campaign progress behind a field-work figure, same query as `cases`."""
    user = request.user
    try:
        indicator, part, kind, period, entity, area = _figure_query(request)
    except BadInput as error:
        return _bad(request, str(error))
    if indicator.source == CASES:
        return redirect(reverse("assessment:cases") + "?" + request.GET.urlencode())
    assessed = entity_of(kind, entity, area) if _entity_in_scope(user, kind, entity) else None
    if assessed is None:
        raise Http404
    found = drilldown.records_behind(indicator, part, kind, assessed, period, area=area)
    limit = 50000 if request.GET.get("format") == "xlsx" else CASE_LIST_LIMIT
    shown, total = drilldown.listing(user, found, period, limit=limit)
    if request.GET.get("format") == "xlsx":
        return exports.xlsx_response(
            request,
            exports.record_table(found.source, shown),
            f"{found.source}-{indicator.code}-{period.key}",
        )
    context = {
        **_drill_context(request, indicator, part, period, total, shown),
        "source": found.source,
        "figure": found.figure(),
        "entity_label": assessed.label,
    }
    return render(request, "assessment/records.html", context)


def _other_part_link(request, indicator, part) -> str | None:
    if not indicator.denominator:
        return None
    query = request.GET.copy()
    query["part"] = "denominator" if part == "numerator" else "numerator"
    return "?" + query.urlencode()


# --- Snapshots ------------------------------------------------------------------------------------


@permission_required(VIEW)
def runs(request):
    user = request.user
    visible = scoped(user, AssessmentRun.objects.all(), VIEW)
    if not has_permission(user, MANAGE):
        visible = visible.filter(state=RunState.PUBLISHED)
    context = {
        "runs": visible.select_related("created_by", "published_by")[:200],
        "areas": _areas(user),
        "kinds": Kind.choices,
        "can_manage": has_permission(user, MANAGE),
        "last_month": (timezone.localdate().replace(day=1) - date.resolution).replace(day=1),
    }
    return render(request, "assessment/runs.html", context)


@permission_required(MANAGE)
@require_POST
def freeze_view(request):
    user = request.user
    try:
        kind = _kind(request.POST.get("kind"))
        area = _area(request, _areas(user))
        month = date.fromisoformat((request.POST.get("month") or "") + "-01")
        if not in_scope(user, area.path, MANAGE):
            raise Http404
        run = freeze(kind, month, actor=user, area=area, request=request)
    except (BadInput, ValueError) as error:
        message = (
            str(error) if isinstance(error, (BadInput, AssessmentError)) else _("Give the month as YYYY-MM.")
        )
        messages.error(request, message)
        return redirect("assessment:runs")
    messages.success(request, _("The assessment was frozen as a draft."))
    return redirect("assessment:run", pk=run.pk)


def _run_for(request, pk: int) -> AssessmentRun:
    run = get_for_user(request.user, AssessmentRun.objects.all(), VIEW, request=request, pk=pk)
    if run.state != RunState.PUBLISHED and not has_permission(request.user, MANAGE):
        raise Http404
    return run


def _run_table(run: AssessmentRun) -> dict:
    """A snapshot's rows; each figure links to its frozen numerator list on the row's explain page."""
    indicators = indicators_of(run.kind)
    table = []
    for r in sorted(run.rows.all(), key=lambda r: (r.rank is None, r.rank or 0, r.label)):
        explained = reverse("assessment:explain", args=[run.pk, r.pk])
        cells = [
            {
                "indicator": i,
                "value": r.values.get(i.code) or {},
                "link": explained + "?" + urlencode({"indicator": i.code, "part": "numerator"}),
            }
            for i in indicators
        ]
        table.append({"row": r, "link": explained, "cells": cells})
    return {"indicators": indicators, "rows": table}


@permission_required(VIEW)
def run_detail(request, pk: int):
    run = _run_for(request, pk)
    table = _run_table(run)
    if request.GET.get("format") == "xlsx":
        return exports.xlsx_response(
            request, exports.run_table(table), f"assessment-{run.kind}-{run.month:%Y-%m}"
        )
    context = {
        "run": run,
        "indicators": table["indicators"],
        "table": table["rows"],
        "can_publish": run.state == RunState.DRAFT and has_permission(request.user, MANAGE),
    }
    return render(request, "assessment/run.html", context)


@permission_required(MANAGE)
@require_POST
def publish_view(request, pk: int):
    run = get_for_user(request.user, AssessmentRun.objects.all(), MANAGE, request=request, pk=pk)
    try:
        publish(run, actor=request.user, request=request)
    except AssessmentError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The assessment is published."))
    return redirect("assessment:run", pk=run.pk)


@permission_required(VIEW)
def explain(request, pk: int, row: int):
    """One row of a snapshot: every indicator with its frozen numerator and denominator cases."""
    run = _run_for(request, pk)
    entry = get_object_or_404(AssessmentRow, run=run, pk=row)
    indicator_code = request.GET.get("indicator")
    part = request.GET.get("part", "numerator")
    listed = None
    if indicator_code:
        if indicator_code not in BY_CODE or part not in ("numerator", "denominator"):
            return _bad(request, _("Unknown indicator."))
        listed = _frozen_listing(request, run, entry, BY_CODE[indicator_code], part)
    lines = []
    for i in indicators_of(run.kind):
        frozen = entry.case_ids.get(i.code) or {}
        lines.append(
            {
                "indicator": i,
                "value": entry.values.get(i.code) or {},
                "numerator_cases": len(frozen.get("numerator") or []),
                "denominator_cases": len(frozen.get("denominator") or []),
                "has_cases": i.source == CASES or i.code in entry.case_ids,
            }
        )
    context = {
        "run": run,
        "entry": entry,
        "lines": lines,
        "weights": run.weights,
        "listed": listed,
    }
    return render(request, "assessment/explain.html", context)


def _frozen_listing(request, run: AssessmentRun, entry: AssessmentRow, indicator, part: str) -> dict:
    """The frozen records behind one figure of a snapshot row, narrowed to the viewer."""
    listed = {"indicator": indicator, "part": part, "source": indicator.source}
    if indicator.source == CASES:
        listed["rows"] = _case_rows(request.user, frozen_case_ids(entry, indicator.code, part))
        return listed
    found = drilldown.frozen_records(indicator.source, part, entry.case_ids.get(indicator.code) or {})
    month = Period.containing("month", run.month)
    listed["rows"], listed["total"] = drilldown.listing(request.user, found, month, limit=CASE_LIST_LIMIT)
    listed["figure"] = found.figure()
    return listed
