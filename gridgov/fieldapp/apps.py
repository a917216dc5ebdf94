from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FieldAppConfig(AppConfig):
    name = "gridgov.fieldapp"
    label = "fieldapp"
    verbose_name = _("Field app")

    def ready(self) -> None:
        from gridgov.fieldapp.case_report import handle_case_report
        from gridgov.fieldapp.handlers import register

        register("case.report", handle_case_report)
