"""Case pages: work queues, the case page with its actions, the new report, the case map.

Thin: every read goes through workflow.visible_cases / access.scope.get_for_user, every write
through workflow.report_case / workflow.perform, and the rights come from cases.rights.
"""

from __future__ import annotations

import mimetypes

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import F
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridgov.access.scope import get_for_user, has_permission
from gridgov.cases.errors import CaseNotFound, Conflict, IdempotencyMismatch, InvalidInput, NotAllowed
from gridgov.cases.models import Alert, Case, CasePhoto, Source, State
from gridgov.cases.rights import available_actions
from gridgov.cases.states import OPEN_STATES, TRANSITIONS
from gridgov.cases.workflow import NewCase, perform, report_case, visible_cases
from gridgov.geo import queries as units
from gridgov.geo.models import path_for_code
from gridgov.intelligence.panels import suggestion_panel
from gridgov.participation.services import follower_count, not_fixed_requests
from gridgov.web.cases.display import STATE_TONES, action_label, time_status, timeline_rows
from gridgov.web.cases.forms import ActionForm, QueueFilterForm, ReportForm
from gridgov.web.cases.queues import CaseFilter, queue_cases, queue_counts, queues_for
from gridgov.web.form_errors import add_error
from gridgov.web.permissions import permission_required

VIEW = "cases.view"
PAGE_SIZE = 25
# The case map draws at most this many points (the newest); the page says so when it cuts.
MAP_POINT_CAP = 1000
# Work queues put the nearest deadline first; lists of record put the newest report first.
RECORD_QUEUES = {"reports", "all"}


def _case_queryset():
    return Case.objects.select_related(
        "category",
        "category__parent",
        "grid",
        "responsible_unit",
        "department",
        "handling_unit",
        "reporter",
        "handler",
        "merged_into",
        "suggested_department",
        "suggested_unit",
    )


def _case(request, number: str) -> Case:
    """The case the user may see, else 404 (missing and out of scope alike)."""
    return get_for_user(request.user, _case_queryset(), VIEW, request=request, number=number)


def _map_settings() -> dict:
    return {"tile_url": settings.MAP_TILE_URL, "tile_attribution": settings.MAP_TILE_ATTRIBUTION}


def _outlines(user) -> list:
    """The boundaries of the user's jurisdiction roots, drawn under the points of the maps."""
    if not has_permission(user, units.VIEW_UNITS):
        return []
    return [unit.geometry for unit in units.jurisdiction_roots(user).only("geometry") if unit.geometry]


# --- Queues ------------------------------------------------------------------------------------


@permission_required(VIEW)
def queue(request):
    user = request.user
    queues = queues_for(user)
    counts = queue_counts(user, queues)
    keys = [q.key for q in queues]
    key = request.GET.get("queue", "")
    if key not in keys:
        # The first work queue with something in it, else the first one.
        key = next((k for k in keys if counts.get(k) and k not in RECORD_QUEUES), keys[0])
    form = QueueFilterForm(request.GET or None)
    cases = queue_cases(user, key)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        cases = CaseFilter(
            state=data["state"],
            category=data["category"],
            unit_path=path_for_code(data["unit"]) if data["unit"] else "",
            alert=data["alert"],
            date_from=data["date_from"],
            date_to=data["date_to"],
            text=data["q"],
        ).apply(cases)
    elif form.is_bound:
        cases = cases.none()
    if key in RECORD_QUEUES:
        cases = cases.order_by("-reported_at", "-id")
    else:
        cases = cases.order_by(F("deadline").asc(nulls_last=True), "-reported_at", "-id")
    page = Paginator(cases.select_related("category", "grid"), PAGE_SIZE).get_page(request.GET.get("page"))
    now = timezone.now()
    context = {
        "tabs": [(q, counts.get(q.key, 0)) for q in queues],
        "current": key,
        "form": form,
        "filtered": form.is_bound and any(form.data.get(name) for name in form.fields),
        "page": page,
        "rows": [(case, time_status(case, now)) for case in page],
        "state_tones": STATE_TONES,
        "language": get_language(),
        "can_report": has_permission(user, "cases.report"),
    }
    return render(request, "web/cases/queue.html", context)


