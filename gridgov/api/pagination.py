"""Limit/offset pagination that refuses bad values instead of silently using defaults."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import LimitOffsetPagination


def _whole_number(request, name: str, *, minimum: int) -> int | None:
    values = request.query_params.getlist(name)
    if not values:
        return None
    if len(values) > 1:
        raise ValidationError({name: [_("Give this parameter once.")]})
    try:
        number = int(values[0])
    except ValueError:
        raise ValidationError({name: [_("Must be a whole number.")]}) from None
    if number < minimum:
        raise ValidationError({name: [_("Must be at least %(minimum)d.") % {"minimum": minimum}]})
    return number


class StrictLimitOffsetPagination(LimitOffsetPagination):
    default_limit = 100
    max_limit = 1000

    def get_limit(self, request) -> int:
        limit = _whole_number(request, self.limit_query_param, minimum=1)
        return self.default_limit if limit is None else min(limit, self.max_limit)

    def get_offset(self, request) -> int:
        return _whole_number(request, self.offset_query_param, minimum=0) or 0
