"""The points ledger never goes negative and every balance equals the sum of its entries."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gridgov.access.roles import Role
from gridgov.audit.models import AuditEntry
from gridgov.volunteers import ledger, shop
from gridgov.volunteers.errors import VolunteerError
from gridgov.volunteers.models import EntryKind, PointsAccount, PointsEntry, Redemption, RedemptionState
from gridgov.volunteers.testing import HEPING, resident

OPERATIONS = st.lists(
    st.one_of(
        st.tuples(st.sampled_from(["volunteering", "report", "refund"]), st.integers(1, 40)),
        st.tuples(st.just("spend"), st.integers(1, 60)),
        st.tuples(st.just("adjust"), st.integers(-60, 60).filter(bool)),
        st.tuples(st.just("redeem"), st.integers(0, 1)),
        st.tuples(st.just("cancel"), st.integers(0, 20)),
        st.tuples(st.just("collect"), st.integers(0, 20)),
    ),
    max_size=30,
)


def _snapshot(user, items):
    account = PointsAccount.objects.filter(user=user).first()
    return (
        account.balance if account else 0,
        PointsEntry.objects.filter(account__user=user).count(),
        [i.__class__.objects.get(pk=i.pk).stock for i in items],
        sorted(Redemption.objects.filter(user=user).values_list("pk", "state")),
    )


def _entries_sum(user) -> int:
    return PointsEntry.objects.filter(account__user=user).aggregate(total=Sum("amount"))["total"] or 0


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(operations=OPERATIONS)
def test_random_earn_spend_refund_adjust_sequences_keep_the_ledger_sound(world, operations):
    staff = world.users[Role.COMMUNITY_ADMIN]
    with transaction.atomic():
        user = resident(world, 1)
        items = [
            shop.add_item(world.units[HEPING], name="毛巾", price=15, stock=2, actor=staff),
            shop.add_item(world.units[HEPING], name="大米", price=45, stock=1, actor=staff),
        ]
        for operation, value in operations:
            before = _snapshot(user, items)
            try:
                if operation in ("volunteering", "report", "refund"):
                    ledger.post(user, value, operation, actor=staff)
                elif operation == "spend":
                    ledger.post(user, -value, EntryKind.SPENT, actor=user)
                elif operation == "adjust":
                    ledger.adjust(user, value, actor=staff, reason="核对更正")
                elif operation == "redeem":
                    shop.redeem(items[value].pk, user=user)
                else:
                    pending = list(Redemption.objects.filter(user=user).order_by("pk"))
                    if not pending:
                        continue
                    target = pending[value % len(pending)]
                    act = shop.cancel if operation == "cancel" else shop.mark_collected
                    act(target.pk, actor=staff)
            except VolunteerError:
                assert _snapshot(user, items) == before, f"refused {operation} changed something"
            balance = ledger.balance_of(user)
            assert balance >= 0
            assert balance == _entries_sum(user)
            # Stock moves only with redemptions: what is out is pending or collected.
            for item in items:
                out = Redemption.objects.filter(item=item).exclude(state=RedemptionState.CANCELLED).count()
                assert item.__class__.objects.get(pk=item.pk).stock + out == {15: 2, 45: 1}[item.price]
        transaction.set_rollback(True)


def test_spending_more_than_the_balance_is_refused_and_changes_nothing(world):
    user = resident(world, 2)
    ledger.post(user, 10, EntryKind.VOLUNTEERING)
    with pytest.raises(VolunteerError) as refused:
        ledger.post(user, -11, EntryKind.SPENT, actor=user)
    assert refused.value.field == "amount" and refused.value.code == "insufficient_points"
    assert ledger.balance_of(user) == 10
    assert PointsEntry.objects.filter(account__user=user).count() == 1


def test_every_entry_is_audited(world):
    user = resident(world, 3)
    entry = ledger.adjust(user, 4, actor=world.users[Role.COMMUNITY_ADMIN], reason="补录活动积分")
    audit = AuditEntry.objects.get(action="volunteers.points.adjustment", target_id=str(entry.pk))
    assert audit.details["amount"] == 4 and audit.details["balance"] == 4


def test_an_adjustment_needs_a_reason_and_kinds_keep_their_sign(world):
    user = resident(world, 4)
    with pytest.raises(VolunteerError) as no_reason:
        ledger.adjust(user, 5, actor=world.users[Role.COMMUNITY_ADMIN], reason=" ")
    assert no_reason.value.field == "note"
    with pytest.raises(VolunteerError):
        ledger.post(user, -3, EntryKind.VOLUNTEERING)
    with pytest.raises(VolunteerError):
        ledger.post(user, 3, EntryKind.SPENT)
    assert not PointsEntry.objects.filter(account__user=user).exists()


def test_the_database_refuses_a_negative_balance(world):
    account = ledger.account_of(resident(world, 5))
    with pytest.raises(IntegrityError), transaction.atomic():
        PointsAccount.objects.filter(pk=account.pk).update(balance=-1)


def test_entries_cannot_be_edited_or_deleted(world):
    entry = ledger.post(resident(world, 6), 3, EntryKind.REPORT)
    entry.amount = 300
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()
    assert PointsEntry.objects.get(pk=entry.pk).amount == 3
