"""The cockpit's figures equal direct counts over the cases; every figure's list has its count."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.http import QueryDict
from django.utils import timezone

from gridgov.access.roles import Role
from gridgov.analytics.cockpit import Drill, build_cockpit, drill_cases
from gridgov.analytics.daily import aggregate_days
from gridgov.analytics.facts import refresh_case_facts
from gridgov.analytics.testing import act, at, resident_case, worker_case
from gridgov.analytics.tests.test_cockpit_wiring import WIRED
from gridgov.cases.models import Case, State
from gridgov.cases.states import OPEN_STATES
from gridgov.cases.testing import OTHER_STREET_POINT
from gridgov.web.cases.queues import overdue_condition

pytestmark = [pytest.mark.django_db, pytest.mark.urls(WIRED)]

C, H, W, R = Role.COMMUNITY_ADMIN, Role.DEPARTMENT_HANDLER, Role.GRID_WORKER, Role.RESIDENT
TODAY = date(2026, 3, 11)


def _close(world, case, *, rating=None, clock=None, rated_at=None):
    act(world, case, "register", C)
    act(world, case, "dispatch", C, department="urban_mgmt")
    act(world, case, "accept", H)
    act(world, case, "handle", H, result="done")
    act(world, case, "verify", W)
    act(world, case, "close", C)
    if rating is not None:
        if rated_at is not None:
            clock.move_to(rated_at, tick=False)
        act(world, case, "rate", R, rating=rating)


def build_history(world, clock) -> dict:
    """Cases over February and March 2026, ending on Wed 11 March 09:30 (today).

    Feb 20: two cases closed the same day, rated 5 and 2. Mar 2: one closed on Mar 3 and rated
    4 on Mar 4, one dispatched and left open (overdue by now), one rejected. Mar 5: one report
    in the other street, untouched. Mar 9: one closed today. Today: one report, one self-handled.
    """
    out = {}
    clock.move_to(at(2026, 2, 20, 9, 0), tick=False)
    out["p1"] = resident_case(world)
    _close(world, out["p1"], rating=5)
    out["p2"] = resident_case(world)
    _close(world, out["p2"], rating=2)
    clock.move_to(at(2026, 3, 2, 9, 0), tick=False)
    out["a1"] = resident_case(world)
    out["a2"] = resident_case(world)
    act(world, out["a2"], "register", C)
    act(world, out["a2"], "dispatch", C, department="urban_mgmt")
    out["a3"] = resident_case(world)
    act(world, out["a3"], "reject", C, reason="not ours")
    clock.move_to(at(2026, 3, 3, 10, 0), tick=False)
    _close(world, out["a1"], rating=4, clock=clock, rated_at=at(2026, 3, 4, 10, 0))
    clock.move_to(at(2026, 3, 5, 10, 0), tick=False)
    out["b1"] = resident_case(world, point=OTHER_STREET_POINT)
    clock.move_to(at(2026, 3, 9, 10, 0), tick=False)
    out["c1"] = resident_case(world)
    clock.move_to(at(2026, 3, 11, 9, 0), tick=False)
    _close(world, out["c1"])
    out["t1"] = resident_case(world)
    out["t2"] = worker_case(world, self_handled=True, result="swept")
    clock.move_to(at(2026, 3, 11, 9, 30), tick=False)
    refresh_case_facts(Case.objects.values_list("pk", flat=True))
    aggregate_days(date(2026, 2, 1) + timedelta(days=i) for i in range(39))  # Feb 1 .. Mar 11
    return out


@pytest.fixture
def history(world, clock):
    return build_history(world, clock)


def local_day(moment):
    return timezone.localtime(moment).date()


def reported_on(day: date, cases=None) -> int:
    cases = cases if cases is not None else Case.objects.all()
    return sum(1 for c in cases if local_day(c.reported_at) == day)


def closed_on(day: date) -> int:
    return sum(1 for c in Case.objects.filter(state=State.CLOSED) if local_day(c.closed_at) == day)


def district_user(world):
    return world.users[Role.LEADER]


def test_tiles_equal_direct_counts_over_the_cases(history, world):
    cockpit = build_cockpit(district_user(world))
    now = timezone.now()
    in_district = Case.objects.filter(org_path__startswith="150502")
    assert cockpit.today == TODAY
    assert cockpit.tile("reported_today").value == reported_on(TODAY) == 2
    assert cockpit.tile("closed_today").value == closed_on(TODAY) == 1
    assert cockpit.tile("open_now").value == in_district.filter(state__in=OPEN_STATES).count() == 4
    assert cockpit.tile("overdue_now").value == in_district.filter(overdue_condition(now)).count() >= 1
    march = [c for c in Case.objects.all() if local_day(c.reported_at) >= date(2026, 3, 1)]
    assert cockpit.tile("reported_month").value == len(march) == 7
    assert cockpit.tile("closed_month").value == 2  # a1 on Mar 3, c1 today
    assert cockpit.tile("satisfaction_month").value == 100.0  # a1 rated 4 in March


def test_trend_categories_satisfaction_and_open_tables(history, world):
    cockpit = build_cockpit(district_user(world))
    trend = {label: [c.value for c in cells] for label, cells in cockpit.table("trend").rows}
    assert len(trend) == 30
    for label, (reported, closed) in trend.items():
        day = date.fromisoformat(label)
        assert (reported, closed) == (reported_on(day), closed_on(day)), label
    assert trend["2026-03-02"] == [3, 0] and trend["2026-03-03"] == [0, 1]
    categories = cockpit.table("categories").rows
    assert [(label, cells[0].value) for label, cells in categories] == [("道路", 7)]
    satisfaction = {label: [c.value for c in cells] for label, cells in cockpit.table("satisfaction").rows}
    assert list(satisfaction.values()) == [[1, 1, 100.0], [2, 1, 50.0]]
    by_level = sum(cells[0].value for _l, cells in cockpit.table("open_by_level").rows)
    by_department = {
        label: [c.value for c in cells] for label, cells in cockpit.table("open_by_department").rows
    }
    assert by_level == 4
    assert (
        by_department["城市管理综合执法局"][0]
        == Case.objects.filter(state__in=OPEN_STATES, department__code="urban_mgmt").count()
        == 1
    )
    assert sum(v[0] for v in by_department.values()) == 4


def _drill(url: str) -> Drill:
    query = urlsplit(url).query
    assert parse_qs(query), url
    return Drill.parse(QueryDict(query))


def test_every_figure_opens_exactly_its_cases(history, world):
    user = district_user(world)
    cockpit = build_cockpit(user)
    checked = 0
    for tile in cockpit.tiles:
        if tile.key == "satisfaction_month":
            continue  # a rate: its link opens the rated cases, its count is the table's "Rated"
        assert drill_cases(user, _drill(tile.url)).count() == tile.value, tile.key
        checked += 1
    for table in cockpit.tables:
        for _label, cells in table.rows:
            for cell in cells:
                if cell.url and "/cockpit/cases/" in cell.url:
                    assert drill_cases(user, _drill(cell.url)).count() == cell.value, (table.key, cell.url)
                    checked += 1
    assert checked > 60


def test_the_list_page_shows_the_figure_count(history, world, client):
    user = district_user(world)
    client.force_login(user)
    cockpit = build_cockpit(user)
    tile = cockpit.tile("reported_month")
    response = client.get(tile.url)
    assert response.status_code == 200
    assert f'id="gg-ck-count">{tile.value}<' in response.content.decode()
    assert response.content.decode().count('class="gg-case-row') == tile.value


def test_scope_street_admin_sees_only_the_street(history, world):
    street = world.users[Role.STREET_ADMIN]  # street 150502001: b1 lies in the other street
    cockpit = build_cockpit(street)
    assert cockpit.tile("open_now").value == 3
    assert cockpit.tile("reported_month").value == 6
    assert not drill_cases(street, Drill(ids=(history["b1"].pk,))).exists()
    # Narrowing to an area outside the jurisdiction shows nothing rather than the area.
    assert build_cockpit(street, area="150502002").tile("open_now").value == 0
    assert build_cockpit(district_user(world), area="150502002").tile("open_now").value == 1


def test_an_empty_drill_lists_nothing(history, world):
    assert not drill_cases(district_user(world), Drill()).exists()


def test_cockpit_takes_a_fixed_handful_of_queries(history, world, django_assert_max_num_queries):
    user = district_user(world)
    build_cockpit(user)  # memberships loaded once per user object
    # Today (CaseFact), open now (Case), past days (roll-up), campaigns, category and department names.
    with django_assert_max_num_queries(6):
        build_cockpit(user)


def test_campaign_progress_of_active_campaigns(history, world):
    from gridgov.campaigns.models import Campaign, CampaignStatus, GridProgress

    grid = world.units["150502001001001"]
    other = world.units["150502002001001"]
    for name, status in (("供暖排查", CampaignStatus.ACTIVE), ("旧活动", CampaignStatus.ENDED)):
        campaign = Campaign.objects.create(
            name=name,
            kind="heating",
            status=status,
            org_path=world.units["150502"].path,
            starts_at=at(2026, 3, 1),
            ends_at=at(2026, 3, 31),
            created_by=world.users[Role.DISTRICT_ADMIN],
        )
        GridProgress.objects.create(campaign=campaign, grid=grid, org_path=grid.path, total=10, done=4)
        GridProgress.objects.create(campaign=campaign, grid=other, org_path=other.path, total=6, done=6)
    rows = {
        label: [c.value for c in cells]
        for label, cells in build_cockpit(district_user(world)).table("campaigns").rows
    }
    assert rows == {"供暖排查": [10, 16, 62.5]}
    street_rows = build_cockpit(world.users[Role.STREET_ADMIN]).table("campaigns").rows
    assert [[c.value for c in cells] for _l, cells in street_rows] == [[4, 10, 40.0]]
