"""Rules tying a unit's code, level, kind and parent together (shared by import, admin and services)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from gridgov.geo.models import CODE_LENGTHS, Kind, Level

# Which local kinds belong at which level.
KIND_LEVELS: dict[str, int] = {
    Kind.DISTRICT: Level.DISTRICT,
    Kind.SUBDISTRICT: Level.STREET,
    Kind.TOWN: Level.STREET,
    Kind.SUMU: Level.STREET,
    Kind.TOWNSHIP: Level.STREET,
    Kind.COMMUNITY: Level.COMMUNITY,
    Kind.VILLAGE: Level.COMMUNITY,
    Kind.GACHA: Level.COMMUNITY,
    Kind.GRID: Level.GRID,
}


def parent_code_of(code: str) -> str | None:
    """The code of the parent a code implies (its prefix one level up), None for a district."""
    lengths = sorted(CODE_LENGTHS.values())
    shorter = [n for n in lengths if n < len(code)]
    return code[: shorter[-1]] if shorter else None


def code_problems(code: Any, level: Any, kind: Any, parent_code: Any) -> list[tuple[str, Any]]:
    """Everything wrong with this combination, as (field, reason) pairs; empty when it is consistent."""
    problems: list[tuple[str, Any]] = []
    level_ok = isinstance(level, int) and not isinstance(level, bool) and level in CODE_LENGTHS
    if not level_ok:
        problems.append(
            ("level", _("The level must be 1 (district), 2 (street), 3 (community) or 4 (grid)."))
        )
    if not isinstance(code, str) or not code.isascii() or not code.isdigit():
        problems.append(("code", _("The code must be a string of digits.")))
        code = None
    elif level_ok and len(code) != CODE_LENGTHS[level]:
        problems.append(
            (
                "code",
                _("A code at level %(level)s must have %(length)s digits.")
                % {"level": level, "length": CODE_LENGTHS[level]},
            )
        )
        code = None
    if kind not in KIND_LEVELS:
        problems.append(("kind", _("Unknown kind of unit.")))
    elif level_ok and KIND_LEVELS[kind] != level:
        problems.append(("kind", _("This kind of unit does not belong at this level.")))
    if level_ok and level == Level.DISTRICT:
        if parent_code not in (None, ""):
            problems.append(("parent_code", _("A district has no parent.")))
    elif level_ok:
        if not parent_code:
            problems.append(("parent_code", _("The parent code is required below the district level.")))
        elif code is not None and parent_code != parent_code_of(code):
            problems.append(("parent_code", _("The parent code must be the code's prefix one level up.")))
    return problems
