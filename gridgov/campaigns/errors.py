"""Errors of the campaign services: each names the input field and says why, in the user's language."""

from __future__ import annotations

from typing import Any

ALL = "__all__"  # an error that belongs to no single field


class CampaignError(ValueError):
    """A refused write: `field` names the input, `message` says why (translated); nothing changed."""

    def __init__(self, field: str, message: Any, code: str = "invalid") -> None:
        super().__init__(str(message))
        self.field = field
        self.message = message
        self.code = code


class CampaignDenied(CampaignError):
    """The actor may not do this (there). Carries what rights.atomic_action records in the
    audit log once the action's transaction has rolled back."""

    def __init__(self, message: Any, *, actor=None, action: str = "", details: dict | None = None) -> None:
        super().__init__(ALL, message, "not_allowed")
        self.actor = actor
        self.action = action
        self.details = details or {}
