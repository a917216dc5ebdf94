from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Open311Config(AppConfig):
    name = "gridgov.open311"
    label = "open311"
    verbose_name = _("Open311")

    def ready(self) -> None:
        from gridgov.cases.models import Source
        from gridgov.cases.sources import register_channel
        from gridgov.open311.keys import KEY_USER_PREFIX

        # A key's system user reports as Open311, with the client's caller details. Its name
        # (open311.keys) spares every other reporter the lookup.
        register_channel(
            Source.OPEN311,
            lambda user: user.username.startswith(KEY_USER_PREFIX) and hasattr(user, "open311_key"),
        )