# --- The case page and its actions -------------------------------------------------------------


def _render_case(request, case: Case, *, bound: ActionForm | None = None, status: int = 200):
    user = request.user
    forms = [
        bound if bound is not None and bound.action == t.action else ActionForm(t.action, case)
        for t in available_actions(user, case)
    ]
    show_reporter = (
        not case.hide_reporter or case.reporter_id == user.pk or has_permission(user, "cases.register")
    )
    photos = list(case.photos.all())
    context = {
        "case": case,
        "status": time_status(case),
        "state_tone": STATE_TONES.get(case.state, "secondary"),
        "category_name": case.category.name_for(get_language()),
        "timeline": timeline_rows(case, show_reporter=show_reporter),
        "photos": photos,
        "forms": [(form, action_label(form.action)) for form in forms],
        "open_form": bound.action if bound is not None else request.GET.get("action", ""),
        "show_reporter": show_reporter,
        "can_report": has_permission(user, "cases.report"),
        "report_here": reverse("cases:new")
        + "?"
        + urlencode({"lon": f"{case.lon:.6f}", "lat": f"{case.lat:.6f}"}),
        "point": {"lon": case.lon, "lat": case.lat, "grid": case.grid.geometry},
        "is_open": case.state in OPEN_STATES,
        **_participation(case),
        **suggestion_panel(user, case),
        **_map_settings(),
    }
    return render(request, "web/cases/detail.html", context, status=status)


def _participation(case: Case) -> dict:
    """What residents added to the case (gridgov.participation): followers and "not fixed" requests.
    Likely duplicates are the Suggestions panel's (gridgov.intelligence)."""
    return {"followers": follower_count(case), "not_fixed_count": not_fixed_requests(case)}


@permission_required(VIEW)
def case_detail(request, number: str):
    return _render_case(request, _case(request, number))


@require_POST
@permission_required(VIEW)
def case_action(request, number: str, action: str):
    case = _case(request, number)
    if action not in TRANSITIONS:
        raise Http404
    form = ActionForm(action, case, request.POST, request.FILES)
    if not form.is_valid():
        return _render_case(request, case, bound=form, status=400)
    try:
        perform(
            case.pk,
            action,
            actor=request.user,
            expected_version=form.cleaned_data["version"],
            request=request,
            **form.params(),
        )
    except InvalidInput as error:
        add_error(form, error.field, error.message, ActionForm.ALIASES)
        return _render_case(request, case, bound=form, status=400)
    except Conflict as error:
        if error.code == "stale_version":
            messages.error(
                request,
                _("The case was changed meanwhile: this is how it stands now. Check it and try again."),
            )
        else:
            messages.error(request, error.message)
        return _render_case(request, _case(request, number), status=409)
    except NotAllowed as error:
        messages.error(request, error.message)
        return _render_case(request, _case(request, number), status=403)
    except CaseNotFound:
        raise Http404 from None
    messages.success(request, _("Done: %(action)s.") % {"action": action_label(action)})
    return redirect("cases:detail", number=case.number)


