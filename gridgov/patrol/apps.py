from django.apps import AppConfig, apps
from django.utils.translation import gettext_lazy as _


class PatrolConfig(AppConfig):
    name = "gridgov.patrol"
    label = "patrol"
    verbose_name = _("Patrols, visits and tasks")

    def ready(self) -> None:
        # The field app (offline phone app) submits patrol records through its sync protocol;
        # without it installed, patrols are recorded on the web pages only.
        if not apps.is_installed("gridgov.fieldapp"):
            return
        from gridgov.fieldapp import bundle, handlers
        from gridgov.patrol.sync import HANDLERS, tasks_section

        for kind, handler in HANDLERS.items():
            handlers.register(kind, handler)
        bundle.register("tasks", tasks_section)
