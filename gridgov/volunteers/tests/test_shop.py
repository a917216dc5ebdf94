"""The points shop: stock and points move together; cancelling refunds both."""

from __future__ import annotations

import pytest

from gridgov.access.roles import Role
from gridgov.audit.models import AuditEntry
from gridgov.volunteers import ledger, shop
from gridgov.volunteers.errors import VolunteerError
from gridgov.volunteers.models import EntryKind, PointsEntry, Redemption, RedemptionState, ShopItem
from gridgov.volunteers.testing import BAYANTALA, HEPING, resident


def _item(world, *, price=20, stock=1, community=HEPING):
    return shop.add_item(
        world.units[community],
        name="洗衣液",
        price=price,
        stock=stock,
        actor=world.users[Role.DISTRICT_ADMIN],
    )


def test_redeem_takes_stock_and_points_in_one_step(world):
    user = resident(world, 1)
    ledger.post(user, 50, EntryKind.VOLUNTEERING)
    item = _item(world, price=20, stock=1)
    redemption = shop.redeem(item.pk, user=user)
    item.refresh_from_db()
    assert item.stock == 0 and ledger.balance_of(user) == 30
    assert redemption.state == RedemptionState.PENDING and redemption.price == 20
    spent = PointsEntry.objects.get(kind=EntryKind.SPENT)
    assert spent.amount == -20 and spent.redemption == redemption

    with pytest.raises(VolunteerError) as sold_out:
        shop.redeem(item.pk, user=user)
    assert sold_out.value.code == "out_of_stock"
    assert ledger.balance_of(user) == 30 and Redemption.objects.count() == 1


def test_too_few_points_changes_nothing(world):
    user = resident(world, 1)
    ledger.post(user, 19, EntryKind.VOLUNTEERING)
    item = _item(world, price=20, stock=3)
    with pytest.raises(VolunteerError) as poor:
        shop.redeem(item.pk, user=user)
    assert poor.value.code == "insufficient_points" and poor.value.field == "item"
    item.refresh_from_db()
    assert item.stock == 3 and ledger.balance_of(user) == 19
    assert not Redemption.objects.exists()


def test_only_the_home_community_shop_sells_to_a_resident(world):
    user = resident(world, 1)
    ledger.post(user, 100, EntryKind.VOLUNTEERING)
    other = _item(world, community=BAYANTALA)
    with pytest.raises(VolunteerError):
        shop.redeem(other.pk, user=user)
    assert ledger.balance_of(user) == 100


def test_cancel_refunds_points_and_stock_once_and_collect_settles(world):
    user = resident(world, 1)
    ledger.post(user, 40, EntryKind.VOLUNTEERING)
    item = _item(world, price=20, stock=2)
    staff = world.users[Role.COMMUNITY_ADMIN]
    first = shop.redeem(item.pk, user=user)
    second = shop.redeem(item.pk, user=user)
    assert ledger.balance_of(user) == 0

    shop.cancel(first.pk, actor=staff)
    shop.mark_collected(second.pk, actor=staff)
    item.refresh_from_db()
    assert item.stock == 1 and ledger.balance_of(user) == 20
    refund = PointsEntry.objects.get(kind=EntryKind.REFUND)
    assert refund.amount == 20 and refund.redemption_id == first.pk
    assert AuditEntry.objects.filter(action="volunteers.redemption.cancel", target_id=str(first.pk)).exists()

    for settled in (first, second):
        with pytest.raises(VolunteerError) as again:
            shop.cancel(settled.pk, actor=staff)
        assert again.value.code == "conflict"
    assert ledger.balance_of(user) == 20


def test_staff_of_another_community_cannot_settle(world):
    user = resident(world, 1)
    ledger.post(user, 20, EntryKind.VOLUNTEERING)
    redemption = shop.redeem(_item(world).pk, user=user)
    with pytest.raises(VolunteerError) as refused:
        shop.cancel(redemption.pk, actor=world.users[Role.GRID_CHIEF])
    assert refused.value.code == "not_allowed"
    assert Redemption.objects.get().state == RedemptionState.PENDING


def test_item_input_errors_name_the_field(world):
    staff = world.users[Role.COMMUNITY_ADMIN]
    with pytest.raises(VolunteerError) as free:
        shop.add_item(world.units[HEPING], name="纸巾", price=0, stock=1, actor=staff)
    assert free.value.field == "price"
    with pytest.raises(VolunteerError) as nameless:
        shop.add_item(world.units[HEPING], name=" ", price=1, stock=1, actor=staff)
    assert nameless.value.field == "name"
    assert not ShopItem.objects.exists()
