"""The one error of the Open311 app: an HTTP status and a description for the spec's error body."""

from __future__ import annotations


class Open311Error(Exception):
    """Answered as [{"code": status, "description": …}] with HTTP `status` (400, 403, 404, 429)."""

    def __init__(self, status: int, description: str, *, field: str = "") -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.field = field
