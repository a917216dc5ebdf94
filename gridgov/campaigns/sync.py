"""The campaign record kinds of the field app's sync protocol (gridgov.fieldapp.handlers) and the
"campaigns" and "monitoring" sections of its offline bundle.

Thin: parse the body, find the record in the worker's scope (campaigns.work), call the owning
service (results.record_locked, monitoring.record_checkin), which validates, counts and audits.
A result's target is fetched once, locked, in the submission's transaction (the handler
contract: it always runs inside one) and handed to the service as is.

Kinds (docs/field-app.md):

- ``campaign.result`` ``{"target": id, "outcome": "done|not_home|refused|moved",
  "answers": {code: value}, "note": ""}``
- ``monitoring.checkin`` ``{"monitoring": id, "temperature": 36.6, "symptoms": [],
  "test_result": "", "note": ""}``
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from gridgov.access.scope import scoped
from gridgov.campaigns.errors import ALL, CampaignError
from gridgov.campaigns.models import (
    Campaign,
    CampaignStatus,
    HealthCheckIn,
    Monitoring,
    Outcome,
    RiskLevel,
    RiskZone,
    Target,
)
from gridgov.campaigns.personal import audited
from gridgov.campaigns.rights import VIEW, WORK
from gridgov.campaigns.zones import LEVEL_COLOURS
from gridgov.people.models import Person

RESULT_OUTCOMES = (Outcome.DONE, Outcome.NOT_HOME, Outcome.REFUSED, Outcome.MOVED)
NOTE_MAX = 200


def _rejected(errors: dict[str, list[str]]):
    from gridgov.fieldapp.handlers import SubmissionRejected

    return SubmissionRejected(errors)


def _guard(action):
    """Turn the services' CampaignError into the protocol's SubmissionRejected."""

    def handler(user, body: dict, *, made_at: datetime):
        if not isinstance(body, dict):
            raise _rejected({ALL: [_("The submission has no body.")]})
        try:
            return action(user, body, made_at=made_at)
        except CampaignError as error:
            raise _rejected({error.field or ALL: [str(error.message)]}) from None

    handler.__name__ = action.__name__
    return handler


def _pk(body: dict, name: str) -> int:
    raw = body.get(name)
    if raw in (None, ""):
        raise CampaignError(name, _("This field is required."), "required")
    if isinstance(raw, bool):
        raise CampaignError(name, _("Give a record number."))
    try:
        return int(str(raw))
    except (TypeError, ValueError):
        raise CampaignError(name, _("Give a record number.")) from None


def _note(body: dict) -> str:
    note = body.get("note")
    if note in (None, ""):
        return ""
    if not isinstance(note, str):
        raise CampaignError("note", _("Write the note as text."))
    if len(note) > NOTE_MAX:
        raise CampaignError("note", _("At most %(count)d characters.") % {"count": NOTE_MAX}, "max_length")
    return note.strip()


@_guard
def handle_result(user, body: dict, *, made_at: datetime) -> Target:
    from gridgov.campaigns import checklist, results

    pk = _pk(body, "target")
    # The one fetch of the target: scoped (campaigns.work over its grid), with its campaign, and
    # locked for the result (the submission's transaction holds it until the commit).
    target = (
        scoped(user, Target.objects.select_related("campaign"), WORK)
        .select_for_update(of=("self",))
        .filter(pk=pk)
        .first()
    )
    if target is None:
        raise CampaignError("target", _("No such campaign household in your grids."), "not_found")
    outcome = body.get("outcome")
    if outcome not in RESULT_OUTCOMES:
        raise CampaignError("outcome", _("Choose done, not at home, refused or moved."))
    answers = body.get("answers")
    if answers is None:
        answers = {}
    if not isinstance(answers, dict):
        raise CampaignError("answers", _("The answers must be a JSON object."))
    if outcome == Outcome.DONE and target.campaign.status == CampaignStatus.ACTIVE:
        # Every checklist problem at once (the service stops at the first), so that the worker
        # corrects the rejected result in one go on the phone.
        errors = checklist.check(results.campaign_questions(target.campaign), answers)[1]
        if errors:
            raise _rejected({field: [str(message)] for field, message in errors.items()})
    return results.record_locked(user, target, outcome=outcome, answers=answers, note=_note(body), at=made_at)


@_guard
def handle_checkin(user, body: dict, *, made_at: datetime) -> HealthCheckIn:
    from gridgov.campaigns import monitoring

    pk = _pk(body, "monitoring")
    found = scoped(user, Monitoring.objects.select_related("campaign"), WORK).filter(pk=pk).first()
    if found is None:
        raise CampaignError("monitoring", _("No such person under monitoring in your grids."), "not_found")
    temperature = body.get("temperature")
    if isinstance(temperature, bool) or not isinstance(temperature, int | float | str | None):
        raise CampaignError("temperature", _("Give the temperature in °C, e.g. 36.6."))
    # The monitoring service checks the values themselves (range, symptom codes, test result).
    return monitoring.record_checkin(
        user,
        found,
        temperature=temperature,
        symptoms=body.get("symptoms") or [],
        test_result=body.get("test_result") or "",
        note=_note(body),
        at=made_at,
        by_self=False,
    )


HANDLERS = {
    "campaign.result": handle_result,
    "monitoring.checkin": handle_checkin,
}


# --- Offline bundle -----------------------------------------------------------------------


def mask_name(name: str) -> str:
    """A person's name as campaign lists on the device show it (the monitoring module's rule)."""
    from gridgov.campaigns.monitoring import mask_name as masked

    return masked(name)


def _worker_grid_ids(user) -> list[int]:
    from gridgov.fieldapp.offline import worker_grids

    return [grid.pk for grid in worker_grids(user)]


def campaigns_section(user) -> dict[str, Any]:
    """The active campaigns the worker works in, with their checklist and the worker's targets
    (in the worker's grids, assigned to them or to nobody), and the risk zones of those grids."""
    grid_ids = _worker_grid_ids(user)
    targets = list(
        scoped(user, Target.objects.all(), WORK)
        .filter(campaign__status=CampaignStatus.ACTIVE, grid_id__in=grid_ids)
        .filter(Q(assignee=user) | Q(assignee__isnull=True))
        .select_related("household__house__building")
        .order_by("campaign_id", "org_path", "household__number")
        .only(
            "id",
            "campaign_id",
            "household_id",
            "grid_id",
            "outcome",
            "answers",
            "note",
            "result_at",
            "person_ids",
            "has_exception",
            "household__number",
            "household__house__number",
            "household__house__unit",
            "household__house__building__name",
        )
    )
    campaign_ids = sorted({t.campaign_id for t in targets})
    campaigns = list(
        Campaign.objects.filter(pk__in=campaign_ids).prefetch_related("questions").order_by("ends_at", "id")
    )
    names = dict(
        Person.objects.filter(pk__in={p for t in targets for p in t.person_ids or []}).values_list(
            "pk", "name"
        )
    )
    by_campaign: dict[int, list[dict]] = {}
    for target in targets:
        by_campaign.setdefault(target.campaign_id, []).append(_target(target, names))
    for campaign in campaigns:
        audited(user, campaign, what="field_app_targets", count=len(by_campaign.get(campaign.pk, [])))
    return {
        "active": [
            {
                "id": campaign.pk,
                "name": campaign.name,
                "kind": campaign.kind,
                "kind_label": str(campaign.get_kind_display()),
                "ends_at": campaign.ends_at.isoformat(),
                "questions": [_question(q) for q in campaign.questions.all()],
                "targets": by_campaign.get(campaign.pk, []),
            }
            for campaign in campaigns
        ],
        "zones": _zones(user, grid_ids),
        "levels": [
            {"level": level.value, "label": str(level.label), "colour": LEVEL_COLOURS[level]}
            for level in RiskLevel
        ],
    }


def _target(target: Target, names: dict[int, str]) -> dict[str, Any]:
    household = target.household
    house = household.house
    return {
        "id": target.pk,
        "household": target.household_id,
        "grid": target.grid_id,
        "number": household.number,
        "house": str(house) if house else "",
        # The app groups a grid's hundreds of households by building.
        "building": house.building.pk if house else None,
        "building_name": house.building.name if house else "",
        "outcome": target.outcome,
        "exception": target.has_exception,
        "persons": [mask_name(names[p]) for p in target.person_ids or [] if p in names],
        # The last result, to pre-fill the checklist on a revisit (only DONE keeps answers).
        "answers": target.answers or None,
        "note": target.note,
        "result_at": target.result_at.isoformat() if target.result_at else None,
    }


def _question(question) -> dict[str, Any]:
    return {
        "code": question.code,
        "text": question.text,
        "kind": question.kind,
        "required": question.required,
        "choices": question.choices or [],
        "condition": question.condition,
    }


def _zones(user, grid_ids: list[int]) -> list[dict[str, Any]]:
    """Risk zones in force now over the worker's grids or their buildings, with their rules."""
    now = timezone.now()
    language = get_language()
    zones = (
        scoped(user, RiskZone.objects.all(), VIEW)
        .filter(Q(grid_id__in=grid_ids) | Q(building__grid_id__in=grid_ids))
        .filter(starts_at__lte=now)
        .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now))
        .select_related("grid", "building")
        .order_by("level", "id")
    )
    return [_zone(zone, language) for zone in zones]


