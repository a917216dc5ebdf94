"""A request submitted through Open311 is handled through the workflow and read back closed,
once with the test client and once over real HTTP."""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request

import pytest

from gridgov.access.roles import Role
from gridgov.cases.models import Case
from gridgov.cases.testing import HOME_POINT
from gridgov.cases.workflow import perform
from gridgov.open311.tests.conftest import BASE, parse

R = Role


def handle_to_closed(world, case: Case, closing_note: str) -> None:
    steps = [
        (R.COMMUNITY_ADMIN, "register", {}),
        (R.COMMUNITY_ADMIN, "dispatch", {"department": world.department.code}),
        (R.DEPARTMENT_HANDLER, "accept", {}),
        (R.DEPARTMENT_HANDLER, "handle", {"result": "已修补路面"}),
        (R.GRID_WORKER, "verify", {}),
        (R.COMMUNITY_ADMIN, "close", {"note": closing_note}),
    ]
    for role, action, params in steps:
        perform(case.pk, action, actor=world.users[role], **params)


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_submitted_request_is_open_then_closed_with_the_closing_note(client, world, api_key, fmt):
    submitted = client.post(
        f"{BASE}requests.{fmt}",
        {
            "api_key": api_key.clear,
            "service_code": "0201",
            "lat": HOME_POINT[1],
            "long": HOME_POINT[0],
            "description": "井盖旁路面塌陷",
        },
    )
    assert submitted.status_code == 201
    case = Case.objects.get()

    def entry():
        body = parse(client.get(f"{BASE}requests/{case.number}.{fmt}"))
        return body[0] if fmt == "json" else {e.tag: e.text for e in body.find("request")}

    assert entry()["status"] == "open"
    assert case.number in [r["service_request_id"] for r in parse(client.get(f"{BASE}requests.json"))]

    handle_to_closed(world, case, "已修复，欢迎监督")
    closed = entry()
    assert closed["status"] == "closed"
    assert closed["status_notes"] == "已修复，欢迎监督"
    assert closed["agency_responsible"] == "城市管理综合执法局"
    assert not closed["expected_datetime"]
    listed = parse(client.get(f"{BASE}requests.json", {"status": "closed"}))
    assert [r["service_request_id"] for r in listed] == [case.number]


@pytest.mark.django_db(transaction=True)
def test_over_real_http(live_server, world, api_key):
    def call(path: str, data: dict | None = None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        with urllib.request.urlopen(live_server.url + BASE + path, data=body, timeout=20) as response:
            return response.status, json.loads(response.read())

    status, services = call("services.json?jurisdiction_id=150502")
    assert status == 200 and services[0]["service_code"] == "0201"
    status, created = call(
        "requests.json",
        {
            "api_key": api_key.clear,
            "jurisdiction_id": "150502",
            "service_code": "0201",
            "lat": HOME_POINT[1],
            "long": HOME_POINT[0],
            "description": "路灯不亮",
        },
    )
    assert status == 201
    number = created[0]["service_request_id"]
    status, token = call(f"tokens/{created[0]['token']}.json")
    assert token[0]["service_request_id"] == number
    status, one = call(f"requests/{number}.json")
    assert one[0]["status"] == "open" and one[0]["description"] == "路灯不亮"
    with pytest.raises(urllib.error.HTTPError) as denied:
        call("requests.json", {"api_key": "wrong", "service_code": "0201", "lat": 43.6, "long": 122.05})
    assert denied.value.code == 403
    assert json.loads(denied.value.read())[0]["code"] == 403
