"""A year of case history in the demo district, written set-wise.

Reports are drawn day by day (history_plan: season, weekday, channel, recurring places), each
case lives through the workflow's steps (case_life: the same states, deadlines on the working
calendar and timeline entries as cases.workflow writes) and is cut at the present, so recent
cases are still open and some are overdue. Cases and timelines are bulk-inserted, then the fact
layer is built once: the case facts, and the daily rows of every day.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone
from shapely.geometry import Point, shape
from shapely.prepared import prep

from gridgov.access.models import Department
from gridgov.analytics.daily import aggregate_days
from gridgov.analytics.facts import refresh_case_facts
from gridgov.cases.models import Case, CaseCounter, Category, Source, State, TimelineEntry
from gridgov.cases.taxonomy_services import suggest_handler
from gridgov.demo import case_life as life_of
from gridgov.demo import history_plan as plan
from gridgov.demo.case_life import Life
from gridgov.demo.person_names import person_name
from gridgov.demo.staff import Staff
from gridgov.geo.models import Level, OrgUnit
from gridgov.intelligence.demo import report_text
from gridgov.intelligence.testing import default_departments
from gridgov.people.ethnicities import Ethnicity

HISTORY_DAYS = 365
MAX_HISTORY_DAYS = 730
# Grids of sub-districts report more than town grids, the sumu's fewest; the demo accounts'
# grids a little more, so their personas have a history to look at.
GRID_WEIGHT = {"subdistrict": 3.0, "town": 1.0, "sumu": 0.7}
SHOWCASE_WEIGHT = 2.0

RESULTS = (
    "已安排人员现场处置完毕",
    "已维修恢复正常",
    "已清理完毕，恢复原状",
    "已督促责任单位整改到位",
    "已更换新件",
)
SELF_RESULTS = ("现场已清理干净", "已当场劝导整改", "已现场扶正加固", "已当场清除")
REJECT_REASONS = ("经核实不属于受理范围", "反映内容不实，现场无此问题", "属于民事纠纷，已引导走司法途径")
RETURN_REASON = "不属于本部门职责，请重新派遣"
REOPEN_REASON = "现场核查问题仍未解决"
NOT_FIXED_REASON = "问题又出现了，没有彻底解决"
EXTENSION_REASON = "需协调产权单位，材料采购中"
SUPERVISE_NOTE = "已超期，请立即处置并反馈"
COMMENTS = {5: "处理及时，很满意", 4: "问题解决了", 3: "速度有点慢", 2: "处理得不彻底", 1: "反映多次才来人"}


@dataclass
class Draft:
    """One report before it becomes a case."""

    reported_at: datetime
    grid: OrgUnit
    category: Category
    source: str
    urgency: str
    lon: float
    lat: float
    address: str
    place: int | None = None  # index of the recurring place, if any


@dataclass
class _Context:
    rng: random.Random
    now: datetime
    district: OrgUnit
    staff: Staff
    users: dict[str, Any]
    departments: dict[str, Department]
    defaults: dict[str, str]
    showcase: set[int]
    community_of_personas: int
    street_quality: dict[str, float]
    department_quality: dict[str, float]
    routes: dict[tuple[int, int], tuple] = field(default_factory=dict)
    place_last: dict[int, Case] = field(default_factory=dict)
    counters: Counter = field(default_factory=Counter)

    def number(self, at: datetime) -> str:
        """The case number the day's counter would give (cases come in time order)."""
        key = f"{self.district.code}-{timezone.localtime(at):%Y%m%d}"
        self.counters[key] += 1
        return f"{key}-{self.counters[key]:05d}"


# --- Drawing the reports -----------------------------------------------------------------------


class _Sampler:
    """Random points inside grids (polygons prepared once)."""

    def __init__(self, grids: list[OrgUnit]) -> None:
        self.shapes = {g.pk: shape(g.geometry) for g in grids}
        self.prepared = {pk: prep(s) for pk, s in self.shapes.items()}

    def point(self, grid: OrgUnit, rng: random.Random, near: tuple[float, float] | None = None):
        polygon, test = self.shapes[grid.pk], self.prepared[grid.pk]
        min_lon, min_lat, max_lon, max_lat = polygon.bounds
        for _attempt in range(200):
            if near is not None:  # within about 150 m of the place
                lon, lat = near[0] + rng.uniform(-0.0015, 0.0015), near[1] + rng.uniform(-0.001, 0.001)
            else:
                lon, lat = rng.uniform(min_lon, max_lon), rng.uniform(min_lat, max_lat)
            if test.contains(Point(lon, lat)):
                return lon, lat
        point = polygon.representative_point()
        return point.x, point.y


