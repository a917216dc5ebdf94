"""\"The same problem?\" (participation.duplicates) and its offer on the report page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse

from gridgov.audit.models import AuditEntry
from gridgov.cases.models import Case
from gridgov.cases.testing import HOME_POINT
from gridgov.geo import crs as coordinates
from gridgov.participation.duplicates import haversine_m, nearby_open_cases
from gridgov.participation.models import CaseFollow
from gridgov.participation.testing import client_for, closed, north_of, png, resident_case

pytestmark = pytest.mark.django_db


def numbers(found) -> list[str]:
    return [n.case.number for n in found]


def test_haversine_measures_metres_on_the_ground():
    here = HOME_POINT
    assert haversine_m(*here, *north_of(here, 50)) == pytest.approx(50, abs=0.5)
    assert haversine_m(*here, *here) == 0


def test_a_second_report_within_50_m_of_the_same_category_is_offered_the_first(world):
    first = resident_case(world.alice)
    lon, lat = north_of(HOME_POINT, 40)
    found = nearby_open_cases("0201", lon, lat, "wgs84", exclude_user=world.bob)
    assert numbers(found) == [first.number]
    assert found[0].distance_m == pytest.approx(40, abs=1)
    assert found[0].same_category


def test_60_m_away_or_another_category_is_not_offered(world):
    resident_case(world.alice)
    assert nearby_open_cases("0201", *north_of(HOME_POINT, 60), "wgs84") == []
    assert nearby_open_cases("0301", *north_of(HOME_POINT, 10), "wgs84") == []


def test_the_same_top_category_is_offered_with_exact_matches_first(world):
    general = resident_case(world.alice, category="02", point=north_of(HOME_POINT, 5))
    exact = resident_case(world.alice, category="0201", point=north_of(HOME_POINT, 30))
    found = nearby_open_cases("0201", *HOME_POINT, "wgs84")
    assert numbers(found) == [exact.number, general.number]


def test_closed_old_own_and_non_public_cases_are_left_out(world, clock, settings):
    old = resident_case(world.alice)
    Case.objects.filter(pk=old.pk).update(reported_at=old.reported_at - timedelta(days=31))
    finished = closed(world, resident_case(world.alice))
    mine = resident_case(world.bob)
    dispute = resident_case(world.alice, category="0701", description="Noise upstairs")
    found = nearby_open_cases("0201", *HOME_POINT, "wgs84", exclude_user=world.bob)
    assert old.number not in numbers(found) and finished.number not in numbers(found)
    assert mine.number not in numbers(found)
    assert numbers(nearby_open_cases("0701", *HOME_POINT, "wgs84", public_only=True)) == []
    assert numbers(nearby_open_cases("0701", *HOME_POINT, "wgs84")) == [dispute.number]
    settings.PARTICIPATION_DUPLICATE_DAYS = 40
    assert old.number in numbers(nearby_open_cases("0201", *HOME_POINT, "wgs84"))


def test_a_gcj02_position_is_converted_before_measuring(world):
    first = resident_case(world.alice)
    gcj_lon, gcj_lat = coordinates.from_wgs84(*north_of(HOME_POINT, 20), coordinates.GCJ02)
    assert numbers(nearby_open_cases("0201", gcj_lon, gcj_lat, "gcj02")) == [first.number]
    # Read as WGS-84, the same numbers lie hundreds of metres away.
    assert nearby_open_cases("0201", gcj_lon, gcj_lat, "wgs84") == []


def _report_form(**fields) -> dict:
    lon, lat = fields.pop("point", north_of(HOME_POINT, 30))
    return {
        "category": "0201",
        "description": "Pothole by the bus stop",
        "lon": f"{lon:.7f}",
        "lat": f"{lat:.7f}",
        "crs": "wgs84",
        "address": "Huolinhe Street 1",
        "idempotency_key": "k-1",
        **fields,
    }


def test_the_report_page_offers_the_nearby_case_before_creating_one(world):
    first = resident_case(world.alice)
    client = client_for(world.bob)
    response = client.post(reverse("participation:report"), _report_form())
    assert response.status_code == 200
    assert Case.objects.count() == 1  # nothing created yet
    page = response.content.decode()
    assert first.number in page and "Yes, follow this one" in page
    assert "A deep pothole" not in page  # the public view: not the reporter's words
    assert 'name="decision" value="new"' in page


def test_no_its_a_new_problem_creates_the_case(world):
    resident_case(world.alice)
    client = client_for(world.bob)
    response = client.post(reverse("participation:report"), _report_form(decision="new"))
    case = Case.objects.get(reporter=world.bob)
    assert response.status_code == 302 and response["Location"] == reverse(
        "participation:done", args=[case.number]
    )
    assert case.source == "resident" and case.address == "Huolinhe Street 1"


def test_yes_follow_this_one_follows_and_creates_no_case(world):
    first = resident_case(world.alice)
    client = client_for(world.bob)
    response = client.post(reverse("participation:follow"), {"case": first.number})
    assert response.status_code == 302
    assert response["Location"] == reverse("participation:case", args=[first.number])
    assert Case.objects.count() == 1
    assert list(CaseFollow.objects.values_list("user", "case")) == [(world.bob.pk, first.pk)]
    assert AuditEntry.objects.filter(action="participation.follow", target_id=str(first.pk)).count() == 1
    # A double tap follows once and audits once.
    client.post(reverse("participation:follow"), {"case": first.number})
    assert CaseFollow.objects.count() == 1
    assert AuditEntry.objects.filter(action="participation.follow").count() == 1


def test_a_non_public_or_own_case_cannot_be_followed(world):
    dispute = resident_case(world.alice, category="0701", description="Noise upstairs")
    own = resident_case(world.bob)
    client = client_for(world.bob)
    assert client.post(reverse("participation:follow"), {"case": dispute.number}).status_code == 404
    client.post(reverse("participation:follow"), {"case": own.number})
    assert CaseFollow.objects.count() == 0


def test_the_nearby_panel_shows_public_thumbnails(world):
    first = resident_case(world.alice, photos=[png()])
    client = client_for(world.bob)
    lon, lat = north_of(HOME_POINT, 10)
    response = client.get(reverse("participation:nearby"), {"category": "0201", "lon": lon, "lat": lat})
    photo = first.photos.get()
    thumb = reverse("participation:photo", args=[first.number, photo.pk, "thumb"])
    assert thumb in response.content.decode()
    assert client.get(thumb).status_code == 200
    # The full picture stays the reporter's.
    assert (
        client.get(reverse("participation:photo", args=[first.number, photo.pk, "full"])).status_code == 404
    )
    assert (
        client_for(world.alice)
        .get(reverse("participation:photo", args=[first.number, photo.pk, "full"]))
        .status_code
        == 200
    )


def test_followers_hear_how_the_case_goes_and_may_stop_following(world, django_capture_on_commit_callbacks):
    from gridgov.access.roles import Role
    from gridgov.inbox.models import Notification
    from gridgov.participation.testing import act

    first = resident_case(world.alice)
    client = client_for(world.bob)
    client.post(reverse("participation:follow"), {"case": first.number})
    with django_capture_on_commit_callbacks(execute=True):
        act(world, first, "register", Role.COMMUNITY_ADMIN)
    told = Notification.objects.filter(recipient=world.bob, case=first, kind="register").get()
    assert first.number in told.title and told.body == ""  # a follower is not sent the description

    response = client.post(reverse("participation:unfollow", args=[first.number]))
    assert response.status_code == 302
    assert not CaseFollow.objects.exists()
    assert AuditEntry.objects.filter(action="participation.unfollow").count() == 1
    with django_capture_on_commit_callbacks(execute=True):
        act(world, first, "dispatch", Role.COMMUNITY_ADMIN, department=world.department.code)
    assert not Notification.objects.filter(recipient=world.bob, kind="dispatch").exists()
