"""GET /intelligence/suggest/<case number>/: the suggestions for one case as JSON."""

from __future__ import annotations

from django.http import JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from gridgov.access.middleware import needs_second_factor
from gridgov.access.scope import get_for_user, has_permission
from gridgov.audit.log import record
from gridgov.audit.models import Outcome
from gridgov.cases.models import Case, State
from gridgov.intelligence.panels import PANEL_STATES, as_json, build_panel

PERMISSIONS = ("cases.register", "cases.dispatch")


def _denied(request, message: str, status: int = 403) -> JsonResponse:
    record(
        "access.denied",
        request=request,
        outcome=Outcome.DENIED,
        details={"permission": " or ".join(PERMISSIONS), "path": request.path},
    )
    return JsonResponse({"error": message}, status=status)


@require_GET
def suggest_json(request, number: str):
    user = request.user
    if not user.is_authenticated:
        return JsonResponse({"error": _("Sign in first.")}, status=401)
    if needs_second_factor(user) or not any(has_permission(user, code) for code in PERMISSIONS):
        return _denied(request, _("You may not register or dispatch cases."))
    # 404 alike for a missing case and one outside the user's jurisdiction (audited).
    case = get_for_user(
        user,
        Case.objects.select_related("category", "responsible_unit"),
        "cases.view",
        request=request,
        number=number,
    )
    if case.state not in PANEL_STATES:
        return JsonResponse(
            {
                "error": _("The case is %(state)s: it is not waiting for registration or dispatch.")
                % {"state": State(case.state).label}
            },
            status=409,
        )
    panel = build_panel(user, case)
    if panel is None:
        return _denied(request, _("You may not register or dispatch this case."))
    return JsonResponse(as_json(panel))