def _moment(day: date, source: str, rng: random.Random) -> datetime:
    if source in (Source.PATROL, Source.CAMPAIGN):  # on duty
        minutes = rng.randint(8 * 60 + 30, 17 * 60 + 30)
    elif source == Source.SENSOR:
        minutes = rng.randint(0, 24 * 60 - 1)
    else:  # residents and callers: mostly daytime and evening
        minutes = int(min(max(rng.gauss(13.5 * 60, 4 * 60), 6 * 60), 23 * 60 + 30))
    local = datetime.combine(day, time()) + timedelta(minutes=minutes, seconds=rng.randint(0, 59))
    return timezone.make_aware(local)


def draw_reports(
    grids: list[OrgUnit], categories: dict[str, Category], seed: int, *, days: int, now: datetime
) -> list[Draft]:
    """The reports of the `days` days up to `now`, oldest first (deterministic for `seed`)."""
    rng = random.Random(f"{seed}-history")
    sampler = _Sampler(grids)
    codes = sorted(categories)
    kinds = dict(OrgUnit.objects.filter(level=Level.STREET).values_list("path", "kind"))
    weights = [
        GRID_WEIGHT.get(kinds.get(g.path[:10], ""), 1.0) * (SHOWCASE_WEIGHT if n < 2 else 1.0)
        for n, g in enumerate(grids)
    ]
    scale = max(1.0, (len(grids) / 126) ** 0.5)
    places = plan.places_for(len(grids), rng)
    centres = [sampler.point(grids[p.grid], rng) for p in places]
    today = timezone.localdate(now)
    drafts: list[Draft] = []
    for offset in range(days, -1, -1):
        day = today - timedelta(days=offset)
        category_weights = plan.category_weights(day, codes)
        for _n in range(plan.day_volume(day, scale, rng)):
            source = plan.draw(rng, plan.SOURCE_SHARES)
            narrow = [c for c in plan.SOURCE_CATEGORIES.get(source, ()) if c in categories]
            code = rng.choice(narrow) if narrow else rng.choices(codes, category_weights)[0]
            grid = rng.choices(grids, weights)[0]
            lon, lat = sampler.point(grid, rng)
            drafts.append(
                Draft(
                    _moment(day, source, rng),
                    grid,
                    categories[code],
                    source,
                    plan.draw(rng, plan.URGENCY_SHARES),
                    lon,
                    lat,
                    f"{grid.name_zh}{rng.randint(1, 40)}号楼",
                )
            )
        for index, place in enumerate(places):
            if day.month not in place.months or place.category not in categories:
                continue
            if rng.random() >= place.per_day * plan.WEEKDAY_FACTOR[day.weekday()]:
                continue
            grid = grids[place.grid]
            source = rng.choice([Source.RESIDENT, Source.HOTLINE, Source.HOTLINE, Source.PATROL])
            lon, lat = sampler.point(grid, rng, near=centres[index])
            drafts.append(
                Draft(
                    _moment(day, source, rng),
                    grid,
                    categories[place.category],
                    source,
                    "normal",
                    lon,
                    lat,
                    place.address,
                    place=index,
                )
            )
    drafts = [d for d in drafts if d.reported_at <= now]
    drafts.sort(key=lambda d: d.reported_at)
    return drafts


# --- Living through the workflow -----------------------------------------------------------------


def _fraction(rng: random.Random, lateness: float) -> float:
    """How much of a stage's limit a step takes: mostly well in time, some in the warning
    period, some late (more so where `lateness` is high)."""
    r = rng.random()
    if r < 0.04 * lateness:
        return rng.uniform(1.05, 2.5)
    if r < 0.14 * lateness:
        return rng.uniform(0.8, 0.99)
    return rng.uniform(0.05, 0.7)


def _route(ctx: _Context, case: Case) -> tuple[Department | None, OrgUnit | None]:
    """Where the responsibility list sends the case (as the dispatcher's suggestion)."""
    key = (case.category.pk, case.grid.pk)
    if key not in ctx.routes:
        rule = suggest_handler(case.category, case.grid)
        department = rule.department if rule else None
        unit = rule.handling_unit if rule else None
        if unit is not None and unit.level <= case.level:
            unit = None
        if department is None and unit is None:
            department = ctx.departments.get(ctx.defaults.get(case.category.code, ""))
        if department is None and unit is None:
            department = ctx.departments.get("urban_mgmt")
        ctx.routes[key] = (department, unit)
    return ctx.routes[key]


