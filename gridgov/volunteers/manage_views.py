"""Staff pages under /volunteers/manage/: volunteers, activities with attendance, the shop.
Every list is scoped to the jurisdiction where the user holds volunteers.manage."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridgov.access.scope import get_for_user, jurisdiction_paths, path_filter, scoped
from gridgov.geo.models import Level, OrgUnit
from gridgov.volunteers import activities, ledger, registry, shop
from gridgov.volunteers.errors import VolunteerError
from gridgov.volunteers.forms import (
    ActivityForm,
    AdjustForm,
    ItemForm,
    ItemUpdateForm,
    SuspendForm,
)
from gridgov.volunteers.models import (
    Activity,
    Redemption,
    RedemptionState,
    ShopItem,
    SignUpState,
    Volunteer,
    VolunteerStatus,
)
from gridgov.volunteers.rights import MANAGE
from gridgov.web.form_errors import add_field_error
from gridgov.web.permissions import permission_required


def _communities(user):
    """The active communities in the user's volunteers.manage jurisdiction, for choice fields."""
    paths = jurisdiction_paths(user, MANAGE)
    return OrgUnit.objects.filter(path_filter("path", paths), level=Level.COMMUNITY, is_active=True).order_by(
        "path"
    )


@permission_required(MANAGE)
def volunteers(request):
    status = request.GET.get("status", "")
    rows = scoped(request.user, Volunteer.objects.all(), MANAGE).select_related("user__resident", "community")
    if status in VolunteerStatus.values:
        rows = rows.filter(status=status)
    return render(
        request,
        "volunteers/manage/volunteers.html",
        {
            "rows": rows[:200],
            "status": status,
            "statuses": VolunteerStatus.choices,
            "adjust_form": AdjustForm(),
            "suspend_form": SuspendForm(),
        },
    )


@require_POST
@permission_required(MANAGE)
def decide_volunteer(request, pk: int, status: str):
    volunteer = get_for_user(request.user, Volunteer.objects.all(), MANAGE, request=request, pk=pk)
    try:
        registry.decide(
            volunteer.pk, status, actor=request.user, reason=request.POST.get("reason", ""), request=request
        )
    except VolunteerError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Saved."))
    return redirect("volunteers:manage_volunteers")


@require_POST
@permission_required(MANAGE)
def adjust_points(request, pk: int):
    volunteer = get_for_user(request.user, Volunteer.objects.all(), MANAGE, request=request, pk=pk)
    form = AdjustForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a whole number of points and a reason."))
        return redirect("volunteers:manage_volunteers")
    try:
        ledger.adjust(
            volunteer.user,
            form.cleaned_data["amount"],
            actor=request.user,
            reason=form.cleaned_data["reason"],
            request=request,
        )
    except VolunteerError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Points adjusted."))
    return redirect("volunteers:manage_volunteers")


@permission_required(MANAGE)
def activity_list(request):
    form = ActivityForm(request.POST or None, communities=_communities(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            activity = activities.create(
                activities.NewActivity(**form.cleaned_data), actor=request.user, request=request
            )
        except VolunteerError as error:
            add_field_error(form, error)
        else:
            messages.success(request, _("Activity created."))
            return redirect("volunteers:manage_activity", pk=activity.pk)
    rows = (
        scoped(request.user, Activity.objects.all(), MANAGE)
        .select_related("community")
        .annotate(taken=Count("signups", filter=Q(signups__state=SignUpState.SIGNED_UP)))[:200]
    )
    return render(request, "volunteers/manage/activities.html", {"rows": rows, "form": form})


@permission_required(MANAGE)
def activity_detail(request, pk: int):
    activity = get_for_user(
        request.user, Activity.objects.select_related("community"), MANAGE, request=request, pk=pk
    )
    signups = activity.signups.filter(state=SignUpState.SIGNED_UP).select_related("volunteer__user__resident")
    return render(request, "volunteers/manage/activity.html", {"activity": activity, "signups": signups})


@require_POST
@permission_required(MANAGE)
def activity_action(request, pk: int, action: str):
    activity = get_for_user(request.user, Activity.objects.all(), MANAGE, request=request, pk=pk)
    signup_id = request.POST.get("signup")
    try:
        if action == "finish":
            activities.finish(activity.pk, actor=request.user, request=request)
        else:
            act = activities.check_in if action == "check-in" else activities.check_out
            act(activity.pk, actor=request.user, signup_id=int(signup_id or 0), request=request)
    except (VolunteerError, ValueError) as error:
        messages.error(request, getattr(error, "message", _("No such sign-up.")))
    else:
        messages.success(request, _("Saved."))
    return redirect("volunteers:manage_activity", pk=activity.pk)


@permission_required(MANAGE)
def shop_admin(request):
    form = ItemForm(request.POST or None, communities=_communities(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            shop.add_item(
                data["community"],
                name=data["name"],
                description=data["description"],
                price=data["price"],
                stock=data["stock"],
                actor=request.user,
                request=request,
            )
        except VolunteerError as error:
            add_field_error(form, error)
        else:
            messages.success(request, _("Item added."))
            return redirect("volunteers:manage_shop")
    items = scoped(request.user, ShopItem.objects.all(), MANAGE).select_related("community")[:200]
    pending = (
        scoped(request.user, Redemption.objects.all(), MANAGE)
        .filter(state=RedemptionState.PENDING)
        .select_related("item", "user__resident")[:200]
    )
    return render(request, "volunteers/manage/shop.html", {"form": form, "items": items, "pending": pending})


@require_POST
@permission_required(MANAGE)
def update_item(request, pk: int):
    item = get_for_user(request.user, ShopItem.objects.all(), MANAGE, request=request, pk=pk)
    form = ItemUpdateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Price and stock are whole numbers, the price at least 1."))
        return redirect("volunteers:manage_shop")
    try:
        shop.update_item(item.pk, actor=request.user, request=request, **form.cleaned_data)
    except VolunteerError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Saved."))
    return redirect("volunteers:manage_shop")


@require_POST
@permission_required(MANAGE)
def settle_redemption(request, pk: int, action: str):
    redemption = get_for_user(request.user, Redemption.objects.all(), MANAGE, request=request, pk=pk)
    try:
        if action == "collect":
            shop.mark_collected(redemption.pk, actor=request.user, request=request)
        else:
            shop.cancel(redemption.pk, actor=request.user, request=request)
    except VolunteerError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Saved."))
    return redirect("volunteers:manage_shop")
