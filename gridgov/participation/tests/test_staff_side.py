"""What staff see of residents' participation on the staff case page, and resident reports in the queue."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gridgov.access.roles import Role
from gridgov.cases.models import Case, State
from gridgov.cases.testing import HOME_POINT
from gridgov.cases.workflow import perform
from gridgov.participation.models import CaseFollow
from gridgov.participation.testing import client_for, closed, north_of, resident_case

pytestmark = pytest.mark.django_db


def test_staff_page_shows_rating_followers_and_not_fixed(world):
    case = closed(world, resident_case(world.alice))
    perform(case.pk, "rate", actor=world.alice, rating=2, comment="Still bumpy")
    CaseFollow.objects.create(user=world.bob, case=case)
    staff = client_for(world.users[Role.COMMUNITY_ADMIN])
    page = staff.get(reverse("cases:detail", args=[case.number]))
    text = page.content.decode()
    assert page.context["followers"] == 1
    assert "Still bumpy" in text and 'aria-label="2/5"' in text
    assert "gg-not-fixed-badge" not in text
    perform(case.pk, "not_fixed", actor=world.alice, reason="Hole is back")
    text = staff.get(reverse("cases:detail", args=[case.number])).content.decode()
    assert 'id="gg-not-fixed-badge"' in text and "Resident: not fixed" in text
    assert "Hole is back" in text  # the timeline step with the resident's reason


def test_resident_reports_enter_the_dispatch_queue(world):
    case = resident_case(world.alice)
    staff = client_for(world.users[Role.COMMUNITY_ADMIN])
    page = staff.get(reverse("cases:queue"))
    assert case.number in page.content.decode()
    assert case.state == State.REPORTED


def _offered(page) -> list[str]:
    """The likely duplicates the Suggestions panel offers on a staff case page."""
    panel = page.context["intelligence"]
    return [] if panel is None else [d.case.number for d in panel.duplicates]


def test_nearby_duplicates_are_offered_in_the_panel_only_and_can_be_merged(world):
    first = resident_case(world.alice)
    second = resident_case(world.bob, point=north_of(HOME_POINT, 20))
    far = resident_case(world.bob, point=north_of(HOME_POINT, 400))
    staff = client_for(world.users[Role.COMMUNITY_ADMIN])
    page = staff.get(reverse("cases:detail", args=[second.number]))
    assert _offered(page) == [first.number]
    text = page.content.decode()
    assert 'id="gg-likely-duplicates"' in text and far.number not in text
    assert 'id="gg-duplicates"' not in text and "duplicates" not in page.context
    response = staff.post(
        reverse("cases:action", args=[second.number, "merge"]),
        {"merge-version": second.version, "merge-into": first.number},
    )
    assert response.status_code == 302
    second = Case.objects.get(pk=second.pk)
    assert (second.state, second.merged_into_id) == (State.MERGED, first.pk)


def test_only_duplicates_the_user_may_see_are_offered(world):
    # Two reports 16 m apart on either side of the border between grid 1 and grid 2.
    in_grid_1 = resident_case(world.alice, point=(122.0999, 43.6))
    in_grid_2 = resident_case(world.bob, point=(122.1001, 43.6))
    chief = client_for(world.users[Role.GRID_CHIEF])  # the chief of grid 1
    page = chief.get(reverse("cases:detail", args=[in_grid_1.number]))
    assert page.status_code == 200 and in_grid_2.number not in page.content.decode()
    admin = client_for(world.users[Role.COMMUNITY_ADMIN])  # sees both grids
    page = admin.get(reverse("cases:detail", args=[in_grid_1.number]))
    assert _offered(page) == [in_grid_2.number]
