"""The resident portal's rules: who is a resident, following a case, what a resident sees of a case.

Reporting, rating, "not fixed" and reminders are workflow actions (gridgov.cases.workflow); this
module adds following, and decides how much of a case the portal shows to whom: the reporter
sees their own report in full (the public timeline plus their description and photos); a
follower sees the public view of gridgov.cases.public, nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import chain

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gridgov.access.roles import Role
from gridgov.access.scope import roles_of
from gridgov.audit.log import record
from gridgov.cases.errors import CaseNotFound, InvalidInput
from gridgov.cases.models import Case, CasePhoto, TimelineEntry
from gridgov.cases.public import PublicStep, public_cases, public_timeline
from gridgov.cases.states import OPEN_STATES
from gridgov.participation.models import CaseFollow

OWN = "own"
FOLLOWED = "followed"
# Photos the reporter sees of their own case; others see report thumbnails of public cases only.
OWNER_PHOTO_KINDS = (CasePhoto.Kind.REPORT, CasePhoto.Kind.HANDLED)


def is_resident(user) -> bool:
    return getattr(user, "is_authenticated", False) and Role.RESIDENT in roles_of(user)


def follow_case(user, number: str, *, request=None) -> tuple[Case, bool]:
    """`user` follows the open public case `number` instead of reporting it again; (case, created).

    Following twice changes nothing. Raises CaseNotFound for a case the public may not see,
    InvalidInput (field "case") for one's own report or a finished case.
    """
    case = public_cases().filter(number=number).first()
    if case is None:
        raise CaseNotFound(_("No such case."))
    if case.reporter_id == user.pk:
        raise InvalidInput(_("This is your own report: it is already in your reports."), field="case")
    if case.state not in OPEN_STATES:
        raise InvalidInput(_("This case is finished: report the problem as a new one."), field="case")
    if CaseFollow.objects.filter(user=user, case=case).exists():
        return case, False
    try:
        with transaction.atomic():
            CaseFollow.objects.create(user=user, case=case)
            record("participation.follow", request=request, actor=user, target=case, details={"case": number})
    except IntegrityError:  # a double tap: the other request followed it
        return case, False
    return case, True


def unfollow_case(user, number: str, *, request=None) -> bool:
    """`user` stops following case `number`; False if they did not follow it."""
    with transaction.atomic():
        deleted, _rows = CaseFollow.objects.filter(user=user, case__number=number).delete()
        if deleted:
            record("participation.unfollow", request=request, actor=user, details={"case": number})
    return bool(deleted)


def followers_of(case_ids) -> dict[int, set[int]]:
    """The users following each of the cases `case_ids` (one query): told as their cases move on."""
    found: dict[int, set[int]] = {}
    rows = CaseFollow.objects.filter(case_id__in=list(case_ids)).values_list("case_id", "user_id")
    for case_id, user_id in rows:
        found.setdefault(case_id, set()).add(user_id)
    return found


def follower_count(case: Case) -> int:
    return CaseFollow.objects.filter(case=case).count()


def my_cases(user) -> list[tuple[Case, str]]:
    """The user's reports and followed cases, newest report first, each with OWN or FOLLOWED."""
    own = Case.objects.filter(reporter=user).select_related("category", "category__parent")
    followed = (
        public_cases()
        .filter(follows__user=user)
        .exclude(reporter=user)
        .select_related("category", "category__parent")
    )
    rows = chain(((case, OWN) for case in own), ((case, FOLLOWED) for case in followed))
    return sorted(rows, key=lambda row: (row[0].reported_at, row[0].pk), reverse=True)


@dataclass(frozen=True)
class ResidentView:
    """What the portal shows of one case to one resident."""

    case: Case
    relation: str  # OWN or FOLLOWED
    steps: list[PublicStep]
    description: str  # the reporter's own words; empty for followers
    photos: list[CasePhoto]

    @property
    def own(self) -> bool:
        return self.relation == OWN


def resident_view(user, number: str) -> ResidentView:
    """The case `number` as `user` may see it in the portal; CaseNotFound when neither their own
    report nor a public case they follow (the two are not told apart)."""
    base = Case.objects.select_related("category", "category__parent", "grid")
    case = base.filter(number=number, reporter=user).first()
    if case is not None:
        photos = list(case.photos.filter(kind__in=OWNER_PHOTO_KINDS))
        return ResidentView(case, OWN, public_timeline(case), case.description, photos)
    case = base.filter(pk__in=public_cases().filter(number=number, follows__user=user).values("pk")).first()
    if case is None:
        raise CaseNotFound(_("No such case."))
    return ResidentView(case, FOLLOWED, public_timeline(case), "", [])


def visible_photo(user, number: str, photo_id: int, size: str) -> CasePhoto:
    """A photo the resident may load: any owner kind of their own case; else the thumbnail of a
    report photo of a public case (shown with "the same problem?" offers)."""
    photo = CasePhoto.objects.select_related("case").filter(case__number=number, pk=photo_id).first()
    if photo is None:
        raise CaseNotFound(_("No such photo."))
    if photo.case.reporter_id == user.pk and photo.kind in OWNER_PHOTO_KINDS:
        return photo
    public = public_cases().filter(pk=photo.case_id).exists()
    if public and photo.kind == CasePhoto.Kind.REPORT and size == "thumb":
        return photo
    raise CaseNotFound(_("No such photo."))


def first_report_photos(cases: list[Case]) -> dict[int, CasePhoto]:
    """The first report photo of each case (one query), for thumbnails in lists."""
    photos: dict[int, CasePhoto] = {}
    for photo in CasePhoto.objects.filter(case__in=cases, kind=CasePhoto.Kind.REPORT).order_by("id"):
        photos.setdefault(photo.case_id, photo)
    return photos


def last_reminder(user, case: Case) -> TimelineEntry | None:
    return TimelineEntry.objects.filter(case=case, action="remind", actor=user).order_by("-at", "-id").first()


def not_fixed_requests(case: Case) -> int:
    """How often the reporter said the case was not fixed (the staff page's badge)."""
    return TimelineEntry.objects.filter(case=case, action="not_fixed").count()
