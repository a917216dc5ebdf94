"""Every figure of the assessment exports opens the same list as the page's link for it."""

from __future__ import annotations

import html
import io
import re
from datetime import date
from urllib.parse import urlsplit

import pytest
from openpyxl import load_workbook

from gridgov.access.roles import Role
from gridgov.assessment.models import AssessmentRow, Kind
from gridgov.assessment.snapshots import freeze, publish
from gridgov.patrol.testing import GRID_A

pytestmark = [pytest.mark.django_db, pytest.mark.urls("gridgov.assessment.tests.urls")]

MARCH = "month:2026-03-01"
REPORTS = "Reports (count)"


def _sheet(response):
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content)).active


def _figure_cell(sheet, name: str, header: str):
    """The cell of column `header` in the row named `name` (column B)."""
    titles = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[1].value == name)
    return row[titles.index(header)]


def _path(url: str) -> str:
    parts = urlsplit(url)
    assert parts.scheme == "http" and parts.netloc == "testserver", url  # absolute: opens from the file
    return f"{parts.path}?{parts.query}"


def _page_link(page_html: str, row_marker: str, indicator: str) -> str:
    row = re.search(rf"<tr {row_marker}>(.*?)</tr>", page_html, re.S).group(1)
    return html.unescape(
        re.search(rf'data-indicator="{indicator}"[^>]*>\s*<a[^>]* href="([^"]+)"', row).group(1)
    )


def _listed_numbers(client, path: str) -> list[str]:
    return re.findall(r'<tr data-number="([^"]+)"', client.get(path).content.decode())


def test_live_table_figures_open_the_pages_drill_down(client, history):
    admin = history.users[Role.DISTRICT_ADMIN]
    grid = history.units[GRID_A]
    client.force_login(admin)
    query = {"kind": "grid", "period": MARCH}
    with_en = {"HTTP_ACCEPT_LANGUAGE": "en"}
    page = client.get("/assessment/", query, **with_en).content.decode()
    sheet = _sheet(client.get("/assessment/", {**query, "format": "xlsx"}, **with_en))

    cell = _figure_cell(sheet, grid.name_zh, REPORTS)
    assert cell.value == 5 and isinstance(cell.value, int)  # still a number
    assert cell.style == "Hyperlink"
    link = _path(cell.hyperlink.target)
    assert link == _page_link(page, f'data-entity="{grid.pk}"', "reports")
    assert len(_listed_numbers(client, link)) == cell.value

    # The case list's export links every case number to its case page.
    cases = _sheet(client.get(link + "&format=xlsx"))
    numbers = [r[0] for r in cases.iter_rows(min_row=2)]
    assert len(numbers) == 5
    for number in numbers:
        assert urlsplit(number.hyperlink.target).path == f"/cases/{number.value}/"


def test_run_table_figures_open_the_frozen_lists(client, history):
    admin = history.users[Role.DISTRICT_ADMIN]
    grid = history.units[GRID_A]
    run = freeze(Kind.GRID, date(2026, 3, 1), actor=admin, area=history.units["150502"])
    publish(run, actor=admin)
    row = AssessmentRow.objects.get(run=run, entity=str(grid.pk))
    client.force_login(history.users[Role.LEADER])
    with_en = {"HTTP_ACCEPT_LANGUAGE": "en"}
    page = client.get(f"/assessment/runs/{run.pk}/", **with_en).content.decode()
    sheet = _sheet(client.get(f"/assessment/runs/{run.pk}/", {"format": "xlsx"}, **with_en))

    cell = _figure_cell(sheet, row.label, REPORTS)
    assert cell.value == row.values["reports"]["value"] == 5
    link = _path(cell.hyperlink.target)
    assert link == _page_link(page, f'data-entity="{row.entity}"', "reports")
    assert link.startswith(f"/assessment/runs/{run.pk}/rows/{row.pk}/?")
    assert len(_listed_numbers(client, link)) == cell.value
    name = next(r[1] for r in sheet.iter_rows(min_row=2) if r[1].value == row.label)
    assert urlsplit(name.hyperlink.target).path == f"/assessment/runs/{run.pk}/rows/{row.pk}/"
