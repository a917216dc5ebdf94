"""DRF permission classes that ask the policy in access/ and audit every denial."""

from __future__ import annotations

from rest_framework.permissions import BasePermission

from gridgov.access.scope import has_permission
from gridgov.audit.log import record
from gridgov.audit.models import Outcome


def policy(code: str) -> type[BasePermission]:
    """A permission class granting access to users whose roles hold policy permission `code`."""

    class PolicyPermission(BasePermission):
        def has_permission(self, request, view) -> bool:
            user = request.user
            if not user or not user.is_authenticated:
                return False
            if has_permission(user, code):
                return True
            record(
                "access.denied",
                request=request,
                actor=user,
                outcome=Outcome.DENIED,
                details={"permission": code, "path": request.path},
            )
            return False

    PolicyPermission.__name__ = f"Policy[{code}]"
    return PolicyPermission
