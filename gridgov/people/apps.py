from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "gridgov.people"
    label = "people"
    verbose_name = _("Registry")

    def ready(self) -> None:
        from gridgov.geo import followers
        from gridgov.people.placement import REGISTRY_FOLLOWER

        followers.register(REGISTRY_FOLLOWER)
