"""Calendar data entered by officials: single-day overrides and whole-year holiday schedules."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class DayOverride(models.Model):
    """One date whose status is decided locally (a district holiday, an extra working day).

    Wins over every schedule and the library.
    """

    date = models.DateField(_("date"), unique=True)
    is_working = models.BooleanField(_("working day"))
    name_zh = models.CharField(_("name (Chinese)"), max_length=100, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("day override")
        verbose_name_plural = _("day overrides")

    def __str__(self) -> str:
        name = self.name_zh or self.name_en
        return f"{self.date:%Y-%m-%d} {name}".strip()


class YearSchedule(models.Model):
    """The State Council's holiday arrangement for one year, as entered by an official.

    Only a published schedule is used; a draft lets the official enter it day by day first.
    """

    year = models.PositiveSmallIntegerField(
        _("year"), unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    published = models.BooleanField(
        _("published"), default=False, help_text=_("Only a published schedule is used for deadlines.")
    )
    notice = models.CharField(
        _("notice"),
        max_length=200,
        blank=True,
        help_text=_("Title or number of the State Council notice this schedule comes from."),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("year schedule")
        verbose_name_plural = _("year schedules")

    def __str__(self) -> str:
        return str(self.year)


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("holiday (day off)")
    WORKDAY = "workday", _("make-up working day")


class ScheduleDay(models.Model):
    """One holiday or make-up working day of a year schedule; any other date is Mon–Fri."""

    schedule = models.ForeignKey(
        YearSchedule, on_delete=models.CASCADE, related_name="days", verbose_name=_("schedule")
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=10, choices=DayKind.choices)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100, blank=True)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["schedule", "date"], name="calendar_scheduleday_unique")
        ]
        verbose_name = _("schedule day")
        verbose_name_plural = _("schedule days")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()}"

    def clean(self) -> None:
        super().clean()
        # The admin's inline sets an unsaved schedule on new days: compare with its year too.
        schedule = self.schedule if self.schedule_id or "schedule" in self._state.fields_cache else None
        if self.date and schedule is not None and schedule.year and self.date.year != schedule.year:
            raise ValidationError(
                {
                    "date": _("The date %(date)s is not in the schedule's year %(year)s.")
                    % {"date": self.date.isoformat(), "year": schedule.year}
                }
            )


class CalendarVersion(models.Model):
    """A single row counting calendar changes, so every process knows when to drop its cache."""

    version = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("calendar version")

    def __str__(self) -> str:
        return f"calendar v{self.version}"
