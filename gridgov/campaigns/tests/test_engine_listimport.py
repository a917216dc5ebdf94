"""Target lists from Excel: household numbers or ID numbers; every bad row reported (row,
column, reason, masked value), every good one kept; households outside the scope are bad."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.utils import translation
from openpyxl import Workbook

from gridgov.access.roles import Role
from gridgov.audit.models import AuditEntry
from gridgov.campaigns.errors import CampaignDenied, CampaignError
from gridgov.campaigns.listimport import import_list
from gridgov.campaigns.models import ListEntry, Target, TargetMode
from gridgov.campaigns.testing import build_campaign_world, start
from gridgov.people.identity_numbers import make_id_number
from gridgov.people.models import Household
from gridgov.people.testing import CANARIES, CANARY_ID, OTHER_DISTRICT_ID, OTHER_GRID_ID, SECOND_ID

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    # The reasons are compared in English whatever the default language and its catalog.
    with translation.override("en"):
        yield


UNKNOWN_ID = make_id_number("150502", date(1970, 6, 1), 123)


def workbook(header: list, rows: list[list]) -> io.BytesIO:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    stream = io.BytesIO()
    book.save(stream)
    stream.seek(0)
    return stream


@pytest.fixture
def world():
    world = build_campaign_world()
    world.campaign.target_mode = TargetMode.LIST
    world.campaign.save(update_fields=["target_mode"])
    return world


def admin(world):
    return world.users[Role.DISTRICT_ADMIN]


def test_household_numbers_keep_good_rows_and_report_bad_ones(world):
    outside = world.units["150502002001001"]
    Household.objects.create(number="H-OUT", grid=outside, org_path=outside.path)
    grid = world.units["150502001001001"]
    Household.objects.create(number="H-GONE", grid=grid, org_path=grid.path, is_active=False)
    stream = workbook(
        ["序号", "户号"],
        [
            [1, "H-A101"],
            [2, "H-B201"],
            [3, "H-NOPE"],
            [4, None],
            [None, None],  # a blank row is skipped, not reported
            [5, "H-GONE"],
            [6, "H-OUT"],
            [7, " H-A101 "],
        ],
    )
    report = import_list(admin(world), world.campaign, stream)
    assert (report.column, report.rows, report.households, report.added) == ("户号", 7, 2, 2)
    bad = {(b.row, b.column): b for b in report.bad_rows}
    assert sorted(bad) == [(4, "户号"), (5, "户号"), (7, "户号"), (8, "户号")]
    assert bad[(4, "户号")].value == "H-NOPE" and "No household" in bad[(4, "户号")].reason
    assert "empty" in bad[(5, "户号")].reason
    assert "no longer active" in bad[(7, "户号")].reason
    assert "outside" in bad[(8, "户号")].reason
    listed = set(
        ListEntry.objects.filter(campaign=world.campaign).values_list("household__number", flat=True)
    )
    assert listed == {"H-A101", "H-B201"}
    # Importing again adds nothing; the list then becomes the campaign's targets.
    assert import_list(admin(world), world.campaign, workbook(["户号"], [["H-A101"]])).added == 0
    assert start(world) == 2
    assert set(Target.objects.values_list("household__number", flat=True)) == {"H-A101", "H-B201"}


def test_id_numbers_find_the_persons_households_and_stay_masked(world):
    bad_digit = CANARY_ID[:-1] + ("0" if CANARY_ID[-1] != "0" else "1")
    stream = workbook(
        ["身份证号"],
        [
            [CANARY_ID],
            [SECOND_ID.lower()],  # the same household through another member
            [OTHER_GRID_ID],
            [OTHER_DISTRICT_ID],  # lives in no household
            [bad_digit],
            [UNKNOWN_ID],
            [150502195103075170],  # typed as a number: lost digits
        ],
    )
    report = import_list(admin(world), world.campaign, stream)
    assert (report.households, report.added) == (2, 2)
    assert [b.row for b in report.bad_rows] == [5, 6, 7, 8]
    reasons = [b.reason for b in report.bad_rows]
    assert "no household" in reasons[0] and "No person" in reasons[2] and "number" in reasons[3]
    shown = " ".join(f"{b.value} {b.reason}" for b in report.bad_rows)
    for canary in (*CANARIES, UNKNOWN_ID, bad_digit):
        assert canary not in shown
    entry = AuditEntry.objects.get(action="campaigns.list_import")
    assert entry.details["bad_rows"] == 4 and entry.details["added"] == 2
    assert not any(canary in str(entry.details) for canary in CANARIES)


def test_replace_makes_the_list_the_files_good_rows(world):
    import_list(admin(world), world.campaign, workbook(["household number"], [["H-A101"], ["H-B201"]]))
    report = import_list(admin(world), world.campaign, workbook(["户号"], [["H-B201"]]), replace=True)
    assert report.added == 1
    assert list(ListEntry.objects.values_list("household__number", flat=True)) == ["H-B201"]


@pytest.mark.parametrize(
    ("content", "field"),
    [
        (b"not a workbook", "file"),
        (None, "file"),  # a workbook without a known header
    ],
)
def test_unreadable_files_are_refused(world, content, field):
    stream = io.BytesIO(content) if content is not None else workbook(["名字"], [["张三"]])
    with pytest.raises(CampaignError) as raised:
        import_list(admin(world), world.campaign, stream)
    assert raised.value.field == field
    assert not ListEntry.objects.exists()


def test_only_drafts_with_a_list_target_and_only_managers(world):
    stream = workbook(["户号"], [["H-A101"]])
    with pytest.raises(CampaignDenied):
        import_list(world.users[Role.GRID_WORKER], world.campaign, stream)
    world.campaign.target_mode = TargetMode.ALL
    world.campaign.save(update_fields=["target_mode"])
    with pytest.raises(CampaignError) as raised:
        import_list(admin(world), world.campaign, stream)
    assert raised.value.field == "target_mode"
    start(world)
    world.campaign.target_mode = TargetMode.LIST
    with pytest.raises(CampaignError) as raised:
        import_list(admin(world), world.campaign, stream)
    assert raised.value.field == "status"
    assert not ListEntry.objects.exists()
