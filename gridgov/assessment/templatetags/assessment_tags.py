"""Formatting of indicator figures in the assessment pages."""

from __future__ import annotations

from django import template

from gridgov.assessment.indicators import BY_CODE, HOURS, PERCENT

register = template.Library()


def _format(value, unit: str) -> str:
    if value is None:
        return "—"
    if unit == PERCENT:
        return f"{value * 100:.1f}%"
    if unit == HOURS:
        return f"{value:.1f}"
    return f"{value:g}"


@register.filter
def figure(value, indicator) -> str:
    """`value` of `indicator` (an Indicator or its code) for display: 87.5% / 12.3 / 4."""
    unit = (BY_CODE.get(indicator) if isinstance(indicator, str) else indicator).unit
    return _format(value, unit)


@register.filter
def part(value) -> str:
    if value is None:
        return ""
    return f"{value:g}"
