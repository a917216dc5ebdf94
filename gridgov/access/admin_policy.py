"""Django admin permissions from the access policy instead of Django's model permissions."""

from __future__ import annotations

from gridgov.access.scope import has_permission


def staff_may(user, code: str) -> bool:
    """A staff account holding policy permission `code` (or a superuser) may use that admin."""
    return bool(user.is_active and user.is_staff and (user.is_superuser or has_permission(user, code)))


class PolicyPermissions:
    """Mix into a ModelAdmin or an inline; `policy_permission` names the permission it needs."""

    policy_permission: str

    def has_module_permission(self, request):
        return staff_may(request.user, self.policy_permission)

    def has_view_permission(self, request, obj=None):
        return staff_may(request.user, self.policy_permission)

    def has_add_permission(self, request, obj=None):
        return staff_may(request.user, self.policy_permission)

    def has_change_permission(self, request, obj=None):
        return staff_may(request.user, self.policy_permission)

    def has_delete_permission(self, request, obj=None):
        return staff_may(request.user, self.policy_permission)
