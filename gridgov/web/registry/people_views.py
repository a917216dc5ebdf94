"""Registry pages for persons: the search (the registry's home), the person page with its
actions, the person forms, and the reveal of a masked identifier.

Thin: lists come from people.search, records through access.scope.get_for_user (404 alike for
missing and out of scope), writes through people.services, reveals through people.reveal.
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from gridgov.access.scope import get_for_user, has_permission, in_scope
from gridgov.people import services
from gridgov.people.models import Household, Person, PersonTag, Residence, Tag
from gridgov.people.reveal import REVEALABLE, RevealError, reveals_left
from gridgov.people.reveal import reveal as reveal_value
from gridgov.people.search import is_identifier, persons_matching
from gridgov.people.visibility import may_see_level, visible_tags
from gridgov.web.form_errors import add_field_error
from gridgov.web.permissions import permission_required
from gridgov.web.registry.person_forms import (
    EDIT,
    VIEW,
    HouseholdForm,
    PersonForm,
    SearchForm,
    StatusForm,
    TagForm,
    editable_grids,
)

PAGE_SIZE = 25
REVEAL = "people.reveal"
VERIFY = "people.verify_id"
REVEAL_STATUS = {"forbidden": 403, "rate_limited": 429}


def _persons():
    return Person.objects.select_related("grid", "house__building", "household")


def shown_tags(user) -> Prefetch:
    """Prefetch of the tags `user` may see, as `person.shown_tags`."""
    tags = visible_tags(user).select_related("tag").order_by("sensitivity", "tag__code")
    return Prefetch("person_tags", queryset=tags, to_attr="shown_tags")


# --- Search ------------------------------------------------------------------------------------


def _positive_int(value: str | None) -> int:
    """A page number: `value` if it is a number ≥ 1, else 1."""
    try:
        return max(1, int(value or 1))
    except ValueError:
        return 1


@require_http_methods(["GET", "POST"])
@permission_required(VIEW)
def search(request):
    """The registry search. The form posts: a search by name, address, tag or unit is redirected
    to a bookmarkable address; a search by ID number or phone is answered right away, so that the
    number appears in no address, no server log and not in the page either."""
    user = request.user
    if request.method == "POST":
        form = SearchForm(request.POST, user=user)
        if form.is_valid() and not is_identifier(form.cleaned_data["q"]):
            params = {name: value for name, value in form.data.items() if name in form.fields and value}
            params["status"] = form.cleaned_data["status"]  # present even when "any"
            return redirect(reverse("registry:search") + "?" + urlencode(params))
    else:
        form = SearchForm(request.GET or None, user=user)
    searched_identifier = form.is_bound and is_identifier(form.data.get("q", ""))
    page = _positive_int(request.GET.get("page")) if request.method == "GET" else 1
    rows: list[Person] = []
    if not form.is_bound or form.is_valid():
        first = (page - 1) * PAGE_SIZE
        rows = list(
            persons_matching(user, form.query())
            .select_related("grid", "house__building", "household")
            .prefetch_related(shown_tags(user))[first : first + PAGE_SIZE + 1]
        )
    has_next = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    if searched_identifier:
        if request.method == "POST" and len(rows) == 1:
            return redirect("registry:person", pk=rows[0].pk)
        form.data = {**form.data, "q": ""}
    context = {
        "form": form,
        "rows": rows,
        "page": page,
        "first": (page - 1) * PAGE_SIZE + 1,
        "last": (page - 1) * PAGE_SIZE + len(rows),
        # An identifier search posted the form: its few rows need no pages (nor the number in a link).
        "has_next": has_next and request.method == "GET",
        "searched": form.is_bound,
        "searched_identifier": searched_identifier,
        "can_edit": has_permission(user, EDIT),
    }
    return render(request, "web/registry/search.html", context, status=400 if form.errors else 200)


# --- The person page ---------------------------------------------------------------------------


def _person(request, pk: int, permission: str = VIEW) -> Person:
    return get_for_user(request.user, _persons(), permission, request=request, pk=pk)


def _render_person(
    request,
    person: Person,
    *,
    status_form: StatusForm | None = None,
    tag_form: TagForm | None = None,
    status: int = 200,
):
    user = request.user
    tags = list(
        visible_tags(user, PersonTag.objects.filter(person=person))
        .select_related("tag")
        .order_by("sensitivity", "tag__code")
    )
    can_edit = in_scope(user, person.org_path, EDIT)
    can_reveal = in_scope(user, person.org_path, REVEAL)
    context = {
        "person": person,
        "tags": tags,
        "residences": list(
            Residence.objects.filter(person=person).select_related("house__building", "household", "grid")
        ),
        "status_changes": list(person.status_changes.select_related("actor")),
        "can_edit": can_edit,
        "can_verify": bool(person.id_number_masked)
        and not person.id_verified
        and in_scope(user, person.org_path, VERIFY),
        # The identifiers the user may reveal here (those recorded).
        "reveal_fields": [
            field
            for field, masked in (("id_number", person.id_number_masked), ("phone", person.phone_masked))
            if masked and can_reveal
        ],
        "reveals_left": reveals_left(user) if can_reveal else None,
    }
    if can_edit:
        present = {t.tag_id for t in PersonTag.objects.filter(person=person)}
        context["status_form"] = status_form or StatusForm(person=person)
        context["tag_form"] = tag_form or TagForm(user=user, person=person, present=present)
    return render(request, "web/registry/person.html", context, status=status)


@permission_required(VIEW)
def person_detail(request, pk: int):
    return _render_person(request, _person(request, pk))


@require_POST
@permission_required(EDIT)
def person_status(request, pk: int):
    person = _person(request, pk, EDIT)
    form = StatusForm(request.POST, person=person)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.change_status(
                person,
                data["status"],
                effective_on=data["effective_on"],
                reason=data["reason"],
                actor=request.user,
                request=request,
            )
        except services.RegistryError as error:
            add_field_error(form, error)
        else:
            messages.success(request, _("The status was changed."))
            return redirect("registry:person", pk=person.pk)
    return _render_person(request, _person(request, pk), status_form=form, status=400)


@require_POST
@permission_required(EDIT)
def person_tag_add(request, pk: int):
    person = _person(request, pk, EDIT)
    present = {t.tag_id for t in PersonTag.objects.filter(person=person)}
    form = TagForm(request.POST, user=request.user, person=person, present=present)
    if not form.is_valid():
        return _render_person(request, person, tag_form=form, status=400)
    data = form.cleaned_data
    services.add_tag(
        person, data["tag"], actor=request.user, request=request, since=data["since"], note=data["note"]
    )
    messages.success(request, _("The special group was added."))
    return redirect("registry:person", pk=person.pk)


@require_POST
@permission_required(EDIT)
def person_tag_remove(request, pk: int, code: str):
    person = _person(request, pk, EDIT)
    tag = Tag.objects.filter(code=code).first()
    # A tag the user may not see answers like a missing one.
    if tag is None or not may_see_level(request.user, tag.sensitivity, person.org_path):
        raise Http404
    if services.remove_tag(person, tag, actor=request.user, request=request):
        messages.success(request, _("The special group was removed."))
    return redirect("registry:person", pk=person.pk)


@require_POST
@permission_required(VERIFY)
def person_verify(request, pk: int):
    person = _person(request, pk, VERIFY)
    if not person.id_number_masked:
        messages.error(request, _("There is no ID number to mark as checked."))
    elif not person.id_verified:
        person.id_verified = True
        services.save_person(person, actor=request.user, request=request)
        messages.success(request, _("The ID number is marked as checked against the certificate."))
    return redirect("registry:person", pk=person.pk)


# --- Reveal ------------------------------------------------------------------------------------


@require_POST
@never_cache
@permission_required(VIEW)
def reveal(request, pk: int):
    """The clear value of one identifier, as a fragment for the person page (htmx) or a small page.

    Never cached. Refusals answer 400 (no or short reason, unknown field), 403 (no people.reveal
    for this person's unit) or 429 (hourly limit used up); people.reveal audits every attempt.
    """
    person = _person(request, pk)
    field = request.POST.get("field", "")
    context = {"person": person, "field": field, "label": _field_label(field)}
    try:
        context["value"] = reveal_value(
            request.user, person, field, request.POST.get("reason", ""), request=request
        )
    except RevealError as error:
        context["error"] = error.message
        status = REVEAL_STATUS.get(error.code, 400)
    else:
        status = 200
    if in_scope(request.user, person.org_path, REVEAL):  # else the page has no counter to update
        context["reveals_left"] = reveals_left(request.user)
    fragment = request.headers.get("HX-Request") == "true"
    template = "web/registry/_reveal_result.html" if fragment else "web/registry/reveal.html"
    return render(request, template, context, status=status)


def _field_label(field: str) -> str:
    labels = {"id_number": _("ID number"), "phone": _("Phone")}
    return labels.get(field, "") if (Person, field) in REVEALABLE else ""


# --- Person forms ------------------------------------------------------------------------------


def _save_person_form(request, form: PersonForm, person: Person, *, created: bool):
    if form.is_valid():
        identifiers = form.apply(person)
        try:
            services.save_person(person, actor=request.user, request=request, **identifiers)
        except services.RegistryError as error:
            add_field_error(form, error)
        else:
            messages.success(
                request, _("The person was saved.") if not created else _("The person was added.")
            )
            return redirect("registry:person", pk=person.pk)
    return None


@require_http_methods(["GET", "POST"])
@permission_required(EDIT)
def person_create(request):
    household = None
    if "household" in request.GET:
        if not request.GET["household"].isdigit():
            raise Http404
        household = get_for_user(
            request.user,
            Household.objects.select_related("grid"),
            EDIT,
            request=request,
            pk=int(request.GET["household"]),
        )
    if request.method == "POST":
        form = PersonForm(request.POST, user=request.user, household=household)
        done = _save_person_form(request, form, Person(), created=True)
        if done is not None:
            return done
        status = 400
    else:
        form = PersonForm(user=request.user, household=household)
        status = 200
    context = {"form": form, "person": None, "household": household}
    return render(request, "web/registry/person_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
@permission_required(EDIT)
def person_edit(request, pk: int):
    person = _person(request, pk, EDIT)
    if request.method == "POST":
        form = PersonForm(request.POST, user=request.user, person=person)
        done = _save_person_form(request, form, person, created=False)
        if done is not None:
            return done
        status = 400
        person = _person(request, pk, EDIT)  # the form may have changed the object in memory
    else:
        form = PersonForm(user=request.user, person=person)
        status = 200
    context = {"form": form, "person": person, "household": None}
    return render(request, "web/registry/person_form.html", context, status=status)


@permission_required(EDIT)
def places(request):
    """The place fields of a person or household form for another grid (htmx on the grid select)."""
    grid = editable_grids(request.user).filter(code=request.GET.get("grid", "")).first()
    if grid is None:
        raise Http404
    form_class = HouseholdForm if request.GET.get("form") == "household" else PersonForm
    return render(request, "web/registry/_places.html", {"form": form_class(user=request.user, grid=grid)})
