"""The resident's volunteer pages (phone-first): status and registration, activities and
sign-up, points and ledger, the shop, the leaderboards. Thin: each calls one service."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridgov.volunteers import activities, leaderboard, ledger, registry, shop
from gridgov.volunteers.communities import home_community
from gridgov.volunteers.errors import VolunteerError
from gridgov.volunteers.forms import RegisterForm
from gridgov.volunteers.models import (
    Activity,
    ActivityState,
    PointsEntry,
    Redemption,
    ShopItem,
    SignUp,
    SignUpState,
    Volunteer,
)
from gridgov.volunteers.rights import TAKE_PART
from gridgov.web.form_errors import add_field_error
from gridgov.web.permissions import permission_required


def _with_places(queryset):
    return queryset.annotate(taken=Count("signups", filter=Q(signups__state=SignUpState.SIGNED_UP)))


@permission_required(TAKE_PART)
def home(request):
    user = request.user
    volunteer = Volunteer.objects.filter(user=user).select_related("community").first()
    community = volunteer.community if volunteer else home_community(user)
    form = RegisterForm(
        request.POST or None,
        initial={
            "skills": getattr(volunteer, "skills", ""),
            "availability": getattr(volunteer, "availability", ""),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            registry.register(user, request=request, **form.cleaned_data)
        except VolunteerError as error:
            add_field_error(form, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("volunteers:home")
    upcoming = []
    if community is not None:
        upcoming = list(
            _with_places(
                Activity.objects.filter(
                    community=community, state=ActivityState.OPEN, ends_at__gt=timezone.now()
                )
            ).order_by("starts_at")[:20]
        )
    my_signups = list(
        SignUp.objects.filter(volunteer__user=user, state=SignUpState.SIGNED_UP)
        .select_related("activity")
        .order_by("-activity__starts_at")[:20]
    )
    mine = {signup.activity_id for signup in my_signups}
    return render(
        request,
        "volunteers/home.html",
        {
            "volunteer": volunteer,
            "community": community,
            "form": form,
            "upcoming": upcoming,
            "mine": mine,
            "my_signups": my_signups,
            "balance": ledger.balance_of(user),
        },
    )


def _my_activity(user, pk: int) -> Activity:
    """An activity of the resident's home community; 404 for any other, alike for missing."""
    community = home_community(user)
    activity = (
        _with_places(Activity.objects.filter(pk=pk, community=community)).first() if community else None
    )
    if activity is None:
        raise Http404
    return activity


@permission_required(TAKE_PART)
def activity_detail(request, pk: int):
    activity = _my_activity(request.user, pk)
    signup = SignUp.objects.filter(activity=activity, volunteer__user=request.user).first()
    return render(
        request,
        "volunteers/activity.html",
        {
            "activity": activity,
            "signup": signup if signup and signup.state == SignUpState.SIGNED_UP else None,
            "volunteer": Volunteer.objects.filter(user=request.user).first(),
            "places_left": max(0, activity.signup_limit - activity.taken),
            "started": timezone.now() >= activity.starts_at,
        },
    )


@require_POST
@permission_required(TAKE_PART)
def activity_action(request, pk: int, action: str):
    activity = _my_activity(request.user, pk)
    done = {
        "sign-up": _("You have signed up."),
        "cancel": _("Your sign-up is cancelled."),
        "check-in": _("Checked in."),
        "check-out": _("Checked out."),
    }
    try:
        if action == "sign-up":
            activities.sign_up(activity.pk, user=request.user, request=request)
        elif action == "cancel":
            activities.cancel_sign_up(activity.pk, user=request.user, request=request)
        else:
            # The service compares the code; a blank or malformed one is simply wrong.
            act = activities.check_in if action == "check-in" else activities.check_out
            act(activity.pk, actor=request.user, code=request.POST.get("code", ""), request=request)
    except VolunteerError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done[action])
    return redirect("volunteers:activity", pk=activity.pk)


@permission_required(TAKE_PART)
def points(request):
    entries = (
        PointsEntry.objects.filter(account__user=request.user)
        .select_related("community")
        .order_by("-at", "-id")[:100]
    )
    return render(
        request,
        "volunteers/points.html",
        {"balance": ledger.balance_of(request.user), "entries": entries},
    )


@permission_required(TAKE_PART)
def shop_page(request):
    community = home_community(request.user)
    items = (
        ShopItem.objects.filter(community=community, is_active=True) if community else ShopItem.objects.none()
    )
    redemptions = Redemption.objects.filter(user=request.user).select_related("item")[:30]
    return render(
        request,
        "volunteers/shop.html",
        {
            "community": community,
            "items": items,
            "redemptions": redemptions,
            "balance": ledger.balance_of(request.user),
        },
    )


@require_POST
@permission_required(TAKE_PART)
def redeem(request, pk: int):
    try:
        redemption = shop.redeem(pk, user=request.user, request=request)
    except VolunteerError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Redeemed: collect %(item)s at the community office.") % {"item": redemption.item.name}
        )
    return redirect("volunteers:shop")


@permission_required(TAKE_PART)
def board(request):
    community = home_community(request.user)
    period = leaderboard.ALL_TIME if request.GET.get("period") == leaderboard.ALL_TIME else leaderboard.MONTH
    return render(
        request,
        "volunteers/leaderboard.html",
        {
            "community": community,
            "period": period,
            "points_rows": leaderboard.points_board(community, period) if community else [],
            "hours_rows": leaderboard.hours_board(community, period) if community else [],
        },
    )
