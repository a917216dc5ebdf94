"""Indicator weights are edited in the admin; snapshots are read-only there."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from gridgov.assessment.indicators import INDICATORS
from gridgov.assessment.models import AssessmentRun, WeightSet


class WeightForm(forms.ModelForm):
    indicator = forms.ChoiceField(label=_("indicator"), choices=[(i.code, i.label) for i in INDICATORS])

    class Meta:
        model = WeightSet
        fields = ["kind", "indicator", "weight"]


@admin.register(WeightSet)
class WeightSetAdmin(admin.ModelAdmin):
    form = WeightForm
    list_display = ["kind", "indicator", "weight"]
    list_filter = ["kind"]
    list_editable = ["weight"]


@admin.register(AssessmentRun)
class AssessmentRunAdmin(admin.ModelAdmin):
    list_display = ["kind", "month", "area_path", "state", "created_by", "published_at"]
    list_filter = ["kind", "state"]
    readonly_fields = [
        "kind",
        "month",
        "area_path",
        "state",
        "weights",
        "created_by",
        "published_by",
        "published_at",
    ]

    def has_add_permission(self, request) -> bool:
        return False
