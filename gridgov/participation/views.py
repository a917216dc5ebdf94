"""The resident portal's pages (/r/…): report a problem, "the same problem?", my reports, a case.

Thin: reports and actions go through gridgov.cases.workflow, following and what a resident
sees of a case through participation.services, nearby cases through participation.duplicates.
"""

from __future__ import annotations

import mimetypes
from datetime import timedelta
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gridgov.cases.errors import CaseNotFound, Conflict, IdempotencyMismatch, InvalidInput, NotAllowed
from gridgov.cases.models import Source
from gridgov.cases.rights import is_overdue, within_not_fixed_window
from gridgov.cases.states import State
from gridgov.cases.workflow import NewCase, perform, report_case
from gridgov.geo import queries as units
from gridgov.participation import services
from gridgov.participation.duplicates import nearby_open_cases
from gridgov.participation.forms import NEW_PROBLEM, NotFixedForm, PortalReportForm, RateForm, RemindForm
from gridgov.web.cases.display import STATE_TONES, action_label, time_status
from gridgov.web.permissions import deny

RESIDENT_SIGN_IN = "residents:signin"
# The portal's actions on a case and their forms.
ACTION_FORMS = {"rate": RateForm, "not_fixed": NotFixedForm, "remind": RemindForm}


def _sign_in_url() -> str:
    """The residents' sign-in page (gridgov.residents), else the staff login."""
    try:
        return reverse(RESIDENT_SIGN_IN)
    except NoReverseMatch:
        return settings.LOGIN_URL


def resident_required(view):
    """Signed-in residents only: others go to the sign-in page; staff get a 403 (audited)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), _sign_in_url())
        if not services.is_resident(request.user):
            return deny(request, "cases.rate")
        return view(request, *args, **kwargs)

    return wrapper


def _float_or_none(value) -> float | None:
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None


def _offers(user, category: str, lon, lat, crs: str) -> list:
    """Open public cases near the report that the resident may join instead."""
    if not category or lon is None or lat is None:
        return []
    nearby = nearby_open_cases(category, lon, lat, crs, exclude_user=user, public_only=True)
    thumbnails = services.first_report_photos([n.case for n in nearby])
    language = get_language()
    return [
        {
            "case": n.case,
            "distance": round(n.distance_m),
            "category": n.case.category.name_for(language),
            "state_tone": STATE_TONES.get(n.case.state, "secondary"),
            "photo": thumbnails.get(n.case.pk),
            "followed": n.case.follows.filter(user=user).exists(),
        }
        for n in nearby
    ]


def _outlines(user) -> list:
    """The boundary of the resident's district, drawn under the map (there are no tiles by default)."""
    return [unit.geometry for unit in units.jurisdiction_roots(user).only("geometry") if unit.geometry]


def _report_page(request, form, *, offers=None, status=200):
    context = {
        "form": form,
        "offers": offers or [],
        "outlines": _outlines(request.user),
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
    }
    return render(request, "participation/report.html", context, status=status)


@resident_required
def report(request):
    """Report a problem; before creating, offer nearby open cases of the same kind."""
    if request.method != "POST":
        initial = {}
        lon, lat = _float_or_none(request.GET.get("lon")), _float_or_none(request.GET.get("lat"))
        if lon is not None and lat is not None:
            # "Report another problem here": the location (stored in WGS-84) and address kept.
            initial = {
                "lon": round(lon, 6),
                "lat": round(lat, 6),
                "crs": "wgs84",
                "address": request.GET.get("address", "")[:200],
            }
        return _report_page(request, PortalReportForm(initial=initial))
    form = PortalReportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _report_page(request, form, status=400)
    data = form.cleaned_data
    if not form.is_new_problem:
        offers = _offers(request.user, data["category"], data["lon"], data["lat"], data["crs"])
        if offers:
            # Ask first; the form comes back with the answer "it's a new problem" pre-set.
            form.data = form.data.copy()
            form.data["decision"] = NEW_PROBLEM
            if request.FILES:
                form.add_error("photos", _("If you send it as a new problem, choose the photos again."))
            return _report_page(request, form, offers=offers)
    new_case = NewCase(
        category=data["category"],
        description=data["description"],
        lon=data["lon"] if data["lon"] is not None else "",
        lat=data["lat"] if data["lat"] is not None else "",
        crs=data["crs"],
        source=Source.RESIDENT,
        address=data["address"],
        hide_reporter=data["hide_reporter"],
        idempotency_key=data["idempotency_key"],
        photos=data["photos"],
    )
    try:
        case, created = report_case(new_case, actor=request.user, request=request)
    except InvalidInput as error:
        field = "lon" if error.field in ("lon", "lat") else error.field
        if field == "lon" and data["lon"] is None:
            error.message = _("Give the location: use this phone's position or tap the map.")
        form.add_error(field if field in form.fields else None, str(error.message))
        return _report_page(request, form, status=400)
    except (NotAllowed, IdempotencyMismatch) as error:
        form.data = form.data.copy()
        form.data["idempotency_key"] = PortalReportForm().initial["idempotency_key"]
        form.add_error(None, str(error.message))
        return _report_page(request, form, status=403 if isinstance(error, NotAllowed) else 422)
    if not created:
        messages.info(request, _("This report was already sent."))
    return redirect("participation:done", number=case.number)


