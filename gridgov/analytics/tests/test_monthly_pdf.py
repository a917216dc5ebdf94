"""The monthly report: a real PDF with its pages, charts and the month's numbers."""

from __future__ import annotations

import base64
import re
import zlib

import pytest

from gridgov.access.roles import Role
from gridgov.analytics.monthly_pdf import month_figures, monthly_report
from gridgov.analytics.tests.test_cockpit import build_history
from gridgov.analytics.tests.test_cockpit_wiring import WIRED

pytestmark = [pytest.mark.django_db, pytest.mark.urls(WIRED)]


@pytest.fixture
def history(world, clock):
    return build_history(world, clock)


def page_count(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))


def _streams(pdf: bytes) -> list[bytes]:
    """The decompressed content streams (reportlab writes [/ASCII85Decode /FlateDecode])."""
    out = []
    for match in re.finditer(rb"stream\r?\n(.*?)\s*endstream", pdf, re.S):
        try:
            out.append(zlib.decompress(base64.a85decode(match.group(1).strip(), adobe=True)))
        except (ValueError, zlib.error):  # another kind of stream
            continue
    return out


def _unescape(literal: bytes) -> bytes:
    def one(m: re.Match) -> bytes:
        escaped = m.group(1)
        if escaped[:1].isdigit():
            return bytes([int(escaped, 8)])
        return {b"n": b"\n", b"r": b"\r", b"t": b"\t"}.get(escaped, escaped)

    return re.sub(rb"\\([0-7]{1,3}|.)", one, literal)


def pdf_strings(pdf: bytes) -> list[str]:
    """The strings shown with Tj: UCS-2 for the CJK CID font, Latin-1 for the base-14 fonts."""
    out = []
    for stream in _streams(pdf):
        for literal in re.findall(rb"\(((?:\\.|[^\\)])*)\)\s*Tj", stream):
            raw = _unescape(literal)
            ucs2 = (len(raw) % 2 == 0 and raw[:1] == b"\x00") or (len(raw) >= 2 and raw[0] >= 0x4E)
            try:
                out.append(raw.decode("utf-16-be") if ucs2 else raw.decode("latin-1"))
            except UnicodeDecodeError:
                out.append(raw.decode("latin-1"))
    return out


def test_month_figures_add_past_days_and_today(history, world):
    leader = world.users[Role.LEADER]
    march = month_figures(leader, 2026, 3)
    assert march.totals["reported"] == 7 and march.totals["closed"] == 2 and march.totals["rated"] == 1
    assert dict(march.daily)[march.start.replace(day=2)] == 3 and len(march.daily) == 11
    assert march.categories == [("道路", 7)]
    february = month_figures(leader, 2026, 2)
    assert (
        february.totals["reported"] == 2 and february.totals["satisfied"] == 1 and len(february.daily) == 28
    )


def test_the_pdf_is_a_pdf_with_the_months_numbers(history, world):
    pdf = monthly_report(world.users[Role.LEADER], 2026, 3)
    assert pdf.startswith(b"%PDF") and pdf.rstrip().endswith(b"%%EOF")
    assert page_count(pdf) >= 1
    assert b"STSong-Light" in pdf  # the CJK font is embedded by name (a CID font)
    strings = pdf_strings(pdf)
    assert any("2026-03" in s for s in strings)  # the title
    assert "2026-03-01 – 2026-03-11" in strings  # the period
    assert "道路" in strings  # the category, in the CJK font
    # The KPI table (reported 7, closed 2, rated 1, satisfied 1, rate 100.0) and the day labels.
    assert {"7", "2", "1", "100.0"} <= set(strings)
    assert {"01", "11"} <= set(strings)


def test_the_pdf_view(history, world, client):
    client.force_login(world.users[Role.LEADER])
    response = client.get("/cockpit/report/2026-03.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF") and page_count(response.content) >= 1
    assert client.get("/cockpit/report/2026-13.pdf").status_code == 404
    client.force_login(world.users[Role.GRID_WORKER])
    assert client.get("/cockpit/report/2026-03.pdf").status_code == 403
