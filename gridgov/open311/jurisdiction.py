"""The district an Open311 endpoint serves, and the check of a client's jurisdiction_id."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from gridgov.geo.models import OrgUnit
from gridgov.open311.errors import Open311Error


def district() -> OrgUnit:
    """The root org unit named by OPEN311_JURISDICTION, or the only root unit when it is empty."""
    code = settings.OPEN311_JURISDICTION
    roots = OrgUnit.objects.filter(parent__isnull=True)
    if code:
        unit = roots.filter(code=code).first()
        if unit is None:
            raise ImproperlyConfigured(f"GRIDGOV_OPEN311_JURISDICTION={code} is not a root org unit")
        return unit
    units = list(roots.order_by("code")[:2])
    if len(units) != 1:
        raise ImproperlyConfigured("set GRIDGOV_OPEN311_JURISDICTION: there is not exactly one root org unit")
    return units[0]


def check_jurisdiction(jurisdiction_id: str | None) -> OrgUnit:
    """The district; raises Open311Error 404 when the client names another jurisdiction."""
    unit = district()
    if jurisdiction_id and jurisdiction_id.strip() != unit.code:
        raise Open311Error(
            404, _("Unknown jurisdiction_id: this server serves %(code)s.") % {"code": unit.code}
        )
    return unit


def in_district(unit: OrgUnit, path: str) -> bool:
    return path == unit.path or path.startswith(unit.path + ".")
