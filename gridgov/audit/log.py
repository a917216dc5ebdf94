"""Writing audit entries. Every write, login event, denial and unmasked read goes through record()."""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings
from django.db import connections, models, router, transaction
from django.utils import timezone

from gridgov.audit.models import AuditEntry, Outcome


def _valid_ip(text: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((text or "").strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The client's address: REMOTE_ADDR, or behind N trusted proxies (GRIDGOV_PROXY_COUNT) the
    address the outermost trusted proxy saw, taken from the right of X-Forwarded-For."""
    if request is None:
        return None
    proxies = getattr(settings, "AXES_IPWARE_PROXY_COUNT", 0) or 0
    if proxies:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
        if len(forwarded) >= proxies and (address := _valid_ip(forwarded[-proxies])):
            return address
    return _valid_ip(request.META.get("REMOTE_ADDR"))


def _schedule_seal(using: str) -> None:
    """Ask for one seal after the outermost transaction commits (one per transaction, not per row)."""
    from gridgov.audit.chain import seal_soon

    connection = connections[using]
    if connection.in_atomic_block and any(item[1] is seal_soon for item in connection.run_on_commit):
        return
    transaction.on_commit(seal_soon, using=using)


def record(
    action: str,
    *,
    request=None,
    actor=None,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: str = "",
    target_repr: str = "",
    outcome: str = Outcome.OK,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry; it is sealed into the hash chain after the transaction commits.

    Only INSERTs: writers never wait for the chain. `actor` defaults to request.user; an
    anonymous actor is recorded by the `username` in details, if any.
    """
    if actor is None and request is not None:
        actor = getattr(request, "user", None)
    user = actor if getattr(actor, "is_authenticated", False) else None
    if target is not None:
        target_type = target_type or target._meta.label_lower
        target_id = target_id or str(target.pk)
        target_repr = target_repr or str(target)[:200]
    from gridgov.access.scope import roles_of

    entry = AuditEntry.objects.create(
        at=timezone.now(),
        actor=user,
        actor_name=(user.get_username() if user else str((details or {}).get("username", "")))[:150],
        roles=",".join(sorted(roles_of(user))) if user else "",
        action=action,
        target_type=target_type[:64],
        target_id=str(target_id)[:64],
        target_repr=target_repr[:200],
        outcome=outcome,
        client_ip=client_ip(request),
        details=details or {},
    )
    _schedule_seal(router.db_for_write(AuditEntry))
    return entry
