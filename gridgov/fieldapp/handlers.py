"""Registry of the record kinds the field app can submit through the sync protocol.

The sync endpoint (``POST /field/api/sync/``) receives submissions
``{"key": <uuid4>, "kind": "<app>.<thing>", "made_at": <ISO time>, "body": {...}}`` and hands
each body to the handler registered for its kind. An app plugs a kind in from its
``AppConfig.ready()``::

    from gridgov.fieldapp.handlers import SubmissionRejected, register

    def handle_visit(user, body: dict, *, made_at):
        ...  # validate, then create the record through the app's own service
        return visit                       # a model instance

    register("patrol.visit", handle_visit)

Contract of a handler ``handler(user, body, *, made_at) -> object``:

- It runs inside the transaction of the submission (``transaction.atomic``), so whatever it
  writes commits together with the ``Submission`` row, or not at all. It must not commit,
  and must not catch ``IntegrityError`` / ``DatabaseError`` for itself.
- It creates the record through the owning app's service (which checks permissions and
  scope for ``user`` and audits the write) and returns it. The returned object's ``pk``,
  ``_meta.label_lower`` and ``str()`` make the reference sent back to the device
  (``{"type": "cases.case", "id": 42, "label": "..."}``). Returning ``None`` is allowed for
  kinds that create nothing addressable (the ref is then null).
- ``made_at`` is the timezone-aware moment the worker made the entry on the device (already
  parsed; never in the future by more than a small clock skew).
- For bad input or a refused action it raises ``SubmissionRejected({field: [messages]})``
  with messages in the user's language (``gettext``); use the key ``"__all__"`` for errors
  that belong to no single field. Nothing it wrote is kept (the transaction rolls back), the
  rejection is stored and answered identically on a retry of the same key.
- Any other exception is a server bug: the submission is not stored, the device keeps it in
  its outbox and retries later.

Keys: ``"<app label>.<noun>"``, e.g. ``case.report``, ``patrol.visit``, ``patrol.checkin``.
Registering the same kind twice with a different handler raises ``ImproperlyConfigured``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured


class Handler(Protocol):
    def __call__(self, user: Any, body: dict, *, made_at: datetime) -> object: ...


class SubmissionRejected(Exception):
    """Bad input for a submission: ``errors`` maps a body field (or "__all__") to messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = {str(field): [str(m) for m in messages] for field, messages in errors.items()}
        super().__init__(self.errors)


_handlers: dict[str, Callable[..., object]] = {}


def register(kind: str, handler: Callable[..., object]) -> None:
    """Make ``kind`` submittable; called from an AppConfig.ready()."""
    existing = _handlers.get(kind)
    if existing is not None and existing is not handler:
        raise ImproperlyConfigured(f"Field submission kind {kind!r} is already registered.")
    _handlers[kind] = handler


def unregister(kind: str) -> None:
    """Remove a kind (tests that register a throw-away kind clean up with this)."""
    _handlers.pop(kind, None)


def handler_for(kind: str) -> Callable[..., object] | None:
    return _handlers.get(kind)


def kinds() -> list[str]:
    return sorted(_handlers)