def _zone(zone: RiskZone, language: str | None) -> dict[str, Any]:
    grid_id: int | None
    # Where the offline map draws it: a building's point, or the grid's outline of the bundle.
    point: list[float] | None = None
    if zone.building is not None:
        grid_id, place = zone.building.grid_id, zone.building.name
        point = [zone.building.lon, zone.building.lat]
    else:
        assert zone.grid is not None  # a zone is over a grid or a building (a constraint)
        grid_id, place = zone.grid_id, zone.grid.name_for(language)
    return {
        "id": zone.pk,
        "level": zone.level,
        "level_label": str(zone.get_level_display()),
        "colour": LEVEL_COLOURS[RiskLevel(zone.level)],
        "campaign": zone.campaign_id,
        "grid": grid_id,
        "building": zone.building_id,
        "point": point,
        "place": place,
        "since": zone.starts_at.isoformat(),
        "until": zone.ends_at.isoformat() if zone.ends_at else None,
        "rules": _rules(zone.level),
    }


def _rules(level: str) -> list[str]:
    """The rules of a risk level in the words of the zones module, translated now."""
    from gridgov.campaigns.zones import rules_for

    return [str(rule) for rule in rules_for(level)]


def monitoring_section(user) -> dict[str, Any]:
    """Open monitorings of the worker's grids: who (masked), what kind, until when, and whether
    today's check-in is in; with the symptoms a check-in may report."""
    from gridgov.campaigns.monitoring import SYMPTOMS

    grid_ids = _worker_grid_ids(user)
    today = timezone.localdate()
    found = list(
        scoped(user, Monitoring.objects.all(), WORK)
        .filter(
            grid_id__in=grid_ids,
            released_at__isnull=True,
            campaign__status=CampaignStatus.ACTIVE,
            starts_on__lte=today,
            ends_on__gte=today,
        )
        .select_related("person", "household", "campaign")
        .order_by("ends_on", "id")
    )
    checked = set(
        HealthCheckIn.objects.filter(monitoring__in=found, day=today).values_list("monitoring_id", flat=True)
    )
    per_campaign: dict[int, list[Monitoring]] = {}
    for item in found:
        per_campaign.setdefault(item.campaign_id, []).append(item)
    for items in per_campaign.values():
        audited(user, items[0].campaign, what="field_app_monitorings", count=len(items))
    persons = [
        {
            "id": item.pk,
            "name": mask_name(item.person.name),
            "household": item.household_id,
            "number": item.household.number if item.household else "",
            "campaign": item.campaign.name,
            "kind": item.kind,
            "kind_label": str(item.get_kind_display()),
            "until": item.ends_on.isoformat(),
            "checked_today": item.pk in checked,
        }
        for item in found
    ]
    return {
        "persons": persons,
        "symptoms": [{"code": code, "label": str(label)} for code, label in SYMPTOMS.items()],
    }
