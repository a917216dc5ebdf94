"""The assessment pages: tables, drill-down links, snapshots, exports, permissions, bad input."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook

from gridgov.access.roles import Role
from gridgov.assessment.models import AssessmentRow, AssessmentRun, Kind, RunState
from gridgov.assessment.snapshots import AssessmentError, freeze, publish
from gridgov.audit.models import AuditEntry
from gridgov.cases.models import Case
from gridgov.patrol.testing import GRID_A

pytestmark = [pytest.mark.django_db, pytest.mark.urls("gridgov.assessment.tests.urls")]

MARCH = "month:2026-03-01"


def client_for(client, user):
    client.force_login(user)
    return client


def test_indicator_table_links_every_case_figure_to_its_cases(client, history):
    admin = history.users[Role.DISTRICT_ADMIN]
    grid = history.units[GRID_A]
    response = client_for(client, admin).get("/assessment/", {"kind": "grid", "period": MARCH})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'title="Reports of the period neither rejected' in html or "valid_rate" in html
    row = re.search(rf'<tr data-entity="{grid.pk}">(.*?)</tr>', html, re.S).group(1)
    link = re.search(
        r'data-indicator="on_time_closure_rate"[^>]*>\s*<a class="gg-figure" href="([^"]+)">50.0%', row
    )
    assert link, row
    listing = client.get(link.group(1).replace("&amp;", "&"))
    assert listing.status_code == 200
    numbers = re.findall(r'<tr data-number="([^"]+)"', listing.content.decode())
    assert numbers == [history.cases["c1"].number]
    # The denominator: both closed cases.
    denominator = client.get(
        link.group(1).replace("&amp;", "&").replace("part=numerator", "part=denominator")
    )
    assert len(re.findall(r"<tr data-number=", denominator.content.decode())) == 2


def test_drill_down_is_scoped_and_refuses_bad_input(client, history):
    street_admin = history.users[Role.STREET_ADMIN]  # street 150502001: grid A is inside
    c = client_for(client, street_admin)
    grid = history.units[GRID_A]
    ok = c.get(
        "/assessment/cases/", {"indicator": "reports", "kind": "grid", "entity": grid.pk, "period": MARCH}
    )
    assert ok.status_code == 200 and ok.content.decode().count("<tr data-number=") == 5
    other = history.units["150502002001001"]
    assert (
        c.get(
            "/assessment/cases/",
            {"indicator": "reports", "kind": "grid", "entity": other.pk, "period": MARCH},
        ).status_code
        == 404
    )
    for bad in (
        {"indicator": "nope", "kind": "grid", "entity": grid.pk, "period": MARCH},
        {"indicator": "reports", "part": "denominator", "kind": "grid", "entity": grid.pk, "period": MARCH},
        {"indicator": "reports", "kind": "galaxy", "entity": grid.pk, "period": MARCH},
        {"indicator": "reports", "kind": "grid", "entity": grid.pk, "period": "month:2026-02-30"},
        {"indicator": "visit_coverage", "kind": "department", "entity": grid.pk, "period": MARCH},
    ):
        assert c.get("/assessment/cases/", bad).status_code == 400, bad
    assert (
        c.get(
            "/assessment/cases/", {"indicator": "reports", "kind": "grid", "entity": "x", "period": MARCH}
        ).status_code
        == 404
    )
    assert c.get("/assessment/", {"kind": "grid", "area": "abc"}).status_code == 400


def test_people_without_the_permission_are_refused(client, history):
    for role in (Role.GRID_WORKER, Role.RESIDENT, Role.DEPARTMENT_HANDLER):
        client.force_login(history.users[role])
        assert client.get("/assessment/").status_code == 403
    client.force_login(history.users[Role.LEADER])
    assert client.get("/assessment/", {"kind": "street", "period": MARCH}).status_code == 200
    assert client.post("/assessment/runs/freeze/", {"kind": "grid", "month": "2026-03"}).status_code == 403


def test_excel_export_of_the_table(client, history):
    response = client_for(client, history.users[Role.DISTRICT_ADMIN]).get(
        "/assessment/", {"kind": "grid", "period": MARCH, "format": "xlsx"}
    )
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    grid_a = next(r for r in rows[1:] if r[1] == history.units[GRID_A].name_zh)
    assert grid_a[header.index("Reports (count)") if "Reports (count)" in header else 4] == 5


def test_freeze_publish_and_explain(client, history, time_machine):
    admin = history.users[Role.DISTRICT_ADMIN]
    district = history.units["150502"]
    run = freeze(Kind.GRID, date(2026, 3, 1), actor=admin, area=district)
    row = AssessmentRow.objects.get(run=run, entity=str(history.units[GRID_A].pk))
    assert row.values["valid_rate"]["value"] == 0.8 and row.values["reports"]["year_ago"] == 1
    assert row.case_ids["on_time_closure_rate"]["numerator"] == [history.cases["c1"].pk]
    assert row.rank is not None and row.grade in "ABCDE"
    # Freezing again replaces the draft; cases changing later do not move the frozen ids.
    run = freeze(Kind.GRID, date(2026, 3, 1), actor=admin, area=district)
    assert AssessmentRun.objects.count() == 1
    publish(run, actor=admin)
    with pytest.raises(AssessmentError):
        freeze(Kind.GRID, date(2026, 3, 1), actor=admin, area=district)
    with pytest.raises(AssessmentError):
        publish(run, actor=admin)
    assert AuditEntry.objects.filter(action="assessment.publish").count() == 1
    Case.objects.filter(pk=history.cases["c1"].pk).update(state="in_progress")  # drift after publishing
    c = client_for(client, admin)
    row = AssessmentRow.objects.get(run=run, entity=str(history.units[GRID_A].pk))
    page = c.get(f"/assessment/runs/{run.pk}/rows/{row.pk}/", {"indicator": "on_time_closure_rate"})
    assert page.status_code == 200
    assert re.findall(r'<tr data-number="([^"]+)"', page.content.decode()) == [history.cases["c1"].number]
    assert c.get(f"/assessment/runs/{run.pk}/", {"format": "xlsx"}).status_code == 200
    assert c.get(f"/assessment/runs/{run.pk}/rows/{row.pk}/", {"indicator": "bogus"}).status_code == 400


def test_freeze_and_publish_pages(client, history):
    admin = history.users[Role.DISTRICT_ADMIN]
    c = client_for(client, admin)
    district = history.units["150502"]
    response = c.post(
        "/assessment/runs/freeze/", {"kind": "department", "month": "2026-03", "area": district.pk}
    )
    run = AssessmentRun.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/assessment/runs/{run.pk}/")
    assert run.state == RunState.DRAFT
    # A leader does not see drafts.
    client.force_login(history.users[Role.LEADER])
    assert client.get(f"/assessment/runs/{run.pk}/").status_code == 404
    c = client_for(client, admin)
    assert c.post(f"/assessment/runs/{run.pk}/publish/").status_code == 302
    run.refresh_from_db()
    assert run.state == RunState.PUBLISHED and run.published_by == admin
    client.force_login(history.users[Role.LEADER])
    page = client.get(f"/assessment/runs/{run.pk}/")
    assert page.status_code == 200 and "62.5" in page.content.decode()
    bad = client_for(client, admin).post("/assessment/runs/freeze/", {"kind": "grid", "month": "March"})
    assert bad.status_code == 302 and not AssessmentRun.objects.filter(kind="grid").exists()
