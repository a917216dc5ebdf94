"""Notifications about cases (in-app inbox and e-mail). Filled in by the notifications work."""

from __future__ import annotations


def case_event(case_id: int, event: str) -> None:
    """Tell the people concerned that `event` happened to case `case_id` (runs after commit)."""
