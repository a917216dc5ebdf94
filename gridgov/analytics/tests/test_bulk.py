"""The set-based rebuild (bulk.py) gives exactly the rows of the per-case Python build.

Random histories, seeded: cases reported by residents and grid workers in two streets and two
top categories (one without time limits), walked through random workflow actions by the roles
that may take them, on a clock that moves by random steps (zero too: ties in time), with the
deadline monitor run now and then. Both builds are compared column by column.
"""

from __future__ import annotations

import random
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from gridgov.access.roles import Role
from gridgov.analytics import bulk
from gridgov.analytics.models import AggregationMark, CaseFact, DailyCommunityFact, DailyFact
from gridgov.cases.errors import WorkflowError
from gridgov.cases.models import Case, Category, Source
from gridgov.cases.monitor import sweep_deadlines
from gridgov.cases.testing import HOME_POINT, OTHER_STREET_POINT, report
from gridgov.cases.workflow import perform

pytestmark = pytest.mark.django_db
ON_POSTGRESQL = connection.vendor == "postgresql"
only_postgresql = pytest.mark.skipif(not ON_POSTGRESQL, reason="the set-based rebuild is PostgreSQL SQL")

C, D, H, W, R = (
    Role.COMMUNITY_ADMIN,
    Role.DISTRICT_ADMIN,
    Role.DEPARTMENT_HANDLER,
    Role.GRID_WORKER,
    Role.RESIDENT,
)
# Action -> (roles to try in turn, parameters).
ACTIONS = {
    "register": ((C, D), {}),
    "reject": ((C, D), {"reason": "not a case"}),
    "dispatch": ((C, D), {"department": "urban_mgmt"}),
    "escalate": ((C, D), {"reason": "too big for us"}),
    "accept": ((H,), {}),
    "return": ((H,), {"reason": "not ours"}),
    "handle": ((H,), {"result": "done"}),
    "verify": ((W, C, D), {}),
    "reopen": ((W, C, D), {"reason": "still there"}),
    "close": ((C, D), {}),
    "suspend": ((C, D), {"reason": "waiting"}),
    "resume": ((C, D), {}),
    "request_extension": ((H,), {"hours": 8, "reason": "parts"}),
    "approve_extension": ((C, D), {}),
    "supervise": ((D,), {"note": "hurry"}),
    "rate": ((R,), {}),
    "not_fixed": ((R,), {"reason": "back again"}),
}
# The likely next actions in each state (weights), so that most cases get somewhere; now and
# then any action is tried, and the workflow refuses what does not apply.
NEXT = {
    "reported": {"register": 6, "reject": 1, "merge": 1, "escalate": 1},
    "registered": {"dispatch": 6, "merge": 1, "escalate": 1},
    "dispatched": {"accept": 5, "return": 3, "suspend": 1},
    "returned": {"dispatch": 4, "escalate": 1},
    "in_progress": {
        "handle": 6,
        "suspend": 1,
        "request_extension": 1,
        "approve_extension": 2,
        "supervise": 1,
    },
    "suspended": {"resume": 1},
    "handled": {"verify": 4, "reopen": 2},
    "verified": {"close": 1},
    "closed": {"rate": 3, "not_fixed": 1},
}
STEPS = (0, 0, 5, 30, 90, 240, 60 * 20, 60 * 24 * 2)  # minutes between actions


def _random_history(world, clock, seed: int, cases: int = 16) -> None:
    rng = random.Random(seed)
    other = Category.objects.create(code="03", name_zh="市容", name_en="City appearance")
    Category.objects.create(code="0301", parent=other, name_zh="乱贴乱画", name_en="Posters")
    now = timezone.now()
    live: list[Case] = []
    for _ in range(cases):
        now += timedelta(minutes=rng.choice(STEPS))
        clock.move_to(now, tick=False)
        by = rng.choice((R, R, W))
        fields = {"category": rng.choice(("0201", "0201", "0301"))}
        if by == R:
            fields |= {"source": Source.RESIDENT, "point": rng.choice((HOME_POINT, OTHER_STREET_POINT))}
        elif rng.random() < 0.3:
            fields |= {"self_handled": True, "result": "swept"}
        live.append(report(world, by=by, **fields))
    for _ in range(cases * 9):
        now += timedelta(minutes=rng.choice(STEPS))
        clock.move_to(now, tick=False)
        if rng.random() < 0.05:
            sweep_deadlines()
        _random_action(world, rng, live, rng.choice(live))


