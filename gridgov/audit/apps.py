from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "gridgov.audit"
    label = "audit"
    verbose_name = _("Audit log")

    def ready(self) -> None:
        from gridgov.audit import auth_events  # noqa: F401  (connects login/logout signals)
