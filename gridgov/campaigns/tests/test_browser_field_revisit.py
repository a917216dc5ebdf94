"""The phone app's campaign screens beyond the first visit, in Chromium at 390×844: a result the
server rejects is corrected in its form and sent again under a new key; a revisit opens with the
last answers known (bundle or outbox); a grid of many households is grouped by building; the
risk zones are drawn on the offline map with a legend.

Waits are on state the app sets (data-state, data-fixing, data-prefilled, data-zones,
data-sync …), never on fixed delays."""

from __future__ import annotations

import os
from datetime import timedelta

import pytest
from django.utils import timezone

from gridgov.access.roles import Role
from gridgov.campaigns import results
from gridgov.campaigns.models import Outcome, RiskLevel, RiskZone, Target
from gridgov.campaigns.testing import GRID_A, build_campaign_world, start
from gridgov.campaigns.tests.test_browser_field import _open_household, _show_household
from gridgov.campaigns.zones import LEVEL_COLOURS
from gridgov.fieldapp.models import Submission
from gridgov.fieldapp.tests.test_browser import PHONE, open_app
from gridgov.people import services
from gridgov.people.models import Building, House, Household

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("GRIDGOV_SCREENSHOT_DIR")


def _open_app(browser, live_server, user):
    context, page, errors = open_app(browser, live_server, user)
    page.click(".field-tabs button[data-show=campaigns]")
    page.wait_for_selector(".campaign-target", state="attached")
    return context, page, errors


def _checked(page, name: str) -> list[str]:
    return page.eval_on_selector_all(
        f"form.campaign-checklist input[name={name}]:checked", "nodes => nodes.map(n => n.value)"
    )


def test_a_rejected_result_is_corrected_in_its_form_and_sent_again_under_a_new_key(browser, live_server):
    world = build_campaign_world()
    start(world)
    worker = world.users[Role.GRID_WORKER]
    target = Target.objects.get(campaign=world.campaign, household=world.reg.households["a101"])
    context, page, errors = _open_app(browser, live_server, worker)

    # 45 °C passes the phone's checks (it checks only what is required) but not the server's.
    _open_household(page, target)
    form = page.locator("form.campaign-checklist")
    form.locator("input[name=q-fever][value=true]").check()
    form.locator("input[name=q-temperature]").fill("45")
    form.locator("input[name=q-heating][value=weak]").check()
    form.locator("textarea[name=note]").fill("体温计读数偏高")
    form.locator("button[data-outcome=done]").click()
    page.wait_for_selector("#sync-status[data-state=attention]", timeout=45000)
    page.wait_for_selector(f".campaign-target[data-target='{target.pk}'][data-sync=attention]")
    (rejected,) = Submission.objects.filter(user=worker)
    assert rejected.status == "rejected" and "answers.temperature" in rejected.errors

    # The outbox names the question and offers to correct the entry, not only to discard it.
    page.click(".field-tabs button[data-show=outbox]")
    entry = page.locator(".outbox-entry[data-status=rejected]")
    entry.wait_for()
    assert "最高体温" in entry.inner_text()
    entry.locator(".outbox-fix").click()
    checklist = f"form.campaign-checklist[data-target='{target.pk}'][data-fixing='{rejected.key}']"
    page.wait_for_selector(f"{checklist}[data-state=ready]")
    assert page.is_visible("#view-campaigns") and page.is_visible(".campaign-rejected")
    # The server's message stands next to the field it names; the answers are as sent.
    error = page.locator(".campaign-question[data-code=temperature] .field-errors")
    assert "34" in error.inner_text() and "43" in error.inner_text()
    assert page.input_value("form.campaign-checklist input[name=q-temperature]") == "45"
    assert _checked(page, "q-fever") == ["true"] and _checked(page, "q-heating") == ["weak"]
    assert page.input_value("form.campaign-checklist textarea[name=note]") == "体温计读数偏高"
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "field-campaign-fix.png"), full_page=True)

    page.fill("form.campaign-checklist input[name=q-temperature]", "38.6")
    page.click("form.campaign-checklist button[data-outcome=done]")
    page.wait_for_selector("#sync-status[data-state=synced]", timeout=45000)
    page.wait_for_selector(f".campaign-target[data-target='{target.pk}'][data-outcome=done][data-sync='']")

    target.refresh_from_db()
    assert (target.outcome, target.attempts) == (Outcome.DONE, 1)
    assert target.answers == {"fever": True, "temperature": 38.6, "heating": "weak"}
    # A new key: the rejected submission stays on the server as it was, the correction is another.
    assert sorted(Submission.objects.filter(user=worker).values_list("status", flat=True)) == [
        "created",
        "rejected",
    ]
    fixed = Submission.objects.get(user=worker, status="created")
    assert fixed.key != rejected.key
    # On the phone the rejected entry has left the outbox; the correction is there, synced.
    page.click(".field-tabs button[data-show=outbox]")
    page.wait_for_selector(f".outbox-entry[data-key='{fixed.key}'][data-status=done]")
    assert page.locator(".outbox-entry").count() == 1
    assert errors == []
    context.close()


