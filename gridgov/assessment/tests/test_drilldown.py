"""The records behind the field-work figures (visit coverage, information update, campaign
completion): lists equal their figures for every kind, scoping, masking, snapshots, and entities
with no data left ungraded. History: assessment.testing (March 2026)."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from openpyxl import load_workbook

from gridgov.access.roles import Role
from gridgov.access.testing import make_user
from gridgov.assessment.compute import entities, indicators_for
from gridgov.assessment.drilldown import frozen_records, listing, records_behind
from gridgov.assessment.indicators import BY_CODE, CASES, indicators_of
from gridgov.assessment.models import AssessmentRow, Kind
from gridgov.assessment.periods import Period
from gridgov.assessment.snapshots import freeze
from gridgov.campaigns.models import GridProgress
from gridgov.patrol.models import Visit
from gridgov.patrol.testing import GRID_A, GRID_B

pytestmark = [pytest.mark.django_db, pytest.mark.urls("gridgov.assessment.tests.urls")]

MARCH = Period("month", date(2026, 3, 1))
FIELD_WORK = ("visit_coverage", "info_update_rate", "campaign_completion")


def test_every_field_work_list_matches_its_figure_for_every_kind(history):
    admin = history.users[Role.DISTRICT_ADMIN]
    district = history.units["150502"]
    checked = 0
    for kind in (Kind.WORKER, Kind.GRID, Kind.COMMUNITY, Kind.STREET):
        ents = {e.key: e for e in entities(kind, district)}
        for row in indicators_for(kind, MARCH, area=district, compare=False):
            for code in FIELD_WORK:
                figure = row.figures[code]
                for part in ("numerator", "denominator"):
                    found = records_behind(BY_CODE[code], part, kind, ents[row.key], MARCH, area=district)
                    assert found.figure() == getattr(figure, part), (kind, row.label, code, part)
                    shown, total = listing(admin, found, MARCH, limit=1000)
                    if found.sum_field:
                        assert sum(getattr(r, found.sum_field) for r in shown) == getattr(figure, part)
                    else:
                        assert total == len(shown) == getattr(figure, part), (kind, row.label, code, part)
                    checked += 1
    assert checked > 40


def test_the_records_behind_grid_a_and_the_worker(history):
    grid_a = history.units[GRID_A]
    household = history.reg.households["a101"]
    grid = next(e for e in entities(Kind.GRID, None) if e.key == str(grid_a.pk))
    visited = records_behind(BY_CODE["visit_coverage"], "numerator", Kind.GRID, grid, MARCH, area=None)
    assert list(visited.records.values_list("pk", flat=True)) == [household.pk]
    assert list(visited.visits.values_list("household_id", flat=True)) == [household.pk]
    persons = records_behind(BY_CODE["info_update_rate"], "numerator", Kind.GRID, grid, MARCH, area=None)
    assert set(persons.records.values_list("name", flat=True)) == {"乌兰巴特尔", "王秀英"}
    progress = records_behind(
        BY_CODE["campaign_completion"], "denominator", Kind.GRID, grid, MARCH, area=None
    )
    assert progress.figure() == 10 and progress.records.get().grid_id == grid_a.pk
    worker_b = history.users["worker_b"]
    worker = next(e for e in entities(Kind.WORKER, None) if e.key == str(worker_b.pk))
    nothing = records_behind(BY_CODE["visit_coverage"], "numerator", Kind.WORKER, worker, MARCH, area=None)
    households = records_behind(
        BY_CODE["visit_coverage"], "denominator", Kind.WORKER, worker, MARCH, area=None
    )
    assert nothing.figure() == 0
    assert list(households.records.values_list("number", flat=True)) == ["H-B201"]


def _link(html: str, entity: int, indicator: str) -> str:
    row = re.search(rf'<tr data-entity="{entity}">(.*?)</tr>', html, re.S).group(1)
    cell = re.search(rf'data-indicator="{indicator}"[^>]*>\s*<a class="gg-figure" href="([^"]+)"', row)
    assert cell, row
    return cell.group(1).replace("&amp;", "&")


def test_index_cells_open_the_records_pages(client, history):
    client.force_login(history.users[Role.DISTRICT_ADMIN])
    grid_a = history.units[GRID_A]
    html = client.get("/assessment/", {"kind": "grid", "period": "month:2026-03-01"}).content.decode()
    link = _link(html, grid_a.pk, "visit_coverage")
    assert link.startswith("/assessment/records/?") and "indicator=visit_coverage" in link
    page = client.get(link, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert re.findall(r'<tr data-household="(\d+)"', page) == [str(history.reg.households["a101"].pk)]
    visit = Visit.objects.get()
    assert f'data-visit="{visit.pk}"' in page and "Normal" in page
    # Persons: masked names only.
    page = client.get(_link(html, grid_a.pk, "info_update_rate")).content.decode()
    assert len(re.findall(r"<tr data-person=", page)) == 2
    assert "乌****" in page and "乌兰巴特尔" not in page and "王秀英" not in page
    # Campaign progress: one row per campaign and grid, linking to the campaign's grid households.
    page = client.get(_link(html, grid_a.pk, "campaign_completion")).content.decode()
    progress = GridProgress.objects.get(grid=grid_a)
    assert f"/campaigns/{progress.campaign_id}/grids/{grid_a.pk}/" in page
    assert re.search(r'class="text-end gg-done">4<', page) and re.search(
        r'class="text-end gg-targets">10<', page
    )
    # The denominator of the community's visit coverage: both households, one not visited.
    community = history.units["150502001001"]
    html = client.get("/assessment/", {"kind": "community", "period": "month:2026-03-01"}).content.decode()
    denominator = _link(html, community.pk, "visit_coverage").replace("part=numerator", "part=denominator")
    page = client.get(denominator, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert len(re.findall(r"<tr data-household=", page)) == 2 and "not visited" in page
    # Excel, like the case list.
    sheet = load_workbook(io.BytesIO(client.get(denominator + "&format=xlsx").content)).active
    assert sorted(r[0] for r in sheet.iter_rows(min_row=2, values_only=True)) == ["H-A101", "H-B201"]


def test_records_are_scoped_and_refuse_bad_input(client, history):
    grid_a = history.units[GRID_A]
    query = {"indicator": "visit_coverage", "kind": "grid", "entity": grid_a.pk, "period": "month:2026-03-01"}
    outsider = make_user("outsider", Role.STREET_ADMIN, history.units["150502002"])
    client.force_login(outsider)
    assert client.get("/assessment/records/", query).status_code == 404
    client.force_login(history.users[Role.COMMUNITY_ADMIN])
    assert client.get("/assessment/records/", query).status_code == 200
    assert client.get("/assessment/records/", {**query, "kind": "department"}).status_code == 400
    assert client.get("/assessment/records/", {**query, "part": "whole"}).status_code == 400
    assert client.get("/assessment/records/", {**query, "entity": "x"}).status_code == 404
    # A leader sees the figure but no personal records (no patrol.view).
    client.force_login(history.users[Role.LEADER])
    page = client.get("/assessment/records/", query).content.decode()
    assert 'id="gg-record-hidden"' in page and "<tr data-household=" not in page
    # Old links and cross links go to the right list.
    response = client.get("/assessment/cases/", query)
    assert response.status_code == 302 and response["Location"].startswith("/assessment/records/?")


def test_snapshots_freeze_the_records_behind_field_work(client, history):
    admin = history.users[Role.DISTRICT_ADMIN]
    grid_a = history.units[GRID_A]
    run = freeze(Kind.GRID, date(2026, 3, 1), actor=admin, area=history.units["150502"])
    rows = list(AssessmentRow.objects.filter(run=run))
    for row in rows:
        for code in FIELD_WORK:
            frozen, values = row.case_ids[code], row.values[code]
            for part in ("numerator", "denominator"):
                found = frozen_records(BY_CODE[code].source, part, frozen)
                assert found.figure() == values[part], (row.label, code, part)
    row = next(r for r in rows if r.entity == str(grid_a.pk))
    household = history.reg.households["a101"]
    assert row.case_ids["visit_coverage"] == {
        "numerator": [household.pk],
        "denominator": [household.pk],
        "visits": [Visit.objects.get().pk],
    }
    # Progress moving on after the freeze does not move the explanation.
    GridProgress.objects.filter(grid=grid_a).update(done=9)
    client.force_login(admin)
    page = client.get(
        f"/assessment/runs/{run.pk}/rows/{row.pk}/", {"indicator": "campaign_completion", "part": "numerator"}
    ).content.decode()
    assert re.search(r'class="text-end gg-done">4<', page) and 'id="gg-listed"' in page
    page = client.get(
        f"/assessment/runs/{run.pk}/rows/{row.pk}/", {"indicator": "info_update_rate", "part": "denominator"}
    ).content.decode()
    assert len(re.findall(r"<tr data-person=", page)) == 2
    grid_b = next(r for r in rows if r.entity == str(history.units[GRID_B].pk))
    assert (
        grid_b.case_ids["visit_coverage"]["numerator"] == [] and grid_b.values["visit_coverage"]["value"] == 0
    )


def test_entities_without_data_are_not_graded(client, history):
    rows = {r.key: r for r in indicators_for(Kind.GRID, MARCH, area=history.units["150502"])}
    empty = rows[str(history.units["150502002001001"].pk)]  # the other street's grid: nothing at all
    assert (empty.score, empty.grade, empty.rank) == (None, "", None)
    graded = rows[str(history.units[GRID_A].pk)]
    assert graded.grade in "ABCDE" and graded.rank == 1
    # Grid B has households, a person and campaign targets but no case: graded on what it has,
    # the case rates without a denominator leave the weighted score instead of counting as 0.
    grid_b = rows[str(history.units[GRID_B].pk)]
    assert grid_b.figures["closure_rate"].value is None and grid_b.score is not None
    # Weights of grids: reports 10 (0 of A's 5 → 0), visit coverage 15 (0 %), information update 10
    # (the person there was created in March: 100 %), campaign completion 5 (6/6: 100 %).
    assert grid_b.score == pytest.approx((10 * 0 + 15 * 0 + 10 * 100 + 5 * 100) / 40, abs=0.01)
    client.force_login(history.users[Role.DISTRICT_ADMIN])
    html = client.get(
        "/assessment/", {"kind": "grid", "period": "month:2026-03-01"}, HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    entities_in_order = re.findall(r'<tr data-entity="(\d+)">', html)
    assert entities_in_order[-1] == empty.key  # listed after the ranked ones
    row = re.search(rf'<tr data-entity="{empty.key}">(.*?)</tr>', html, re.S).group(1)
    assert "not graded" in row and '<td class="gg-grade">—</td>' in row
    # Departments with no case are not graded either (they used to score 100 on "none overdue").
    for row in indicators_for(Kind.DEPARTMENT, MARCH):
        has_cases = any(
            row.figures[i.code].numerator for i in indicators_of(Kind.DEPARTMENT) if i.source == CASES
        )
        assert (row.score is None) == (not has_cases), row.label