def _random_action(world, rng: random.Random, live: list[Case], case: Case) -> None:
    state = Case.objects.values_list("state", flat=True).get(pk=case.pk)
    likely = NEXT.get(state, {})
    if likely and rng.random() < 0.9:
        action = rng.choices(list(likely), weights=list(likely.values()))[0]
    else:
        action = rng.choice([*ACTIONS, "merge"])
    roles, params = ACTIONS.get(action, ((C, D), {}))
    params = dict(params)
    if action == "merge":
        params["into"] = rng.choice(live).number
    elif action == "rate":
        params["rating"] = rng.randint(1, 5)
    for role in roles:
        try:
            perform(case.pk, action, actor=world.users[role], **params)
            return
        except WorkflowError:
            continue


ROLLUP = ("reported", "closed", "rated", "satisfied")


def _snapshot() -> tuple[dict, dict]:
    """CaseFact rows by case, DailyFact rows (and the roll-up's) by their key."""
    facts = {}
    for row in CaseFact.objects.values():
        del row["refreshed_at"]
        facts[row["case_id"]] = row
    daily = {}
    for row in DailyFact.objects.values():
        del row["id"]
        key = (row["day"], row["grid_id"], row["department_id"], row["top_category_id"], row["source"])
        assert key not in daily, f"two daily rows for {key}"
        daily[key] = row
    for row in DailyCommunityFact.objects.values("day", "org_path", "top_category_id", *ROLLUP):
        daily[(row["day"], row["org_path"], row["top_category_id"], "roll-up")] = row
    return facts, daily


def _differences(expected: dict, actual: dict) -> list[str]:
    out = [f"missing {key}" for key in expected.keys() - actual.keys()]
    out += [f"extra {key}" for key in actual.keys() - expected.keys()]
    for key in expected.keys() & actual.keys():
        for column, value in expected[key].items():
            if actual[key][column] != value:
                out.append(f"{key} {column}: python {value!r}, sql {actual[key][column]!r}")
    return out


@only_postgresql
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_sql_rebuild_equals_python_rebuild(world, clock, seed):
    _random_history(world, clock, seed)
    clock.move_to(timezone.now() + timedelta(days=3), tick=False)  # open cases carry over quiet days
    call_command("rebuild_facts", "--python", stdout=StringIO())
    python_facts, python_daily = _snapshot()
    # A spread of outcomes, or the comparison proves little.
    assert len(python_facts) == Case.objects.count() >= 16
    states = {f["state"] for f in python_facts.values()}
    assert "closed" in states and len(states) >= 4
    assert any(f["overdue"] for f in python_facts.values())
    assert any(f["dispatched_count"] > 1 or f["reworks"] for f in python_facts.values())
    assert any(d["open_end"] and not d["reported"] for d in python_daily.values())

    # Stale rows the rebuild must replace: wrong flags, a bogus day, a pending mark.
    CaseFact.objects.update(h3_9="stale", dispatched_count=99)
    DailyFact.objects.filter(pk=DailyFact.objects.order_by("pk").values("pk")[:1]).update(reported=77)
    DailyCommunityFact.objects.update(rated=55)
    AggregationMark.objects.create(day=timezone.localdate())
    result = bulk.rebuild_all(chunk=7)  # many chunks, some empty
    sql_facts, sql_daily = _snapshot()

    assert result.facts == len(python_facts) and result.daily_rows == DailyFact.objects.count()
    assert _differences(python_facts, sql_facts) == []
    assert _differences(python_daily, sql_daily) == []
    assert not AggregationMark.objects.exists()


@only_postgresql
def test_the_command_uses_the_set_based_rebuild_on_postgresql(world, clock):
    for point in (HOME_POINT, OTHER_STREET_POINT):
        report(world, by=R, point=point, source=Source.RESIDENT)
    out = StringIO()
    call_command("rebuild_facts", stdout=out)
    assert "Rebuilt the facts of 2 cases (0 orphans removed)" in out.getvalue()
    assert "Aggregated 2 daily rows" in out.getvalue()
    streets = set(CaseFact.objects.values_list("street__code", flat=True))
    assert streets == {"150502001", "150502002"}


@pytest.mark.skipif(ON_POSTGRESQL, reason="the refusal is what other databases get")
def test_other_databases_are_refused_and_keep_their_facts(world, clock):
    report(world, by=R, source=Source.RESIDENT)
    call_command("rebuild_facts", stdout=StringIO())  # the Python path
    for rebuild in (bulk.rebuild_all, bulk.rebuild_case_facts, bulk.rebuild_daily_facts):
        with pytest.raises(bulk.NotPostgreSQL, match="PostgreSQL only"):
            rebuild()
    assert CaseFact.objects.count() == 1 and DailyFact.objects.count() == 1
