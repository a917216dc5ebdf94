"""The points ledger: every change of a balance is one append-only entry, written here only.

A balance lives on the account row, changed under `select_for_update` in the transaction that
appends the entry, so the balance always equals the sum of the entries; a DB CHECK keeps it
at zero or above even if a caller forgot to ask.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.audit.log import record
from gridgov.geo.models import OrgUnit
from gridgov.volunteers.communities import home_community
from gridgov.volunteers.errors import VolunteerError
from gridgov.volunteers.models import EntryKind, PointsAccount, PointsEntry
from gridgov.volunteers.rights import require_manager

# Which sign each kind takes: earned and refunded points add, spending takes away.
_POSITIVE = frozenset({EntryKind.VOLUNTEERING, EntryKind.REPORT, EntryKind.REFUND})
_NEGATIVE = frozenset({EntryKind.SPENT})


def account_of(user) -> PointsAccount:
    """The user's account, created empty on first use (not locked)."""
    account, _created = PointsAccount.objects.get_or_create(user=user)
    return account


def locked_account(user) -> PointsAccount:
    """The user's account locked for this transaction (call inside transaction.atomic)."""
    account_of(user)
    return PointsAccount.objects.select_for_update().get(user=user)


def balance_of(user) -> int:
    return PointsAccount.objects.filter(user=user).values_list("balance", flat=True).first() or 0


def post(
    user,
    amount: int,
    kind: str,
    *,
    actor=None,
    community: OrgUnit | None = None,
    note: str = "",
    case=None,
    signup=None,
    redemption=None,
    request=None,
) -> PointsEntry:
    """Append an entry of `amount` points of `kind` to `user`'s ledger and move the balance.

    Raises VolunteerError("amount") for a zero amount, a sign the kind does not allow, or a
    balance that would go below zero; then nothing changed.
    """
    if amount == 0:
        raise VolunteerError("amount", _("The amount may not be zero."))
    if (kind in _POSITIVE and amount < 0) or (kind in _NEGATIVE and amount > 0):
        raise VolunteerError("amount", _("This kind of entry cannot have this sign."))
    if kind == EntryKind.ADJUSTMENT and not note.strip():
        raise VolunteerError("note", _("Give the reason for the adjustment."))
    with transaction.atomic():
        account = locked_account(user)
        if account.balance + amount < 0:
            raise VolunteerError(
                "amount",
                _("Not enough points: the balance is %(balance)d.") % {"balance": account.balance},
                code="insufficient_points",
            )
        account.balance += amount
        account.save(update_fields=["balance", "updated_at"])
        entry = PointsEntry.objects.create(
            account=account,
            amount=amount,
            kind=kind,
            balance_after=account.balance,
            community=community,
            note=note.strip()[:200],
            case=case,
            signup=signup,
            redemption=redemption,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            at=timezone.now(),
        )
        record(
            f"volunteers.points.{kind}",
            request=request,
            actor=actor,
            target=entry,
            details={"user_id": user.pk, "amount": amount, "balance": account.balance, "note": entry.note},
        )
    return entry


def adjust(user, amount: int, *, actor, reason: str, request=None) -> PointsEntry:
    """A staff correction of `amount` points (either sign) with a stated reason, by staff who
    manage the resident's home community. Raises VolunteerError as post() does, or when the
    actor may not manage that community."""
    community = home_community(user)
    require_manager(actor, community.path if community is not None else "")
    return post(
        user, amount, EntryKind.ADJUSTMENT, actor=actor, community=community, note=reason, request=request
    )
