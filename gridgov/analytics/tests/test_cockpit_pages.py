"""Cockpit pages: who may open them, the wall view, the map layers and the Excel exports."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from gridgov.access.roles import Role
from gridgov.analytics.cockpit import build_cockpit
from gridgov.analytics.tests.test_cockpit import build_history
from gridgov.analytics.tests.test_cockpit_wiring import WIRED
from gridgov.cases.models import Case

pytestmark = [pytest.mark.django_db, pytest.mark.urls(WIRED)]
ALLOWED = (Role.DISTRICT_ADMIN, Role.DISPATCHER, Role.STREET_ADMIN, Role.COMMUNITY_ADMIN, Role.LEADER)
DENIED = (Role.GRID_WORKER, Role.GRID_CHIEF, Role.RESIDENT, Role.DEPARTMENT_HANDLER, Role.AUDITOR)
PAGES = (
    "/cockpit/",
    "/cockpit/wall/",
    "/cockpit/cases/?now=open",
    "/cockpit/hexagons.json",
    "/cockpit/grids.json",
)


@pytest.fixture
def history(world, clock):
    return build_history(world, clock)


@pytest.mark.parametrize("role", ALLOWED)
def test_leaders_dispatchers_and_admins_open_the_cockpit(world, client, role):
    client.force_login(world.users[role])
    for url in PAGES:
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("role", DENIED)
def test_others_are_denied_and_the_denial_is_audited(world, client, role):
    from gridgov.audit.models import AuditEntry

    client.force_login(world.users[role])
    for url in PAGES:
        assert client.get(url).status_code == 403, url
    assert AuditEntry.objects.filter(action="access.denied").count() == len(PAGES)


def test_anonymous_goes_to_the_login(client):
    response = client.get("/cockpit/")
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_page_has_a_chart_and_a_table_per_figure(history, world, client):
    client.force_login(world.users[Role.LEADER])
    html = client.get("/cockpit/").content.decode()
    for key in ("trend", "open_by_level", "open_by_department", "categories", "satisfaction", "campaigns"):
        assert f'data-chart="{key}"' in html and f'data-table="{key}"' in html
    assert 'id="gg-ck-charts"' in html and "echarts.min.js" in html and 'id="gg-ck-map"' in html
    assert 'class="gg-nav' in html


def test_the_wall_is_dark_refreshing_and_without_navigation(history, world, client):
    client.force_login(world.users[Role.LEADER])
    html = client.get("/cockpit/wall/").content.decode()
    assert 'class="gg-wall"' in html and 'data-refresh="60"' in html
    assert 'class="gg-nav' not in html and 'data-chart="trend"' in html


def test_xlsx_of_every_table_reads_back(history, world, client):
    leader = world.users[Role.LEADER]
    client.force_login(leader)
    response = client.get("/cockpit/?format=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    cockpit = build_cockpit(leader)
    assert len(book.sheetnames) == 1 + len(cockpit.tables) + 1  # KPIs, tables, hotspots
    kpis = {row[0]: row[1] for row in book["KPI"].iter_rows(min_row=2, values_only=True)}
    assert kpis[cockpit.tile("reported_today").label] == cockpit.tile("reported_today").value == 2
    trend = list(book.worksheets[1].iter_rows(values_only=True))
    assert list(trend[0]) == cockpit.table("trend").columns and len(trend) == 31
    assert trend[-1][1:] == (2, 1)
    single = load_workbook(io.BytesIO(client.get("/cockpit/?format=xlsx&table=categories").content))
    rows = list(single.active.iter_rows(values_only=True))
    assert rows[1] == ("道路", 7)


def test_case_list_xlsx_has_the_figure_count(history, world, client):
    leader = world.users[Role.LEADER]
    client.force_login(leader)
    tile = build_cockpit(leader).tile("reported_month")
    book = load_workbook(io.BytesIO(client.get(tile.url + "&format=xlsx").content))
    assert book.active.max_row - 1 == tile.value == 7


def test_hexagons_json_answers_geojson(history, world, client):
    client.force_login(world.users[Role.LEADER])
    data = client.get("/cockpit/hexagons.json?res=7&from=2026-02-01&to=2026-03-11").json()
    assert data["type"] == "FeatureCollection"
    assert sum(f["properties"]["count"] for f in data["features"]) == Case.objects.count() == 9
