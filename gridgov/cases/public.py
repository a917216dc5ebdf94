"""What the public may see of cases: the rule shared by the public map, the resident portal's
view of followed cases and Open311.

A case is public when its category (and the category's parent) is public and it is not a
rejected report or a merged duplicate. The public see its number, category, state, place,
times and the public timeline: the steps it went through, with the note only of the steps whose
note is written for the reporter (the handling result, a rejection or merge reason, a closing
note). Nobody's name, phone or account appears; identifiers typed into free text are masked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet

from gridgov.cases.models import Case, TimelineEntry
from gridgov.cases.states import State
from gridgov.people.log_masking import mask_identifiers

# Steps shown on a public timeline, and those whose note is shown with them.
PUBLIC_ACTIONS = frozenset(
    {
        "report",
        "register",
        "dispatch",
        "accept",
        "handle",
        "verify",
        "reopen",
        "close",
        "escalate",
        "suspend",
        "resume",
        "not_fixed",
    }
)
PUBLIC_NOTE_ACTIONS = frozenset({"handle", "close"})


def public_cases() -> QuerySet[Case]:
    """Cases anyone may see (no jurisdiction: the public map covers the whole district)."""
    return Case.objects.filter(category__is_public=True).exclude(
        Q(category__parent__is_public=False) | Q(state__in=(State.REJECTED, State.MERGED))
    )


def public_text(text: str) -> str:
    """Free text as the public may read it: ID numbers and mobiles masked."""
    return mask_identifiers(text)


@dataclass(frozen=True)
class PublicStep:
    at: datetime
    action: str
    to_state: str
    note: str


def public_timeline(case: Case) -> list[PublicStep]:
    """The public steps of a case, oldest first (one query)."""
    entries = TimelineEntry.objects.filter(case=case, action__in=PUBLIC_ACTIONS).order_by("at", "id")
    return [
        PublicStep(
            at=entry.at,
            action=entry.action,
            to_state=entry.to_state,
            note=public_text(entry.note) if entry.action in PUBLIC_NOTE_ACTIONS else "",
        )
        for entry in entries
    ]
