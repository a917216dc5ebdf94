"""Component pages: the list of a unit with kind and state filters, the component page with its
photos, the create/edit form and the photo upload."""

from __future__ import annotations

import mimetypes

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gridgov.access.scope import get_for_user, has_permission, in_scope
from gridgov.people import services
from gridgov.people.component_photos import add_component_photos
from gridgov.people.listings import ComponentFilter, components_in
from gridgov.people.models import Component, ComponentPhoto
from gridgov.people.services import RegistryError
from gridgov.web.permissions import permission_required
from gridgov.web.registry.place_common import (
    EDIT,
    VIEW,
    map_context,
    page_of,
    point_of,
    save_form,
    unit_asked,
)
from gridgov.web.registry.place_forms import ComponentFilterForm, ComponentForm, PhotoForm, add_service_error


@permission_required(VIEW)
def component_list(request):
    unit = unit_asked(request)
    form = ComponentFilterForm(request.GET or None)
    where = ComponentFilter()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        where = ComponentFilter(kind=data["kind"], state=data["state"], text=data["q"])
    context = {
        "unit": unit,
        "form": form,
        "page": page_of(request, components_in(request.user, unit, where)),
        "can_add": in_scope(request.user, unit.path, EDIT) if unit else has_permission(request.user, EDIT),
    }
    return render(request, "web/registry/component_list.html", context)


def _component(request, pk: int, permission: str = VIEW) -> Component:
    return get_for_user(
        request.user, Component.objects.select_related("grid"), permission, request=request, pk=pk
    )


def _render_detail(request, component: Component, photo_form: PhotoForm | None = None, status: int = 200):
    can_edit = in_scope(request.user, component.org_path, EDIT)
    context = {
        "component": component,
        "photos": list(component.photos.order_by("-taken_at", "-pk")),
        "can_edit": can_edit,
        "photo_form": (photo_form or PhotoForm()) if can_edit else None,
        **map_context(point=point_of(component)),
    }
    return render(request, "web/registry/component_detail.html", context, status=status)


@permission_required(VIEW)
def component_detail(request, pk: int):
    return _render_detail(request, _component(request, pk))


@require_POST
@permission_required(EDIT)
def component_photos(request, pk: int):
    component = _component(request, pk, EDIT)
    form = PhotoForm(request.POST, request.FILES)
    if form.is_valid() and form.cleaned_data["photos"]:
        try:
            saved = add_component_photos(
                component, form.cleaned_data["photos"], actor=request.user, request=request
            )
        except RegistryError as error:
            add_service_error(form, error.field, error.message)
        else:
            messages.success(request, _("%(n)s photos added.") % {"n": len(saved)})
            return redirect("registry:component", pk=component.pk)
    elif form.is_valid():
        form.add_error("photos", _("Choose at least one photo."))
    return _render_detail(request, component, form, status=400)


@permission_required(VIEW)
def component_photo(request, pk: int, photo_id: int, size: str):
    if size not in ("full", "thumb"):
        raise Http404
    component = _component(request, pk)
    photo = get_object_or_404(ComponentPhoto, component=component, pk=photo_id)
    image = photo.thumbnail if size == "thumb" and photo.thumbnail else photo.image
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


def _render_form(request, form, component: Component | None, status: int = 200):
    if status != 200 and request.FILES and "photos" not in form.errors:
        form.add_error("photos", _("Choose the photos again: a page sent back with errors cannot keep them."))
    context = {"form": form, "component": component, **map_context(request.user)}
    return render(request, "web/registry/component_form.html", context, status=status)


def _save(request, form: ComponentForm, component: Component | None):
    def save(record: Component) -> None:
        services.save_component(record, actor=request.user, request=request)
        photos = form.cleaned_data["photos"]
        if photos:
            add_component_photos(record, photos, actor=request.user, request=request)

    return save_form(
        request,
        form,
        render_form=lambda form, status: _render_form(request, form, component, status),
        save=save,
        saved_message=_("Component saved."),
        detail_url="registry:component",
    )


@permission_required(EDIT)
def component_new(request):
    if request.method == "POST":
        return _save(request, ComponentForm(request.POST, request.FILES), None)
    return _render_form(request, ComponentForm(), None)


@permission_required(EDIT)
def component_edit(request, pk: int):
    component = _component(request, pk, EDIT)
    if request.method == "POST":
        return _save(request, ComponentForm(request.POST, request.FILES, instance=component), component)
    return _render_form(request, ComponentForm(instance=component), component)
