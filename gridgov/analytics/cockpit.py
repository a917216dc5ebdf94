"""The district cockpit: the figures a leader or the command center sees at a glance.

Past days come from DailyFact, today from CaseFact (the daily rows of today lag by one task
interval), open and overdue cases "right now" from the Case table (the queue's own overdue
rule). Every figure carries the drill-down filter of the cases behind it (`Drill`), which
`drill_cases` turns back into exactly those cases: figure and list share one definition.
A cockpit costs a fixed handful of GROUP BY queries, whatever the size of the jurisdiction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import CharField, Count, Q, QuerySet, Sum, Value
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language, pgettext
from django.utils.translation import gettext as _

from gridgov.access.models import Department
from gridgov.access.scope import jurisdiction_paths, path_filter
from gridgov.analytics import rollup
from gridgov.analytics.measures import MEASURES, facts_on
from gridgov.analytics.models import CaseFact, DailyCommunityFact, DailyFact
from gridgov.cases.models import Case, Category
from gridgov.cases.states import OPEN_STATES
from gridgov.cases.workflow import visible_cases
from gridgov.geo.models import Level, OrgUnit, path_for_code
from gridgov.web.cases.queues import overdue_condition

PERMISSION = "analytics.view"
TREND_DAYS = 30
TOP_CATEGORIES = 10
OPEN = sorted(OPEN_STATES)
# Measures a drill-down may name: those that count cases (a summed measure has no case list).
DRILL_MEASURES = frozenset(name for name, m in MEASURES.items() if m.sum_field is None)


# --- Scope --------------------------------------------------------------------------------------


def scope_paths(user, area: str = "") -> list[str]:
    """The org paths the cockpit covers: the user's jurisdiction, or one unit code inside it."""
    paths = jurisdiction_paths(user, PERMISSION)
    if area:
        wanted = path_for_code(area) if area.isdigit() else area
        if any(wanted == p or wanted.startswith(p + ".") for p in paths):
            return [wanted]
        return []
    return paths


def scope_q(paths: list[str], field: str = "org_path") -> Q:
    return path_filter(field, paths)


