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
from gridgov.access.roles import OWNER_SCOPED_ROLES
from gridgov.audit.log import record
from gridgov.audit.models import Outcome

M = TypeVar("M", bound=models.Model)


def memberships_of(user) -> list[Membership]:
    """The user's memberships with their unit and department, loaded once per user object."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_gridgov_memberships", None)
    if cached is None:
        cached = list(
            Membership.objects.filter(user=user)
            .select_related("org_unit", "department", "department__org_unit")
            .order_by("role", "scope_path")
        )
        user._gridgov_memberships = cached
    return cached


def roles_of(user) -> set[str]:
    return {m.role for m in memberships_of(user)}


def has_permission(user, code: str) -> bool:
    granted = roles_with(code)
    return any(m.role in granted for m in memberships_of(user))


def jurisdiction_paths(user, code: str) -> list[str]:
    """The org paths where `user` holds `code`, with paths covered by another one removed."""
    granted = roles_with(code)
    return _minimal({m.scope_path for m in memberships_of(user) if m.role in granted})


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


def _minimal(paths: set[str]) -> list[str]:
    """`paths` without those covered by another one."""
    kept: list[str] = []
    for path in sorted(paths):  # sorted, so an ancestor comes before its descendants
        if not any(path == top or path.startswith(top + ".") for top in kept):
            kept.append(path)
    return kept


def scoped(user, queryset: models.QuerySet[M], code: str) -> models.QuerySet[M]:
    """`queryset` narrowed to what `user` may see under permission `code` (empty if none).

    A membership grants the rows under its org path; but where the model names a
    `scope_department_field`, a department membership grants only the rows of its department,
    and where it names a `scope_owner_field`, an owner-scoped role (a resident) grants only the
    user's own rows.
    """
    model = queryset.model
    path_field = _scope_path_field(model)
    department_field: str | None = getattr(model, "scope_department_field", None)
    owner_field: str | None = getattr(model, "scope_owner_field", None)
    granted = roles_with(code)
    paths: set[str] = set()
    departments: set[int] = set()
    owner = False
    for membership in memberships_of(user):
        if membership.role not in granted:
            continue
        if department_field and membership.department_id:
            departments.add(membership.department_id)
        elif owner_field and membership.role in OWNER_SCOPED_ROLES:
            owner = True
        else:
            paths.add(membership.scope_path)
    if not (paths or departments or owner):
        return queryset.none()
    condition = path_filter(path_field, _minimal(paths))
    if department_field and departments:
        condition |= Q(**{f"{department_field}__in": sorted(departments)})
    if owner_field and owner:
        condition |= Q(**{owner_field: user})
    return queryset.filter(condition)


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
