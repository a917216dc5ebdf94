from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "gridgov.analytics"
    label = "analytics"
    verbose_name = _("Analytics")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from gridgov.analytics.signals import timeline_saved
        from gridgov.cases.models import TimelineEntry

        post_save.connect(timeline_saved, sender=TimelineEntry, dispatch_uid="analytics.timeline_saved")
