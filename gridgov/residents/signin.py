"""Sign-up and sign-in by mobile number: one action for both.

The number's code decides: a number without an account gets one (a user with no usable
password, a resident Membership at the district, a ResidentProfile with the sealed number);
a number with one signs in. Starting the flow (request_code) requires agreeing to the privacy
notice, so every account has agreed before its number was used.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.access.models import Membership
from gridgov.access.roles import Role
from gridgov.audit.log import record
from gridgov.audit.models import Outcome
from gridgov.geo.models import OrgUnit
from gridgov.people import pii
from gridgov.people.phones import mask_mobile
from gridgov.residents import codes
from gridgov.residents.errors import ResidentError
from gridgov.residents.models import RESIDENT_PHONE, ResidentProfile

DISPLAY_NAME_MAX: int = ResidentProfile._meta.get_field("display_name").max_length or 30


@dataclass(frozen=True)
class SignIn:
    user: object
    created: bool


def district_unit() -> OrgUnit:
    """The root unit new residents join: settings.RESIDENT_DISTRICT_CODE, else the first root."""
    roots = OrgUnit.objects.filter(parent=None, is_active=True)
    if settings.RESIDENT_DISTRICT_CODE:
        roots = roots.filter(code=settings.RESIDENT_DISTRICT_CODE)
    unit = roots.order_by("code").first()
    if unit is None:
        raise ResidentError(
            "phone", _("Resident sign-up is not available yet: no district is set up."), "no_district"
        )
    return unit


def checked_display_name(text: str) -> str:
    """The display name, stripped; ResidentError on field "display_name" if empty or too long."""
    name = " ".join((text or "").split())
    if not name:
        raise ResidentError("display_name", _("Enter the name other residents and staff see."), "required")
    if len(name) > DISPLAY_NAME_MAX:
        raise ResidentError(
            "display_name",
            _("A name has at most %(count)s characters.") % {"count": DISPLAY_NAME_MAX},
            "too_long",
        )
    return name


def _create_account(phone: str, phone_index: str, display_name: str) -> ResidentProfile:
    user = get_user_model()(username=f"resident-{phone_index}", first_name=display_name[:150])
    user.set_unusable_password()
    user.save()
    Membership.objects.create(user=user, role=Role.RESIDENT, org_unit=district_unit())
    sealed = pii.seal(phone, RESIDENT_PHONE, index=phone_index)
    now = timezone.now()
    return ResidentProfile.objects.create(
        user=user,
        phone_token=sealed.token,
        phone_index=sealed.index,
        phone_masked=sealed.masked,
        display_name=display_name,
        privacy_agreed_at=now,
    )


def sign_in(phone_text: str, code_text: str, *, display_name: str = "", request=None) -> SignIn:
    """Check the code sent to the number; sign up a new number (needs `display_name`) or sign in.

    Returns the user and whether the account was just created. Raises ResidentError on "phone"
    (invalid number), "code" (malformed, wrong, expired, void) or "display_name" (a new number
    without a valid name: the code stays valid for a second try). The caller logs the user in.
    """
    phone, phone_index = codes.checked_phone(phone_text)
    masked = mask_mobile(phone)
    with transaction.atomic():
        codes.lock_phone(phone_index)
        issued, error = codes.check_code(phone_index, code_text)
        if issued is not None:
            profile = ResidentProfile.objects.select_related("user").filter(phone_index=phone_index).first()
            try:
                if profile is not None and not profile.user.is_active:
                    raise ResidentError(
                        "phone", _("This account is disabled. Ask your community."), "inactive"
                    )
                name = checked_display_name(display_name) if profile is None else ""
            except ResidentError as exc:
                error = exc
            else:
                codes.consume(issued)
                created = profile is None
                if profile is None:
                    profile = _create_account(phone, phone_index, name)
                    record(
                        "residents.sign_up",
                        request=request,
                        actor=profile.user,
                        target=profile,
                        details={"phone": masked},
                    )
                record(
                    "residents.sign_in",
                    request=request,
                    actor=profile.user,
                    target=profile,
                    details={"phone": masked, "new": created},
                )
    # Out of the transaction: a wrong try stays counted.
    if error is not None:
        if error.code == "wrong":
            record(
                "residents.sign_in",
                request=request,
                outcome=Outcome.FAILED,
                details={"phone": masked, "reason": error.code},
            )
        raise error
    assert profile is not None  # no error: the code was right and the account exists now
    return SignIn(user=profile.user, created=created)