# --- Drill-down -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Drill:
    """The filter of the cases behind a figure; its query string is the list's URL.

    Either a measure over local days (`m`, `start`, `end` inclusive; from the fact layer), or
    the cases open now (`now` = "open" / "overdue"), narrowed by the other fields.
    """

    m: str = ""
    start: date | None = None
    end: date | None = None
    now: str = ""
    level: int | None = None
    dept: int | None = None  # 0: no department
    cat: int | None = None  # top category id
    leaf: int | None = None  # category id
    cell: str = ""  # H3 cell (resolution 7 or 9)
    grid: int | None = None
    ids: tuple[int, ...] = ()
    area: str = ""  # unit code inside the user's jurisdiction

    def params(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for key in ("m", "now", "cell", "area"):
            if getattr(self, key):
                out[key] = getattr(self, key)
        if self.start:
            out["from"] = self.start.isoformat()
        if self.end:
            out["to"] = self.end.isoformat()
        for key in ("level", "dept", "cat", "leaf", "grid"):
            if getattr(self, key) is not None:
                out[key] = str(getattr(self, key))
        if self.ids:
            out["ids"] = ",".join(str(i) for i in self.ids)
        return out

    def url(self) -> str:
        return reverse("cockpit:cases") + "?" + urlencode(self.params())

    @classmethod
    def parse(cls, data) -> Drill:
        """From a query dict; unknown or malformed values are ignored (they cannot widen the scope)."""

        def integer(key: str) -> int | None:
            value = (data.get(key) or "").strip()
            return int(value) if value.isdigit() else None

        def day(key: str) -> date | None:
            try:
                return date.fromisoformat((data.get(key) or "").strip())
            except ValueError:
                return None

        measure = data.get("m", "")
        ids = tuple(int(x) for x in (data.get("ids") or "").split(",") if x.strip().isdigit())
        area = (data.get("area") or "").strip()
        return cls(
            m=measure if measure in DRILL_MEASURES else "",
            start=day("from"),
            end=day("to"),
            now=data.get("now", "") if data.get("now") in ("open", "overdue") else "",
            level=integer("level"),
            dept=integer("dept"),
            cat=integer("cat"),
            leaf=integer("leaf"),
            cell=(data.get("cell") or "").strip()[:16],
            grid=integer("grid"),
            ids=ids[:2000],
            area=area if area.isdigit() else "",
        )

    def fact_q(self) -> Q:
        q = Q()
        if self.m:
            start = self.start or date(1970, 1, 1)
            end = self.end or timezone.localdate()
            q &= facts_on(MEASURES[self.m], start, end + timedelta(days=1))
        if self.cat is not None:
            q &= Q(top_category_id=self.cat)
        if self.leaf is not None:
            q &= Q(category_id=self.leaf)
        if self.cell:
            q &= Q(h3_7=self.cell) if _resolution(self.cell) == 7 else Q(h3_9=self.cell)
        if self.grid is not None:
            q &= Q(grid_id=self.grid)
        return q


def _resolution(cell: str) -> int:
    import h3

    try:
        return h3.get_resolution(cell)
    except (ValueError, h3.H3BaseException):
        return -1


def drill_cases(user, drill: Drill) -> QuerySet[Case]:
    """The cases behind a figure: visible to the user, inside the cockpit's scope, matching `drill`."""
    paths = scope_paths(user, drill.area)
    cases = visible_cases(user).filter(scope_q(paths))
    if drill.now:
        cases = cases.filter(state__in=OPEN)
        if drill.now == "overdue":
            cases = cases.filter(overdue_condition(timezone.now()))
        if drill.level is not None:
            cases = cases.filter(level=drill.level)
        if drill.dept is not None:
            cases = (
                cases.filter(department__isnull=True)
                if drill.dept == 0
                else cases.filter(department_id=drill.dept)
            )
    fact_q = drill.fact_q()
    if drill.m or fact_q:
        if not drill.now and drill.dept is not None:
            fact_q &= Q(department__isnull=True) if drill.dept == 0 else Q(department_id=drill.dept)
        cases = cases.filter(pk__in=CaseFact.objects.filter(fact_q).values("case_id"))
    if drill.ids:
        cases = cases.filter(pk__in=drill.ids)
    if not (drill.m or drill.now or drill.ids or fact_q):
        return cases.none()  # a list needs a figure behind it
    return cases


# --- Figures --------------------------------------------------------------------------------------


@dataclass
class Cell:
    value: int | float | str | None
    url: str = ""


@dataclass
class Table:
    """One figure block: a chart and the table behind it (first column: the row label)."""

    key: str
    title: str
    columns: list[str]
    rows: list[tuple[str, list[Cell]]]
    chart: str = "bar"  # bar | hbar | line | pie

    def chart_data(self) -> dict:
        return {
            "key": self.key,
            "title": self.title,
            "chart": self.chart,
            "labels": [label for label, _cells in self.rows],
            "series": [
                {
                    "name": name,
                    "data": [cells[i].value for _label, cells in self.rows],
                    "urls": [cells[i].url for _label, cells in self.rows],
                }
                for i, name in enumerate(self.columns[1:])
            ],
        }


@dataclass
class Tile:
    key: str
    label: str
    value: int | float | str | None
    url: str = ""
    tone: str = ""


@dataclass
class Cockpit:
    today: date
    month_start: date
    tiles: list[Tile] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)

    def table(self, key: str) -> Table:
        return next(t for t in self.tables if t.key == key)

    def tile(self, key: str) -> Tile:
        return next(t for t in self.tiles if t.key == key)


def month_start_of(day: date) -> date:
    return day.replace(day=1)


def previous_month(day: date) -> date:
    return (month_start_of(day) - timedelta(days=1)).replace(day=1)


