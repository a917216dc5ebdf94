"""The resident and staff pages: each calls its service, shows errors, and stays in scope."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gridgov.access.roles import Role
from gridgov.access.testing import make_user
from gridgov.volunteers import ledger, shop
from gridgov.volunteers.models import (
    Activity,
    EntryKind,
    PointsEntry,
    Redemption,
    RedemptionState,
    SignUpState,
    Volunteer,
    VolunteerStatus,
)
from gridgov.volunteers.testing import (
    BAYANTALA,
    BAYANTALA_GRID,
    HEPING,
    activity,
    approved_volunteer,
    resident,
)

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def client_for(world, role) -> Client:
    staff = Client()
    staff.force_login(world.users[role])
    return staff


@pytest.fixture
def member(world, client):
    user = resident(world, 1, name="王小明")
    client.force_login(user)
    return user


def test_a_resident_registers_then_staff_approve(world, client, member):
    page = client.get(reverse("volunteers:home"), **EN)
    assert page.status_code == 200 and b"Register as a volunteer" in page.content
    response = client.post(reverse("volunteers:home"), {"skills": "理发", "availability": "周末"})
    assert response.status_code == 302
    volunteer = Volunteer.objects.get(user=member)
    assert (volunteer.status, volunteer.skills, volunteer.community.code) == (
        VolunteerStatus.PENDING,
        "理发",
        HEPING,
    )

    staff = client_for(world, Role.COMMUNITY_ADMIN)
    listing = staff.get(reverse("volunteers:manage_volunteers"))
    assert f'data-volunteer="{volunteer.pk}"'.encode() in listing.content
    assert b"138****0001" in listing.content and b"13800000001" not in listing.content
    staff.post(reverse("volunteers:approve_volunteer", args=[volunteer.pk]))
    volunteer.refresh_from_db()
    assert volunteer.status == VolunteerStatus.APPROVED


def test_staff_of_another_street_see_nothing_and_cannot_decide(world, client, member):
    volunteer = approved_volunteer(world, member)
    outsider = make_user("bayan_admin", Role.COMMUNITY_ADMIN, world.units[BAYANTALA])
    other = Client()
    other.force_login(outsider)
    assert (
        f'data-volunteer="{volunteer.pk}"'.encode()
        not in other.get(reverse("volunteers:manage_volunteers")).content
    )
    response = other.post(reverse("volunteers:suspend_volunteer", args=[volunteer.pk]), {"reason": "x"})
    assert response.status_code == 404
    volunteer.refresh_from_db()
    assert volunteer.status == VolunteerStatus.APPROVED


def test_residents_cannot_open_staff_pages(client, member):
    assert client.get(reverse("volunteers:manage_activities")).status_code == 403


def test_sign_up_and_check_in_with_the_code_through_the_pages(world, client, member):
    approved_volunteer(world, member)
    event = activity(world, starts_in=timedelta(minutes=20), limit=1)
    detail = client.get(reverse("volunteers:activity", args=[event.pk]), **EN)
    assert b"1 of 1 left" in detail.content
    client.post(reverse("volunteers:activity_sign-up", args=[event.pk]))
    assert event.signups.get().state == SignUpState.SIGNED_UP
    wrong = client.post(
        reverse("volunteers:activity_check-in", args=[event.pk]), {"code": "abc"}, follow=True, **EN
    )
    assert b"Wrong check-in code" in wrong.content
    client.post(reverse("volunteers:activity_check-in", args=[event.pk]), {"code": event.check_in_code})
    assert event.signups.get().checked_in_at is not None


def test_an_activity_of_another_community_is_not_found(world, client, member):
    elsewhere = activity(world, community=BAYANTALA)
    assert client.get(reverse("volunteers:activity", args=[elsewhere.pk])).status_code == 404


def test_staff_create_an_activity_and_errors_stay_next_to_the_field(world):
    staff = client_for(world, Role.COMMUNITY_ADMIN)
    data = {
        "community": world.units[HEPING].pk,
        "title": "植树",
        "place": "西辽河堤",
        "starts_at": "2030-04-12T09:00",
        "ends_at": "2030-04-12T08:00",
        "signup_limit": 20,
        "points_mode": "fixed",
        "points": 10,
    }
    refused = staff.post(reverse("volunteers:manage_activities"), data, **EN)
    assert refused.status_code == 200 and b"The end must come after the start." in refused.content
    assert not Activity.objects.exists()
    staff.post(reverse("volunteers:manage_activities"), {**data, "ends_at": "2030-04-12T11:00"})
    event = Activity.objects.get()
    page = staff.get(reverse("volunteers:manage_activity", args=[event.pk]))
    assert event.check_in_code.encode() in page.content

    outside = {**data, "community": world.units[BAYANTALA].pk, "ends_at": "2030-04-12T11:00"}
    staff.post(reverse("volunteers:manage_activities"), outside)
    assert Activity.objects.count() == 1  # Bayantala is not a choice for Heping's admin


def test_redeem_from_the_shop_page_and_staff_refund(world, client, member):
    ledger.post(member, 30, EntryKind.VOLUNTEERING)
    item = shop.add_item(
        world.units[HEPING], name="肥皂", price=10, stock=1, actor=world.users[Role.COMMUNITY_ADMIN]
    )
    assert "肥皂".encode() in client.get(reverse("volunteers:shop")).content
    client.post(reverse("volunteers:redeem", args=[item.pk]))
    again = client.post(reverse("volunteers:redeem", args=[item.pk]), follow=True, **EN)
    assert b"Out of stock." in again.content
    assert ledger.balance_of(member) == 20

    staff = client_for(world, Role.COMMUNITY_ADMIN)
    redemption = Redemption.objects.get()
    assert (
        f'data-redemption="{redemption.pk}"'.encode() in staff.get(reverse("volunteers:manage_shop")).content
    )
    staff.post(reverse("volunteers:cancel_redemption", args=[redemption.pk]))
    redemption.refresh_from_db()
    assert redemption.state == RedemptionState.CANCELLED and ledger.balance_of(member) == 30

    points = client.get(reverse("volunteers:points"), **EN)
    assert b'id="balance">30<' in points.content and b"Refunded" in points.content


def test_staff_adjust_points_with_a_reason(world, member):
    volunteer = approved_volunteer(world, member)
    staff = client_for(world, Role.COMMUNITY_ADMIN)
    staff.post(reverse("volunteers:adjust_points", args=[volunteer.pk]), {"amount": 12, "reason": "补录"})
    staff.post(reverse("volunteers:adjust_points", args=[volunteer.pk]), {"amount": -50, "reason": "扣除"})
    entry = PointsEntry.objects.get()
    assert (entry.kind, entry.amount, entry.note) == (EntryKind.ADJUSTMENT, 12, "补录")
    assert ledger.balance_of(member) == 12


def test_leaderboard_shows_names_never_phones(world, client, member):
    ledger.post(member, 9, EntryKind.VOLUNTEERING, community=world.units[HEPING])
    other = resident(world, 2, grid=BAYANTALA_GRID)
    ledger.post(other, 99, EntryKind.VOLUNTEERING, community=world.units[BAYANTALA])
    page = client.get(reverse("volunteers:leaderboard") + "?period=month")
    assert "王小明".encode() in page.content
    assert b"1380000" not in page.content and b"138****" not in page.content
    assert b">99<" not in page.content


def test_staff_lists_and_the_leaderboard_take_a_fixed_number_of_queries(
    world, client, member, django_assert_max_num_queries
):
    staff = client_for(world, Role.COMMUNITY_ADMIN)
    community = world.units[HEPING]

    def grow(first: int) -> None:
        for n in range(first, first + 4):
            user = resident(world, n, name=f"居民{n}")
            approved_volunteer(world, user)
            ledger.post(user, n, EntryKind.VOLUNTEERING, community=community)

    grow(10)
    counts = []
    for first in (20, 30):
        with CaptureQueriesContext(connection) as volunteers_page:
            staff.get(reverse("volunteers:manage_volunteers"))
        with CaptureQueriesContext(connection) as board_page:
            client.get(reverse("volunteers:leaderboard"))
        counts.append((len(volunteers_page), len(board_page)))
        grow(first)
    assert counts[0] == counts[1]


def test_my_activities_show_hours_and_points_after_the_finish(world, client, member):
    approved_volunteer(world, member)
    event = activity(world, starts_in=timedelta(minutes=10), hours=2, points=6)
    client.post(reverse("volunteers:activity_sign-up", args=[event.pk]))
    signup = event.signups.get()
    # Staff sign in inside each time jump: a session idle for hours has expired.
    with time_machine.travel(event.starts_at, tick=False):
        staff = client_for(world, Role.COMMUNITY_ADMIN)
        staff.post(reverse("volunteers:manage_activity_check-in", args=[event.pk]), {"signup": signup.pk})
    with time_machine.travel(event.ends_at, tick=False):
        staff = client_for(world, Role.COMMUNITY_ADMIN)
        staff.post(reverse("volunteers:manage_activity_finish", args=[event.pk]))
    home = client.get(reverse("volunteers:home"), **EN)
    assert b'id="my-activities"' in home.content
    assert b"2.0 h" in home.content and b"+12" in home.content
    assert ledger.balance_of(member) == 12