def test_a_revisit_opens_with_the_last_answers_known_from_the_bundle_then_the_outbox(browser, live_server):
    world = build_campaign_world()
    admin = world.users[Role.DISTRICT_ADMIN]
    loose = services.save_household(Household(number="H-A102", grid=world.units[GRID_A]), actor=admin)
    start(world)
    worker = world.users[Role.GRID_WORKER]
    earlier = timezone.now() - timedelta(hours=3)
    done = Target.objects.get(campaign=world.campaign, household=world.reg.households["a101"])
    fever = {"fever": True, "temperature": 38.2, "heating": "none"}
    results.record_result(worker, done, outcome=Outcome.DONE, answers=fever, note="老人发热", at=earlier)
    away = Target.objects.get(campaign=world.campaign, household=loose)
    results.record_result(worker, away, outcome=Outcome.NOT_HOME, note="晚上七点后再来", at=earlier)
    context, page, errors = _open_app(browser, live_server, worker)

    # The last result the server knows, from the bundle: the conditional temperature shows too.
    _open_household(page, done)
    page.wait_for_selector("form.campaign-checklist[data-prefilled=bundle]")
    assert page.is_visible(".campaign-prefilled")
    assert _checked(page, "q-fever") == ["true"] and _checked(page, "q-heating") == ["none"]
    assert page.is_visible("form.campaign-checklist input[name=q-temperature]")
    assert page.input_value("form.campaign-checklist input[name=q-temperature]") == "38.2"
    assert page.input_value("form.campaign-checklist textarea[name=note]") == "老人发热"
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "field-campaign-revisit.png"), full_page=True)

    # Corrected offline: the heating works now and the fever is gone.
    context.set_offline(True)
    page.check("form.campaign-checklist input[name=q-fever][value=false]")
    page.check("form.campaign-checklist input[name=q-heating][value=ok]")
    page.fill("form.campaign-checklist textarea[name=note]", "")
    page.click("form.campaign-checklist button[data-outcome=done]")
    page.wait_for_selector(f".campaign-target[data-target='{done.pk}'][data-sync=pending]", state="attached")

    # Opened again before it is sent: the answers waiting in the outbox are the last known.
    _open_household(page, done)
    page.wait_for_selector("form.campaign-checklist[data-prefilled=outbox]")
    assert _checked(page, "q-fever") == ["false"] and _checked(page, "q-heating") == ["ok"]
    assert not page.is_visible("form.campaign-checklist input[name=q-temperature]")
    assert page.input_value("form.campaign-checklist textarea[name=note]") == ""
    page.click("form.campaign-checklist .campaign-back")

    # Not at home last time: no answers to put back, but the note says when to come.
    _open_household(page, away)
    page.wait_for_selector("form.campaign-checklist[data-prefilled=bundle]")
    assert _checked(page, "q-fever") == [] and _checked(page, "q-heating") == []
    assert page.input_value("form.campaign-checklist textarea[name=note]") == "晚上七点后再来"
    page.click("form.campaign-checklist .campaign-back")

    context.set_offline(False)
    page.wait_for_selector("#sync-status[data-state=synced]", timeout=45000)
    done.refresh_from_db()
    assert (done.answers, done.attempts, done.note) == ({"fever": False, "heating": "ok"}, 2, "")
    assert errors == []
    context.close()


def _many_households(world, per_building: int) -> list[Building]:
    """Two more buildings in grid A with `per_building` households each (one per house)."""
    admin = world.users[Role.DISTRICT_ADMIN]
    buildings = []
    for n, lon in ((2, 122.051), (3, 122.052)):
        building = services.save_building(
            Building(
                name=f"和平小区{n}号楼",
                address=f"永清街道和平路{n}号",
                lon=lon,
                lat=43.601,
                floors=9,
                units=3,
            ),
            actor=admin,
        )
        houses = House.objects.bulk_create(
            House(
                building=building,
                grid_id=building.grid_id,
                org_path=building.org_path,
                unit=1 + i % 3,
                floor=1 + i // 3 % 9,
                number=f"{1 + i // 3 % 9}0{1 + i % 3}-{i}",
            )
            for i in range(per_building)
        )
        Household.objects.bulk_create(
            Household(number=f"H-{n}-{i:03d}", house=house, grid_id=house.grid_id, org_path=house.org_path)
            for i, house in enumerate(houses)
        )
        buildings.append(building)
    return buildings


