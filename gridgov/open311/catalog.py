"""The services an Open311 client sees: active public sub-categories of the case taxonomy,
and the attributes a request may carry."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from gridgov.cases.models import Category, Urgency
from gridgov.open311.errors import Open311Error

# Urgencies a client may ask for; "critical" is the command center's call.
CLIENT_URGENCIES = (Urgency.NORMAL, Urgency.URGENT)


def public_services() -> QuerySet[Category]:
    """Active public sub-categories whose parent is active and public, by code."""
    return (
        Category.objects.filter(
            parent__isnull=False,
            is_active=True,
            is_public=True,
            parent__is_active=True,
            parent__is_public=True,
        )
        .select_related("parent")
        .order_by("code")
    )


def service_for(code: str | None) -> Category:
    """The public service with this code; raises Open311Error 404."""
    category = public_services().filter(code=(code or "").strip()).first()
    if category is None:
        raise Open311Error(404, _("Unknown service_code."), field="service_code")
    return category


def service_entry(category: Category, language: str) -> dict[str, Any]:
    parent = category.parent
    assert parent is not None  # public_services() lists sub-categories only
    return {
        "service_code": category.code,
        "service_name": category.name_for(language),
        "description": "",
        "metadata": True,  # every service has the urgency attribute
        "type": "realtime",
        # Both names of the service and its group, so clients can match in either language.
        "keywords": ", ".join(
            dict.fromkeys(filter(None, [category.name_zh, category.name_en, parent.name_zh]))
        ),
        "group": parent.name_for(language),
    }


def service_definition(category: Category) -> dict[str, Any]:
    return {
        "service_code": category.code,
        "attributes": [
            {
                "variable": True,
                "code": "urgency",
                "datatype": "singlevaluelist",
                "required": False,
                "datatype_description": _("Normal unless the problem is a danger now."),
                "order": 1,
                "description": _("Urgency"),
                "values": [{"key": value, "name": str(Urgency(value).label)} for value in CLIENT_URGENCIES],
            }
        ],
    }


def urgency_from(attributes: dict[str, str]) -> str:
    """The urgency of attribute[urgency] (default normal); raises Open311Error 400."""
    urgency = (attributes.get("urgency") or Urgency.NORMAL).strip()
    if urgency not in CLIENT_URGENCIES:
        raise Open311Error(
            400,
            _("attribute[urgency] must be one of: %(values)s.") % {"values": ", ".join(CLIENT_URGENCIES)},
            field="attribute[urgency]",
        )
    unknown = sorted(set(attributes) - {"urgency"})
    if unknown:
        raise Open311Error(
            400, _("Unknown attribute: %(codes)s.") % {"codes": ", ".join(unknown)}, field="attribute"
        )
    return urgency
