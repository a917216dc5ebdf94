"""Showing a service's refusal on the form the user filled in."""

from __future__ import annotations

from django import forms

from gridgov.errors import FieldError


def add_error(form: forms.Form, field: str | None, message: object, aliases: dict | None = None) -> None:
    """Put `message` next to the field it names (`aliases` maps service names to form fields),
    or above the form when the form has no such field."""
    field = (aliases or {}).get(field, field)
    form.add_error(field if field in form.fields else None, str(message))


def add_field_error(form: forms.Form, error: FieldError, aliases: dict | None = None) -> None:
    add_error(form, error.field, error.message, aliases)
