"""Writing audit entries. Every write, login event, denial and unmasked read goes through record()."""

from __future__ import annotations

from typing import Any

from django.db import models, transaction
from django.utils import timezone

from gridgov.audit.models import AuditEntry, Outcome


def client_ip(request) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


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
    """Append one entry; it is sealed into the hash chain after the transaction commits."""
    from gridgov.audit.chain import seal_soon

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
        actor_name=(user.get_username() if user else (details or {}).get("username", ""))[:150],
        roles=",".join(sorted(roles_of(user))) if user else "",
        action=action,
        target_type=target_type,
        target_id=target_id,
        target_repr=target_repr[:200],
        outcome=outcome,
        client_ip=client_ip(request),
        details=details or {},
    )
    transaction.on_commit(seal_soon)
    return entry
