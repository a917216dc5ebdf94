from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "gridgov.campaigns"
    label = "campaigns"
    verbose_name = _("Emergency campaigns")

    def ready(self) -> None:
        # The field app (offline phone app) submits campaign results and health check-ins
        # through its sync protocol; without it installed, they are recorded on the web pages only.
        if not apps.is_installed("gridgov.fieldapp"):
            return
        from gridgov.campaigns.sync import HANDLERS, campaigns_section, monitoring_section
        from gridgov.fieldapp import bundle, handlers

        for kind, handler in HANDLERS.items():
            handlers.register(kind, handler)
        bundle.register("campaigns", campaigns_section)
        bundle.register("monitoring", monitoring_section)
