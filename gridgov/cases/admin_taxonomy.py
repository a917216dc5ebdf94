"""Admin for the case taxonomy: categories with their time limits, and the responsibility list.

Staff need "cases.manage_taxonomy" from the access policy (or superuser). Categories and
limits are installation-wide; responsibility rules are shown and edited only inside the
jurisdiction where the user holds the permission. Every write is a "cases.taxonomy_change"
audit entry. Categories are deactivated, never deleted: cases and rules point at them.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, Value, When
from django.utils.translation import gettext_lazy as _

from gridgov.access.admin_policy import PolicyPermissions
from gridgov.access.models import Department
from gridgov.access.scope import in_scope, jurisdiction_paths, path_filter, scoped
from gridgov.audit.log import record
from gridgov.cases.taxonomy import Category, ResponsibilityRule, TimeLimit, Urgency
from gridgov.cases.taxonomy_services import category_problems, rule_problems

MANAGE = "cases.manage_taxonomy"


def _in_jurisdiction(user, path: str) -> bool:
    return bool(user.is_superuser or in_scope(user, path, MANAGE))


class TaxonomyPermissions(PolicyPermissions):
    policy_permission = MANAGE


# --- Categories and time limits -----------------------------------------------------------------


class LevelFilter(admin.SimpleListFilter):
    title = _("level")
    parameter_name = "level"

    def lookups(self, request, model_admin):
        return [("category", _("Category")), ("sub", _("Sub-category"))]

    def queryset(self, request, queryset):
        if self.value() == "category":
            return queryset.filter(parent__isnull=True)
        if self.value() == "sub":
            return queryset.filter(parent__isnull=False)
        return queryset


class CategoryForm(forms.ModelForm):
    class Meta:
        model = Category
        fields = ["code", "parent", "name_zh", "name_en", "is_public", "auto_escalate", "is_active"]

    def clean(self):
        cleaned = super().clean()
        # Code and parent are read-only once saved: check the stored values then.
        code = cleaned.get("code", self.instance.code) if "code" in self.fields else self.instance.code
        parent = cleaned.get("parent") if "parent" in self.fields else self.instance.parent
        if code:
            for field, reason in category_problems(code, parent):
                self.add_error(field if field in self.fields else None, reason)
        return cleaned


class TimeLimitInline(TaxonomyPermissions, admin.TabularInline):
    model = TimeLimit
    extra = 0
    fields = ["urgency", "stage", "amount", "unit"]

    def get_queryset(self, request):
        rank = [When(urgency=value, then=Value(i)) for i, value in enumerate(Urgency.values)]
        return super().get_queryset(request).order_by(Case(*rank, output_field=IntegerField()), "stage")


@admin.register(Category)
class CategoryAdmin(TaxonomyPermissions, admin.ModelAdmin):
    form = CategoryForm
    inlines = [TimeLimitInline]
    list_display = ["code", "name_zh", "name_en", "parent", "is_public", "auto_escalate", "is_active"]
    list_filter = [LevelFilter, "is_public", "auto_escalate", "is_active"]
    search_fields = ["^code", "name_zh", "name_en"]
    list_select_related = ["parent"]
    ordering = ["code"]
    list_per_page = 200

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("parent")

    def get_readonly_fields(self, request, obj=None):
        # Codes are what the loader, imports and reports match on.
        return ["code", "parent"] if obj is not None else []

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "parent":
            kwargs["queryset"] = Category.objects.filter(parent__isnull=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        record(
            "cases.taxonomy_change",
            request=request,
            target=obj,
            details={"created": not change, "fields": sorted(form.changed_data)},
        )

    def save_formset(self, request, form, formset, change):
        limits = formset.save(commit=False)
        changes = []
        for limit in limits:
            limit.save()
            changes.append(
                {"urgency": limit.urgency, "stage": limit.stage, "amount": limit.amount, "unit": limit.unit}
            )
        for limit in formset.deleted_objects:
            changes.append({"urgency": limit.urgency, "stage": limit.stage, "deleted": True})
            limit.delete()
        formset.save_m2m()
        if changes:
            record(
                "cases.taxonomy_change", request=request, target=form.instance, details={"limits": changes}
            )


# --- Responsibility list -------------------------------------------------------------------------


class TopCategoryFilter(admin.SimpleListFilter):
    title = _("category")
    parameter_name = "top"

    def lookups(self, request, model_admin):
        return [(c.code, str(c)) for c in Category.objects.filter(parent__isnull=True)]

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(category__code__startswith=self.value())
        return queryset


class ResponsibilityRuleForm(forms.ModelForm):
    user = None  # set by ResponsibilityRuleAdmin.get_form

    class Meta:
        model = ResponsibilityRule
        fields = ["category", "area", "department", "handling_unit", "is_active"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("area") is None:
            return cleaned
        rule = ResponsibilityRule(
            category=cleaned.get("category"),
            area=cleaned["area"],
            department=cleaned.get("department"),
            handling_unit=cleaned.get("handling_unit"),
        )
        for field, reason in rule_problems(rule):
            self.add_error(field, reason)
        for field in ("area", "handling_unit"):
            unit = cleaned.get(field)
            if unit is not None and not _in_jurisdiction(self.user, unit.path):
                self.add_error(field, _("This unit is outside your jurisdiction."))
        return cleaned


@admin.register(ResponsibilityRule)
class ResponsibilityRuleAdmin(TaxonomyPermissions, admin.ModelAdmin):
    form = ResponsibilityRuleForm
    list_display = ["category", "area", "department", "handling_unit", "is_active"]
    list_filter = ["is_active", TopCategoryFilter, "department"]
    search_fields = ["category__code", "category__name_zh", "area__code", "area__name_zh"]
    list_select_related = ["category", "area", "department", "handling_unit"]
    autocomplete_fields = ["category", "area", "handling_unit"]
    ordering = ["category__code", "area__path"]

    def get_queryset(self, request):
        queryset = (
            super().get_queryset(request).select_related("category", "area", "department", "handling_unit")
        )
        if request.user.is_superuser:
            return queryset
        return queryset.filter(path_filter("area__path", jurisdiction_paths(request.user, MANAGE)))

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.user = request.user  # a fresh class per request (modelform_factory)
        return form

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "department" and not request.user.is_superuser:
            kwargs["queryset"] = scoped(request.user, Department.objects.filter(is_active=True), MANAGE)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or _in_jurisdiction(request.user, obj.area.path))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or _in_jurisdiction(request.user, obj.area.path))

    def _check_scope(self, request, rule: ResponsibilityRule) -> None:
        units = [rule.area] + ([rule.handling_unit] if rule.handling_unit_id else [])
        if not all(_in_jurisdiction(request.user, unit.path) for unit in units):
            raise PermissionDenied

    def save_model(self, request, obj, form, change):
        self._check_scope(request, obj)
        super().save_model(request, obj, form, change)
        record(
            "cases.taxonomy_change",
            request=request,
            target=obj,
            details={"created": not change, "fields": sorted(form.changed_data), "area": obj.area.path},
        )

    def delete_model(self, request, obj):
        self._check_scope(request, obj)
        record(
            "cases.taxonomy_change",
            request=request,
            target=obj,
            details={"deleted": True, "area": obj.area.path},
        )
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for rule in queryset.select_related("area", "handling_unit"):
            self.delete_model(request, rule)
