"""Display helpers of the building, house, organization, component and quality pages."""

from __future__ import annotations

from django import template
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext as _

from gridgov.people.models import HouseUse

register = template.Library()

# A letter per house use, so that the building view reads without colour too.
USE_LETTERS = {
    HouseUse.SELF_OCCUPIED: pgettext_lazy("house use letter", "S"),
    HouseUse.RENTED: pgettext_lazy("house use letter", "R"),
    HouseUse.VACANT: pgettext_lazy("house use letter", "V"),
    HouseUse.COMMERCIAL: pgettext_lazy("house use letter", "C"),
}


@register.filter
def use_letter(use: str) -> str:
    letter = USE_LETTERS.get(use)  # type: ignore[call-overload]
    return str(letter) if letter else "?"


@register.filter
def use_label(use: str) -> str:
    return str(HouseUse(use).label) if use in HouseUse.values else use


@register.filter
def floor_label(floor: int) -> str:
    """ "5F" above ground, "B1" for the first basement floor."""
    return _("B%(n)s") % {"n": -floor} if floor < 0 else _("%(n)sF") % {"n": floor}


@register.filter
def tag_name(tag) -> str:
    """A tag's (or a TagCount's) name in the active language."""
    english: str = getattr(tag, "name_en", "")
    if english and (get_language() or "").startswith("en"):
        return english
    return tag.name_zh


@register.filter
def yes_no_unknown(value: bool | None) -> str:
    if value is None:
        return "—"
    return _("Yes") if value else _("No")
