"""Admin for the working calendar: day overrides and year schedules (with their days).

Only holders of "calendar.manage" (and superusers) see or change them; every change is
audited through gridgov.calendar.services.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from gridgov.access.admin_policy import PolicyPermissions
from gridgov.calendar.models import DayOverride, ScheduleDay, YearSchedule
from gridgov.calendar.schedule_text import parse_schedule_text
from gridgov.calendar.services import add_schedule_lines, delete_entry, save_entry

MANAGE_PERMISSION = "calendar.manage"


class _ManagedAdmin(PolicyPermissions, admin.ModelAdmin):
    policy_permission = MANAGE_PERMISSION

    def save_model(self, request, obj, form, change):
        save_entry(obj, request=request, created=not change, changed=list(form.changed_data))

    def delete_model(self, request, obj):
        delete_entry(obj, request=request)

    def delete_queryset(self, request, queryset):
        for entry in queryset:
            delete_entry(entry, request=request)


@admin.register(DayOverride)
class DayOverrideAdmin(_ManagedAdmin):
    list_display = ["date", "is_working", "name_zh", "name_en", "updated_at"]
    list_filter = ["is_working"]
    search_fields = ["name_zh", "name_en"]
    date_hierarchy = "date"
    ordering = ["-date"]


class ScheduleDayInline(PolicyPermissions, admin.TabularInline):
    policy_permission = MANAGE_PERMISSION
    model = ScheduleDay
    extra = 3
    fields = ["date", "kind", "name_zh", "name_en"]
    ordering = ["date"]


class YearScheduleForm(forms.ModelForm):
    paste_days = forms.CharField(
        label=_("Add days from text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "cols": 60}),
        help_text=_(
            "One line per date or range, copied from the notice, e.g. “2027-02-06..2027-02-12 holiday 春节” "
            "or “2027-02-14 workday 春节”. Listed dates replace the same dates below."
        ),
    )

    class Meta:
        model = YearSchedule
        fields = ["year", "published", "notice"]

    def clean(self):
        cleaned = super().clean()
        text = cleaned.get("paste_days") or ""
        year = cleaned.get("year")
        cleaned["parsed_days"] = []
        if text.strip() and year:
            try:
                cleaned["parsed_days"] = parse_schedule_text(year, text)
            except ValidationError as exc:
                self.add_error("paste_days", exc)
        return cleaned


@admin.register(YearSchedule)
class YearScheduleAdmin(_ManagedAdmin):
    form = YearScheduleForm
    inlines = [ScheduleDayInline]
    list_display = ["year", "published", "notice", "day_count", "updated_at"]
    list_filter = ["published"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("days")

    @admin.display(description=_("days listed"))
    def day_count(self, schedule):
        return len(schedule.days.all())

    def get_readonly_fields(self, request, obj=None):
        return ["year"] if obj is not None else []

    def save_formset(self, request, form, formset, change):
        for day in formset.save(commit=False):
            save_entry(day, request=request, created=day._state.adding, changed=[])
        for day in formset.deleted_objects:
            delete_entry(day, request=request)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        lines = form.cleaned_data.get("parsed_days") or []
        if lines:
            added, replaced = add_schedule_lines(form.instance, lines, request=request)
            self.message_user(
                request,
                _("Days from the text: %(added)s added, %(replaced)s replaced.")
                % {"added": added, "replaced": replaced},
                messages.SUCCESS,
            )
