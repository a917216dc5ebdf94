"""The error every community action raises on bad input or a refused step."""

from __future__ import annotations


class CommunityError(ValueError):
    """A community write refused: `field` names the input ("" for the whole form), `message`
    says why in the user's language, `code` tells callers the kind of refusal."""

    def __init__(self, field: str, message: str, code: str = "invalid") -> None:
        super().__init__(message)
        self.field = field
        self.message = message
        self.code = code
