"""The issue's phone test for campaigns, in a real Chromium at a phone viewport: a worker goes
offline, records three campaign households (one with an exception) and a case with a photo,
comes back online and sees them synced once; a community officer watching the campaign's page
sees the coverage table and map take the new counts without reloading."""

from __future__ import annotations

import os
from datetime import timedelta
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from gridgov.access.roles import Role
from gridgov.campaigns.models import (
    AlertKind,
    FollowUp,
    GridProgress,
    HealthCheckIn,
    Monitoring,
    MonitoringAlert,
    MonitoringKind,
    Outcome,
    RiskLevel,
    RiskZone,
    Target,
)
from gridgov.campaigns.testing import GRID_A, GRID_B, build_campaign_world, start
from gridgov.campaigns.zones import rules_for
from gridgov.cases.models import Case, CasePhoto
from gridgov.fieldapp.models import Submission
from gridgov.fieldapp.tests.test_browser import PHONE, _report, _signed_in_context, _status, _until, open_app
from gridgov.people import services
from gridgov.people.models import Household

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("GRIDGOV_SCREENSHOT_DIR")


def _world():
    """The campaign world with three households in the worker's grid, started."""
    world = build_campaign_world()
    admin = world.users[Role.DISTRICT_ADMIN]
    grid = world.units[GRID_A]
    for number in ("H-A102", "H-A103"):
        services.save_household(Household(number=number, grid=grid), actor=admin)
    start(world)
    grid_b = world.units[GRID_B]
    RiskZone.objects.create(
        level=RiskLevel.CONTROL,
        grid=grid,
        org_path=grid.path,
        campaign=world.campaign,
        starts_at=timezone.now() - timedelta(hours=1),
        reason="密接者居住",
        set_by=admin,
    )
    RiskZone.objects.create(
        level=RiskLevel.LOCKDOWN,
        grid=grid_b,
        org_path=grid_b.path,
        campaign=world.campaign,
        starts_at=timezone.now() - timedelta(hours=1),
        reason="病例居住",
        set_by=admin,
    )
    return world


def _show_household(page, target: Target) -> None:
    """Open the building group of the household in the campaign list (a tap on its heading)."""
    button = f".campaign-target[data-target='{target.pk}']"
    page.wait_for_selector(button, state="attached")
    group = page.locator(f".campaign-building:has({button})")
    if group.get_attribute("open") is None:
        group.locator("summary").click()
    page.wait_for_selector(button)


def _open_household(page, target: Target) -> None:
    _show_household(page, target)
    page.click(f".campaign-target[data-target='{target.pk}']")
    page.wait_for_selector(f"form.campaign-checklist[data-target='{target.pk}'][data-state=ready]")


def _asked(page, code: str) -> bool:
    return page.evaluate(f"!document.querySelector('.campaign-question[data-code=\"{code}\"]').hidden")


def _record(page, target: Target, outcome: str, *, fever: bool | None = None, temperature: str = "") -> None:
    _open_household(page, target)
    form = page.locator("form.campaign-checklist")
    if fever is not None:
        assert not _asked(page, "temperature")  # asked only after a fever
        form.locator(f"input[name=q-fever][value={'true' if fever else 'false'}]").check()
        assert _asked(page, "temperature") is fever
        if fever:
            form.locator("input[name=q-temperature]").fill(temperature)
        form.locator("input[name=q-heating][value=ok]").check()
        if SHOTS and fever:
            page.screenshot(path=os.path.join(SHOTS, "field-campaign-checklist.png"), full_page=True)
    form.locator(f"button[data-outcome={outcome}]").click()
    page.wait_for_selector(
        f".campaign-target[data-target='{target.pk}'][data-outcome='{outcome}'][data-sync='pending']",
        state="attached",
    )


def _officer_page(browser, live_server, world):
    client = Client()
    client.force_login(world.users[Role.COMMUNITY_ADMIN])
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    page.goto(f"{live_server.url}/campaigns/{world.campaign.pk}/?poll=1")
    return context, page


def _cell(page, unit_id: int, field: str) -> str:
    return page.text_content(f"#gg-progress-rows tr[data-unit='{unit_id}'] td[data-field='{field}']").strip()


