"""Open311 API keys in the admin: issue (the clear key is shown once), edit the limit, revoke.

Staff need "open311.manage_keys" from the access policy (or superuser). Keys are revoked,
never deleted: the requests they sent point at them.
"""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from gridgov.access.admin_policy import PolicyPermissions
from gridgov.audit.log import record
from gridgov.open311.keys import issue_key, revoke_key
from gridgov.open311.models import ApiKey

EDITABLE = ["name", "organization", "contact", "requests_per_minute"]


@admin.register(ApiKey)
class ApiKeyAdmin(PolicyPermissions, admin.ModelAdmin):
    policy_permission = "open311.manage_keys"
    list_display = ["name", "organization", "prefix", "requests_per_minute", "created_at", "revoked_at"]
    list_filter = [("revoked_at", admin.EmptyFieldListFilter)]
    search_fields = ["name", "organization", "prefix"]
    fields = [*EDITABLE, "prefix", "created_at", "revoked_at"]
    readonly_fields = ["prefix", "created_at", "revoked_at"]
    actions = ["revoke"]

    def get_changeform_initial_data(self, request):
        from django.conf import settings

        return {"requests_per_minute": settings.OPEN311_KEY_REQUESTS_PER_MINUTE}

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        if change:
            with transaction.atomic():
                obj.save(update_fields=EDITABLE)
                record(
                    "open311.key_change",
                    request=request,
                    target=obj,
                    details={name: form.cleaned_data[name] for name in form.changed_data},
                )
            return
        key, clear_key = issue_key(
            name=obj.name,
            organization=obj.organization,
            contact=obj.contact,
            requests_per_minute=obj.requests_per_minute,
            actor=request.user,
        )
        # Let the admin's redirect and messages see the row issue_key created.
        obj.pk = key.pk
        obj.prefix, obj.key_hash, obj.user_id = key.prefix, key.key_hash, key.user_id
        obj.created_at = key.created_at
        messages.warning(
            request,
            _("The API key for %(name)s is %(key)s. Copy it now: it is stored only as a hash.")
            % {"name": key.name, "key": clear_key},
        )

    @admin.action(description=_("Revoke the selected keys"))
    def revoke(self, request, queryset):
        revoked = sum(revoke_key(key, actor=request.user) for key in queryset)
        self.message_user(
            request,
            ngettext("%(count)d key revoked.", "%(count)d keys revoked.", revoked) % {"count": revoked},
        )
