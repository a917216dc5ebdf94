"""Personal API tokens (DRF authtoken): issue and revoke, each audited."""

from __future__ import annotations

from django.db import transaction
from rest_framework.authtoken.models import Token

from gridgov.audit.log import record


def current_token(user) -> Token | None:
    return Token.objects.filter(user=user).first()


@transaction.atomic
def issue_token(user, *, request=None) -> Token:
    """A fresh token for `user`, replacing any existing one (the old key stops working)."""
    replaced = Token.objects.filter(user=user).delete()[0] > 0
    token = Token.objects.create(user=user)
    record(
        "api.token_create",
        request=request,
        actor=user,
        target_type="authtoken.token",
        target_id=str(user.pk),
        target_repr=user.get_username(),
        details={"replaced": replaced},
    )
    return token


@transaction.atomic
def revoke_token(user, *, request=None) -> bool:
    """Delete the user's token; False when there was none (nothing is recorded then)."""
    deleted = Token.objects.filter(user=user).delete()[0] > 0
    if deleted:
        record(
            "api.token_revoke",
            request=request,
            actor=user,
            target_type="authtoken.token",
            target_id=str(user.pk),
            target_repr=user.get_username(),
        )
    return deleted
