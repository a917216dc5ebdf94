"""The campaign pages: list, design form, progress page and its JSON, start/end, households of
a grid, follow-ups and the daily Excel report; with their refusals and audit entries."""

from __future__ import annotations

from datetime import timedelta
from io import BytesIO

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from gridgov.access.roles import Role
from gridgov.access.testing import make_user
from gridgov.audit.models import AuditEntry, Outcome
from gridgov.campaigns.models import (
    Campaign,
    CampaignStatus,
    DailyCount,
    FollowUp,
    FollowUpState,
    GridProgress,
    Target,
)
from gridgov.campaigns.models import Outcome as Result
from gridgov.campaigns.results import record_result
from gridgov.campaigns.testing import GRID_A, GRID_B, build_campaign_world, start
from gridgov.campaigns.tests.test_coverage import (
    COMMUNITY_1,
    DISTRICT,
    DONE_FEVER,
    GRID_C,
    STREET_1,
    STREET_2,
    add_households,
    build_district_world,
    record,
    recount,
    visit_some,
)
from gridgov.geo.models import Kind, Level, OrgUnit, path_for_code
from gridgov.people.models import Household, Tag

pytestmark = pytest.mark.django_db
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _detail(campaign, **query) -> str:
    url = reverse("campaigns:detail", args=[campaign.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


# --- list ----------------------------------------------------------------------------------


def test_the_list_shows_the_campaigns_of_the_jurisdiction_with_their_progress():
    district = build_district_world()
    visit_some(district)
    community_campaign = district.world.campaign
    page = _client(district.users[Role.DISTRICT_ADMIN]).get(reverse("campaigns:list"), **EN)
    body = page.content.decode()
    assert page.status_code == 200
    assert district.campaign.name in body and community_campaign.name in body
    assert f'data-campaign="{district.campaign.pk}"' in body
    assert "79%" in body and "Draft" in body and "Active" in body and "New campaign" in body
    # The community admin follows both (the district one for their community, counted as such).
    community = _client(district.users[Role.COMMUNITY_ADMIN]).get(reverse("campaigns:list"), **EN)
    own = recount(district.campaign, district.units[COMMUNITY_1].path)
    reached = own["done"] + own["refused"] + own["moved"]
    assert f"{round(100 * reached / own['total'])}%" in community.content.decode()
    assert "New campaign" not in community.content.decode()
    # Another district sees none; a resident may not open the page.
    outsider = make_user("outsider", Role.DISTRICT_ADMIN, district.units["150521"])
    assert district.campaign.name not in _client(outsider).get(reverse("campaigns:list")).content.decode()
    assert _client(district.users[Role.RESIDENT]).get(reverse("campaigns:list")).status_code == 403


# --- design form ---------------------------------------------------------------------------


def _form(units, **changes) -> dict:
    now = timezone.localtime()
    data = {
        "name": "大林镇雪灾排查",
        "kind": "snowstorm",
        "description": "",
        "units": [unit.pk for unit in units],
        "target_mode": "all",
        "starts_at": (now + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (now + timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"),
        "retention_days": "30",
    }
    data.update(changes)
    return data


def test_a_street_admin_creates_a_draft_and_bad_input_is_refused_with_the_field_named():
    world = build_campaign_world()
    street_admin = world.users[Role.STREET_ADMIN]
    client = _client(street_admin)
    url = reverse("campaigns:new")
    page = client.get(url, **EN)
    assert page.status_code == 200
    body = page.content.decode()
    assert world.units[COMMUNITY_1].name_zh in body and world.units["150502002001"].name_zh not in body
    # The end before the start.
    early = _form([world.units[COMMUNITY_1]], ends_at=timezone.localtime().strftime("%Y-%m-%dT%H:%M"))
    refused = client.post(url, early, **EN)
    assert refused.status_code == 400
    assert 'data-field="ends_at">The end must come after the start.' in refused.content.decode()
    # A unit of the other street is not even a choice.
    other = client.post(url, _form([world.units["150502002001"]]), **EN)
    assert other.status_code == 400 and 'data-field="units"' in other.content.decode()
    # A highly sensitive group cannot be targeted (not offered).
    restricted = Tag.objects.get(code="community_correction")
    filtered = _form([world.units[COMMUNITY_1]], target_mode="filter", target_tags=[restricted.pk])
    assert client.post(url, filtered, **EN).status_code == 400
    assert Campaign.objects.count() == 1
    created = client.post(url, _form([world.units[COMMUNITY_1]], target_min_age="60", target_mode="filter"))
    campaign = Campaign.objects.exclude(pk=world.campaign.pk).get()
    assert created.status_code == 302 and created["Location"] == reverse(
        "campaigns:detail", args=[campaign.pk]
    )
    assert campaign.status == CampaignStatus.DRAFT and campaign.org_path == world.units[COMMUNITY_1].path
    assert campaign.target_min_age == 60 and campaign.created_by == street_admin
    assert AuditEntry.objects.filter(action="campaigns.create", target_id=str(campaign.pk)).exists()
    # Next: the checklist, in the admin (for staff accounts).
    street_admin.is_staff = True
    street_admin.save(update_fields=["is_staff"])
    detail = _client(street_admin).get(created["Location"], **EN).content.decode()
    assert f'href="{reverse("admin:campaigns_campaign_change", args=[campaign.pk])}"' in detail
    assert 'id="gg-campaign-start"' in detail
    # Grid staff and leaders may not design campaigns.
    for role in (Role.GRID_WORKER, Role.LEADER, Role.COMMUNITY_ADMIN):
        assert _client(world.users[role]).get(url).status_code == 403


# --- progress page -------------------------------------------------------------------------


def test_the_progress_page_drills_down_and_refuses_areas_outside():
    district = build_district_world()
    visit_some(district)
    campaign, units = district.campaign, district.units
    client = _client(district.users[Role.DISTRICT_ADMIN])
    page = client.get(_detail(campaign), **EN)
    body = page.content.decode()
    assert page.status_code == 200
    for code in (STREET_1, STREET_2):
        assert f'<a href="?area={units[code].pk}">{units[code].name_en}</a>' in body
    assert 'id="gg-campaign-end"' in body and 'id="gg-campaign-start"' not in body
    assert f'data-progress-url="/campaigns/{campaign.pk}/progress.json?area={units[DISTRICT].pk}"' in body
    assert "vendor/leaflet/leaflet.js" in body and "campaigns/progress.js" in body
    community = client.get(_detail(campaign, area=units[COMMUNITY_1].pk), **EN).content.decode()
    assert f'href="/campaigns/{campaign.pk}/grids/{units[GRID_A].pk}/"' in community
    assert f'<a href="?area={units[STREET_1].pk}">{units[STREET_1].name_en}</a>' in community  # breadcrumb
    # Bad input and places outside.
    assert client.get(_detail(campaign, area="x")).status_code == 400
    assert client.get(_detail(campaign, area=units["150521"].pk)).status_code == 404
    assert client.get(_detail(campaign, area=999999)).status_code == 404
    community_admin = _client(district.users[Role.COMMUNITY_ADMIN])
    assert community_admin.get(_detail(campaign, area=units[STREET_1].pk)).status_code == 404
    own = community_admin.get(_detail(campaign), **EN).content.decode()
    assert units[GRID_A].name_en in own and units[GRID_C].name_en not in own
    assert 'id="gg-campaign-end"' not in own  # may not manage
    outsider = make_user("outsider", Role.DISTRICT_ADMIN, units["150521"])
    assert _client(outsider).get(_detail(campaign)).status_code == 404
    assert AuditEntry.objects.filter(
        action="access.denied", actor=outsider, target_id=str(campaign.pk), outcome=Outcome.DENIED
    ).exists()
    assert _client(district.users[Role.RESIDENT]).get(_detail(campaign)).status_code == 403


def test_progress_json_matches_the_recount_and_refuses_bad_areas():
    district = build_district_world()
    visit_some(district)
    campaign, units = district.campaign, district.units
    client = _client(district.users[Role.DISTRICT_ADMIN])
    url = reverse("campaigns:progress", args=[campaign.pk])
    data = client.get(url, {"area": units[COMMUNITY_1].pk}).json()
    assert [row["code"] for row in data["rows"]] == [GRID_A, GRID_B]
    for row in data["rows"]:
        expected = recount(campaign, units[row["code"]].path)
        assert {k: row[k] for k in expected} == expected
    assert data["totals"]["total"] == recount(campaign, units[COMMUNITY_1].path)["total"]
    assert {g["id"] for g in data["grids"]} == {units[GRID_A].pk, units[GRID_B].pk}
    bad = client.get(url, {"area": "1;drop"}, **EN)
    assert bad.status_code == 400 and "area" in bad.json()["error"]
    assert client.get(url, {"area": units["150521001001001"].pk}).status_code == 404
    features = client.get(reverse("campaigns:map", args=[campaign.pk])).json()["features"]
    assert len(features) == 3 and all(f["geometry"]["type"] == "Polygon" for f in features)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_page_and_its_json_take_as_many_queries_for_many_grids_as_for_few():
    district = build_district_world()
    visit_some(district)
    campaign, units = district.campaign, district.units
    users = (district.users[Role.DISTRICT_ADMIN], district.users[Role.COMMUNITY_ADMIN])
    urls = [
        _detail(campaign),
        _detail(campaign, area=units[COMMUNITY_1].pk),
        reverse("campaigns:progress", args=[campaign.pk]),
        reverse("campaigns:map", args=[campaign.pk]),
    ]
    before = [_queries(_client(user), url) for user in users for url in urls]
    # Ten more grids in the community, each with targets, results and follow-ups.
    community = units[COMMUNITY_1]
    for i in range(10):
        code = f"{COMMUNITY_1}{100 + i:03d}"
        grid = OrgUnit.objects.create(
            code=code,
            parent=community,
            level=Level.GRID,
            kind=Kind.GRID,
            name_zh=f"加密网格{i}",
            path=path_for_code(code),
            geometry=units[GRID_A].geometry,
        )
        add_households(grid, 2, code)
        households = list(Household.objects.filter(grid=grid))
        targets = Target.objects.bulk_create(
            Target(campaign=campaign, household=h, grid=grid, org_path=grid.path) for h in households
        )
        GridProgress.objects.create(
            campaign=campaign, grid=grid, org_path=grid.path, total=len(targets), done=1
        )
        FollowUp.objects.create(
            campaign=campaign,
            target=targets[0],
            question_code="fever",
            label="发热",
            action="follow_up",
            org_path=grid.path,
        )
    after = [_queries(_client(user), url) for user in users for url in urls]
    assert after == before
    shown = _client(users[0]).get(urls[2], {"area": community.pk}).json()
    assert len(shown["rows"]) == 12 and len(shown["grids"]) == 12


# --- start and end -------------------------------------------------------------------------


def test_start_and_end_buttons_run_the_campaign_and_show_refusals():
    world = build_campaign_world()
    campaign = world.campaign
    client = _client(world.users[Role.DISTRICT_ADMIN])
    page = client.get(_detail(campaign), **EN).content.decode()
    assert 'id="gg-campaign-start"' in page and "has not started" in page
    # Only people who manage campaigns: a community admin gets 403, nothing started.
    assert (
        _client(world.users[Role.COMMUNITY_ADMIN])
        .post(reverse("campaigns:start", args=[campaign.pk]))
        .status_code
        == 403
    )
    # A street admin of the other street does not even see it.
    other_street = make_user("street_2", Role.STREET_ADMIN, world.units[STREET_2])
    assert _client(other_street).post(reverse("campaigns:start", args=[campaign.pk])).status_code == 404
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.DRAFT
    started = client.post(reverse("campaigns:start", args=[campaign.pk]), follow=True, **EN)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.ACTIVE and Target.objects.filter(campaign=campaign).count() == 2
    assert "The campaign has started" in started.content.decode()
    again = client.post(reverse("campaigns:start", args=[campaign.pk]), follow=True, **EN)
    assert "Only a draft campaign can be started." in again.content.decode()
    ended = client.post(reverse("campaigns:end", args=[campaign.pk]), follow=True, **EN)
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.ENDED and "The campaign has ended." in ended.content.decode()
    assert client.get(reverse("campaigns:start", args=[campaign.pk])).status_code == 405


def test_a_campaign_without_a_checklist_does_not_start_and_says_why():
    world = build_campaign_world()
    world.campaign.questions.all().delete()
    response = _client(world.users[Role.DISTRICT_ADMIN]).post(
        reverse("campaigns:start", args=[world.campaign.pk]), follow=True, **EN
    )
    assert "Add at least one question to the checklist." in response.content.decode()
    world.campaign.refresh_from_db()
    assert world.campaign.status == CampaignStatus.DRAFT


# --- households and follow-ups -------------------------------------------------------------


def test_households_of_a_grid_for_personal_rights_only_and_audited():
    world = build_campaign_world()
    start(world)
    campaign, grid = world.campaign, world.units[GRID_A]
    url = reverse("campaigns:households", args=[campaign.pk, grid.pk])
    page = _client(world.users[Role.COMMUNITY_ADMIN]).get(url, **EN)
    body = page.content.decode()
    assert page.status_code == 200
    assert "H-A101" in body and "Not yet visited" in body and "H-B201" not in body
    entry = AuditEntry.objects.get(action="campaigns.read_personal", actor=world.users[Role.COMMUNITY_ADMIN])
    assert (
        entry.target_id == str(campaign.pk)
        and entry.details["grid"] == GRID_A
        and entry.details["count"] == 1
    )
    # Leaders and dispatchers see counts only; grid B's worker does not see grid A.
    assert _client(world.users[Role.LEADER]).get(url).status_code == 403
    assert _client(world.users["worker_b"]).get(url).status_code == 404
    assert _client(world.users[Role.GRID_WORKER]).get(url).status_code == 200


def test_follow_ups_are_listed_and_marked_done_once():
    world = build_campaign_world()
    start(world)
    campaign = world.campaign
    worker = world.users[Role.GRID_WORKER]
    target = Target.objects.get(campaign=campaign, grid__code=GRID_A)
    record_result(worker, target, outcome=Result.DONE, answers=DONE_FEVER, at=timezone.now())
    follow_up = FollowUp.objects.get(target=target)
    admin = _client(world.users[Role.COMMUNITY_ADMIN])
    page = admin.get(_detail(campaign), **EN).content.decode()
    assert f'data-follow-up="{follow_up.pk}" data-state="open"' in page and "发热" in page
    assert AuditEntry.objects.filter(action="campaigns.read_personal", details__what="follow_ups").exists()
    # A leader sees the counts but not the follow-ups.
    leader_page = _client(world.users[Role.LEADER]).get(_detail(campaign), **EN).content.decode()
    assert "data-follow-up=" not in leader_page and 'id="gg-progress-table"' in leader_page
    url = reverse("campaigns:follow_up_done", args=[campaign.pk, follow_up.pk])
    assert _client(world.users[Role.LEADER]).post(url, {"note": "x"}).status_code == 403
    assert _client(world.users["worker_b"]).post(url, {"note": "x"}).status_code == 404
    too_long = admin.post(url, {"note": "长" * 201}, follow=True, **EN)
    assert "at most 200 characters" in too_long.content.decode()
    done = admin.post(url, {"note": "已送医", "area": world.units[COMMUNITY_1].pk}, **EN)
    assert done.status_code == 302 and done["Location"].endswith(f"?area={world.units[COMMUNITY_1].pk}")
    follow_up.refresh_from_db()
    assert follow_up.state == FollowUpState.DONE and follow_up.note == "已送医"
    assert follow_up.done_by == world.users[Role.COMMUNITY_ADMIN]
    assert (
        AuditEntry.objects.filter(action="campaigns.follow_up_done", target_id=str(follow_up.pk)).count() == 1
    )
    again = admin.post(url, {"note": "again"}, follow=True, **EN)
    assert "already done" in again.content.decode()
    follow_up.refresh_from_db()
    assert follow_up.note == "已送医"


# --- daily report --------------------------------------------------------------------------


def test_the_daily_report_holds_the_days_counts_and_totals_and_no_personal_data():
    district = build_district_world()
    visit_some(district)
    campaign, units = district.campaign, district.units
    yesterday = timezone.now() - timedelta(days=1)
    old = Target.objects.filter(campaign=campaign, grid__code=GRID_A, outcome=Result.PENDING).first()
    record(district, old, Result.REFUSED, at=yesterday)
    client = _client(district.users[Role.DISTRICT_ADMIN])
    today = timezone.localdate()
    response = client.get(reverse("campaigns:report", args=[campaign.pk]), {"day": today.isoformat()}, **EN)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    header = rows[2]
    assert header[:4] == ["Street", "Community", "Grid", "Done today"]
    col = {
        name: header.index(name)
        for name in ("Done today", "Refused today", "Households", "Done", "Refused", "Coverage %")
    }
    by_grid = {row[2]: row for row in rows[3:] if row[2]}
    grid_a = by_grid[units[GRID_A].name_zh]
    daily_a = DailyCount.objects.get(campaign=campaign, grid=units[GRID_A], day=today)
    assert grid_a[col["Done today"]] == daily_a.done and grid_a[col["Refused today"]] == daily_a.refused
    expected_a = recount(campaign, units[GRID_A].path)
    assert (
        grid_a[col["Households"]] == expected_a["total"] and grid_a[col["Refused"]] == expected_a["refused"]
    )
    community_total = next(
        row for row in rows if row[2] == "Community total" and row[1] == units[COMMUNITY_1].name_zh
    )
    assert community_total[col["Households"]] == recount(campaign, units[COMMUNITY_1].path)["total"]
    street_rows = [row for row in rows if row[1] == "Street total"]
    assert [row[0] for row in street_rows] == [units[STREET_1].name_zh, units[STREET_2].name_zh]
    assert street_rows[1][col["Done"]] == recount(campaign, units[STREET_2].path)["done"]
    total = rows[-1]
    assert (
        total[0] == "Total" and total[col["Households"]] == recount(campaign, units[DISTRICT].path)["total"]
    )
    # Yesterday's refusal is in yesterday's report only; the cumulative counts are the same.
    day_before = client.get(
        reverse("campaigns:report", args=[campaign.pk]), {"day": yesterday.date().isoformat()}, **EN
    )
    old_rows = [
        list(r) for r in load_workbook(BytesIO(day_before.content)).active.iter_rows(values_only=True)
    ]
    assert old_rows[-1][col["Refused today"]] == 1 and old_rows[-1][col["Done today"]] == 0
    text = " ".join(str(v) for row in rows for v in row if v is not None)
    assert "H-" not in text and "乌兰巴特尔" not in text
    entries = AuditEntry.objects.filter(action="campaigns.daily_report", target_id=str(campaign.pk))
    assert entries.count() == 2 and entries.first().details["campaign"] == campaign.pk
    # Bad day: 400 with the reason; another district: 404.
    bad = client.get(reverse("campaigns:report", args=[campaign.pk]), {"day": "2026-13-40"}, **EN)
    assert bad.status_code == 400 and "YYYY-MM-DD" in bad.content.decode()
    outsider = make_user("outsider", Role.DISTRICT_ADMIN, units["150521"])
    assert _client(outsider).get(reverse("campaigns:report", args=[campaign.pk])).status_code == 404


def test_a_community_admins_report_holds_their_community_only():
    district = build_district_world()
    visit_some(district)
    response = _client(district.users[Role.COMMUNITY_ADMIN]).get(
        reverse("campaigns:report", args=[district.campaign.pk]), **EN
    )
    rows = [list(r) for r in load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True)]
    grids = {row[2] for row in rows[3:] if row[2] and "total" not in str(row[2])}
    assert grids == {district.units[GRID_A].name_zh, district.units[GRID_B].name_zh}
    assert rows[-1][11] == recount(district.campaign, district.units[COMMUNITY_1].path)["total"]
