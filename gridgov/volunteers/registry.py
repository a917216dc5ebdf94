"""The volunteer registry: a resident registers; staff approve or suspend."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gridgov.audit.log import record
from gridgov.volunteers.communities import home_community
from gridgov.volunteers.errors import VolunteerError
from gridgov.volunteers.models import Volunteer, VolunteerStatus
from gridgov.volunteers.rights import require_manager


def register(user, *, skills: str, availability: str, request=None) -> Volunteer:
    """Register `user` as a volunteer of their home community, or update their skills and
    availability if already registered (the status stays). Raises VolunteerError when the
    user has no home community or a text is too long."""
    skills, availability = skills.strip(), availability.strip()
    if len(skills) > 200:
        raise VolunteerError("skills", _("At most 200 characters."))
    if len(availability) > 200:
        raise VolunteerError("availability", _("At most 200 characters."))
    with transaction.atomic():
        existing = Volunteer.objects.select_for_update().filter(user=user).first()
        if existing is not None:
            existing.skills, existing.availability = skills, availability
            existing.save(update_fields=["skills", "availability"])
            record("volunteers.volunteer.update", request=request, actor=user, target=existing)
            return existing
        community = home_community(user)
        if community is None:
            raise VolunteerError(
                "", _("Your account belongs to no community yet: bind it to your registry record first.")
            )
        volunteer = Volunteer.objects.create(
            user=user, community=community, org_path=community.path, skills=skills, availability=availability
        )
        record(
            "volunteers.volunteer.register",
            request=request,
            actor=user,
            target=volunteer,
            details={"community": community.code},
        )
    return volunteer


def decide(volunteer_id: int, status: str, *, actor, reason: str = "", request=None) -> Volunteer:
    """Approve or suspend a volunteer (staff with volunteers.manage over the community).

    Raises VolunteerError for an unknown status, a suspension without a reason, a volunteer
    out of the actor's jurisdiction (same answer as missing) or no change.
    """
    if status not in (VolunteerStatus.APPROVED, VolunteerStatus.SUSPENDED):
        raise VolunteerError("status", _("Unknown status."))
    reason = reason.strip()[:200]
    if status == VolunteerStatus.SUSPENDED and not reason:
        raise VolunteerError("reason", _("Give the reason for the suspension."))
    with transaction.atomic():
        volunteer = Volunteer.objects.select_for_update().filter(pk=volunteer_id).first()
        if volunteer is None:
            raise VolunteerError("", _("No such volunteer."), code="not_found")
        require_manager(actor, volunteer.org_path)
        if volunteer.status == status:
            raise VolunteerError("status", _("The volunteer already has this status."), code="conflict")
        before = volunteer.status
        volunteer.status, volunteer.status_reason = status, reason
        volunteer.decided_by, volunteer.decided_at = actor, timezone.now()
        volunteer.save(update_fields=["status", "status_reason", "decided_by", "decided_at"])
        record(
            f"volunteers.volunteer.{'approve' if status == VolunteerStatus.APPROVED else 'suspend'}",
            request=request,
            actor=actor,
            target=volunteer,
            details={"from": before, "to": status, "reason": reason},
        )
    return volunteer
