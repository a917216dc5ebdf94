"""Admin for org units: scoped lists, edits through geo.services, GeoJSON import and export."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from gridgov.access.admin_policy import staff_may
from gridgov.access.scope import in_scope, scoped
from gridgov.geo.codes import code_problems, parent_code_of
from gridgov.geo.geojson_io import GeoImportError, dumps, export_units, import_collection
from gridgov.geo.geometry import GeometryError, parse_geometry
from gridgov.geo.models import OrgUnit
from gridgov.geo.services import UnitChangeError, merge_grids, save_unit

IMPORT_PERMISSION = "geo.import_units"
EDIT_PERMISSION = "geo.edit_units"
VIEW_PERMISSION = "geo.view_units"
MAX_UPLOAD_BYTES = 50 * 1024 * 1024


class OrgUnitForm(forms.ModelForm):
    class Meta:
        model = OrgUnit
        fields = ["code", "parent", "level", "kind", "name_zh", "name_en", "geometry", "is_active"]

    def clean(self):
        cleaned = super().clean()
        instance = self.instance

        def value(name):
            # Read-only on change (code, level, parent): take the stored value.
            return cleaned.get(name) if name in self.fields else getattr(instance, name, None)

        parent = value("parent")
        problems = code_problems(
            value("code"), value("level"), value("kind"), parent.code if parent else None
        )
        for field, reason in problems:
            field = "parent" if field == "parent_code" else field
            self.add_error(field if field in self.fields else None, reason)
        geometry = cleaned.get("geometry")
        if geometry is not None:
            try:
                parse_geometry(geometry)
            except GeometryError as exc:
                self.add_error("geometry", exc.reason)
        return cleaned


class ImportForm(forms.Form):
    file = forms.FileField(label=_("GeoJSON file"))


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    form = OrgUnitForm
    list_display = ["code", "name_zh", "name_en", "level", "kind", "area_m2", "is_active"]
    list_filter = ["level", "is_active"]
    search_fields = ["code", "name_zh", "name_en"]
    ordering = ["path"]
    readonly_fields = ["path", "min_lon", "min_lat", "max_lon", "max_lat", "area_m2", "merged_into"]
    raw_id_fields = ["parent"]
    actions = ["export_geojson", "merge_two_grids"]
    list_per_page = 100

    # --- Access: the policy in gridgov.access decides, scoped to the user's jurisdiction.
    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("parent")
        if request.user.is_superuser:
            return queryset
        return scoped(request.user, queryset, VIEW_PERMISSION)

    def has_module_permission(self, request):
        return staff_may(request.user, VIEW_PERMISSION)

    def has_view_permission(self, request, obj=None):
        return staff_may(request.user, VIEW_PERMISSION)

    def has_change_permission(self, request, obj=None):
        if not staff_may(request.user, EDIT_PERMISSION):
            return False
        return obj is None or request.user.is_superuser or in_scope(request.user, obj.path, EDIT_PERMISSION)

    def has_add_permission(self, request):
        return staff_may(request.user, EDIT_PERMISSION)

    def has_delete_permission(self, request, obj=None):
        return False  # units are deactivated or merged, never deleted: records point at them

    def get_readonly_fields(self, request, obj=None):
        fields = list(self.readonly_fields)
        if obj is not None:
            fields += ["code", "level", "parent"]  # changing these would move a subtree
        return fields

    def save_model(self, request, obj, form, change):
        if obj.parent_id is None and obj.code and parent_code_of(obj.code):
            obj.parent = OrgUnit.objects.filter(code=parent_code_of(obj.code)).first()
        if (
            not request.user.is_superuser
            and obj.parent
            and not in_scope(request.user, obj.parent.path, EDIT_PERMISSION)
        ):
            raise PermissionDenied
        save_unit(obj, actor=request.user, request=request)

    # --- GeoJSON export action and import view.
    @admin.action(description=_("Export GeoJSON (with everything below)"))
    def export_geojson(self, request, queryset):
        if not staff_may(request.user, IMPORT_PERMISSION):
            raise PermissionDenied
        visible = self.get_queryset(request)
        features = []
        seen: set[str] = set()
        for unit in queryset.order_by("path"):
            for feature in export_units(unit, visible)["features"]:
                if feature["properties"]["code"] not in seen:
                    seen.add(feature["properties"]["code"])
                    features.append(feature)
        features.sort(key=lambda f: f["properties"]["code"])
        response = HttpResponse(
            dumps({"type": "FeatureCollection", "features": features}),
            content_type="application/geo+json; charset=utf-8",
        )
        response["Content-Disposition"] = 'attachment; filename="orgunits.geojson"'
        return response

    # --- Merge action: the lower code keeps its identity, as codes are never reused.
    def has_merge_permission(self, request):
        return staff_may(request.user, EDIT_PERMISSION)

    @admin.action(description=_("Merge the two selected grids"), permissions=["merge"])
    def merge_two_grids(self, request, queryset):
        grids = list(queryset.order_by("code"))
        if len(grids) != 2:
            self.message_user(request, _("Select exactly two grids to merge."), messages.ERROR)
            return None
        if not request.user.is_superuser and not all(
            in_scope(request.user, grid.path, EDIT_PERMISSION) for grid in grids
        ):
            self.message_user(request, _("Both grids must be in your jurisdiction."), messages.ERROR)
            return None
        keep, absorb = grids
        try:
            merge_grids(keep, absorb, actor=request.user, request=request)
        except UnitChangeError as exc:
            self.message_user(request, exc.reason, messages.ERROR)
            return None
        self.message_user(
            request,
            _("Merged %(absorbed)s into %(kept)s.") % {"absorbed": absorb.code, "kept": keep.code},
            messages.SUCCESS,
        )
        return None

    def get_urls(self):
        extra = [path("import/", self.admin_site.admin_view(self.import_view), name="geo_orgunit_import")]
        return extra + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_import": staff_may(request.user, IMPORT_PERMISSION)}
        return super().changelist_view(request, extra_context)

    def import_view(self, request):
        if not staff_may(request.user, IMPORT_PERMISSION):
            raise PermissionDenied
        form = ImportForm(request.POST or None, request.FILES or None)
        errors = []
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > MAX_UPLOAD_BYTES:
                form.add_error("file", _("The file is too large."))
            else:
                try:
                    counts = import_collection(upload.read(), actor=request.user, request=request)
                except GeoImportError as exc:
                    errors = exc.errors
                else:
                    self.message_user(
                        request,
                        _("Imported: %(created)s created, %(updated)s updated, %(unchanged)s unchanged.")
                        % counts,
                        messages.SUCCESS,
                    )
                    return redirect(reverse("admin:geo_orgunit_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import GeoJSON"),
            "form": form,
            "errors": errors,
        }
        return TemplateResponse(request, "admin/geo/orgunit/import.html", context)
