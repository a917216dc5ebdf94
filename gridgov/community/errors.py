"""The error every community action raises on bad input or a refused step."""

from __future__ import annotations

from gridgov.errors import FieldError


class CommunityError(FieldError):
    """A community write refused ("" for the whole form)."""
