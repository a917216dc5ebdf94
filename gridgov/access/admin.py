"""Admin for departments, memberships and users: scoped to the district admin's jurisdiction.

Superusers see everything. Other staff need "access.manage_users" from the access policy and
see only memberships, departments and users inside the jurisdiction where they hold it;
they cannot grant superuser or staff status or Django model permissions.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied

from gridgov.access.admin_policy import PolicyPermissions
from gridgov.access.models import Department, Membership
from gridgov.access.scope import in_scope, scoped
from gridgov.audit.log import record
from gridgov.geo.models import OrgUnit

MANAGE = "access.manage_users"
User = get_user_model()


def _within(user, queryset):
    """`queryset` narrowed to the user's MANAGE jurisdiction (superusers see everything)."""
    if user.is_superuser:
        return queryset
    return scoped(user, queryset, MANAGE)


def _limit_choices(db_field, request, kwargs: dict) -> None:
    """Offer only org units and departments inside the user's jurisdiction."""
    if request.user.is_superuser:
        return
    if db_field.related_model is OrgUnit:
        kwargs["queryset"] = scoped(request.user, OrgUnit.objects.active(), MANAGE)
    elif db_field.related_model is Department:
        kwargs["queryset"] = _within(request.user, Department.objects.all())


def _record_membership(request, action: str, membership: Membership) -> None:
    record(
        action,
        request=request,
        target=membership,
        details={"role": membership.role, "scope_path": membership.scope_path},
    )


class ManageUsersPermissions(PolicyPermissions):
    policy_permission = MANAGE

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        _limit_choices(db_field, request, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


def _check_membership_scope(request, membership: Membership) -> None:
    area = membership.department.org_unit if membership.department_id else membership.org_unit
    if not request.user.is_superuser and (area is None or not in_scope(request.user, area.path, MANAGE)):
        raise PermissionDenied


class PolicyAdmin(ManageUsersPermissions, admin.ModelAdmin):
    pass


@admin.register(Department)
class DepartmentAdmin(PolicyAdmin):
    list_display = ["code", "name_zh", "name_en", "org_unit", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "name_zh", "name_en"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("org_unit")
        return _within(request.user, queryset)

    def save_model(self, request, obj, form, change):
        if not request.user.is_superuser and not in_scope(request.user, obj.org_unit.path, MANAGE):
            raise PermissionDenied
        super().save_model(request, obj, form, change)
        action = "access.department_change" if change else "access.department_create"
        record(action, request=request, target=obj)


@admin.register(Membership)
class MembershipAdmin(PolicyAdmin):
    list_display = ["user", "role", "org_unit", "department", "scope_path", "created_at"]
    list_filter = ["role"]
    search_fields = [
        "user__username",
        "user__first_name",
        "user__last_name",
        "org_unit__name_zh",
        "scope_path",
    ]
    list_select_related = ["user", "org_unit", "department"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("user", "org_unit", "department")
        return _within(request.user, queryset)

    def save_model(self, request, obj, form, change):
        _check_membership_scope(request, obj)
        super().save_model(request, obj, form, change)
        _record_membership(request, "access.membership_change" if change else "access.membership_create", obj)

    def delete_model(self, request, obj):
        _record_membership(request, "access.membership_delete", obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for membership in queryset:
            self.delete_model(request, membership)


class MembershipInline(ManageUsersPermissions, admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["role", "org_unit", "department", "scope_path"]
    readonly_fields = ["scope_path"]
    raw_id_fields = ["org_unit"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("org_unit", "department")
        return _within(request.user, queryset)


if admin.site.is_registered(User):
    admin.site.unregister(User)


@admin.register(User)
class UserAdmin(DjangoUserAdmin, PolicyAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "first_name", "last_name", "is_active", "is_staff", "last_login"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        # A user is managed where one of their memberships lies; the admin manages themselves too.
        managed = _within(request.user, Membership.objects.all()).values("user_id")
        return queryset.filter(pk__in=managed) | queryset.filter(pk=request.user.pk)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            # Privileges beyond the access policy are for superusers only.
            fields += ["is_superuser", "is_staff", "groups", "user_permissions", "last_login", "date_joined"]
        return fields

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        record(
            "access.user_change" if change else "access.user_create",
            request=request,
            target=obj,
            details={"fields": sorted(form.changed_data) if form else []},
        )

    def save_formset(self, request, form, formset, change):
        if formset.model is Membership:
            for membership in formset.save(commit=False):
                _check_membership_scope(request, membership)
                created = membership.pk is None
                membership.save()
                action = "access.membership_create" if created else "access.membership_change"
                _record_membership(request, action, membership)
            for membership in formset.deleted_objects:
                _check_membership_scope(request, membership)
                _record_membership(request, "access.membership_delete", membership)
                membership.delete()
            formset.save_m2m()
            return
        super().save_formset(request, form, formset, change)
