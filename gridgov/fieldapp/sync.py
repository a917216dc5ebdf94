"""The sync protocol: each submission from the device processed once, whatever the retries.

`process(user, item)` answers one submission ``{"key", "kind", "made_at", "body"}`` with
``{"key", "status", "ref", "errors"}`` where status is created | duplicate | conflict | rejected
(see docs/field-app.md). Each submission runs in its own transaction; the Submission row is
inserted in the transaction of the record its handler creates, and the unique (user, key)
constraint turns a concurrent retry into a replay.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from gridgov.audit.log import record
from gridgov.fieldapp.handlers import SubmissionRejected, handler_for
from gridgov.fieldapp.models import Submission, SubmissionConflict, SubmissionStatus

CREATED = "created"
DUPLICATE = "duplicate"
CONFLICT = "conflict"
REJECTED = "rejected"

# A device clock may run a little fast; a time further ahead than this is refused.
CLOCK_SKEW = timedelta(minutes=10)


def body_hash(kind: str, made_at: str, body: Any) -> str:
    """sha256 of the canonical JSON (sorted keys, no spaces, UTF-8) of what the device sent."""
    canonical = json.dumps(
        {"kind": kind, "made_at": made_at, "body": body},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def process(user, item: Any) -> dict:
    """Answer one submission; never raises for bad input (the answer says what is wrong)."""
    key_text = str(item.get("key", "")) if isinstance(item, dict) else ""
    try:
        key, kind, made_at, body = _envelope(item)
    except SubmissionRejected as rejection:
        # Nothing stored: without a valid envelope there is nothing to replay against.
        return _answer(key_text, REJECTED, errors=rejection.errors)
    digest = body_hash(kind, item["made_at"], body)
    stored = Submission.objects.filter(user=user, key=key).first()
    if stored is not None:
        return _replay(user, stored, digest)
    try:
        return _first_time(user, key, kind, made_at, body, digest)
    except IntegrityError:
        # Another request with the same key committed first (two tabs, a retry racing the
        # original): answer as its replay. An IntegrityError of anything else is a real error.
        stored = Submission.objects.filter(user=user, key=key).first()
        if stored is None:
            raise
        return _replay(user, stored, digest)


def _envelope(item: Any) -> tuple[uuid.UUID, str, datetime, dict]:
    if not isinstance(item, dict):
        raise SubmissionRejected({"__all__": [_("A submission must be a JSON object.")]})
    errors: dict[str, list[str]] = {}
    try:
        key = uuid.UUID(str(item.get("key", "")))
    except ValueError:
        errors["key"] = [_("The key must be a UUID.")]
    kind = item.get("kind")
    if not isinstance(kind, str) or handler_for(kind) is None:
        errors["kind"] = [_("Unknown kind of submission.")]
    made_at = parse_datetime(item["made_at"]) if isinstance(item.get("made_at"), str) else None
    if made_at is None:
        errors["made_at"] = [_("Give the time the entry was made as an ISO 8601 date and time.")]
    else:
        if timezone.is_naive(made_at):
            made_at = timezone.make_aware(made_at)
        if made_at > timezone.now() + CLOCK_SKEW:
            errors["made_at"] = [
                _("The time the entry was made lies in the future; check the phone's clock.")
            ]
    body = item.get("body")
    if not isinstance(body, dict):
        errors["body"] = [_("The body must be a JSON object.")]
    if errors:
        raise SubmissionRejected(errors)
    return key, kind, made_at, body  # type: ignore[return-value]


def _first_time(user, key: uuid.UUID, kind: str, made_at: datetime, body: dict, digest: str) -> dict:
    handler = handler_for(kind)
    assert handler is not None  # _envelope checked it
    fields = {"user": user, "key": key, "kind": kind, "body_hash": digest, "made_at": made_at}
    try:
        with transaction.atomic():
            created = handler(user, body, made_at=made_at)
            stored = Submission.objects.create(
                status=SubmissionStatus.CREATED, **fields, **_ref_fields(created)
            )
    except SubmissionRejected as rejection:
        # The handler's writes are rolled back; the refusal is kept so that a retry answers the same.
        with transaction.atomic():
            stored = Submission.objects.create(
                status=SubmissionStatus.REJECTED, errors=rejection.errors, **fields
            )
        return _answer(str(key), REJECTED, errors=stored.errors)
    return _answer(str(key), CREATED, ref=_ref(stored))


def _replay(user, stored: Submission, digest: str) -> dict:
    if stored.body_hash != digest:
        with transaction.atomic():
            SubmissionConflict.objects.create(submission=stored, body_hash=digest)
            record(
                "fieldapp.conflict",
                actor=user,
                target=stored,
                details={
                    "kind": stored.kind,
                    "key": str(stored.key),
                    "held": stored.body_hash,
                    "sent": digest,
                },
            )
        answer = _answer(
            str(stored.key),
            CONFLICT,
            ref=_ref(stored),
            errors={
                "key": [_("This key was already used for a different entry; the server kept the first one.")]
            },
        )
        answer["server"] = {
            "status": stored.status,
            "kind": stored.kind,
            "made_at": stored.made_at.isoformat(),
            "received_at": stored.received_at.isoformat(),
            "errors": stored.errors,
        }
        return answer
    if stored.status == SubmissionStatus.REJECTED:
        return _answer(str(stored.key), REJECTED, errors=stored.errors)
    return _answer(str(stored.key), DUPLICATE, ref=_ref(stored))


def _ref_fields(created: object) -> dict[str, str]:
    if created is None or getattr(created, "pk", None) is None:
        return {}
    return {
        "ref_type": created._meta.label_lower,  # type: ignore[attr-defined]
        "ref_id": str(created.pk),  # type: ignore[attr-defined]
        "ref_label": str(created)[:200],
    }


def _ref(stored: Submission) -> dict | None:
    if not stored.ref_type:
        return None
    ref_id: int | str = int(stored.ref_id) if stored.ref_id.isdigit() else stored.ref_id
    return {"type": stored.ref_type, "id": ref_id, "label": stored.ref_label}


def _answer(key: str, status: str, *, ref: dict | None = None, errors: dict | None = None) -> dict:
    return {"key": key, "status": status, "ref": ref, "errors": errors or {}}
