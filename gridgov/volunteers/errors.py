"""The error every volunteers service raises when it refuses: the field and the reason, translated."""

from __future__ import annotations

from typing import Any


class VolunteerError(ValueError):
    """A refused write: `field` names the input ("" for the whole form), `message` says why.

    Raised before anything changed, or inside the transaction that it rolls back.
    """

    def __init__(self, field: str, message: Any, code: str = "invalid") -> None:
        super().__init__(str(message))
        self.field = field
        self.message = message
        self.code = code
