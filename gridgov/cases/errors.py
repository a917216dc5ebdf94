"""Errors of the case workflow, each with a code, a translatable message and (for bad input) a field."""

from __future__ import annotations

from typing import Any


class WorkflowError(Exception):
    code = "workflow_error"

    def __init__(self, message: Any, *, field: str | None = None, code: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        self.field = field
        if code:
            self.code = code


class InvalidInput(WorkflowError):
    """Bad input: `field` names what is wrong (HTTP 400)."""

    code = "invalid"


class NotAllowed(WorkflowError):
    """The actor may not take this action on this case (HTTP 403)."""

    code = "not_allowed"


class CaseNotFound(WorkflowError):
    """No such case, or none the actor may see (HTTP 404; the two are not told apart)."""

    code = "not_found"


class Conflict(WorkflowError):
    """The case changed meanwhile or is in a state where the action does not apply (HTTP 409)."""

    code = "conflict"


class IdempotencyMismatch(WorkflowError):
    """An idempotency key reused with a different request (HTTP 422)."""

    code = "idempotency_mismatch"
