from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipationConfig(AppConfig):
    name = "gridgov.participation"
    label = "participation"
    verbose_name = _("Participation")

    def ready(self) -> None:
        from gridgov.cases import notify
        from gridgov.participation.services import followers_of

        notify.register_followers(followers_of)
