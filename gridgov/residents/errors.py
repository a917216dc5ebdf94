"""The error every resident-account action raises: the field it concerns and why."""

from __future__ import annotations

from typing import Any


class ResidentError(ValueError):
    """An action refused: `field` names the input ("phone", "code", "display_name", "name",
    "id_number"), `code` the reason (stable, for programs), `message` says it to the user in the
    active language. Nothing was changed, except the counters the limits need."""

    def __init__(self, field: str, message: Any, code: str = "invalid") -> None:
        super().__init__(str(message))
        self.field = field
        self.message = str(message)
        self.code = code
