"""Every figure of the cockpit's Excel export opens the same case list as the page's link for it."""

from __future__ import annotations

import html
import io
import re
from urllib.parse import urlsplit

import pytest
from openpyxl import load_workbook

from gridgov.access.roles import Role
from gridgov.analytics.cockpit import build_cockpit
from gridgov.analytics.tests.test_cockpit import build_history
from gridgov.analytics.tests.test_cockpit_wiring import WIRED

pytestmark = [pytest.mark.django_db, pytest.mark.urls(WIRED)]


@pytest.fixture
def history(world, clock):
    return build_history(world, clock)


def _book(response):
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def _path(url: str) -> str:
    parts = urlsplit(url)
    assert parts.scheme == "http" and parts.netloc == "testserver", url  # absolute: opens from the file
    return f"{parts.path}?{parts.query}"


def _listed_numbers(client, path: str) -> list[str]:
    return re.findall(r'data-number="([^"]+)"', client.get(path).content.decode())


def test_table_figures_open_the_pages_drill_down(history, world, client):
    leader = world.users[Role.LEADER]
    client.force_login(leader)
    page = client.get("/cockpit/").content.decode()
    block = re.search(r'data-table="categories"(.*?)</table>', page, re.S).group(1)
    road = re.search(r"<tr><td>道路</td>.*?</tr>", block, re.S).group(0)
    page_link = html.unescape(re.search(r'<a href="([^"]+)" class="gg-ck-drill">', road).group(1))

    position = [t.key for t in build_cockpit(leader).tables].index("categories")
    sheet = _book(client.get("/cockpit/?format=xlsx")).worksheets[1 + position]  # after the KPIs
    label, figure = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "道路")
    assert figure.value == 7 and isinstance(figure.value, int)  # still a number
    assert figure.style == "Hyperlink"
    link = _path(figure.hyperlink.target)
    assert link == page_link
    assert len(_listed_numbers(client, link)) == figure.value
    assert label.hyperlink is None  # labels stay plain


def test_kpis_and_case_numbers_link(history, world, client):
    leader = world.users[Role.LEADER]
    client.force_login(leader)
    tile = build_cockpit(leader).tile("reported_month")
    kpis = _book(client.get("/cockpit/?format=xlsx"))["KPI"]
    figure = next(r[1] for r in kpis.iter_rows(min_row=2) if r[0].value == tile.label)
    assert figure.value == tile.value == 7
    assert _path(figure.hyperlink.target) == tile.url
    assert len(_listed_numbers(client, tile.url)) == figure.value

    cases = _book(client.get(tile.url + "&format=xlsx")).active
    numbers = [r[0] for r in cases.iter_rows(min_row=2)]
    assert len(numbers) == 7
    for number in numbers:
        assert urlsplit(number.hyperlink.target).path == f"/cases/{number.value}/"
