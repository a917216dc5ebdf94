"""Small display filters for gridgov pages."""

from __future__ import annotations

from datetime import timedelta

from django import template
from django.utils.formats import number_format
from django.utils.translation import get_language

from gridgov.access.display import display_name
from gridgov.access.roles import Role

register = template.Library()


@register.filter
def km2(area_m2: float | None) -> str:
    """Square metres shown as square kilometres with two decimals ("—" when unknown)."""
    if area_m2 is None:
        return "—"
    # number_format truncates extra decimals; round first so 57.375 shows as 57.38.
    return number_format(round(area_m2 / 1_000_000, 2), decimal_pos=2, use_l10n=True, force_grouping=True)


@register.filter
def minutes(delta: timedelta | None) -> int:
    """Whole minutes of a timedelta (0 when missing)."""
    if not delta:
        return 0
    return int(delta.total_seconds() // 60)


@register.filter
def local_name(named) -> str:
    """An org unit's or department's name in the active language (Chinese when no English name)."""
    if named is None:
        return ""
    english = getattr(named, "name_en", "")
    if english and (get_language() or "").startswith("en"):
        return english
    return named.name_zh


@register.filter
def person_name(user) -> str:
    """A user's name in the local order (see access.display.display_name)."""
    return display_name(user)


@register.filter
def role_labels(codes: str) -> str:
    """Comma-separated role codes (as the audit log stores them) shown as their labels."""
    labels = [str(Role(code).label) if code in Role.values else code for code in codes.split(",") if code]
    separator = ", " if (get_language() or "").startswith("en") else "、"
    return separator.join(labels) or "—"
