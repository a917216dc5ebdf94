"""POST requests: an Open311 client's report becomes a case through the case workflow."""

from __future__ import annotations

import math
import secrets
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.translation import gettext as _

from gridgov.audit.log import record
from gridgov.cases.errors import InvalidInput, NotAllowed
from gridgov.cases.hotline_cells import CellError, parse_phone
from gridgov.cases.models import Source
from gridgov.cases.workflow import NewCase, report_case
from gridgov.geo import index
from gridgov.geo.models import OrgUnit
from gridgov.open311.catalog import service_for, urgency_from
from gridgov.open311.errors import Open311Error
from gridgov.open311.jurisdiction import in_district
from gridgov.open311.models import ApiKey, SubmittedRequest

# Field lengths of the case and of SubmittedRequest.
MAX_ADDRESS = 200
MAX_NAME = 50
MAX_ID = 100


@dataclass
class RequestForm:
    """The fields of POST requests, as strings (absent = "")."""

    service_code: str = ""
    lat: str = ""
    long: str = ""
    address_string: str = ""
    description: str = ""
    media_url: str = ""
    first_name: str = ""
    last_name: str = ""
    phone: str = ""
    device_id: str = ""
    account_id: str = ""
    attributes: dict[str, str] = field(default_factory=dict)


def _bad(description: str, field_name: str) -> Open311Error:
    return Open311Error(400, description, field=field_name)


def _location(form: RequestForm, district: OrgUnit) -> tuple[float, float]:
    if not form.lat.strip() or not form.long.strip():
        if form.address_string.strip():
            raise _bad(
                _("Give lat and long: addresses cannot be located on this server (no geocoder)."),
                "address_string",
            )
        raise _bad(_("Give the location as lat and long (WGS-84)."), "lat")
    try:
        lat, lon = float(form.lat), float(form.long)
    except ValueError:
        raise _bad(_("lat and long must be decimal degrees (WGS-84)."), "lat") from None
    if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90 and -180 <= lon <= 180):
        raise _bad(_("lat and long must be decimal degrees (WGS-84)."), "lat")
    grid_id = index.grid_id_at(lon, lat)
    path = OrgUnit.objects.filter(pk=grid_id).values_list("path", flat=True).first() if grid_id else None
    if path is None or not in_district(district, path):
        raise _bad(_("The location is outside %(district)s.") % {"district": district.name_zh}, "lat")
    return lon, lat


def _caller(form: RequestForm) -> tuple[str, str]:
    name = " ".join(part.strip() for part in (form.first_name, form.last_name) if part.strip())
    if len(name) > MAX_NAME:
        raise _bad(_("first_name and last_name are too long."), "first_name")
    try:
        phone = parse_phone(form.phone)
    except CellError as error:
        raise _bad(str(error), "phone") from None
    return name, phone


def _media_url(value: str) -> str:
    value = value.strip()
    if not value:
        return ""
    try:
        URLValidator(schemes=["http", "https"])(value)
    except ValidationError:
        raise _bad(_("media_url must be an http or https URL."), "media_url") from None
    if len(value) > 500:
        raise _bad(_("media_url is too long."), "media_url")
    return value


def submit_request(
    form: RequestForm, *, api_key: ApiKey, district: OrgUnit, request=None
) -> SubmittedRequest:
    """Report a case for `form` as the key's user; returns the stored request with its token.

    Raises Open311Error (400 naming the field, 403 when the key may not report) having changed nothing.
    """
    try:
        category = service_for(form.service_code)
    except Open311Error as error:  # a bad field of a POST is a 400, not a missing resource
        raise _bad(error.description, "service_code") from None
    urgency = urgency_from(form.attributes)
    lon, lat = _location(form, district)
    caller_name, caller_phone = _caller(form)
    media_url = _media_url(form.media_url)
    for name in ("device_id", "account_id"):
        if len(getattr(form, name)) > MAX_ID:
            raise _bad(_("%(field)s is too long.") % {"field": name}, name)
    # The workflow needs a description; a client may send none (the spec makes it optional).
    description = form.description.strip() or category.name_zh
    data = NewCase(
        category=category.code,
        description=description,
        lon=lon,
        lat=lat,
        urgency=urgency,
        address=form.address_string.strip()[:MAX_ADDRESS],
        source=Source.OPEN311,
        caller_name=caller_name,
        caller_phone=caller_phone,
    )
    try:
        with transaction.atomic():
            case, _created = report_case(data, actor=api_key.user, request=request)
            submitted = SubmittedRequest.objects.create(
                case=case,
                api_key=api_key,
                token=secrets.token_urlsafe(16),
                media_url=media_url,
                device_id=form.device_id.strip(),
                account_id=form.account_id.strip(),
            )
            record(
                "open311.request",
                request=request,
                actor=api_key.user,
                target=case,
                details={"api_key": api_key.prefix, "service_code": category.code},
            )
    except InvalidInput as error:
        raise _bad(str(error), error.field or "") from None
    except NotAllowed as error:
        raise Open311Error(403, str(error)) from None
    return submitted
