"""A patrol walked with the phone app offline, in a real Chromium at a phone viewport: the GPS
track, a check-in at a building and a finding with a photo queue on the device, and sync once
when the network returns; the offline map shows the grid, its buildings and the track."""

from __future__ import annotations

import os

import pytest

from gridgov.access.roles import Role
from gridgov.cases.models import Case, CasePhoto
from gridgov.cases.testing import HOME_POINT
from gridgov.fieldapp.models import Submission
from gridgov.fieldapp.tests.test_browser import (
    PHONE,
    _field_world,
    _jpeg,
    _signed_in_context,
    _status,
    _until,
    open_app,
)
from gridgov.patrol.models import CheckIn, Finding, Patrol, TrackPoint

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("GRIDGOV_SCREENSHOT_DIR")
# About 24 m apart at this latitude: GPS jitter for the server's speed check, however fast the
# test moves, yet a distance walked the app can show.
STEP = 0.0003


def _move(context, page, step: int) -> None:
    """Move the phone and wait until the app has recorded the new fix."""
    before = int(page.get_attribute("#patrol-points", "data-count") or 0)
    point = {"longitude": HOME_POINT[0] + STEP * step, "latitude": HOME_POINT[1], "accuracy": 10}
    context.set_geolocation(point)
    _until(page, f"Number(document.querySelector('#patrol-points').dataset.count) > {before}")


def _counts() -> tuple[int, ...]:
    models = (Patrol, TrackPoint, CheckIn, Finding, Case, CasePhoto)
    return tuple(model.objects.count() for model in models)


def test_a_patrol_walked_offline_syncs_once_with_its_track_checkin_and_finding(browser, live_server):
    world = _field_world()
    building = world.buildings["a"]
    context, page, errors = open_app(browser, live_server, world.users[Role.GRID_WORKER])
    page.click(".field-tabs button[data-show=patrol]")
    page.wait_for_selector("#patrol-grid")
    # The offline map: the grid's buildings are drawn (Leaflet, no tiles).
    page.wait_for_selector(f"#field-map path.map-building-{building.pk}", state="attached")
    assert page.locator("#field-map img.leaflet-tile").count() == 0

    context.set_offline(True)
    page.click("#patrol-start")
    page.wait_for_selector("#view-patrol[data-state=running]")
    for step in (1, 2, 3):
        _move(context, page, step)
    assert int(page.get_attribute("#patrol-points", "data-count")) >= 3
    assert page.text_content("#patrol-distance").strip() not in ("", "0 m", "0 米")
    assert int(page.get_attribute("#field-map", "data-track-points")) >= 3

    # Check in at the nearest building (first in the list), then report a finding with a photo.
    page.click("#patrol-checkin")
    assert page.locator("#checkin-building option").nth(1).get_attribute("value") == str(building.pk)
    assert page.eval_on_selector("#checkin-building", "s => s.value") == str(building.pk)
    page.click("#patrol-form button[type=submit]")
    _until(page, "document.querySelector('#patrol-saved').textContent !== ''")
    page.click("#patrol-finding")
    form = page.locator("#patrol-form form[data-kind='patrol.finding']")
    assert form.locator("input[name=lon]").input_value() != ""  # prefilled with the last fix
    form.locator("select[name=category]").select_option("0201")
    form.locator("textarea[name=description]").fill("巡查发现路灯损坏")
    form.locator("input[name=photos]").set_input_files(
        files=[{"name": "photo.jpg", "mimeType": "image/jpeg", "buffer": _jpeg()}]
    )
    form.locator("button[type=submit]").click()
    page.wait_for_selector("#patrol-form", state="hidden")
    page.click("#patrol-end")
    page.wait_for_selector("#view-patrol[data-state=idle]")
    page.wait_for_selector("#sync-status[data-state=offline]")
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "field-patrol-offline.png"), full_page=True)
    assert Patrol.objects.count() == 0 and Case.objects.count() == 0

    # The outbox names the kinds in words.
    page.click(".field-tabs button[data-show=outbox]")
    # start, one track batch (queued before the check-in), check-in, finding, end
    page.wait_for_selector(".outbox-entry[data-status=pending] >> nth=4")
    outbox = page.text_content("#outbox-list")
    assert "patrol." not in outbox
    assert page.evaluate("FieldApp.strings.patrol_started") in outbox

    context.set_offline(False)
    page.wait_for_selector("#sync-status[data-state=synced]", timeout=45000)
    patrol = Patrol.objects.get()
    assert patrol.ended_at is not None and patrol.grid_id == building.grid_id
    assert TrackPoint.objects.filter(patrol=patrol).count() >= 3
    assert patrol.distance_m > 40
    checkin = CheckIn.objects.get()
    assert checkin.patrol_id == patrol.pk and checkin.building_id == building.pk
    finding = Finding.objects.get()
    assert finding.patrol_id == patrol.pk and finding.case.description == "巡查发现路灯损坏"
    assert CasePhoto.objects.filter(case=finding.case).count() == 1
    counts = _counts()
    submissions = Submission.objects.count()

    # A second sync adds nothing, even with every entry but the photo's sent again.
    page.evaluate(
        """async () => {
        for (const entry of await FieldApp.outbox.entries()) {
          if (entry.kind === 'patrol.finding') continue;
          await FieldApp.store.put('outbox', {...entry, status: 'pending'});
        }
        FieldApp.emit('outbox');
        await FieldApp.outbox.sync();
      }"""
    )
    page.wait_for_selector("#sync-status[data-state=synced]", timeout=45000)
    assert _counts() == counts
    assert Submission.objects.count() == submissions
    assert _status(page) == "synced"

    # A reload keeps no running patrol; the layout fits the phone.
    page.reload()
    page.click(".field-tabs button[data-show=patrol]")
    page.wait_for_selector("#view-patrol[data-state=idle] #patrol-start")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert errors == []
    context.close()