def test_worker_records_campaign_households_offline_they_sync_once_and_the_officer_sees_coverage(
    browser, live_server
):
    world = _world()
    grid = world.units[GRID_A]
    worker = world.users[Role.GRID_WORKER]
    targets = list(Target.objects.filter(campaign=world.campaign, grid=grid).order_by("household__number"))
    assert len(targets) == 3 and {t.assignee_id for t in targets} == {worker.pk}

    officer_context, officer = _officer_page(browser, live_server, world)
    officer.wait_for_selector(f"#gg-progress-rows tr[data-unit='{grid.pk}']")
    assert _cell(officer, grid.pk, "done") == "0" and _cell(officer, grid.pk, "pending") == "3"

    context, page, errors = open_app(browser, live_server, worker)
    page.click(".field-tabs button[data-show=campaigns]")
    page.wait_for_selector(".campaign-target >> nth=2", state="attached")
    assert page.locator(".campaign-target[data-outcome=pending]").count() == 3
    # Grouped by building (the two households with no house on record last), closed at first.
    groups = page.eval_on_selector_all(
        ".campaign-building", "nodes => nodes.map(n => [n.dataset.done, n.dataset.total, n.open])"
    )
    assert groups == [["0", "1", False], ["0", "2", False]]
    assert page.locator(".campaign-target:visible").count() == 0
    # The search narrows the list to one household, and clearing it closes the groups again.
    first = targets[0].household.number
    page.fill(".campaign-find", first)
    assert page.locator(".campaign-target:visible").count() == 1
    assert first in page.inner_text(".campaign-target:visible")
    page.fill(".campaign-find", "")
    assert page.locator(".campaign-target:visible").count() == 0
    # The worker's grid is a control zone: its level and rules are on the screen; the
    # neighbouring grid's lockdown is not the worker's.
    assert page.locator(".zone-alert").count() == 1
    zone = page.locator(".zone-alert[data-level=control]")
    assert zone.locator(".zone-rules li").count() == len(rules_for(RiskLevel.CONTROL))
    assert _status(page) == "synced"

    context.set_offline(True)
    first, second, third = targets
    # A checklist left incomplete is not saved: the required question says so.
    _open_household(page, first)
    page.locator("form.campaign-checklist input[name=q-fever][value=false]").check()
    page.click("form.campaign-checklist button[data-outcome=done]")
    page.wait_for_selector(".campaign-question[data-code=heating] .field-errors")
    page.click("form.campaign-checklist .campaign-back")
    assert page.locator(".campaign-target[data-sync=pending]").count() == 0

    _record(page, first, "done", fever=False)
    _record(page, second, "done", fever=True, temperature="38.5")  # the exception
    _record(page, third, "not_home")
    # In each building, pending households come first; visited ones after, each with its badge.
    order = page.eval_on_selector_all(".campaign-target", "nodes => nodes.map(n => n.dataset.outcome)")
    assert order == ["done", "not_home", "done"]  # 1号楼: H-A101; no building: H-A103, H-A102
    done = page.eval_on_selector_all(".campaign-building", "nodes => nodes.map(n => n.dataset.done)")
    assert done == ["1", "1"]

    page.click(".field-tabs button[data-show=report]")
    _report(page, "楼道堆放杂物，已拍照")
    page.wait_for_selector("#sync-status[data-state=offline]")
    assert "4" in page.text_content("#sync-status")  # 3 results + 1 case waiting
    if SHOTS:
        page.click(".field-tabs button[data-show=campaigns]")
        page.screenshot(path=os.path.join(SHOTS, "field-campaign-offline.png"), full_page=True)
    assert Target.objects.filter(campaign=world.campaign, outcome=Outcome.PENDING).count() == 4
    assert Case.objects.count() == 0

    context.set_offline(False)
    page.wait_for_selector("#sync-status[data-state=synced]", timeout=45000)
    _assert_synced_once(world, grid, first, second, third)
    page.click(".field-tabs button[data-show=campaigns]")
    page.wait_for_selector(".campaign-target >> nth=2", state="attached")
    assert page.locator(".campaign-target[data-sync=pending]").count() == 0
    assert page.locator(".campaign-target[data-outcome=done]").count() == 2

    # A second sync and a reload send nothing again.
    page.click("#sync-status")
    page.reload()
    page.wait_for_selector("#sync-status[data-state=synced]")
    page.click(".field-tabs button[data-show=outbox]")
    page.wait_for_selector(".outbox-entry[data-status=done] >> nth=3")
    assert page.locator(".outbox-entry[data-status=done]").count() == 4
    _assert_synced_once(world, grid, first, second, third)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert errors == []
    context.close()

    # The officer's page, open all along, takes the new counts from its polling.
    done_cell = f"#gg-progress-rows tr[data-unit='{grid.pk}'] td[data-field=done]"
    _until(officer, f'document.querySelector("{done_cell}").textContent.trim() === "2"')
    assert (_cell(officer, grid.pk, "not_home"), _cell(officer, grid.pk, "pending")) == ("1", "0")
    assert _cell(officer, grid.pk, "exceptions") == "1"
    assert officer.text_content("#gg-campaign-stats [data-stat=done]").strip() == "2"
    expected = officer.evaluate(
        f"fetch('/campaigns/{world.campaign.pk}/progress.json?poll=1').then(r => r.json())"
        f".then(d => String(d.grids.find(g => g.id === {grid.pk}).coverage_percent))"
    )
    coloured = "[...document.querySelectorAll('#gg-campaign-map [data-coverage]')]"
    _until(officer, f"{coloured}.some(n => n.dataset.coverage === '{expected}')")
    if SHOTS:
        officer.screenshot(path=os.path.join(SHOTS, "campaign-coverage-after-sync.png"), full_page=True)
    officer_context.close()


