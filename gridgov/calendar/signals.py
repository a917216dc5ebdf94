"""Keep the in-process calendar cache in step with the calendar tables."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save

from gridgov.calendar.models import DayOverride, ScheduleDay, YearSchedule


def _calendar_changed(sender, **kwargs) -> None:
    from gridgov.calendar.days import bump_calendar_version

    bump_calendar_version()


def connect() -> None:
    for model in (DayOverride, YearSchedule, ScheduleDay):
        post_save.connect(
            _calendar_changed, sender=model, dispatch_uid=f"calendar-changed-save-{model.__name__}"
        )
        post_delete.connect(
            _calendar_changed, sender=model, dispatch_uid=f"calendar-changed-delete-{model.__name__}"
        )