def test_a_running_patrol_survives_a_reload_and_a_building_opens_its_households(browser, live_server):
    world = _field_world()
    household = world.households["a101"]
    context = _signed_in_context(browser, live_server, world.users[Role.GRID_WORKER])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live_server.url + "/field/")
    page.wait_for_selector("#case-category option[value='0201']", state="attached")
    page.click(".field-tabs button[data-show=patrol]")
    page.click("#patrol-start")
    page.wait_for_selector("#view-patrol[data-state=running]")
    _move(context, page, 1)

    page.reload()
    page.click(".field-tabs button[data-show=patrol]")
    page.wait_for_selector("#view-patrol[data-state=running]")
    _until(page, "Number(document.querySelector('#patrol-points').dataset.count) >= 1")
    _move(context, page, 2)

    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "field-patrol-map.png"))
    # Tapping a building of the map shows its households, linking to the household screen.
    marker = f"#field-map path.map-building-{household.house.building_id}"
    _until(
        page,
        f"""(() => {{
          const m = document.querySelector('#field-map').getBoundingClientRect();
          const b = document.querySelector('{marker}').getBoundingClientRect();
          return b.width > 0 && b.left >= m.left && b.right <= m.right
            && b.top >= m.top && b.bottom <= m.bottom;
        }})()""",
    )
    page.locator(marker).click(force=True)
    popup = page.locator(".leaflet-popup .map-popup")
    popup.wait_for()
    assert popup.locator(f"a.map-household[href='/registry/households/{household.pk}/']").count() == 1

    page.click("#patrol-end")
    page.wait_for_selector("#view-patrol[data-state=idle]")
    page.wait_for_selector("#sync-status[data-state=synced]", timeout=45000)
    patrol = Patrol.objects.get()
    assert patrol.ended_at is not None and patrol.points.count() >= 2
    assert errors == []
    context.close()