def _intake_actor(ctx: _Context, case: Case):
    """Who registers, dispatches and closes: the demo community's admin in her community, the
    district's command center (dispatcher) everywhere else."""
    if case.responsible_unit.pk == ctx.community_of_personas:
        return ctx.users["community_admin"]
    return ctx.users["dispatcher"]


def _reporter(ctx: _Context, draft: Draft):
    worker = ctx.staff.workers.get(draft.grid.pk)
    if draft.source in (Source.PATROL, Source.CAMPAIGN):
        return worker
    if draft.source == Source.SENSOR:
        return ctx.users["dispatcher"]
    if draft.source == Source.RESIDENT and draft.grid.pk in ctx.showcase:
        return ctx.users["resident"]
    return None  # callers and residents without an account here


def _new_case(ctx: _Context, draft: Draft, rng: random.Random) -> Case:
    level = Level.DISTRICT if draft.source == Source.HOTLINE else Level.COMMUNITY
    caller = draft.source in (Source.HOTLINE, Source.OPEN311)
    ethnicity = Ethnicity.MONGOLIAN if rng.random() < 0.25 else Ethnicity.HAN
    return Case(
        source=draft.source,
        category=draft.category,
        urgency=draft.urgency,
        description=report_text(draft.category.code, rng),
        address=draft.address,
        lon=draft.lon,
        lat=draft.lat,
        grid=draft.grid,
        org_path=draft.grid.path,
        level=level,
        responsible_unit=ctx.district if level == Level.DISTRICT else draft.grid.parent,
        reporter=_reporter(ctx, draft),
        caller_name=person_name(rng, ethnicity, rng.choice(["male", "female"])) if caller else "",
        caller_phone=f"1{rng.choice('3578')}{rng.randint(0, 999_999_999):09d}" if caller else "",
        reported_at=draft.reported_at,
    )


def live(ctx: _Context, draft: Draft, rng: random.Random) -> tuple[Case, list[TimelineEntry], Case | None]:
    """The case of `draft` and its timeline up to now; the case it was merged into, if any."""
    case = _new_case(ctx, draft, rng)
    case.number = ctx.number(case.reported_at)
    street = ctx.street_quality.get(draft.grid.path[:10], 1.0)
    # Categories that escalate when overdue are registered and dispatched in time: the monitor
    # would have escalated them otherwise, and the history does not play escalations.
    pace = 0.0 if case.category.auto_escalate else street
    life = Life(case, ctx.now)
    intake = _intake_actor(ctx, case)
    worker = ctx.staff.workers.get(draft.grid.pk)
    self_handle = (
        draft.source == Source.PATROL and draft.category.code in plan.QUICK and rng.random() < 0.55 / street
    )
    life.report(case.reporter, self_handled_result=rng.choice(SELF_RESULTS) if self_handle else "")
    if self_handle:
        if rng.random() >= 0.03:
            life.act("verify", life.within(_fraction(rng, street)), worker, life_of.verify)
            life.act("close", life.within(_fraction(rng, street)), intake, life_of.finish_as(State.CLOSED))
            _rate(ctx, life, draft, rng, street)
            return case, life.finish(), None
        # Not solved after all: the community dispatches it properly.
        change = life_of.reopen(*_route(ctx, case))
        life.act("reopen", life.within(_fraction(rng, street)), worker, change, REOPEN_REASON)
    else:
        previous = _open_at_place(ctx, draft)
        if previous is not None and rng.random() < 0.4:  # the same problem, still open: a duplicate
            change = life_of.finish_as(State.MERGED)
            life.act("merge", life.within(_fraction(rng, pace)), intake, change, into=previous.number)
            return case, life.finish(), previous
        if draft.place is not None:
            ctx.place_last[draft.place] = case
        if rng.random() < 0.04:
            change = life_of.finish_as(State.REJECTED)
            life.act("reject", life.within(_fraction(rng, pace)), intake, change, rng.choice(REJECT_REASONS))
            return case, life.finish(), None
        change = life_of.register(*_route(ctx, case))
        life.act("register", life.within(_fraction(rng, pace)), intake, change)
    _dispatch_and_handle(ctx, life, draft, rng, street, intake, worker)
    return case, life.finish(), None