@permission_required(VIEW)
def case_photo(request, number: str, photo_id: int, size: str):
    if size not in ("full", "thumb"):
        raise Http404
    case = _case(request, number)
    photo = get_object_or_404(CasePhoto, case=case, pk=photo_id)
    image = photo.thumbnail if size == "thumb" else photo.image
    try:
        handle = image.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    content_type = mimetypes.guess_type(image.name)[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "private, max-age=86400"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- New report --------------------------------------------------------------------------------


def _float_or_none(value: str | None) -> float | None:
    try:
        return float(value) if value else None
    except ValueError:
        return None


@permission_required("cases.report")
def new_report(request):
    user = request.user
    is_resident = has_permission(user, "cases.rate")  # as the workflow tells residents from staff
    options = {"may_self_handle": has_permission(user, "cases.self_handle"), "is_resident": is_resident}
    status = 200
    if request.method == "POST":
        form = ReportForm(request.POST, request.FILES, **options)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            report = NewCase(
                category=data["category"],
                description=data["description"],
                lon=data["lon"],
                lat=data["lat"],
                crs=data["crs"],
                urgency=data["urgency"],
                source=Source.RESIDENT if is_resident else Source.PATROL,
                address=data["address"],
                hide_reporter=data.get("hide_reporter", False),
                idempotency_key=data["idempotency_key"],
                self_handled=data.get("self_handled", False),
                result=data.get("result", ""),
                photos=data["photos"],
            )
            try:
                case, created = report_case(report, actor=user, request=request)
            except InvalidInput as error:
                add_error(form, error.field, error.message)
            except (NotAllowed, IdempotencyMismatch) as error:
                add_error(form, None, error.message)
                status = 403 if isinstance(error, NotAllowed) else 422
                # A fresh key, so that the corrected form can be sent.
                form.data = form.data.copy()
                form.data["idempotency_key"] = ReportForm(**options).initial["idempotency_key"]
            else:
                if created:
                    messages.success(request, _("Reported as case %(number)s.") % {"number": case.number})
                else:
                    messages.info(
                        request, _("This report was already sent: case %(number)s.") % {"number": case.number}
                    )
                return redirect("cases:detail", number=case.number)
        if request.FILES:
            form.add_error(
                "photos", _("Choose the photos again: a page sent back with errors cannot keep them.")
            )
    else:
        initial = {}
        lon, lat = _float_or_none(request.GET.get("lon")), _float_or_none(request.GET.get("lat"))
        if lon is not None and lat is not None:
            initial = {"lon": round(lon, 6), "lat": round(lat, 6)}
        form = ReportForm(initial=initial, **options)
    context = {"form": form, "outlines": _outlines(user), **_map_settings()}
    return render(request, "web/cases/new.html", context, status=status)


# --- The case map ------------------------------------------------------------------------------


@permission_required(VIEW)
def case_map(request):
    form = QueueFilterForm()
    context = {
        "form": form,
        "cap": MAP_POINT_CAP,
        "outlines": _outlines(request.user),
        "map_labels": {
            "loading": _("Loading…"),
            "error": _("The cases could not be loaded."),
            "shown": _("%(shown)s of %(total)s cases shown."),
            "capped": _("Only the newest %(cap)s are drawn: narrow the filters to see the others."),
            "empty": _("No cases match."),
            "open": _("Open the case"),
            "status": {
                "none": _("In time"),
                "yellow": _("Warning"),
                "red": _("Overdue"),
                "closed": _("Finished"),
            },
        },
        **_map_settings(),
    }
    return render(request, "web/cases/map.html", context)


@permission_required(VIEW)
def case_map_data(request):
    """The points of the case map as JSON: open cases unless a state is asked for; newest first, capped."""
    form = QueueFilterForm(request.GET)
    if not form.is_valid():
        return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
    data = form.cleaned_data
    cases = visible_cases(request.user)
    cases = (
        cases.filter(state=data["state"]) if data["state"] else cases.filter(state__in=sorted(OPEN_STATES))
    )
    cases = CaseFilter(category=data["category"], alert=data["alert"]).apply(cases)
    total = cases.count()
    now = timezone.now()
    language = get_language()
    selected = (
        cases.select_related("category")
        .only(
            "number",
            "lon",
            "lat",
            "state",
            "alert",
            "deadline",
            "warn_at",
            "category__code",
            "category__name_zh",
            "category__name_en",
        )
        .order_by("-reported_at", "-id")[:MAP_POINT_CAP]
    )
    points = []
    for case in selected:
        status = time_status(case, now) if case.state in OPEN_STATES else "closed"
        points.append(
            {
                "number": case.number,
                "lon": round(case.lon, 6),
                "lat": round(case.lat, 6),
                "state": State(case.state).label,
                "category": case.category.name_for(language),
                "status": status if status != Alert.NONE else "none",
                "url": reverse("cases:detail", args=[case.number]),
            }
        )
    return JsonResponse({"total": total, "cap": MAP_POINT_CAP, "points": points})
