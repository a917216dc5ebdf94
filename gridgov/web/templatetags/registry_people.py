"""Display helpers of the person and household pages."""

from __future__ import annotations

from datetime import date

from django import template
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

register = template.Library()


@register.filter
def age(birth_date: date | None) -> int | str:
    """Full years on today's local date ("" when the birth date is unknown)."""
    if birth_date is None:
        return ""
    today = timezone.localdate()
    return today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))


@register.simple_tag
def registry_url(name: str, pk: int | None) -> str:
    """The address of another registry page (`registry:<name>` of `pk`), or "" when there is no
    record or that page is not installed: the building and house pages are a separate module."""
    if pk is None:
        return ""
    try:
        return reverse(f"registry:{name}", args=[pk])
    except NoReverseMatch:
        return ""