def _rate(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


def build_cockpit(user, *, area: str = "", today: date | None = None) -> Cockpit:
    """Every figure of the cockpit for `user` (scoped to the jurisdiction, or `area` inside it)."""
    today = today or timezone.localdate()
    paths = scope_paths(user, area)
    month = month_start_of(today)
    last_month = previous_month(today)
    trend_start = today - timedelta(days=TREND_DAYS - 1)
    cockpit = Cockpit(today=today, month_start=month)
    facts = CaseFact.objects.filter(scope_q(paths))

    def drill(**kwargs) -> str:
        return Drill(area=area, **kwargs).url()

    # 1. Today: intake, closures and ratings per top category (CaseFact, one query).
    today_counts: dict[str, dict[int, int]] = {k: {} for k in ("reported", "closed", "rated", "satisfied")}
    for row in _today_rows(facts, today):
        today_counts[row["measure"]][row["top_category_id"]] = row["n"]
        if row["measure"] == "rated":
            today_counts["satisfied"][row["top_category_id"]] = row["n_satisfied"]
    today_total = {k: sum(by_cat.values()) for k, by_cat in today_counts.items()}

    # 2. Open now and overdue now, per responsible level and department (one query on Case, read
    #    from the partial index over the open cases, cases migration 0006).
    now = timezone.now()
    open_rows = list(
        Case.objects.filter(scope_q(paths), state__in=OPEN)
        .values("level", "department_id")
        .order_by()
        # Counted over `state` (never null), a column of the index: "id" would need the table.
        .annotate(open=Count("state"), overdue=Count("state", filter=overdue_condition(now)))
    )

    # 3. The past days, in one scan of last month to yesterday per (day, top category): the
    #    trend, the month's categories and totals, satisfaction of both months. From the roll-up
    #    per community; a scope below a community (a grid) reads DailyFact itself.
    daily = (DailyCommunityFact if rollup.covers(paths) else DailyFact).objects.filter(scope_q(paths))
    trend: dict[date, dict[str, int]] = {}
    by_category: dict[int, int] = {}
    sat = dict.fromkeys(
        ("rated_this", "satisfied_this", "rated_last", "satisfied_last", "reported_month", "closed_month"), 0
    )
    sums = {f"n_{k}": Sum(k) for k in ("reported", "closed", "rated", "satisfied")}
    for row in (
        daily.filter(day__gte=min(last_month, trend_start), day__lt=today)
        .values("day", "top_category_id")
        .order_by()
        .annotate(**sums)
    ):
        day, n = row["day"], {k: row[f"n_{k}"] or 0 for k in ("reported", "closed", "rated", "satisfied")}
        if day >= trend_start:
            point = trend.setdefault(day, {"n_reported": 0, "n_closed": 0})
            point["n_reported"] += n["reported"]
            point["n_closed"] += n["closed"]
        if day >= month:
            by_category[row["top_category_id"]] = by_category.get(row["top_category_id"], 0) + n["reported"]
            sat["reported_month"] += n["reported"]
            sat["closed_month"] += n["closed"]
            sat["rated_this"] += n["rated"]
            sat["satisfied_this"] += n["satisfied"]
        elif day >= last_month:
            sat["rated_last"] += n["rated"]
            sat["satisfied_last"] += n["satisfied"]
    for cat, n_reported in today_counts["reported"].items():
        if n_reported:
            by_category[cat] = by_category.get(cat, 0) + n_reported
    by_category = {cat: n for cat, n in by_category.items() if n}

    # 4. Campaign progress of the active campaigns inside the scope.
    campaigns = _campaign_rows(paths)

    # Names (two small lookups).
    language = get_language()
    category_names = {c.pk: c.name_for(language) for c in Category.objects.filter(pk__in=list(by_category))}
    department_ids = {r["department_id"] for r in open_rows if r["department_id"]}
    department_names = {d.pk: _local(d, language) for d in Department.objects.filter(pk__in=department_ids)}

    rated_this = sat["rated_this"] + today_total["rated"]
    satisfied_this = sat["satisfied_this"] + today_total["satisfied"]

    # --- Tiles.
    open_total = sum(r["open"] for r in open_rows)
    overdue_total = sum(r["overdue"] for r in open_rows)
    month_reported = sat["reported_month"] + today_total["reported"]
    month_closed = sat["closed_month"] + today_total["closed"]
    cockpit.tiles = [
        Tile(
            "reported_today",
            _("Reported today"),
            today_total["reported"],
            drill(m="reported", start=today, end=today),
        ),
        Tile(
            "closed_today",
            _("Closed today"),
            today_total["closed"],
            drill(m="closed", start=today, end=today),
        ),
        Tile("open_now", _("Open now"), open_total, drill(now="open")),
        Tile("overdue_now", _("Overdue now"), overdue_total, drill(now="overdue"), "danger"),
        Tile(
            "reported_month",
            _("Reported this month"),
            month_reported,
            drill(m="reported", start=month, end=today),
        ),
        Tile("closed_month", _("Closed this month"), month_closed, drill(m="closed", start=month, end=today)),
        Tile(
            "satisfaction_month",
            _("Satisfaction this month"),
            _rate(satisfied_this, rated_this),
            drill(m="rated", start=month, end=today),
        ),
    ]

    # --- Tables.
    days = [trend_start + timedelta(days=i) for i in range(TREND_DAYS)]
    trend_rows = []
    for d in days:
        if d == today:
            reported, closed = today_total["reported"], today_total["closed"]
        else:
            row = trend.get(d, {})
            reported, closed = row.get("n_reported") or 0, row.get("n_closed") or 0
        trend_rows.append(
            (
                d.isoformat(),
                [
                    Cell(reported, drill(m="reported", start=d, end=d)),
                    Cell(closed, drill(m="closed", start=d, end=d)),
                ],
            )
        )
    cockpit.tables.append(
        Table(
            "trend",
            _("Daily intake and closures, last 30 days"),
            [_("Day"), _("Reported"), _("Closed")],
            trend_rows,
            "line",
        )
    )

    levels: dict[int, dict[str, int]] = {}
    departments: dict[int, dict[str, int]] = {}
    for row in open_rows:
        lv = levels.setdefault(row["level"], {"open": 0, "overdue": 0})
        lv["open"] += row["open"]
        lv["overdue"] += row["overdue"]
        dept = departments.setdefault(row["department_id"] or 0, {"open": 0, "overdue": 0})
        dept["open"] += row["open"]
        dept["overdue"] += row["overdue"]
    level_labels = dict(Level.choices)
    cockpit.tables.append(
        Table(
            "open_by_level",
            _("Open and overdue by responsible level"),
            [_("Level"), pgettext("case count", "Open"), pgettext("case count", "Overdue")],
            [
                (
                    str(level_labels.get(level, level)),
                    [
                        Cell(v["open"], drill(now="open", level=level)),
                        Cell(v["overdue"], drill(now="overdue", level=level)),
                    ],
                )
                for level, v in sorted(levels.items())
            ],
        )
    )
    cockpit.tables.append(
        Table(
            "open_by_department",
            _("Open and overdue by department"),
            [_("Department"), pgettext("case count", "Open"), pgettext("case count", "Overdue")],
            [
                (
                    department_names.get(dept_id, "")
                    if dept_id
                    else pgettext("department", "None (not dispatched)"),
                    [
                        Cell(v["open"], drill(now="open", dept=dept_id)),
                        Cell(v["overdue"], drill(now="overdue", dept=dept_id)),
                    ],
                )
                for dept_id, v in sorted(departments.items(), key=lambda kv: -kv[1]["open"])
            ],
            "hbar",
        )
    )
    top = sorted(by_category.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_CATEGORIES]
    cockpit.tables.append(
        Table(
            "categories",
            _("Top categories this month"),
            [_("Category"), _("Reported")],
            [
                (
                    category_names.get(cat, str(cat)),
                    [Cell(n, drill(m="reported", start=month, end=today, cat=cat))],
                )
                for cat, n in top
            ],
            "hbar",
        )
    )
    last_end = month - timedelta(days=1)
    cockpit.tables.append(
        Table(
            "satisfaction",
            _("Satisfaction: this month and last month"),
            [_("Month"), _("Rated"), _("Satisfied"), _("Satisfaction rate (%)")],
            [
                (
                    _("This month"),
                    [
                        Cell(rated_this, drill(m="rated", start=month, end=today)),
                        Cell(satisfied_this, drill(m="satisfied", start=month, end=today)),
                        Cell(_rate(satisfied_this, rated_this)),
                    ],
                ),
                (
                    _("Last month"),
                    [
                        Cell(sat["rated_last"], drill(m="rated", start=last_month, end=last_end)),
                        Cell(sat["satisfied_last"], drill(m="satisfied", start=last_month, end=last_end)),
                        Cell(_rate(sat["satisfied_last"], sat["rated_last"])),
                    ],
                ),
            ],
        )
    )
    cockpit.tables.append(
        Table(
            "campaigns",
            _("Progress of the active campaigns"),
            [_("Campaign"), _("Done"), _("Total"), _("Done (%)")],
            [
                (
                    row["name"],
                    [
                        Cell(row["done"], row["url"]),
                        Cell(row["total"], row["url"]),
                        Cell(_rate(row["done"], row["total"])),
                    ],
                )
                for row in campaigns
            ],
            "hbar",
        )
    )
    return cockpit


def _today_rows(facts: QuerySet[CaseFact], today: date) -> QuerySet:
    """Today's reported, closed and rated facts per top category, with the satisfied among the rated.

    One UNION ALL of three GROUP BYs, each over its own day's index (which also holds the measure's
    condition, the top category and the path: an index-only scan on PostgreSQL); one OR over the
    three day fields would have to visit every matching row of the table.
    """
    tomorrow = today + timedelta(days=1)

    def counted(name: str, second: str = ""):
        return (
            facts.filter(facts_on(MEASURES[name], today, tomorrow))
            .values("top_category_id")
            .order_by()
            .annotate(
                measure=Value(name, output_field=CharField()),
                # Over a column of the index (never null): "case_id" would need the table.
                n=Count("top_category_id"),
                n_satisfied=Count("top_category_id", filter=MEASURES[second].condition)
                if second
                else Value(0),
            )
        )

    return counted("reported").union(counted("closed"), counted("rated", "satisfied"), all=True)


def _campaign_rows(paths: list[str]) -> list[dict]:
    """done / total of every ACTIVE campaign, summed from GridProgress inside the scope (one query)."""
    try:
        from gridgov.campaigns.models import CampaignStatus, GridProgress
    except ImportError:  # the campaigns app is optional for the cockpit
        return []
    rows = (
        GridProgress.objects.filter(scope_q(paths), campaign__status=CampaignStatus.ACTIVE)
        .values("campaign_id", "campaign__name")
        .order_by("campaign__name")
        .annotate(done=Sum("done"), total=Sum("total"))
    )
    out = []
    for row in rows:
        try:
            url = reverse("campaigns:detail", args=[row["campaign_id"]])
        except NoReverseMatch:  # the campaign pages are not wired: no link
            url = ""
        out.append(
            {"name": row["campaign__name"], "done": row["done"] or 0, "total": row["total"] or 0, "url": url}
        )
    return out


def unit_choices(user) -> list[tuple[str, str]]:
    """The units the cockpit can narrow to: the jurisdiction down to communities."""
    paths = jurisdiction_paths(user, PERMISSION)
    if not paths:
        return []
    language = get_language()
    units = OrgUnit.objects.filter(path_filter("path", paths), level__lte=Level.COMMUNITY).order_by("path")[
        :300
    ]
    return [
        (u.code, ("\u00a0\u00a0" * (u.path.count(".") - paths[0].count("."))) + u.name_for(language))
        for u in units
    ]


def _local(obj, language: str | None) -> str:
    if language and language.startswith("en") and getattr(obj, "name_en", ""):
        return obj.name_en
    return obj.name_zh
