"""The error every resident-account action raises: the field it concerns and why."""

from __future__ import annotations

from gridgov.errors import FieldError


class ResidentError(FieldError):
    """An action refused: `field` is "phone", "code", "display_name", "name" or "id_number".
    Nothing was changed, except the counters the limits need."""
