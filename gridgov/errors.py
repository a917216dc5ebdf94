"""The error every service raises when it refuses bad input: the field and the reason.

Each app names its own subclass (RegistryError, PatrolError, …) so that callers catch only the
refusals of the service they call; forms and APIs treat them alike (gridgov.web.form_errors).
"""

from __future__ import annotations

from typing import Any


class FieldError(ValueError):
    """A refused write: `field` names the input ("" or "__all__" for the whole form), `message`
    says why in the user's language, `code` tells programs the kind of refusal. Raised before
    anything changed, or inside the transaction that it rolls back."""

    def __init__(self, field: str, message: Any, code: str = "invalid") -> None:
        # Rendered now, in the language of the request that caused it.
        self.message = str(message)
        super().__init__(self.message)
        self.field = field
        self.code = code
