"""The household card (一户一档) and the household forms.

Thin: the household comes through access.scope.get_for_user, its history and the cases around
it from people.household_card, writes go through people.services.save_household.
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from gridgov.access.scope import get_for_user, has_permission, in_scope, scoped
from gridgov.patrol.history import visits_of
from gridgov.people import services
from gridgov.people.household_card import CASE_RADIUS_M, cases_near, household_history
from gridgov.people.models import Household, Person, Relation
from gridgov.web.form_errors import add_field_error
from gridgov.web.permissions import permission_required
from gridgov.web.registry.people_views import shown_tags
from gridgov.web.registry.person_forms import EDIT, VIEW, HouseholdForm


def _households():
    return Household.objects.select_related("house__building", "head", "grid")


@permission_required(VIEW)
def household_detail(request, pk: int):
    user = request.user
    household = get_for_user(user, _households(), VIEW, request=request, pk=pk)
    members = list(
        scoped(user, Person.objects.filter(household=household), VIEW)
        .prefetch_related(shown_tags(user))
        # The head first, then the others from the eldest.
        .annotate(
            is_head=Case(
                When(pk=household.head_id or 0, then=Value(0)),
                When(relation=Relation.HEAD, then=Value(1)),
                default=Value(2),
                output_field=IntegerField(),
            )
        )
        .order_by("is_head", "birth_date", "name", "id")
    )
    history = household_history(household)
    mentioned = {event.person.pk for event in history}
    visible_ids = set(
        scoped(user, Person.objects.filter(pk__in=mentioned), VIEW).values_list("pk", flat=True)
    )
    context = {
        "household": household,
        "members": members,
        "history": history,
        "linked": visible_ids,
        "show_cases": has_permission(user, "cases.view"),
        "cases": cases_near(user, household),
        "radius": int(CASE_RADIUS_M),
        "can_edit": in_scope(user, household.org_path, EDIT),
        # The visit history (patrol app): None hides the section from those who see no visits.
        "visits": visits_of(user, household),
        "can_visit": in_scope(user, household.org_path, "patrol.work"),
    }
    return render(request, "web/registry/household.html", context)


def _save(request, form: HouseholdForm, household: Household, *, created: bool):
    if form.is_valid():
        form.apply(household)
        try:
            services.save_household(household, actor=request.user, request=request)
        except services.RegistryError as error:
            add_field_error(form, error)
        else:
            messages.success(
                request, _("The household was added.") if created else _("The household was saved.")
            )
            return redirect("registry:household", pk=household.pk)
    return None


@require_http_methods(["GET", "POST"])
@permission_required(EDIT)
def household_create(request):
    form = HouseholdForm(request.POST or None, user=request.user)
    if request.method == "POST" and (done := _save(request, form, Household(), created=True)):
        return done
    status = 400 if request.method == "POST" else 200
    return render(
        request, "web/registry/household_form.html", {"form": form, "household": None}, status=status
    )


@require_http_methods(["GET", "POST"])
@permission_required(EDIT)
def household_edit(request, pk: int):
    household = get_for_user(request.user, _households(), EDIT, request=request, pk=pk)
    form = HouseholdForm(request.POST or None, user=request.user, household=household)
    if request.method == "POST":
        if done := _save(request, form, household, created=False):
            return done
        household = get_for_user(request.user, _households(), EDIT, request=request, pk=pk)
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "household": household}
    return render(request, "web/registry/household_form.html", context, status=status)
