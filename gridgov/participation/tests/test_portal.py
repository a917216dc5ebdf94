"""The resident portal's pages: reporting, my reports, a case, and who sees what."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gridgov.access.roles import Role
from gridgov.cases.models import Case
from gridgov.cases.testing import HOME_POINT
from gridgov.inbox.models import Notification
from gridgov.participation.models import CaseFollow
from gridgov.participation.testing import act, client_for, closed, png, resident_case

pytestmark = pytest.mark.django_db


def test_only_signed_in_residents_use_the_portal(world, client):
    response = client.get(reverse("participation:report"))
    assert response.status_code == 302 and "next=/r/" in response["Location"]
    staff = client_for(world.users[Role.DISPATCHER])
    assert staff.get(reverse("participation:mine")).status_code == 403


def test_every_form_control_has_a_label_and_a_stable_name(world):
    page = client_for(world.alice).get(reverse("participation:report")).content.decode()
    for name in ("category", "description", "photos", "lon", "lat", "crs", "address", "hide_reporter"):
        assert f'name="{name}"' in page and f'for="id_{name}"' in page, name
    assert 'name="idempotency_key"' in page
    assert 'value="gcj02"' in page  # "pasted from a phone map" is offered


def test_a_report_with_a_photo_and_a_gcj02_position(world):
    from gridgov.geo import crs as coordinates

    lon, lat = coordinates.from_wgs84(*HOME_POINT, coordinates.GCJ02)
    client = client_for(world.alice)
    form = {
        "category": "0201",
        "description": "Pothole",
        "lon": f"{lon:.7f}",
        "lat": f"{lat:.7f}",
        "crs": "gcj02",
        "address": "",
        "hide_reporter": "on",
        "idempotency_key": "same-tap",
    }
    response = client.post(reverse("participation:report"), {**form, "photos": [png()]})
    case = Case.objects.get()
    assert response["Location"] == reverse("participation:done", args=[case.number])
    assert (case.source, case.hide_reporter, case.state) == ("resident", True, "reported")
    assert case.lon == pytest.approx(HOME_POINT[0], abs=1e-6) and case.lat == pytest.approx(
        HOME_POINT[1], abs=1e-6
    )
    assert case.photos.count() == 1
    # A double tap (same key, same request) makes no second case.
    again = client.post(reverse("participation:report"), {**form, "photos": [png()]})
    assert again.status_code == 302 and Case.objects.count() == 1


def test_bad_input_is_shown_next_to_the_field_and_changes_nothing(world):
    client = client_for(world.alice)
    response = client.post(
        reverse("participation:report"),
        {"category": "0201", "description": "", "lon": "", "lat": "", "crs": "wgs84", "idempotency_key": "x"},
    )
    assert response.status_code == 400
    assert Case.objects.count() == 0
    assert response.context["form"].errors.get("description")


def test_report_another_problem_here_keeps_the_location(world):
    case = resident_case(world.alice, address="Gate 3")
    client = client_for(world.alice)
    done = client.get(reverse("participation:done", args=[case.number]))
    link = done.context["report_here"]
    assert f"lon={case.lon:.6f}" in link and f"lat={case.lat:.6f}" in link and "Gate+3" in link
    form = client.get(link).context["form"]
    assert form.initial["lon"] == pytest.approx(case.lon, abs=1e-6)
    assert form.initial["lat"] == pytest.approx(case.lat, abs=1e-6)
    assert (form.initial["crs"], form.initial["address"]) == ("wgs84", "Gate 3")
    assert "See my reports" in done.content.decode()


def test_my_reports_lists_own_and_followed_cases_newest_first(world, clock):
    older = resident_case(world.alice)
    clock.shift(60)
    other = resident_case(world.bob, point=(122.15, 43.6))
    CaseFollow.objects.create(user=world.alice, case=other)
    page = client_for(world.alice).get(reverse("participation:mine"))
    rows = page.context["rows"]
    assert [(r["case"].number, r["own"]) for r in rows] == [(other.number, False), (older.number, True)]
    assert client_for(world.bob).get(reverse("participation:mine")).context["rows"][0]["case"] == other


def test_a_follower_sees_only_the_public_view(world):
    case = resident_case(world.alice, description="Pothole, call me on 13800000001", photos=[png()])
    act(world, case, "register", Role.COMMUNITY_ADMIN)
    CaseFollow.objects.create(user=world.bob, case=case)
    page = client_for(world.bob).get(reverse("participation:case", args=[case.number]))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Pothole, call me" not in text and "13800000001" not in text and "Alice" not in text
    assert "138****0001" not in text
    assert page.context["view"].photos == [] and page.context["view"].description == ""
    assert [s["action"] for s in page.context["steps"]] == ["report", "register"]
    # The reporter sees their own words and photos.
    own = client_for(world.alice).get(reverse("participation:case", args=[case.number]))
    assert "Pothole, call me" in own.content.decode() and len(own.context["view"].photos) == 1


def test_someone_elses_case_is_not_found(world):
    case = resident_case(world.alice)
    assert client_for(world.bob).get(reverse("participation:case", args=[case.number])).status_code == 404


def test_the_reporter_is_told_as_the_case_moves_on(world, django_capture_on_commit_callbacks):
    case = resident_case(world.alice)
    with django_capture_on_commit_callbacks(execute=True):
        act(world, case, "register", Role.COMMUNITY_ADMIN)
        act(world, case, "dispatch", Role.COMMUNITY_ADMIN, department=world.department.code)
    kinds = set(Notification.objects.filter(recipient=world.alice, case=case).values_list("kind", flat=True))
    assert kinds == {"register", "dispatch"}
    # Staff reporters are not told of each step (they have their queues).
    staff_case = resident_case(world.users[Role.GRID_WORKER], source="patrol")
    with django_capture_on_commit_callbacks(execute=True):
        act(world, staff_case, "register", Role.COMMUNITY_ADMIN)
    assert not Notification.objects.filter(recipient=world.users[Role.GRID_WORKER], kind="register").exists()


def test_rate_after_closing(world):
    case = closed(world, resident_case(world.alice))
    client = client_for(world.alice)
    page = client.get(reverse("participation:case", args=[case.number]))
    assert set(page.context["forms"]) == {"rate", "not_fixed"}
    response = client.post(
        reverse("participation:action", args=[case.number, "rate"]), {"rating": "4", "comment": "Quick"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert (case.rating, case.rating_comment) == (4, "Quick")
    assert "rate" not in client.get(reverse("participation:case", args=[case.number])).context["forms"]
    bad = client.post(reverse("participation:action", args=[case.number, "rate"]), {"rating": "9"})
    assert bad.status_code in (400, 409)
