"""POST /api/v1/cases/{number}/actions/{action}/ and the case detail and photo endpoints:
every step of a case by the role that takes it, and the 403/404/409 answers."""

from __future__ import annotations

import io
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from rest_framework.test import APIClient

from gridgov.access.roles import Role
from gridgov.cases.models import Case, State, TimelineEntry
from gridgov.cases.testing import OTHER_STREET_POINT, build_case_world, report

R = Role


@pytest.fixture
def world(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return build_case_world()


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def act(world, role: Role, case: Case, action: str, fmt: str = "json", **params):
    url = f"/api/v1/cases/{case.number}/actions/{action}/"
    return client_for(world.users[role]).post(url, params, format=fmt)


def jpeg(name: str = "after.jpg") -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "green").save(buffer, "JPEG")
    buffer.seek(0)
    buffer.name = name
    return buffer


def step(world, role, case, action, **params) -> dict:
    response = act(world, role, case, action, **params)
    assert response.status_code == 200, (action, response.data)
    return response.data


def test_a_case_goes_its_whole_way_through_the_api(world):
    case = report(world, by=R.RESIDENT, source="resident")
    step(world, R.COMMUNITY_ADMIN, case, "register", urgency="urgent", note="属实")
    # A naive deadline is Shanghai time.
    local = (datetime.now(ZoneInfo("Asia/Shanghai")) + timedelta(days=3)).replace(microsecond=0, tzinfo=None)
    body = step(
        world, R.COMMUNITY_ADMIN, case, "dispatch", department="urban_mgmt", deadline=local.isoformat()
    )
    case.refresh_from_db()
    assert case.deadline == local.replace(tzinfo=ZoneInfo("Asia/Shanghai"))
    assert body["department"]["code"] == "urban_mgmt"
    step(world, R.DEPARTMENT_HANDLER, case, "accept")
    step(world, R.DEPARTMENT_HANDLER, case, "request_extension", hours=8, reason="需要调沥青")
    step(world, R.COMMUNITY_ADMIN, case, "approve_extension")
    body = step(
        world, R.DEPARTMENT_HANDLER, case, "handle", fmt="multipart", result="已填平", photos=[jpeg()]
    )
    assert body["state"] == "handled" and len(body["photos"]) == 1
    step(world, R.GRID_WORKER, case, "verify")
    step(world, R.COMMUNITY_ADMIN, case, "close", note="办结")
    body = step(world, R.RESIDENT, case, "rate", rating=5, comment="很快")
    assert body["rating"] == 5 and body["state"] == "closed"
    actions = list(TimelineEntry.objects.filter(case=case).values_list("action", flat=True))
    assert actions == [
        "report",
        "register",
        "dispatch",
        "accept",
        "request_extension",
        "approve_extension",
        "handle",
        "verify",
        "close",
        "rate",
    ]


def test_return_reopen_escalate_suspend_and_resume(world):
    case = report(world)
    step(world, R.COMMUNITY_ADMIN, case, "register")
    step(world, R.COMMUNITY_ADMIN, case, "dispatch", department="urban_mgmt")
    # After returning it the department no longer sees the case; the answer still shows the outcome.
    body = step(world, R.DEPARTMENT_HANDLER, case, "return", reason="不归我们管")
    assert body["state"] == "returned" and body["actions"] == []
    handler = client_for(world.users[R.DEPARTMENT_HANDLER])
    assert handler.get(f"/api/v1/cases/{case.number}/").status_code == 404
    body = step(world, R.COMMUNITY_ADMIN, case, "escalate", reason="社区解决不了")
    assert body["level"] == 2 and body["responsible_unit"]["code"] == "150502001"
    step(world, R.STREET_ADMIN, case, "dispatch", handling_unit="150502001001")
    step(world, R.STREET_ADMIN, case, "suspend", reason="等待天气转暖")
    step(world, R.STREET_ADMIN, case, "resume")
    step(world, R.COMMUNITY_ADMIN, case, "accept")
    step(world, R.COMMUNITY_ADMIN, case, "handle", result="已处理")
    body = step(world, R.GRID_CHIEF, case, "reopen", reason="还有坑")
    assert body["state"] == "in_progress" and body["rework_count"] == 1


def test_reject_merge_supervise_urge_deny(world):
    first, second, third = report(world), report(world), report(world)
    step(world, R.COMMUNITY_ADMIN, first, "reject", reason="不是问题")
    step(world, R.COMMUNITY_ADMIN, second, "register")
    assert step(world, R.COMMUNITY_ADMIN, third, "merge", into=second.number)["merged_into"] == second.number
    step(world, R.STREET_ADMIN, second, "supervise", note="三天内办结")
    assert step(world, R.DISPATCHER, second, "urge")["urge_count"] == 1
    step(world, R.COMMUNITY_ADMIN, second, "dispatch", department="urban_mgmt")
    step(world, R.DEPARTMENT_HANDLER, second, "accept")
    step(world, R.DEPARTMENT_HANDLER, second, "request_extension", hours=4, reason="缺材料")
    refused = act(world, R.COMMUNITY_ADMIN, second, "deny_extension")
    assert refused.status_code == 400 and list(refused.data) == ["note"]
    step(world, R.COMMUNITY_ADMIN, second, "deny_extension", note="时间够用")


