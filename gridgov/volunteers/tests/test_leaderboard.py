"""Leaderboards rank points earned (not balances) and service hours, per community and month."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from django.utils import timezone

from gridgov.access.roles import Role
from gridgov.volunteers import activities, leaderboard, ledger, shop
from gridgov.volunteers.models import EntryKind
from gridgov.volunteers.testing import BAYANTALA_GRID, HEPING, activity, approved_volunteer, resident


def test_points_board_ranks_earned_points_not_balances(world):
    community = world.units[HEPING]
    spender = resident(world, 1, name="王小明")
    saver = resident(world, 2)
    saver.first_name = "李华强"
    saver.save(update_fields=["first_name"])
    ledger.post(spender, 30, EntryKind.VOLUNTEERING, community=community)
    ledger.post(saver, 20, EntryKind.REPORT, community=community)
    item = shop.add_item(community, name="米", price=25, stock=1, actor=world.users[Role.COMMUNITY_ADMIN])
    shop.redeem(item.pk, user=spender)  # balance 5, but 30 earned

    rows = leaderboard.points_board(community)
    assert [(r.rank, r.user_id, r.value) for r in rows] == [(1, spender.pk, 30), (2, saver.pk, 20)]
    names = [r.name for r in rows]
    assert names == ["王小明", "李**"]
    assert all("1380000" not in name for name in names)

    elsewhere = resident(world, 3, grid=BAYANTALA_GRID)
    ledger.post(elsewhere, 99, EntryKind.VOLUNTEERING, community=world.units["150502002001"])
    assert [r.user_id for r in leaderboard.points_board(community)] == [spender.pk, saver.pk]


def test_this_month_leaves_earlier_months_out(world):
    community = world.units[HEPING]
    old, new = resident(world, 1), resident(world, 2)
    with time_machine.travel(leaderboard.month_start() - timedelta(days=3), tick=False):
        ledger.post(old, 50, EntryKind.VOLUNTEERING, community=community)
    ledger.post(new, 10, EntryKind.VOLUNTEERING, community=community)
    assert [r.user_id for r in leaderboard.points_board(community, leaderboard.ALL_TIME)] == [old.pk, new.pk]
    assert [r.user_id for r in leaderboard.points_board(community, leaderboard.MONTH)] == [new.pk]


def test_hours_board_orders_by_service_hours(world):
    event = activity(world, starts_in=timedelta(minutes=10), hours=3)
    staff = world.users[Role.COMMUNITY_ADMIN]
    short, long_ = resident(world, 1), resident(world, 2)
    signups = {}
    for user in (short, long_):
        approved_volunteer(world, user)
        signups[user.pk] = activities.sign_up(event.pk, user=user)
    with time_machine.travel(event.starts_at, tick=False):
        for user in (short, long_):
            activities.check_in(event.pk, actor=staff, signup_id=signups[user.pk].pk)
    with time_machine.travel(event.starts_at + timedelta(minutes=45), tick=False):
        activities.check_out(event.pk, actor=staff, signup_id=signups[short.pk].pk)
    with time_machine.travel(event.ends_at, tick=False):
        activities.finish(event.pk, actor=staff)
    rows = leaderboard.hours_board(world.units[HEPING])
    assert [(r.user_id, r.value) for r in rows] == [(long_.pk, 3.0), (short.pk, 0.8)]
    assert timezone.is_aware(leaderboard.month_start())
