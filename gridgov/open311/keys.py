"""Issuing, revoking and checking Open311 API keys. Only a SHA-256 hash of a key is stored."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from gridgov.access.models import Membership
from gridgov.access.roles import Role
from gridgov.audit.log import record
from gridgov.open311.jurisdiction import district
from gridgov.open311.models import ApiKey

PREFIX_LENGTH = 8


KEY_USER_PREFIX = "open311-"  # the username of every key's system user starts so


def _hash(clear_key: str) -> str:
    # Keys are 256-bit random strings: a plain hash cannot be brute-forced, no salt or KDF needed.
    return hashlib.sha256(clear_key.encode()).hexdigest()


def issue_key(
    *, name: str, organization: str = "", contact: str = "", requests_per_minute: int | None = None, actor
) -> tuple[ApiKey, str]:
    """Create a key and its system user (a resident of the district); returns (key, clear key).

    The clear key is returned only here: show it once.
    """
    clear_key = secrets.token_urlsafe(32)
    with transaction.atomic():
        user = get_user_model().objects.create_user(username=f"{KEY_USER_PREFIX}{secrets.token_hex(6)}")
        user.set_unusable_password()
        user.save(update_fields=["password"])
        # The workflow lets residents report anywhere in the district: the key reports as one.
        Membership.objects.create(user=user, role=Role.RESIDENT, org_unit=district())
        key = ApiKey.objects.create(
            name=name.strip(),
            organization=organization.strip(),
            contact=contact.strip(),
            prefix=clear_key[:PREFIX_LENGTH],
            key_hash=_hash(clear_key),
            requests_per_minute=requests_per_minute or settings.OPEN311_KEY_REQUESTS_PER_MINUTE,
            user=user,
        )
        record("open311.key_issue", actor=actor, target=key, details={"name": key.name, "prefix": key.prefix})
    return key, clear_key


def revoke_key(key: ApiKey, *, actor) -> bool:
    """Revoke `key` and disable its user; False if it was already revoked."""
    with transaction.atomic():
        changed = ApiKey.objects.filter(pk=key.pk, revoked_at__isnull=True).update(revoked_at=timezone.now())
        if not changed:
            return False
        get_user_model().objects.filter(pk=key.user_id).update(is_active=False)
        record("open311.key_revoke", actor=actor, target=key, details={"prefix": key.prefix})
    key.refresh_from_db(fields=["revoked_at"])
    return True


def active_key(clear_key: str | None) -> ApiKey | None:
    """The active key matching `clear_key`, with its user; None for a missing, wrong or revoked key."""
    if not clear_key:
        return None
    return (
        ApiKey.objects.select_related("user")
        .filter(key_hash=_hash(clear_key.strip()), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
