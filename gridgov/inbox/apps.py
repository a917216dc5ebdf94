from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InboxConfig(AppConfig):
    name = "gridgov.inbox"
    label = "inbox"
    verbose_name = _("Notifications")
    default_auto_field = "django.db.models.BigAutoField"
