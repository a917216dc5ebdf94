"""Jurisdiction scoping: every list and detail of scoped data passes through here.

A user's jurisdiction is the set of org paths of the memberships whose role grants the
permission asked for. A record is in scope when its path equals one of them or lies under
one (an indexed prefix match on the record's `scope_path_field`).
"""

from __future__ import annotations

from typing import TypeVar

from django.core.exceptions import ImproperlyConfigured, ObjectDoesNotExist
from django.db import models
from django.db.models import Q
from django.http import Http404

from gridgov.access.models import Membership
from gridgov.access.policy import roles_with
from gridgov.audit.log import record
from gridgov.audit.models import Outcome

M = TypeVar("M", bound=models.Model)


def _memberships(user) -> list[Membership]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_gridgov_memberships", None)
    if cached is None:
        cached = list(Membership.objects.filter(user=user).select_related("org_unit", "department"))
        user._gridgov_memberships = cached
    return cached


def roles_of(user) -> set[str]:
    return {m.role for m in _memberships(user)}


def has_permission(user, code: str) -> bool:
    granted = roles_with(code)
    return any(m.role in granted for m in _memberships(user))


def jurisdiction_paths(user, code: str) -> list[str]:
    """The org paths where `user` holds `code`, with paths covered by another one removed."""
    granted = roles_with(code)
    paths = sorted({m.scope_path for m in _memberships(user) if m.role in granted})
    kept: list[str] = []
    for path in paths:  # sorted, so an ancestor comes before its descendants
        if not any(path == top or path.startswith(top + ".") for top in kept):
            kept.append(path)
    return kept


def path_filter(field: str, paths: list[str]) -> Q:
    """A Q matching rows whose `field` is one of `paths` or lies under one of them."""
    condition = Q(pk__in=[])
    for path in paths:
        condition |= Q(**{field: path}) | Q(**{f"{field}__startswith": path + "."})
    return condition


def _scope_path_field(model: type[models.Model]) -> str:
    """The name of the org-path field a scoped model declares as `scope_path_field`.

    Raises ImproperlyConfigured when the model does not declare one (it cannot be scoped).
    """
    # A plain class attribute of our scoped models, which the Model stubs cannot know about.
    field = getattr(model, "scope_path_field", None)
    if not isinstance(field, str):
        raise ImproperlyConfigured(f"{model.__name__} declares no scope_path_field, so it cannot be scoped.")
    return field


def scoped(user, queryset: models.QuerySet[M], code: str) -> models.QuerySet[M]:
    """`queryset` narrowed to what `user` may see under permission `code` (empty if none)."""
    field = _scope_path_field(queryset.model)
    paths = jurisdiction_paths(user, code)
    if not paths:
        return queryset.none()
    return queryset.filter(path_filter(field, paths))


def in_scope(user, path: str, code: str) -> bool:
    return any(path == top or path.startswith(top + ".") for top in jurisdiction_paths(user, code))


def get_for_user(user, queryset: models.QuerySet[M], permission: str, *, request=None, **lookup) -> M:
    """The one object matching `lookup` that `user` may see, else Http404.

    Missing and out-of-scope answer alike so that a response never confirms that a record
    exists elsewhere; the out-of-scope attempt is recorded as a denied access.
    """
    try:
        return scoped(user, queryset, permission).get(**lookup)
    except ObjectDoesNotExist:
        # .get() raises the model's own DoesNotExist subclass, which the stubs cannot see on type[M].
        # Look past any narrowing the caller applied, to tell a denial from a miss.
        hidden = queryset.model._default_manager.filter(**lookup).first()
        if hidden is not None:
            record(
                "access.denied",
                request=request,
                actor=user,
                target=hidden,
                outcome=Outcome.DENIED,
                details={"permission": permission},
            )
        raise Http404 from None
