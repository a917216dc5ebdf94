"""Formatting of indicator figures in the assessment pages."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext as _

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
def part(value, indicator=None) -> str:
    """A numerator or denominator: whole numbers as they are, others to one decimal. The numerator
    of an hours indicator is a sum of seconds; it is shown in hours."""
    if value is None:
        return ""
    if indicator is not None:
        unit = (BY_CODE.get(indicator) if isinstance(indicator, str) else indicator).unit
        if unit == HOURS:
            return _("%(hours)s h") % {"hours": f"{value / 3600:.1f}"}
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"
