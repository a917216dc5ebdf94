"""The coded case taxonomy, its time limits and the responsibility list (权责清单)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gridgov.access.models import Department
from gridgov.geo.models import OrgUnit


class Urgency(models.TextChoices):
    NORMAL = "normal", _("Normal")
    URGENT = "urgent", _("Urgent")
    CRITICAL = "critical", _("Critical")


class Stage(models.TextChoices):
    """The timed stages of a case; each has a limit per category and urgency."""

    REGISTER = "register", pgettext_lazy("case stage", "Register")
    DISPATCH = "dispatch", _("Dispatch")
    HANDLE = "handle", _("Handle")
    VERIFY = "verify", pgettext_lazy("case stage", "Verify")


class LimitUnit(models.TextChoices):
    WORKING_HOURS = "hours", _("working hours")
    WORKING_DAYS = "days", _("working days")
    # Emergencies are answered at night and on holidays too: their clock never stops.
    CLOCK_HOURS = "clock_hours", _("hours, around the clock")


class Category(models.Model):
    """A category (two-digit code) or sub-category (four digits) of case."""

    code = models.CharField(_("code"), max_length=8, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    name_zh = models.CharField(_("Chinese name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=150, blank=True)
    # Cases of non-public categories (disputes, public security, anything about a person) never
    # appear on public maps or feeds.
    is_public = models.BooleanField(_("public"), default=True)
    # Overdue cases of this category go up one level automatically.
    auto_escalate = models.BooleanField(_("escalate automatically when overdue"), default=False)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("case category")
        verbose_name_plural = _("case categories")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name_zh}"

    def name_for(self, language: str | None) -> str:
        if language and language.startswith("en") and self.name_en:
            return self.name_en
        return self.name_zh


class TimeLimit(models.Model):
    category = models.ForeignKey(Category, on_delete=models.CASCADE, related_name="limits")
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices)
    stage = models.CharField(_("stage"), max_length=10, choices=Stage.choices)
    amount = models.PositiveIntegerField(_("limit"))
    unit = models.CharField(
        _("unit"), max_length=12, choices=LimitUnit.choices, default=LimitUnit.WORKING_HOURS
    )

    class Meta:
        verbose_name = _("time limit")
        verbose_name_plural = _("time limits")
        constraints = [
            models.UniqueConstraint(fields=["category", "urgency", "stage"], name="cases_limit_unique"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="cases_limit_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.category.code} {self.urgency} {self.stage}: {self.amount} {self.unit}"


class ResponsibilityRule(models.Model):
    """Cases of `category` (and its sub-categories) inside `area` go to `department` or `handling_unit`.

    The most specific rule wins: the deepest area, then the most specific category.
    """

    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.CASCADE, related_name="rules"
    )
    area = models.ForeignKey(OrgUnit, verbose_name=_("area"), on_delete=models.PROTECT, related_name="+")
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    handling_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("handling unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_active = models.BooleanField(_("active"), default=True)

    # access.scoped() filters on this field.
    scope_path_field = "area__path"

    class Meta:
        verbose_name = _("responsibility rule")
        verbose_name_plural = _("responsibility list")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(department__isnull=False, handling_unit__isnull=True)
                | models.Q(department__isnull=True, handling_unit__isnull=False),
                name="cases_rule_one_handler",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category} @ {self.area.name_zh} → {self.department or self.handling_unit}"
