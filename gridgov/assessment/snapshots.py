"""Monthly assessments frozen as snapshots: freeze (draft), publish, explain.

A snapshot keeps every figure, score, grade and rank, the weights used and the ids of the records
behind every figure — cases, and for the field-work indicators households (with the visits
behind), persons and campaign progress rows (with their done/total) — so a published explanation
does not drift when cases or the registry change later.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.access.scope import path_filter
from gridgov.analytics.measures import MEASURES, facts_on
from gridgov.analytics.models import CaseFact
from gridgov.assessment.compute import GROUP_FIELD, entities, indicators_for
from gridgov.assessment.drilldown import frozen_ids
from gridgov.assessment.indicators import CASES, indicators_of
from gridgov.assessment.models import AssessmentRow, AssessmentRun, Kind, RunState
from gridgov.assessment.periods import Period
from gridgov.assessment.weights import weights_for
from gridgov.audit.log import record
from gridgov.errors import FieldError
from gridgov.geo.models import OrgUnit


class AssessmentError(FieldError):
    """A snapshot operation refused; names the field."""


def _case_ids(
    kind: str, period: Period, keys: list[str], area: OrgUnit | None
) -> dict[str, dict[str, list[int]]]:
    """{entity key: {measure: [case ids]}}: one query per measure over all entities."""
    names: set[str] = set()
    for indicator in indicators_of(kind):
        if indicator.source == CASES:
            names |= {indicator.numerator, *([indicator.denominator] if indicator.denominator else [])}
    group = GROUP_FIELD[kind]
    ids = [int(k) for k in keys]
    out: dict[str, dict[str, list[int]]] = defaultdict(dict)
    for name in sorted(names):
        facts = CaseFact.objects.filter(
            facts_on(MEASURES[name], period.start, period.end), **{f"{group}__in": ids}
        )
        if area is not None and kind != Kind.WORKER:
            facts = facts.filter(path_filter("org_path", [area.path]))
        collected: dict[str, list[int]] = defaultdict(list)
        for entity, case_id in facts.order_by(group, "case_id").values_list(group, "case_id"):
            collected[str(entity)].append(case_id)
        for key in keys:
            out[key][name] = collected.get(key, [])
    return out


def freeze(kind: str, month: date, *, actor, area: OrgUnit, request=None) -> AssessmentRun:
    """Compute `kind`'s assessment for the month of `month` within `area` and store it as a draft.

    An earlier draft of the same kind, month and area is replaced; a published one is final.
    """
    if kind not in Kind.values:
        raise AssessmentError("kind", _("Unknown assessed kind."))
    period = Period.containing("month", month)
    if period.start > timezone.localdate():
        raise AssessmentError("month", _("The month has not begun."))
    with transaction.atomic():
        existing = AssessmentRun.objects.select_for_update().filter(
            kind=kind, month=period.start, area_path=area.path
        )
        if existing.filter(state=RunState.PUBLISHED).exists():
            raise AssessmentError("month", _("This month's assessment is already published."))
        existing.delete()
        rows = indicators_for(kind, period, area=area)
        ids = _case_ids(kind, period, [r.key for r in rows], area)
        field_ids = frozen_ids(kind, period, entities(kind, area), area)
        run = AssessmentRun.objects.create(
            kind=kind,
            month=period.start,
            area_path=area.path,
            weights=weights_for(kind),
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        indicators = indicators_of(kind)
        AssessmentRow.objects.bulk_create(
            [
                AssessmentRow(
                    run=run,
                    entity=row.key,
                    label=row.label[:150],
                    path=row.path,
                    values={
                        code: {
                            **f.as_dict(),
                            "previous": row.previous.get(code),
                            "year_ago": row.year_ago.get(code),
                        }
                        for code, f in row.figures.items()
                    },
                    score=row.score,
                    grade=row.grade,
                    rank=row.rank,
                    case_ids={
                        i.code: {
                            "numerator": ids[row.key].get(i.numerator, []),
                            "denominator": ids[row.key].get(i.denominator, []) if i.denominator else [],
                        }
                        for i in indicators
                        if i.source == CASES
                    }
                    | field_ids.get(row.key, {}),
                )
                for row in rows
            ],
            batch_size=500,
        )
        record(
            "assessment.freeze",
            request=request,
            actor=actor,
            target=run,
            details={"kind": kind, "month": period.start.isoformat(), "area": area.path, "rows": len(rows)},
        )
    return run


def publish(run: AssessmentRun, *, actor, request=None) -> AssessmentRun:
    """Publish a draft: from now on it is final and shown to everyone who may view assessments."""
    with transaction.atomic():
        run = AssessmentRun.objects.select_for_update().get(pk=run.pk)
        if run.state == RunState.PUBLISHED:
            raise AssessmentError("state", _("This assessment is already published."))
        run.state = RunState.PUBLISHED
        run.published_by = actor if getattr(actor, "is_authenticated", False) else None
        run.published_at = timezone.now()
        run.save(update_fields=["state", "published_by", "published_at"])
        record("assessment.publish", request=request, actor=actor, target=run, details={"kind": run.kind})
    return run


def frozen_case_ids(row: AssessmentRow, indicator: str, part: str) -> list[int]:
    """The record ids frozen behind one figure of a snapshot row (cases for case indicators)."""
    return list((row.case_ids.get(indicator) or {}).get(part) or [])
