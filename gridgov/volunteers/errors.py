"""The error every volunteers service raises when it refuses: the field and the reason, translated."""

from __future__ import annotations

from gridgov.errors import FieldError


class VolunteerError(FieldError):
    """A refused volunteers write ("" for the whole form)."""
