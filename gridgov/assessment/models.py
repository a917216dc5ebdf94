"""Indicator weights per assessed kind, and monthly assessments frozen as snapshots."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    WORKER = "worker", _("Grid worker")
    GRID = "grid", _("Grid")
    COMMUNITY = "community", _("Community")
    STREET = "street", _("Street")
    DEPARTMENT = "department", _("Department")


class WeightSet(models.Model):
    """The weight of one indicator in the score of one assessed kind (defaults: weights.DEFAULTS)."""

    kind = models.CharField(_("assessed kind"), max_length=12, choices=Kind.choices)
    indicator = models.CharField(_("indicator"), max_length=40)
    weight = models.PositiveSmallIntegerField(_("weight"))

    class Meta:
        verbose_name = _("indicator weight")
        verbose_name_plural = _("indicator weights")
        ordering = ["kind", "-weight", "indicator"]
        constraints = [models.UniqueConstraint(fields=["kind", "indicator"], name="assessment_weight_unique")]

    def __str__(self) -> str:
        return f"{self.kind} {self.indicator} {self.weight}"


class RunState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class AssessmentRun(models.Model):
    """One month's assessment of one kind within one area: rows frozen when it is made."""

    kind = models.CharField(_("assessed kind"), max_length=12, choices=Kind.choices)
    month = models.DateField(_("month"))  # the first day of the month
    area_path = models.CharField(_("area"), max_length=40)
    state = models.CharField(_("state"), max_length=10, choices=RunState.choices, default=RunState.DRAFT)
    weights = models.JSONField(_("weights"), default=dict)  # {indicator: weight} used
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)

    scope_path_field = "area_path"

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["-month", "kind", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} {self.month:%Y-%m} ({self.state})"


class AssessmentRow(models.Model):
    """One assessed entity of a run: values, score, grade, rank and the cases behind each figure."""

    run = models.ForeignKey(AssessmentRun, on_delete=models.CASCADE, related_name="rows")
    entity = models.CharField(max_length=40)  # user id, org unit id or department id
    label = models.CharField(max_length=150)
    path = models.CharField(max_length=40, blank=True)  # the org path of the entity (scoping)
    values = models.JSONField(default=dict)  # {indicator: {"value", "numerator", "denominator"}}
    score = models.FloatField(null=True)
    grade = models.CharField(max_length=1, blank=True)
    rank = models.PositiveIntegerField(null=True)
    # {indicator: {"numerator": [ids], "denominator": [ids]}}: the explanation stays put. Case ids
    # for case indicators; household (+ "visits"), person or campaign progress ids (+ "progress":
    # {id: [done, total]}) for the field-work ones (assessment.drilldown.frozen_ids).
    case_ids = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("assessment row")
        verbose_name_plural = _("assessment rows")
        ordering = ["run", "rank", "label"]
        constraints = [models.UniqueConstraint(fields=["run", "entity"], name="assessment_row_unique")]

    def __str__(self) -> str:
        return f"{self.run_id} {self.label}"
