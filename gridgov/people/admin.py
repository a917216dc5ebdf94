"""Admin for the special-group tag definitions. Registry records themselves are edited in the
registry pages, whose forms go through people.services (history, scoping, audit)."""

from __future__ import annotations

from django.contrib import admin

from gridgov.access.admin_policy import PolicyPermissions
from gridgov.audit.log import record
from gridgov.people.models import PersonTag, Tag


@admin.register(Tag)
class TagAdmin(PolicyPermissions, admin.ModelAdmin):
    policy_permission = "people.manage_tags"
    list_display = ["code", "name_zh", "name_en", "sensitivity", "is_active"]
    list_filter = ["sensitivity", "is_active"]
    search_fields = ["code", "name_zh", "name_en"]

    def get_readonly_fields(self, request, obj=None):
        # The code is how imports and other systems name a tag: fixed once created.
        return ["code"] if obj else []

    def has_delete_permission(self, request, obj=None):
        # Tags in use stay (persons carry them); retire a tag by making it inactive.
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and "sensitivity" in form.changed_data:
            # Tag rows copy the level so that visibility filters need no join.
            PersonTag.objects.filter(tag=obj).update(sensitivity=obj.sensitivity)
        record(
            "people.tag_definition.change" if change else "people.tag_definition.create",
            request=request,
            target=obj,
            details={"fields": sorted(form.changed_data)},
        )
