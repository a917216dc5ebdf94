"""The community points shop: staff offer items with stock; a resident redeems one (stock and
points change in one transaction); staff hand it over or cancel (points refunded, stock back).

Locks are always taken item first, then the points account, so two writers never wait on
each other in opposite order."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.audit.log import record
from gridgov.geo.models import Level, OrgUnit
from gridgov.volunteers import ledger
from gridgov.volunteers.communities import home_community
from gridgov.volunteers.errors import VolunteerError
from gridgov.volunteers.models import EntryKind, Redemption, RedemptionState, ShopItem
from gridgov.volunteers.rights import require_manager


def _checked_item_fields(name: str, price: int, stock: int) -> str:
    name = name.strip()
    if not name:
        raise VolunteerError("name", _("This field is required."))
    if price < 1:
        raise VolunteerError("price", _("The price is at least one point."))
    if stock < 0:
        raise VolunteerError("stock", _("Stock cannot be negative."))
    return name[:100]


def add_item(
    community: OrgUnit, *, name: str, price: int, stock: int, description: str = "", actor, request=None
) -> ShopItem:
    """Offer a new item in a community the actor manages."""
    if community.level != Level.COMMUNITY:
        raise VolunteerError("community", _("Choose a community."))
    require_manager(actor, community.path)
    name = _checked_item_fields(name, price, stock)
    with transaction.atomic():
        item = ShopItem.objects.create(
            community=community,
            org_path=community.path,
            name=name,
            description=description.strip()[:300],
            price=price,
            stock=stock,
        )
        record(
            "volunteers.item.create",
            request=request,
            actor=actor,
            target=item,
            details={"price": price, "stock": stock},
        )
    return item


def update_item(item_id: int, *, price: int, stock: int, is_active: bool, actor, request=None) -> ShopItem:
    """Change an item's price, stock or whether it is offered."""
    with transaction.atomic():
        item = _locked_item(item_id)
        require_manager(actor, item.org_path)
        _checked_item_fields(item.name, price, stock)
        before = {"price": item.price, "stock": item.stock, "is_active": item.is_active}
        item.price, item.stock, item.is_active = price, stock, is_active
        item.save(update_fields=["price", "stock", "is_active"])
        record(
            "volunteers.item.update",
            request=request,
            actor=actor,
            target=item,
            details={"before": before, "after": {"price": price, "stock": stock, "is_active": is_active}},
        )
    return item


def _locked_item(item_id: int) -> ShopItem:
    item = (
        ShopItem.objects.select_for_update(of=("self",))
        .select_related("community")
        .filter(pk=item_id)
        .first()
    )
    if item is None:
        raise VolunteerError("item", _("No such item."), code="not_found")
    return item


def redeem(item_id: int, *, user, request=None) -> Redemption:
    """Buy one item of the resident's home community with points.

    Raises VolunteerError when the item is not offered there, out of stock or the balance is
    too low; then neither stock nor points changed.
    """
    with transaction.atomic():
        item = _locked_item(item_id)
        if not item.is_active or item.community_id != getattr(home_community(user), "pk", None):
            raise VolunteerError("item", _("This item is not offered in your community."), code="not_found")
        if item.stock < 1:
            raise VolunteerError("item", _("Out of stock."), code="out_of_stock")
        if ledger.balance_of(user) < item.price:
            raise VolunteerError(
                "item",
                _("Not enough points: this item costs %(price)d.") % {"price": item.price},
                code="insufficient_points",
            )
        redemption = Redemption.objects.create(
            item=item, user=user, org_path=item.org_path, price=item.price, created_at=timezone.now()
        )
        # The ledger checks the balance again under the account lock: that check is the one that counts.
        ledger.post(
            user,
            -item.price,
            EntryKind.SPENT,
            actor=user,
            community=item.community,
            note=item.name,
            redemption=redemption,
            request=request,
        )
        item.stock -= 1
        item.save(update_fields=["stock"])
        record("volunteers.redemption.create", request=request, actor=user, target=redemption)
    return redemption


def _decided(redemption_id: int, actor) -> Redemption:
    redemption = Redemption.objects.select_for_update(of=("self",)).filter(pk=redemption_id).first()
    if redemption is None:
        raise VolunteerError("", _("No such redemption."), code="not_found")
    require_manager(actor, redemption.org_path)
    if redemption.state != RedemptionState.PENDING:
        raise VolunteerError("", _("This redemption is already settled."), code="conflict")
    return redemption


def mark_collected(redemption_id: int, *, actor, request=None) -> Redemption:
    """The resident received the item."""
    with transaction.atomic():
        redemption = _decided(redemption_id, actor)
        redemption.state = RedemptionState.COLLECTED
        redemption.decided_by, redemption.decided_at = actor, timezone.now()
        redemption.save(update_fields=["state", "decided_by", "decided_at"])
        record("volunteers.redemption.collect", request=request, actor=actor, target=redemption)
    return redemption


def cancel(redemption_id: int, *, actor, request=None) -> Redemption:
    """Cancel a redemption not yet collected: the points come back and so does the stock."""
    with transaction.atomic():
        redemption = _decided(redemption_id, actor)
        item = _locked_item(redemption.item_id)
        ledger.post(
            redemption.user,
            redemption.price,
            EntryKind.REFUND,
            actor=actor,
            community=item.community,
            note=item.name,
            redemption=redemption,
            request=request,
        )
        item.stock += 1
        item.save(update_fields=["stock"])
        redemption.state = RedemptionState.CANCELLED
        redemption.decided_by, redemption.decided_at = actor, timezone.now()
        redemption.save(update_fields=["state", "decided_by", "decided_at"])
        record("volunteers.redemption.cancel", request=request, actor=actor, target=redemption)
    return redemption