@require_GET
@resident_required
def nearby(request):
    """The "same problem?" panel for the report form (htmx fragment, refreshed as the form changes)."""
    offers = _offers(
        request.user,
        request.GET.get("category", ""),
        _float_or_none(request.GET.get("lon")),
        _float_or_none(request.GET.get("lat")),
        request.GET.get("crs", "wgs84"),
    )
    return render(request, "participation/_offers.html", {"offers": offers})


@require_POST
@resident_required
def follow(request):
    number = request.POST.get("case", "")
    try:
        case, created = services.follow_case(request.user, number, request=request)
    except CaseNotFound:
        raise Http404 from None
    except InvalidInput as error:
        messages.error(request, str(error.message))
        return redirect("participation:report")
    if created:
        messages.success(
            request,
            _("You follow case %(number)s: you will see how it goes, no new case was made.")
            % {"number": case.number},
        )
    return redirect("participation:case", number=case.number)


@require_POST
@resident_required
def unfollow(request, number: str):
    if services.unfollow_case(request.user, number, request=request):
        messages.success(request, _("You no longer follow case %(number)s.") % {"number": number})
    return redirect("participation:mine")


@resident_required
def done(request, number: str):
    try:
        view = services.resident_view(request.user, number)
    except CaseNotFound:
        raise Http404 from None
    if not view.own:
        raise Http404
    case = view.case
    again = {"lon": f"{case.lon:.6f}", "lat": f"{case.lat:.6f}"}
    if case.address:
        again["address"] = case.address
    context = {"case": case, "report_here": reverse("participation:report") + "?" + urlencode(again)}
    return render(request, "participation/done.html", context)


@resident_required
def mine(request):
    language = get_language()
    now = timezone.now()
    rows = [
        {
            "case": case,
            "own": relation == services.OWN,
            "category": case.category.name_for(language),
            "state_tone": STATE_TONES.get(case.state, "secondary"),
            "status": time_status(case, now),
        }
        for case, relation in services.my_cases(request.user)
    ]
    return render(request, "participation/mine.html", {"rows": rows})


def _case_page(request, number: str, *, bound=None, status: int = 200):
    try:
        view = services.resident_view(request.user, number)
    except CaseNotFound:
        raise Http404 from None
    case = view.case
    now = timezone.now()
    offered = {}
    if view.own and case.state == State.CLOSED and case.rating is None:
        offered["rate"] = RateForm()
    if view.own and case.state == State.CLOSED and within_not_fixed_window(case, now):
        offered["not_fixed"] = NotFixedForm()
    last = services.last_reminder(request.user, case)
    remind_after = None
    if is_overdue(case, now):
        interval = timedelta(hours=settings.PARTICIPATION_REMIND_INTERVAL_HOURS)
        if last is not None and last.at + interval > now:
            remind_after = last.at + interval
        else:
            offered["remind"] = RemindForm()
    if bound is not None:
        offered[bound[0]] = bound[1]
    not_fixed_until = (
        case.closed_at + timedelta(days=settings.PARTICIPATION_NOT_FIXED_DAYS)
        if case.closed_at and "not_fixed" in offered
        else None
    )
    steps = [
        {"at": step.at, "action": step.action, "label": action_label(step.action), "note": step.note}
        for step in view.steps
    ]
    context = {
        "view": view,
        "steps": steps,
        "case": case,
        "category": case.category.name_for(get_language()),
        "state_tone": STATE_TONES.get(case.state, "secondary"),
        "status": time_status(case, now),
        "is_open": case.state not in (State.CLOSED, State.REJECTED, State.MERGED),
        "forms": offered,
        "remind_after": remind_after,
        "not_fixed_until": not_fixed_until,
        "report_here": reverse("participation:report")
        + "?"
        + urlencode({"lon": f"{case.lon:.6f}", "lat": f"{case.lat:.6f}"}),
    }
    return render(request, "participation/case.html", context, status=status)


@resident_required
def case_page(request, number: str):
    return _case_page(request, number)


@require_POST
@resident_required
def case_action(request, number: str, action: str):
    form_class = ACTION_FORMS.get(action)
    if form_class is None:
        raise Http404
    try:
        view = services.resident_view(request.user, number)
    except CaseNotFound:
        raise Http404 from None
    form = form_class(request.POST)
    if not form.is_valid():
        return _case_page(request, number, bound=(action, form), status=400)
    params = {k: v for k, v in form.cleaned_data.items() if v not in ("", None)}
    try:
        perform(view.case.pk, action, actor=request.user, request=request, **params)
    except InvalidInput as error:
        form.add_error(error.field if error.field in form.fields else None, str(error.message))
        return _case_page(request, number, bound=(action, form), status=400)
    except (Conflict, NotAllowed) as error:
        messages.error(request, str(error.message))
        return _case_page(request, number, status=409 if isinstance(error, Conflict) else 403)
    except CaseNotFound:
        raise Http404 from None
    done_messages = {
        "rate": _("Thank you for rating the result."),
        "not_fixed": _("The case will be checked on site again."),
        "remind": _("Your reminder was sent to those responsible."),
    }
    messages.success(request, done_messages[action])
    return redirect("participation:case", number=number)


@resident_required
def photo(request, number: str, photo_id: int, size: str):
    if size not in ("full", "thumb"):
        raise Http404
    try:
        found = services.visible_photo(request.user, number, photo_id, size)
    except CaseNotFound:
        raise Http404 from None
    image = found.thumbnail if size == "thumb" else found.image
    try:
        handle = image.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    response = FileResponse(
        handle, content_type=mimetypes.guess_type(image.name)[0] or "application/octet-stream"
    )
    response["Cache-Control"] = "private, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    return response
