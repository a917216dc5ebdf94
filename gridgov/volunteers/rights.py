"""The two permissions of this app and the check services make before a staff action."""

from __future__ import annotations

from django.utils.translation import gettext as _

from gridgov.access.scope import in_scope
from gridgov.volunteers.errors import VolunteerError

# Staff who run volunteers, activities and the shop of the communities in their jurisdiction.
MANAGE = "volunteers.manage"
# Residents who volunteer, earn and spend points.
TAKE_PART = "volunteers.take_part"


def require_manager(actor, path: str) -> None:
    """Raise VolunteerError (code not_allowed) unless `actor` holds volunteers.manage over `path`."""
    if actor is None or not in_scope(actor, path, MANAGE):
        raise VolunteerError("", _("You may not manage volunteers here."), code="not_allowed")