def test_households_are_grouped_by_building_and_the_map_shows_the_risk_zones(browser, live_server):
    world = build_campaign_world()
    second, third = _many_households(world, per_building=40)
    start(world)
    admin = world.users[Role.DISTRICT_ADMIN]
    grid = world.units[GRID_A]
    common = {"set_by": admin, "reason": "密接者居住", "starts_at": timezone.now() - timedelta(hours=1)}
    RiskZone.objects.create(level=RiskLevel.CONTROL, grid=grid, org_path=grid.path, **common)
    RiskZone.objects.create(level=RiskLevel.LOCKDOWN, building=third, org_path=third.org_path, **common)
    worker = world.users[Role.GRID_WORKER]
    context, page, errors = _open_app(browser, live_server, worker)

    first = world.reg.buildings["a"]
    groups = page.eval_on_selector_all(
        ".campaign-building",
        "nodes => nodes.map(n => [n.dataset.building, n.dataset.done, n.dataset.total, n.open])",
    )
    assert groups == [
        [str(first.pk), "0", "1", False],
        [str(second.pk), "0", "40", False],
        [str(third.pk), "0", "40", False],
    ]
    assert page.locator(".campaign-target:visible").count() == 0  # 81 households, all folded
    head = f".campaign-building[data-building='{second.pk}'] .building-count"
    assert page.inner_text(head) == "0/40"

    # Open 2号楼 and record one household: its count moves, and the group stays open.
    target = Target.objects.get(campaign=world.campaign, household__number="H-2-007")
    _open_household(page, target)
    page.check("form.campaign-checklist input[name=q-fever][value=false]")
    page.check("form.campaign-checklist input[name=q-heating][value=ok]")
    page.click("form.campaign-checklist button[data-outcome=done]")
    page.wait_for_selector(f".campaign-building[data-building='{second.pk}'][data-done='1'][open]")
    # The list is drawn again once the result has synced: wait for that drawing, so that the
    # search below types into the list that stays.
    page.wait_for_selector(
        f".campaign-target[data-target='{target.pk}'][data-outcome=done]:not([data-sync=pending])",
        state="attached",
    )
    assert page.inner_text(head) == "1/40"
    assert page.locator(".campaign-target:visible").count() == 40
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "field-campaign-buildings.png"), full_page=False)

    # The search still finds one household among all, in a building the worker had not opened.
    page.fill(".campaign-find", "h-3-012")
    assert page.locator(".campaign-target:visible").count() == 1
    assert page.locator(".campaign-building:visible").count() == 1
    page.fill(".campaign-find", "3号楼")  # or a building by its name
    assert page.locator(".campaign-target:visible").count() == 40
    page.fill(".campaign-find", "")
    opened = page.eval_on_selector_all(
        ".campaign-building[open]", "nodes => nodes.map(n => n.dataset.building)"
    )
    assert opened == [str(second.pk)]  # what the worker opened, not what the search did
    _show_household(page, Target.objects.get(campaign=world.campaign, household__number="H-A101"))
    assert page.locator(".campaign-target:visible").count() == 41

    # The map of the Patrol tab: the grid's control zone and 3号楼's lockdown, with a legend.
    page.click(".field-tabs button[data-show=patrol]")
    page.wait_for_selector("#field-map[data-zones='2']", state="attached")
    control = page.locator("#field-map path.map-zone-control")
    lockdown = page.locator("#field-map path.map-zone-lockdown")
    assert control.count() == 1 and lockdown.count() == 1
    assert control.get_attribute("stroke") == LEVEL_COLOURS[RiskLevel.CONTROL]
    assert lockdown.get_attribute("fill") == LEVEL_COLOURS[RiskLevel.LOCKDOWN]
    legend = page.eval_on_selector_all(".map-legend-level", "nodes => nodes.map(n => n.dataset.level)")
    assert legend == ["lockdown", "control"]
    assert "管控区" in page.inner_text(".map-legend")
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, "field-map-zones.png"), full_page=False)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert errors == []
    context.close()
