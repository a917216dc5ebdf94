"""The risk-zone pages: list with map data and rules, designation (good and bad input), ending,
history, and who may open what."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import include, path, reverse
from django.utils import timezone

from gridgov import urls as project_urls
from gridgov.access.roles import Role
from gridgov.campaigns import zones
from gridgov.campaigns.models import RiskLevel, RiskZone
from gridgov.campaigns.testing import GRID_A, build_campaign_world, start

# Until the lead wires the pages into gridgov/urls.py, these tests bring their own urlconf.
urlpatterns = [
    path("campaigns/zones/", include("gridgov.campaigns.zone_urls")),
    path("campaigns/", include("gridgov.campaigns.monitoring_urls")),
    *project_urls.urlpatterns,
]
pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]
EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def world():
    w = build_campaign_world()
    start(w)
    return w


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_list_shows_zones_on_the_map_with_the_rules(world):
    admin = world.users[Role.STREET_ADMIN]
    zones.designate(
        admin, level=RiskLevel.LOCKDOWN, grid=world.units[GRID_A], starts_at=timezone.now(), reason="病例"
    )
    zones.designate(
        admin,
        level=RiskLevel.CONTROL,
        building=world.reg.buildings["b"],
        starts_at=timezone.now(),
        reason="密接",
    )
    page = _client(world.users[Role.GRID_WORKER]).get(reverse("campaign_zones:list"), **EN)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Nobody leaves home" in body and "Gatherings are strictly forbidden" in body
    features = page.context["features"]
    assert len(features) == 1  # the worker sees grid A only; the building lies in grid B
    assert features[0]["level"] == RiskLevel.LOCKDOWN and features[0]["geometry"]["type"] == "Polygon"
    assert "gg-end-zone" not in body and "gg-designate" not in body  # a worker may not designate
    chief_page = _client(admin).get(reverse("campaign_zones:list"), **EN)
    kinds = sorted("point" if "point" in f else "area" for f in chief_page.context["features"])
    assert kinds == ["area", "point"]
    assert chief_page.content.decode().count("gg-end-zone") == 2
    script = chief_page.content.decode().split('id="gg-zone-features"')[1]
    assert '"lockdown"' in script and '"control"' in script  # the features reach the map script


def test_designate_in_two_steps_and_end(world):
    admin = world.users[Role.STREET_ADMIN]
    client = _client(admin)
    url = reverse("campaign_zones:designate")
    first = client.get(url, **EN)
    assert first.status_code == 200 and str(world.units[GRID_A].pk) in first.content.decode()
    grid = world.units[GRID_A]
    form = client.get(url, {"grid": grid.pk}, **EN)
    assert form.status_code == 200 and world.reg.buildings["a"].name in form.content.decode()
    starts = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    done = client.post(
        url, {"grid": grid.pk, "level": "control", "building": "", "starts_at": starts, "reason": "核酸阳性"}
    )
    assert done.status_code == 302
    zone = RiskZone.objects.get()
    assert zone.grid == grid and zone.level == RiskLevel.CONTROL and zone.set_by == admin
    ended = client.post(reverse("campaign_zones:end", args=[zone.pk]))
    assert ended.status_code == 302
    zone.refresh_from_db()
    assert zone.ends_at is not None
    history = client.get(reverse("campaign_zones:history", args=["grid", grid.pk]), **EN)
    assert history.status_code == 200 and "核酸阳性" in history.content.decode()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"reason": ""}, "This field is required"),
        ({"level": "red"}, "Select a valid choice"),
        ({"starts_at": "tomorrow"}, "Enter a valid date/time"),
        ({"building": "999999"}, "Select a valid choice"),
    ],
)
def test_bad_input_is_shown_on_the_form_and_changes_nothing(world, fields, message):
    client = _client(world.users[Role.STREET_ADMIN])
    data = {
        "grid": world.units[GRID_A].pk,
        "level": "control",
        "building": "",
        "starts_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "reason": "r",
    }
    data.update(fields)
    page = client.post(reverse("campaign_zones:designate"), data, **EN)
    assert page.status_code == 400 and message in page.content.decode()
    assert not RiskZone.objects.exists()


def test_a_service_refusal_lands_on_the_field(world):
    admin = world.users[Role.STREET_ADMIN]
    now = timezone.now()
    zones.designate(admin, level=RiskLevel.CONTROL, grid=world.units[GRID_A], starts_at=now, reason="r")
    earlier = timezone.localtime(now - timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M")
    page = _client(admin).post(
        reverse("campaign_zones:designate"),
        {"grid": world.units[GRID_A].pk, "level": "lockdown", "starts_at": earlier, "reason": "r"},
        **EN,
    )
    assert page.status_code == 400 and "start later" in page.content.decode()
    assert RiskZone.objects.count() == 1


def test_who_may_open_what(world):
    worker = _client(world.users[Role.GRID_WORKER])
    assert worker.get(reverse("campaign_zones:designate")).status_code == 403
    assert _client(world.users[Role.RESIDENT]).get(reverse("campaign_zones:list")).status_code == 403
    # Another street's grid: 404 for the designation form and the history.
    street = _client(world.users[Role.STREET_ADMIN])
    other = world.units["150502002001001"]
    assert street.get(reverse("campaign_zones:designate"), {"grid": other.pk}).status_code == 404
    assert worker.get(reverse("campaign_zones:history", args=["grid", other.pk])).status_code == 404
    zone = zones.designate(
        world.users[Role.DISTRICT_ADMIN],
        level=RiskLevel.CONTROL,
        grid=other,
        starts_at=timezone.now(),
        reason="r",
    )
    assert street.post(reverse("campaign_zones:end", args=[zone.pk])).status_code == 404
    zone.refresh_from_db()
    assert zone.ends_at is None
    assert street.get(reverse("campaign_zones:history", args=["street", other.pk])).status_code == 404
    anonymous = Client().get(reverse("campaign_zones:list"))
    assert anonymous.status_code == 302 and "login" in anonymous["Location"]
