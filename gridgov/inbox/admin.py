from django.contrib import admin

from gridgov.inbox.models import Notification


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "recipient", "kind", "title", "case", "read_at"]
    list_filter = ["kind"]
    search_fields = ["title", "recipient__username", "case__number"]
    raw_id_fields = ["recipient", "case"]
    readonly_fields = ["created_at", "read_at"]