def test_errors_map_to_status_codes(world):
    case = report(world)
    # 403: a grid worker may see the case but not register it; nothing changes.
    response = act(world, R.GRID_WORKER, case, "register")
    assert response.status_code == 403 and response.data["detail"]
    # 404: outside the jurisdiction, and a number that does not exist, answer alike.
    outside = act(world, R.STREET_ADMIN, report(world, by=R.DISPATCHER, point=OTHER_STREET_POINT), "register")
    missing = client_for(world.users[R.COMMUNITY_ADMIN]).post("/api/v1/cases/nope/actions/register/", {})
    assert outside.status_code == missing.status_code == 404
    # 409 wrong state, with its code.
    response = act(world, R.COMMUNITY_ADMIN, case, "close")
    assert response.status_code == 409 and response.data["code"] == "wrong_state"
    # 400 names the field.
    response = act(world, R.COMMUNITY_ADMIN, case, "reject")
    assert response.status_code == 400 and list(response.data) == ["reason"]
    response = act(world, R.COMMUNITY_ADMIN, case, "register", category="9999")
    assert response.status_code == 400 and list(response.data) == ["category"]
    step(world, R.COMMUNITY_ADMIN, case, "register")
    response = act(world, R.COMMUNITY_ADMIN, case, "dispatch", department="urban_mgmt", deadline="tomorrow")
    assert response.status_code == 400 and list(response.data) == ["deadline"]
    case.refresh_from_db()
    assert case.state == State.REGISTERED


def test_the_version_check_through_if_match_and_field(world):
    case = report(world)
    client = client_for(world.users[R.COMMUNITY_ADMIN])
    detail = client.get(f"/api/v1/cases/{case.number}/")
    assert detail["ETag"] == '"1"' and detail.data["version"] == 1
    url = f"/api/v1/cases/{case.number}/actions/register/"
    stale = client.post(url, {}, format="json", headers={"If-Match": '"0"'})
    assert stale.status_code == 409 and stale.data["code"] == "stale_version"
    bad = client.post(url, {}, format="json", headers={"If-Match": "yesterday"})
    assert bad.status_code == 400 and list(bad.data) == ["version"]
    assert client.post(url, {"version": 1}, format="json").status_code == 200
    stale_field = client.post(
        f"/api/v1/cases/{case.number}/actions/dispatch/",
        {"version": 1, "department": "urban_mgmt"},
        format="json",
    )
    assert stale_field.status_code == 409


def test_available_actions_follow_the_caller(world):
    case = report(world)
    admin = client_for(world.users[R.COMMUNITY_ADMIN]).get(f"/api/v1/cases/{case.number}/").data
    worker = client_for(world.users[R.GRID_WORKER]).get(f"/api/v1/cases/{case.number}/").data
    assert [a["action"] for a in admin["actions"]] == ["register", "reject", "merge", "escalate"]
    assert admin["actions"][0]["url"] == f"/api/v1/cases/{case.number}/actions/register/"
    assert worker["actions"] == []


def test_a_resident_sees_the_reduced_view(world):
    case = report(world, by=R.RESIDENT, source="resident")
    step(world, R.COMMUNITY_ADMIN, case, "register", note="内部备注")
    step(world, R.COMMUNITY_ADMIN, case, "dispatch", department="urban_mgmt", note="请尽快")
    resident = client_for(world.users[R.RESIDENT]).get(f"/api/v1/cases/{case.number}/").data
    staff = client_for(world.users[R.COMMUNITY_ADMIN]).get(f"/api/v1/cases/{case.number}/").data
    assert resident["state"] == staff["state"] == "dispatched"
    assert resident["department"]["code"] == "urban_mgmt"
    assert resident["deadline"] is None and staff["deadline"]
    assert resident["reporter"] is None and staff["reporter"] == "resident"
    assert [e["note"] for e in resident["timeline"]] == ["路面有坑", None, None]
    assert [e["note"] for e in staff["timeline"]] == ["路面有坑", "内部备注", "请尽快"]
    assert all(e["actor"] is None and e["details"] is None for e in resident["timeline"])


def test_photos_are_served_only_to_those_who_see_the_case(world):
    upload = SimpleUploadedFile("report.jpg", jpeg().getvalue(), content_type="image/jpeg")
    case = report(world, photos=[upload])
    detail = client_for(world.users[R.COMMUNITY_ADMIN]).get(f"/api/v1/cases/{case.number}/").data
    photo = detail["photos"][0]
    response = client_for(world.users[R.GRID_WORKER]).get(photo["url"])
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg" and response["Cache-Control"].startswith("private")
    with Image.open(io.BytesIO(b"".join(response.streaming_content))) as image:
        assert image.size == (40, 30)
    thumbnail = client_for(world.users[R.GRID_WORKER]).get(photo["thumbnail_url"], HTTP_ACCEPT="image/*")
    assert thumbnail.status_code == 200
    # Another street's admin and another resident: 404, as for a photo that does not exist.
    assert client_for(world.users[R.DEPARTMENT_HANDLER]).get(photo["url"]).status_code == 404
    assert client_for(world.users[R.RESIDENT]).get(photo["url"]).status_code == 404
    other = report(world)
    wrong_case = f"/api/v1/cases/{other.number}/photos/{photo['id']}/"
    assert client_for(world.users[R.GRID_WORKER]).get(wrong_case).status_code == 404
