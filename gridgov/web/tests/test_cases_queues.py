"""Work queues per role, their counts, filters, search and paging; the case map's points."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from gridgov.access.roles import Role
from gridgov.cases.models import Case
from gridgov.cases.testing import OTHER_STREET_POINT, build_case_world, report
from gridgov.web.cases import views
from gridgov.web.cases.testing import CA, DH, DISPATCHED, DISPATCHER, GW, HANDLED, REGISTERED, advance

pytestmark = pytest.mark.django_db
RESIDENT = Role.RESIDENT


@pytest.fixture
def world():
    return build_case_world()


@pytest.fixture
def cases(world):
    """A patrol report in each state the queues care about, a hotline case, one in another street."""
    return {
        "reported": report(world, description="reported"),
        "registered": advance(world, report(world, description="registered"), REGISTERED),
        "dispatched": advance(world, report(world, description="dispatched"), DISPATCHED),
        "handled": advance(world, report(world, description="handled"), HANDLED),
        "hotline": report(world, by=DISPATCHER, source="hotline", description="hotline"),
        "resident": report(world, by=RESIDENT, source="resident", description="resident"),
        "elsewhere": report(world, by=DISPATCHER, point=OTHER_STREET_POINT, description="elsewhere"),
    }


def _queue(client, world, role, query=""):
    client.force_login(world.users[role])
    response = client.get("/cases/" + query, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    tabs = dict(
        re.findall(
            r'data-queue="(\w+)">\s*[^<]*<span class="gg-tab-count">(\d+)</span>', response.content.decode()
        )
    )
    numbers = re.findall(r'data-number="([\w-]+)"', response.content.decode())
    return {k: int(v) for k, v in tabs.items()}, numbers


def _numbers(*items: Case) -> set[str]:
    return {case.number for case in items}


def test_community_admin_registers_and_dispatches_at_the_community(client, world, cases):
    tabs, _ = _queue(client, world, CA)
    assert set(tabs) == {"register", "dispatch", "mine", "close", "overdue", "supervised", "reports", "all"}
    # The hotline case is the district's to register; the resident's report is the community's.
    _, register = _queue(client, world, CA, "?queue=register")
    assert set(register) == _numbers(cases["reported"], cases["resident"])
    _, dispatch = _queue(client, world, CA, "?queue=dispatch")
    assert set(dispatch) == _numbers(cases["registered"])
    _, everything = _queue(client, world, CA, "?queue=all")
    assert cases["elsewhere"].number not in everything and cases["hotline"].number in everything
    assert tabs["register"] == 2 and tabs["dispatch"] == 1


def test_dispatcher_registers_the_hotline_case(client, world, cases):
    tabs, register = _queue(client, world, DISPATCHER, "?queue=register")
    assert set(register) == _numbers(cases["hotline"])
    assert "verify" not in tabs and "mine" not in tabs
    _, everything = _queue(client, world, DISPATCHER, "?queue=all")
    assert cases["elsewhere"].number in everything


def test_department_handler_sees_what_was_sent_to_the_department(client, world, cases):
    tabs, mine = _queue(client, world, DH, "?queue=mine")
    assert set(tabs) == {"mine", "overdue", "supervised", "all"}
    # Handled but not yet verified is still the department's case.
    assert set(mine) == _numbers(cases["dispatched"], cases["handled"])
    _, everything = _queue(client, world, DH, "?queue=all")
    assert set(everything) == _numbers(cases["dispatched"], cases["handled"])


def test_grid_worker_verifies_and_follows_own_reports(client, world, cases):
    tabs, verify = _queue(client, world, GW, "?queue=verify")
    assert "register" not in tabs and "dispatch" not in tabs
    assert set(verify) == _numbers(cases["handled"])
    _, reports = _queue(client, world, GW, "?queue=reports")
    assert set(reports) == _numbers(*(cases[k] for k in ("reported", "registered", "dispatched", "handled")))
    # By default the grid worker lands on the first work queue with something in it.
    assert re.search(r'class="gg-tab active"[^>]*data-queue="verify"', client.get("/cases/").content.decode())


def test_resident_sees_only_own_reports(client, world, cases):
    tabs, reports = _queue(client, world, RESIDENT, "?queue=all")
    assert set(tabs) == {"reports", "all"}
    assert set(reports) == _numbers(cases["resident"])


def test_overdue_and_warning_are_marked(client, world, cases):
    now = timezone.now()
    Case.objects.filter(pk=cases["registered"].pk).update(deadline=now - timedelta(minutes=5))
    Case.objects.filter(pk=cases["reported"].pk).update(warn_at=now - timedelta(minutes=5))
    tabs, overdue = _queue(client, world, CA, "?queue=overdue")
    assert overdue == [cases["registered"].number] and tabs["overdue"] == 1
    content = client.get("/cases/?queue=all").content.decode()
    assert re.search(rf'gg-row-red" data-number="{cases["registered"].number}"', content)
    assert re.search(rf'gg-row-yellow" data-number="{cases["reported"].number}"', content)
    _, yellow = _queue(client, world, CA, "?queue=all&alert=yellow")
    assert yellow == [cases["reported"].number]


def test_filters_and_search(client, world, cases):
    _, found = _queue(client, world, CA, f"?queue=all&q={cases['dispatched'].number}")
    assert found == [cases["dispatched"].number]
    _, found = _queue(client, world, CA, "?queue=all&q=handled")
    assert found == [cases["handled"].number]
    _, found = _queue(client, world, CA, "?queue=all&state=registered")
    assert found == [cases["registered"].number]
    _, found = _queue(client, world, CA, "?queue=all&category=02&unit=150502001001001")
    assert len(found) == 6
    _, found = _queue(client, world, CA, "?queue=all&unit=150502001001002")
    assert found == []
    today = timezone.localdate().isoformat()
    _, found = _queue(client, world, CA, f"?queue=all&date_from={today}&date_to={today}")
    assert len(found) == 6
    client.force_login(world.users[CA])
    response = client.get("/cases/?queue=all&unit=15x", HTTP_ACCEPT_LANGUAGE="en")
    assert re.search(
        r'data-field="unit">.*?A unit code has 6, 9, 12 or 15 digits', response.content.decode(), re.S
    )
    assert 'data-number="' not in response.content.decode()


def test_queue_pages(client, world, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    made = [report(world, description=f"case {n}") for n in range(5)]
    _, first = _queue(client, world, GW, "?queue=reports")
    _, third = _queue(client, world, GW, "?queue=reports&page=3")
    assert first == [made[4].number, made[3].number] and third == [made[0].number]
    assert "3 / 3" in client.get("/cases/?queue=reports&page=3").content.decode()


def test_case_map_points_are_scoped_filtered_and_capped(client, world, cases, monkeypatch):
    client.force_login(world.users[CA])
    page = client.get("/cases/map/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and "At most 1000 points are drawn" in page.content.decode()
    data = client.get("/cases/map/points/").json()
    numbers = {point["number"] for point in data["points"]}
    assert cases["elsewhere"].number not in numbers and data["total"] == 6
    point = next(p for p in data["points"] if p["number"] == cases["handled"].number)
    assert point["url"] == f"/cases/{cases['handled'].number}/" and point["status"] == "none"
    assert client.get("/cases/map/points/?state=registered").json()["total"] == 1
    assert client.get("/cases/map/points/?state=closed").json()["points"] == []
    assert client.get("/cases/map/points/?state=nonsense").status_code == 400
    monkeypatch.setattr(views, "MAP_POINT_CAP", 2)
    capped = client.get("/cases/map/points/").json()
    assert len(capped["points"]) == 2 and capped["total"] == 6 and capped["cap"] == 2


def test_navigation_offers_cases_and_new_report(client, world):
    client.force_login(world.users[GW])
    content = client.get("/cases/new/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert re.search(r'href="/cases/new/" aria-current="page"', content)
    assert 'href="/cases/"' in content and 'href="/cases/map/"' in content
    client.force_login(world.users[Role.AUDITOR])
    assert 'href="/cases/"' not in client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
