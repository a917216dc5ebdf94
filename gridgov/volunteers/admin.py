"""Read-only admin views for superusers. Every write goes through the services (and their
audit entries) on the staff pages; the admin is not scoped by jurisdiction, so no one else."""

from __future__ import annotations

from django.contrib import admin

from gridgov.volunteers.models import Activity, PointsAccount, PointsEntry, Redemption, ShopItem, Volunteer


class _ReadOnly(admin.ModelAdmin):
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Volunteer)
class VolunteerAdmin(_ReadOnly):
    list_display = ("user", "community", "status", "created_at")
    list_filter = ("status",)
    list_select_related = ("user", "community")


@admin.register(Activity)
class ActivityAdmin(_ReadOnly):
    list_display = ("title", "community", "starts_at", "signup_limit", "state")
    list_filter = ("state",)
    list_select_related = ("community",)


@admin.register(PointsAccount)
class PointsAccountAdmin(_ReadOnly):
    list_display = ("user", "balance", "updated_at")
    list_select_related = ("user",)


@admin.register(PointsEntry)
class PointsEntryAdmin(_ReadOnly):
    list_display = ("at", "account", "kind", "amount", "balance_after", "community")
    list_filter = ("kind",)
    list_select_related = ("account", "community")


@admin.register(ShopItem)
class ShopItemAdmin(_ReadOnly):
    list_display = ("name", "community", "price", "stock", "is_active")
    list_select_related = ("community",)


@admin.register(Redemption)
class RedemptionAdmin(_ReadOnly):
    list_display = ("item", "user", "price", "state", "created_at")
    list_filter = ("state",)
    list_select_related = ("item", "user")
