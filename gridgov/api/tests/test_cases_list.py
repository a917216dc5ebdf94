"""GET /api/v1/cases/: scoping, filters, keyset pages and a fixed query count; the reference lists."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import parse_qs, urlparse
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from gridgov.access.roles import Role
from gridgov.cases.models import Alert, Case
from gridgov.cases.testing import OTHER_STREET_POINT, build_case_world, report
from gridgov.cases.workflow import perform

R = Role
URL = "/api/v1/cases/"
SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture
def world(db):
    return build_case_world()


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def numbers(world, role: Role, query: str = "") -> list[str]:
    response = client_for(world.users[role]).get(f"{URL}?limit=200&{query}")
    assert response.status_code == 200, response.data
    return [c["number"] for c in response.data["results"]]


def test_each_role_sees_its_cases(world):
    home = report(world)
    other_street = report(world, by=R.DISPATCHER, point=OTHER_STREET_POINT)
    mine = report(world, by=R.RESIDENT, source="resident")
    for action, params in (("register", {}), ("dispatch", {"department": "urban_mgmt"})):
        perform(home.pk, action, actor=world.users[R.COMMUNITY_ADMIN], **params)
    assert set(numbers(world, R.DISTRICT_ADMIN)) == {home.number, other_street.number, mine.number}
    assert set(numbers(world, R.STREET_ADMIN)) == {home.number, mine.number}
    assert numbers(world, R.DEPARTMENT_HANDLER) == [home.number]
    assert numbers(world, R.RESIDENT) == [mine.number]
    resident_row = client_for(world.users[R.RESIDENT]).get(URL).data["results"][0]
    assert resident_row["level"] is None and resident_row["alert"] is None


def test_filters(world):
    at = datetime(2026, 11, 20, 9, 0, tzinfo=SHANGHAI)
    old = report(world, at=at - timedelta(days=5), description="井盖丢失", address="团结路")
    pothole = report(world, at=at, urgency="urgent")
    roads = report(world, category="02", at=at + timedelta(hours=1))
    other = report(world, by=R.DISPATCHER, point=OTHER_STREET_POINT, source="hotline", at=at)
    perform(pothole.pk, "register", actor=world.users[R.COMMUNITY_ADMIN])
    perform(pothole.pk, "dispatch", actor=world.users[R.COMMUNITY_ADMIN], department="urban_mgmt")
    Case.objects.filter(pk=roads.pk).update(alert=Alert.RED, supervised=True)

    assert numbers(world, R.DISTRICT_ADMIN, "state=dispatched") == [pothole.number]
    assert set(numbers(world, R.DISTRICT_ADMIN, "state=dispatched&state=reported")) == {
        pothole.number,
        roads.number,
        old.number,
        other.number,
    }
    assert set(numbers(world, R.DISTRICT_ADMIN, "category=02")) == {
        pothole.number,
        roads.number,
        old.number,
        other.number,
    }
    assert numbers(world, R.DISTRICT_ADMIN, "unit=150502002") == [other.number]
    assert numbers(world, R.DISTRICT_ADMIN, "department=urban_mgmt") == [pothole.number]
    assert numbers(world, R.DISTRICT_ADMIN, "overdue=true") == [roads.number]
    assert roads.number not in numbers(world, R.DISTRICT_ADMIN, "overdue=false")
    assert numbers(world, R.DISTRICT_ADMIN, "alert=red&supervised=true") == [roads.number]
    assert numbers(world, R.DISTRICT_ADMIN, "source=hotline") == [other.number]
    assert numbers(world, R.DISTRICT_ADMIN, "q=井盖") == [old.number]
    assert numbers(world, R.DISTRICT_ADMIN, "q=团结") == [old.number]
    assert numbers(world, R.DISTRICT_ADMIN, f"q={pothole.number}") == [pothole.number]
    # A date is local midnight; a naive time is Shanghai time; reported_before is exclusive.
    assert numbers(world, R.DISTRICT_ADMIN, "reported_before=2026-11-20") == [old.number]
    assert set(numbers(world, R.DISTRICT_ADMIN, "reported_after=2026-11-20T09:30:00")) == {roads.number}
    assert numbers(world, R.DISTRICT_ADMIN, "reported_after=2026-11-20T02:00:00%2B00:00") == [roads.number]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("state=open", "state"),
        ("category=99", "category"),
        ("unit=999", "unit"),
        ("department=nope", "department"),
        ("overdue=maybe", "overdue"),
        ("alert=", "alert"),
        ("alert=purple", "alert"),
        ("supervised=2", "supervised"),
        ("reported_after=2026-13-01", "reported_after"),
        ("reported_before=last+week", "reported_before"),
        ("limit=0", "limit"),
        ("limit=x", "limit"),
        ("cursor=bm9wZQ", "cursor"),
        ("cursor=%%%", "cursor"),
    ],
)
def test_bad_parameters_name_the_field(world, query, field):
    response = client_for(world.users[R.DISTRICT_ADMIN]).get(f"{URL}?{query}")
    assert response.status_code == 400
    assert list(response.data) == [field] and response.data[field][0]


def walk(client, limit: int, between_pages=None) -> list[str]:
    seen: list[str] = []
    url = f"{URL}?limit={limit}"
    while url:
        response = client.get(url)
        assert response.status_code == 200, response.data
        assert "count" not in response.data
        seen += [c["number"] for c in response.data["results"]]
        url = response.data["next"]
        if url:
            assert parse_qs(urlparse(url).query)["limit"] == [str(limit)]
            if between_pages:
                between_pages()
    return seen


def test_keyset_pages_miss_nothing_and_repeat_nothing(world):
    at = datetime(2026, 11, 20, 9, 0, tzinfo=SHANGHAI)
    # Several cases share a reported_at: the id breaks the tie.
    cases = [report(world, at=at - timedelta(minutes=i // 3)) for i in range(10)]
    client = client_for(world.users[R.DISTRICT_ADMIN])
    seen = walk(client, 3)
    expected = sorted(cases, key=lambda c: (c.reported_at, c.pk), reverse=True)
    assert seen == [c.number for c in expected]
    assert len(client.get(f"{URL}?limit=500").data["results"]) == 10  # capped at 200, not refused

    # New reports arriving while a client pages neither repeat nor push older rows out.
    inserted = []
    seen = walk(client, 4, between_pages=lambda: inserted.append(report(world)))
    assert seen == [c.number for c in expected]
    assert len(inserted) == 2


def queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_list_and_detail_queries_do_not_grow(world):
    client = client_for(world.users[R.DISTRICT_ADMIN])
    first = report(world)
    perform(first.pk, "register", actor=world.users[R.COMMUNITY_ADMIN])
    client.get(URL)  # loads the caller's memberships once (cached on the user object)
    few = queries_for(client, URL)
    detail_few = queries_for(client, f"{URL}{first.number}/")
    for _ in range(12):
        case = report(world, by=R.DISPATCHER, point=OTHER_STREET_POINT)
        perform(case.pk, "register", actor=world.users[R.DISTRICT_ADMIN])
    perform(first.pk, "dispatch", actor=world.users[R.COMMUNITY_ADMIN], department="urban_mgmt")
    perform(first.pk, "accept", actor=world.users[R.DEPARTMENT_HANDLER])
    assert queries_for(client, URL) == few
    assert queries_for(client, f"{URL}{first.number}/") == detail_few


def test_categories_tree_and_departments(world):
    client = client_for(world.users[R.GRID_WORKER])
    tree = client.get("/api/v1/categories/", HTTP_ACCEPT_LANGUAGE="en").data
    assert [c["code"] for c in tree] == ["02"]
    assert tree[0]["name"] == "Roads"
    assert [c["code"] for c in tree[0]["children"]] == ["0201"]
    assert len(tree[0]["limits"]) == 12  # 3 urgencies x 4 stages
    departments = client.get("/api/v1/departments/").data
    assert departments == [
        {
            "code": "urban_mgmt",
            "name": "城市管理综合执法局",
            "name_zh": "城市管理综合执法局",
            "name_en": "Urban Management",
            "area": "150502",
        }
    ]
