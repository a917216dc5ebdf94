"""Changes a resident makes to their own account."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from gridgov.audit.log import record
from gridgov.residents.errors import ResidentError
from gridgov.residents.models import ResidentProfile
from gridgov.residents.signin import checked_display_name


def change_display_name(user, text: str, *, request=None) -> ResidentProfile:
    """Set the name shown for the account (also the user's first name, which staff pages show).
    Raises ResidentError on "display_name"."""
    name = checked_display_name(text)
    with transaction.atomic():
        profile = ResidentProfile.objects.select_for_update().select_related("user").filter(user=user).first()
        if profile is None:
            raise ResidentError(
                "display_name", _("Only resident accounts have a name shown."), "not_resident"
            )
        if profile.display_name != name:
            profile.display_name = name
            profile.save(update_fields=["display_name"])
            profile.user.first_name = name[:150]
            profile.user.save(update_fields=["first_name"])
            record(
                "residents.rename",
                request=request,
                actor=user,
                target=profile,
                details={"fields": ["display_name"]},
            )
    return profile
