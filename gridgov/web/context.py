"""Context shared by every page: the signed-in user's roles and the navigation they may use."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gridgov.access.scope import has_permission
from gridgov.calendar.days import coverage_warnings
from gridgov.inbox.services import unread_count
from gridgov.web.identity import posts_of


@dataclass(frozen=True)
class NavEntry:
    label: str
    url: str
    icon: str  # a key into the small icon set in base.html's CSS
    active: bool
    badge: int = 0  # e.g. unread notifications; 0 shows none


def _entries(request) -> list[NavEntry]:
    user = request.user
    path = request.path
    can_use_api = has_permission(user, "api.use_token")
    can_view_cases = has_permission(user, "cases.view")
    can_report = has_permission(user, "cases.report")
    can_view_registry = has_permission(user, "people.view")
    # (label, url, icon, shown, prefix that marks it active)
    candidates = [
        (_("Home"), reverse("home"), "home", True, None),
        (_("Inbox"), reverse("inbox"), "inbox", True, "/inbox/"),
        (_("Map"), reverse("map"), "map", has_permission(user, "geo.view_units"), "/map/"),
        (_("Cases"), reverse("cases:queue"), "cases", can_view_cases, "/cases/"),
        (_("New report"), reverse("cases:new"), "report", can_report, "/cases/new/"),
        (_("Case map"), reverse("cases:map"), "casemap", can_view_cases, "/cases/map/"),
        (
            _("Cockpit"),
            reverse("cockpit:page"),
            "cockpit",
            has_permission(user, "analytics.view"),
            "/cockpit/",
        ),
        (
            _("Assessment"),
            reverse("assessment:index"),
            "assessment",
            has_permission(user, "assessment.view"),
            "/assessment/",
        ),
        (_("Registry"), reverse("registry:search"), "registry", can_view_registry, "/registry/"),
        (
            _("Import"),
            reverse("registry:imports"),
            "import",
            has_permission(user, "people.import"),
            "/registry/imports/",
        ),
        (
            _("Export"),
            reverse("registry:exports"),
            "export",
            has_permission(user, "people.export"),
            "/registry/exports/",
        ),
        (_("Org units"), reverse("unit_list"), "units", has_permission(user, "geo.view_units"), "/units/"),
        (
            _("Notices and consultations"),
            reverse("community:manage_notices"),
            "community",
            has_permission(user, "community.manage"),
            "/community/manage/",
        ),
        (
            _("Volunteers and points"),
            reverse("volunteers:manage_volunteers"),
            "volunteer",
            has_permission(user, "volunteers.manage"),
            "/volunteers/manage/",
        ),
        (_("My day"), reverse("patrol:day"), "patrol", has_permission(user, "patrol.work"), "/patrol/"),
        (_("Field app"), "/field/", "phone", has_permission(user, "fieldapp.sync"), "/field/"),
        (
            _("Visit coverage"),
            reverse("patrol:coverage"),
            "map",
            has_permission(user, "patrol.view"),
            "/patrol/coverage/",
        ),
        (
            _("Tasks"),
            reverse("patrol:tasks"),
            "cases",
            has_permission(user, "patrol.assign_tasks"),
            "/patrol/tasks/",
        ),
        (
            _("Registry corrections"),
            reverse("patrol:changes"),
            "registry",
            has_permission(user, "patrol.review_changes"),
            "/patrol/changes/",
        ),
        (
            _("Campaigns"),
            reverse("campaigns:list"),
            "campaign",
            has_permission(user, "campaigns.view"),
            "/campaigns/",
        ),
        (
            _("Risk zones"),
            reverse("campaign_zones:list"),
            "zone",
            has_permission(user, "campaigns.view"),
            "/campaigns/zones/",
        ),
        (_("Audit log"), "/audit/", "audit", has_permission(user, "audit.view_log"), "/audit/"),
        (_("API token"), reverse("api_token"), "token", can_use_api, "/accounts/token/"),
        (_("API docs"), "/api/docs/", "docs", can_use_api, "/api/docs/"),
        (_("Admin"), reverse("admin:index"), "admin", user.is_staff, "/admin/"),
    ]
    shown = [c for c in candidates if c[3]]
    # Only the most specific matching prefix is active: /cases/new/ is "New report", not also "Cases".
    matching = [prefix for *_rest, prefix in shown if prefix is not None and path.startswith(prefix)]
    best = max(matching, key=len, default=None)
    unread = unread_count(user)
    return [
        NavEntry(
            str(label),
            url,
            icon,
            path == url if prefix is None else prefix == best,
            badge=unread if icon == "inbox" else 0,
        )
        for label, url, icon, _shown, prefix in shown
    ]


def navigation(request) -> dict:
    """Navigation entries the user may use and the user's roles for the top bar."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_entries": [], "user_role_labels": [], "calendar_warnings": []}
    # The top bar names each role once, however many places it is held in.
    role_labels = list(dict.fromkeys(post.role_label for post in posts_of(user)))
    return {
        "nav_entries": _entries(request),
        "user_role_labels": role_labels,
        "calendar_warnings": _calendar_warnings(user),
    }


def _calendar_warnings(user) -> list[str]:
    """Years whose holidays nobody has entered yet: those who set deadlines and those who can
    enter the schedule must see it (deadlines there count weekends only)."""
    if has_permission(user, "cases.dispatch") or has_permission(user, "calendar.manage"):
        return coverage_warnings()
    return []
