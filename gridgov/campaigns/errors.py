"""Errors of the campaign services: each names the input field and says why, in the user's language."""

from __future__ import annotations

from typing import Any

from gridgov.errors import FieldError

ALL = "__all__"  # an error that belongs to no single field


class CampaignError(FieldError):
    """A refused campaign write; nothing changed."""


class CampaignDenied(CampaignError):
    """The actor may not do this (there). Carries what rights.atomic_action records in the
    audit log once the action's transaction has rolled back."""

    def __init__(self, message: Any, *, actor=None, action: str = "", details: dict | None = None) -> None:
        super().__init__(ALL, message, "not_allowed")
        self.actor = actor
        self.action = action
        self.details = details or {}