def _open_at_place(ctx: _Context, draft: Draft) -> Case | None:
    """The last case of the draft's recurring place if it was still open when the draft came in."""
    previous = ctx.place_last.get(draft.place) if draft.place is not None else None
    if previous is None or previous.state in (State.REJECTED, State.MERGED):
        return None
    if previous.closed_at is not None and previous.closed_at <= draft.reported_at:
        return None
    return previous


def _dispatch_and_handle(ctx: _Context, life: Life, draft: Draft, rng, street: float, intake, worker) -> None:
    case = life.case
    department, unit = _route(ctx, case)
    pace = 0.0 if case.category.auto_escalate else street
    if department is not None and rng.random() < 0.05:  # sent to the wrong department first
        wrong = rng.choice([d for _code, d in sorted(ctx.departments.items()) if d != department])
        life.act("dispatch", life.within(_fraction(rng, pace)), intake, life_of.dispatch(wrong, None))
        back = ctx.staff.handlers.get(wrong.code)
        life.act("return", life.within(rng.uniform(0.02, 0.1)), back, life_of.give_back, RETURN_REASON)
    life.act("dispatch", life.within(_fraction(rng, pace)), intake, life_of.dispatch(department, unit))
    handler = ctx.staff.handlers.get(department.code) if department is not None else worker
    slow = street * (ctx.department_quality.get(department.code, 1.0) if department is not None else 1.0)
    # Some recent cases stall at the department: open and overdue now.
    stalled = case.reported_at > ctx.now - timedelta(days=60) and rng.random() < 0.15 * slow
    life.act("accept", life.within(rng.uniform(0.02, 0.12)), handler, life_of.accept(handler))
    rework = rng.random() < 0.06 * slow
    for attempt in range(2 if rework else 1):
        took = rng.uniform(2.0, 6.0) if stalled and attempt == 0 else _fraction(rng, slow)
        if took > 0.9 and rng.random() < 0.25:
            ask = life_of.request_extension(rng.choice([8, 16, 24, 40]), EXTENSION_REASON)
            life.act("request_extension", life.within(0.6), handler, ask, EXTENSION_REASON)
            life.act("approve_extension", life.within(0.65), intake, life_of.approve_extension)
        if took > 1.2 and rng.random() < 0.5:
            dispatcher = ctx.users["dispatcher"]
            life.act("supervise", life.within(1.1), dispatcher, life_of.supervise, SUPERVISE_NOTE)
        result = rng.choice(RESULTS)
        life.act("handle", life.within(took), handler, life_of.handle(result), result)
        if attempt == 0 and rework:
            change = life_of.reopen(department, unit)
            life.act("reopen", life.within(_fraction(rng, street)), worker, change, REOPEN_REASON)
    life.act("verify", life.within(_fraction(rng, street)), worker, life_of.verify)
    life.act("close", life.within(_fraction(rng, street)), intake, life_of.finish_as(State.CLOSED))
    rated = _rate(ctx, life, draft, rng, street)
    if rated and draft.source in (Source.RESIDENT, Source.HOTLINE) and rng.random() < 0.04:
        # The caller says it is not fixed within the week: checked again, reworked, closed again.
        when = life.at + timedelta(days=rng.uniform(1, 6))
        life.act("not_fixed", when, case.reporter or intake, life_of.not_fixed, NOT_FIXED_REASON)
        change = life_of.reopen(department, unit)
        life.act("reopen", life.within(_fraction(rng, street)), worker, change, REOPEN_REASON)
        result = rng.choice(RESULTS)
        life.act("handle", life.within(_fraction(rng, slow)), handler, life_of.handle(result), result)
        life.act("verify", life.within(_fraction(rng, street)), worker, life_of.verify)
        life.act("close", life.within(_fraction(rng, street)), intake, life_of.finish_as(State.CLOSED))
        _rate(ctx, life, draft, rng, street)


