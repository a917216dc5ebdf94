"""Keep case facts current: every timeline entry schedules one refresh of its case on commit."""

from __future__ import annotations

from gridgov.analytics.facts import schedule_refresh


def timeline_saved(sender, instance, created, raw=False, **kwargs) -> None:
    if raw:  # loaddata: the facts are rebuilt with manage.py rebuild_facts
        return
    schedule_refresh(instance.case_id)
