from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VolunteersConfig(AppConfig):
    name = "gridgov.volunteers"
    label = "volunteers"
    verbose_name = _("Volunteers and points")

    def ready(self) -> None:
        # A resident's report that gets registered earns points (volunteers.report_points):
        # the workflow writes a TimelineEntry with action "register" in its transaction, and
        # this receiver books the points in the same one. gridgov.cases knows nothing of points.
        from django.db.models.signals import post_save

        from gridgov.cases.models import TimelineEntry
        from gridgov.volunteers.report_points import award_for_registered_report

        post_save.connect(
            award_for_registered_report,
            sender=TimelineEntry,
            dispatch_uid="volunteers.award_for_registered_report",
        )