def _rate(ctx: _Context, life: Life, draft: Draft, rng, street: float) -> bool:
    """Most residents and callers rate (callers on the hotline's call-back); some patrol cases
    are rated at the community's return visit. Late or reworked cases are rated lower."""
    case = life.case
    if life.stopped or case.state != State.CLOSED:
        return False
    asks = 0.85 if draft.source in (Source.RESIDENT, Source.HOTLINE, Source.OPEN311) else 0.3
    if rng.random() >= asks:
        return False
    late = case.overdue_count > 0 or case.rework_count > 0
    weights = [0.3, 0.35, 0.2, 0.1, 0.05] if late else [0.62, 0.28, 0.07, 0.02, 0.01]
    rating = rng.choices([5, 4, 3, 2, 1], weights)[0]
    if street > 1.5 and rating > 2 and rng.random() < 0.2:
        rating -= 1
    who = case.reporter if draft.source == Source.RESIDENT and case.reporter else ctx.users["dispatcher"]
    when = life.at + timedelta(hours=rng.uniform(1, 48))
    return life.act("rate", when, who, life_of.rate(rating, COMMENTS[rating]), COMMENTS[rating])


# --- Writing ---------------------------------------------------------------------------------------


def _grids(units: dict[str, OrgUnit]) -> list[OrgUnit]:
    """Every active grid, the demo accounts' two first."""
    showcase = [units["grid"], units["grid2"]] if units["grid2"].pk != units["grid"].pk else [units["grid"]]
    others = (
        OrgUnit.objects.active()
        .filter(level=Level.GRID)
        .exclude(pk__in=[g.pk for g in showcase])
        .select_related("parent")
        .order_by("path")
    )
    return [
        *OrgUnit.objects.filter(pk__in=[g.pk for g in showcase]).select_related("parent").order_by("path"),
        *others,
    ]


def create_case_history(
    units: dict[str, OrgUnit],
    staff: Staff,
    seed: int,
    *,
    days: int = HISTORY_DAYS,
    now: datetime | None = None,
) -> dict[str, int]:
    """Write `days` days of cases up to `now` with their timelines (no facts yet: `build_facts`
    once every case is in). Returns counts (cases, timeline entries, and cases by state)."""
    now = now or timezone.now()
    rng = random.Random(f"{seed}-lives")
    grids = _grids(units)
    categories = {
        c.code: c
        for c in Category.objects.filter(is_active=True, code__in=list(plan.CATEGORY_SEASONS)).select_related(
            "parent"
        )
    }
    departments = {d.code: d for d in Department.objects.filter(is_active=True).select_related("org_unit")}
    users = {
        u.username: u
        for u in get_user_model().objects.filter(username__in=["dispatcher", "community_admin", "resident"])
    }
    streets = sorted({g.path[:10] for g in grids})
    ctx = _Context(
        rng=rng,
        now=now,
        district=units["district"],
        staff=staff,
        users=users,
        departments=departments,
        defaults=default_departments(),
        showcase={units["grid"].pk, units["grid2"].pk},
        community_of_personas=units["community"].pk,
        # How late a street's and a department's steps tend to be (1: average).
        street_quality={s: round(rng.uniform(0.4, 2.4), 2) for s in streets},
        department_quality={code: round(rng.uniform(0.6, 1.8), 2) for code in sorted(departments)},
    )
    drafts = draw_reports(grids, categories, seed, days=days, now=now)
    cases: list[Case] = []
    entries: list[TimelineEntry] = []
    merges: list[tuple[Case, Case]] = []
    for draft in drafts:
        case, timeline, merged_into = live(ctx, draft, rng)
        cases.append(case)
        entries.extend(timeline)
        if merged_into is not None:
            merges.append((case, merged_into))
    Case.objects.bulk_create(cases, batch_size=500)
    TimelineEntry.objects.bulk_create(entries, batch_size=1000)
    for case, target in merges:
        case.merged_into = target
    Case.objects.bulk_update([case for case, _target in merges], ["merged_into"], batch_size=500)
    CaseCounter.objects.bulk_create(
        [CaseCounter(key=key, value=value) for key, value in sorted(ctx.counters.items())], batch_size=1000
    )
    states = Counter(c.state for c in cases)
    return {
        "cases": len(cases),
        "timeline": len(entries),
        **{f"state_{k}": v for k, v in sorted(states.items())},
    }


def build_facts(*, days: int) -> None:
    """The facts of every case and the daily rows of the last `days` days up to today, as the
    analytics task would build them (facts first, then the days in order)."""
    refresh_case_facts(Case.objects.values_list("pk", flat=True), mark=False)
    today = timezone.localdate()
    aggregate_days(today - timedelta(days=n) for n in range(days + 1))
