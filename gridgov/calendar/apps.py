from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CalendarConfig(AppConfig):
    name = "gridgov.calendar"
    label = "calendar"
    verbose_name = _("Working calendar")

    def ready(self) -> None:
        from gridgov.calendar import signals

        signals.connect()