def _assert_synced_once(world, grid, first: Target, second: Target, third: Target) -> None:
    outcomes = dict(Target.objects.filter(campaign=world.campaign, grid=grid).values_list("pk", "outcome"))
    assert outcomes == {first.pk: "done", second.pk: "done", third.pk: "not_home"}
    assert set(
        Target.objects.filter(campaign=world.campaign, grid=grid).values_list("attempts", flat=True)
    ) == {1}
    assert Target.objects.get(pk=second.pk).answers == {"fever": True, "temperature": 38.5, "heating": "ok"}
    assert Target.objects.get(pk=first.pk).answers == {"fever": False, "heating": "ok"}
    assert list(FollowUp.objects.values_list("target_id", "label")) == [(second.pk, "发热")]
    assert list(Case.objects.values_list("description", flat=True)) == ["楼道堆放杂物，已拍照"]
    assert CasePhoto.objects.count() == 1
    assert Submission.objects.filter(user=world.users[Role.GRID_WORKER]).count() == 4
    progress = GridProgress.objects.get(campaign=world.campaign, grid=grid)
    assert (progress.done, progress.not_home, progress.pending, progress.exceptions) == (2, 1, 0, 1)


def test_worker_records_a_health_checkin_offline_and_it_syncs_once(browser, live_server):
    world = build_campaign_world()
    start(world)
    grid = world.units[GRID_A]
    today = timezone.localdate()
    watched = Monitoring.objects.create(
        campaign=world.campaign,
        person=world.reg.persons["head"],
        household=world.reg.households["a101"],
        grid=grid,
        org_path=grid.path,
        kind=MonitoringKind.HOME_HEALTH,
        starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=6),
    )
    context = _signed_in_context(browser, live_server, world.users[Role.GRID_WORKER])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live_server.url + "/field/")
    _until(page, "navigator.serviceWorker.controller !== null")
    page.click(".field-tabs button[data-show=health]")
    item = f".monitoring-item[data-monitoring='{watched.pk}']"
    page.wait_for_selector(f"{item}[data-state=due]")
    shown = page.text_content("#view-health")
    assert "乌****" in shown and "乌兰巴特尔" not in shown

    context.set_offline(True)
    page.click(item)
    form = page.locator(f"form.checkin-form[data-monitoring='{watched.pk}']")
    form.locator("button[type=submit]").click()  # no temperature yet: refused on the phone
    page.wait_for_selector("form.checkin-form .field-errors")
    form.locator("input[name=temperature]").fill("37.8")
    form.locator("input[name=symptoms][value=cough]").check()
    form.locator("select[name=test_result]").select_option("negative")
    form.locator("button[type=submit]").click()
    page.wait_for_selector(f"{item}[data-state=pending]")
    page.wait_for_selector("#sync-status[data-state=offline]")
    assert "1" in page.text_content("#sync-status")
    assert not HealthCheckIn.objects.exists()

    context.set_offline(False)
    page.wait_for_selector("#sync-status[data-state=synced]", timeout=45000)
    page.wait_for_selector(f"{item}[data-state=done]")
    page.click("#sync-status")
    page.reload()
    page.wait_for_selector("#sync-status[data-state=synced]")
    checkin = HealthCheckIn.objects.get()
    assert (checkin.monitoring_id, checkin.temperature, checkin.symptoms) == (
        watched.pk,
        Decimal("37.8"),
        ["cough"],
    )
    assert checkin.test_result == "negative"
    assert MonitoringAlert.objects.filter(monitoring=watched, kind=AlertKind.FEVER).count() == 1
    assert errors == []
    context.close()
