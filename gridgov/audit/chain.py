"""Hash chain of the audit log: sealing and verification.

Each sealed row carries seq (1, 2, 3 … without gaps), prev_hash (the hash of seq - 1, '' for
seq 1) and hash = sha256(prev_hash + canonical JSON of the row's content). Editing a row breaks
its hash, deleting one leaves a gap and a broken link, inserting one duplicates a seq or breaks a
link. Writers never wait for the chain: record() only INSERTs and sealing happens after commit,
under one lock so that two sealers cannot fork the chain.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any

from django.conf import settings
from django.db import OperationalError, connections, router, transaction
from django.utils import timezone

from gridgov.audit import guard
from gridgov.audit.models import AuditEntry, ChainHead

logger = logging.getLogger(__name__)

# Session-wide key of the PostgreSQL advisory lock that serializes sealers.
_PG_LOCK_KEY = zlib.crc32(b"gridgov.audit.chain")
# Fields fetched to compute a row's hash (and nothing more: verify streams millions of rows).
_HASHED_FIELDS = (
    "id",
    "seq",
    "at",
    "actor_id",
    "actor_name",
    "roles",
    "action",
    "target_type",
    "target_id",
    "target_repr",
    "outcome",
    "client_ip",
    "details",
)


def canonical_content(entry: AuditEntry) -> str:
    """The row's content as canonical JSON: sorted keys, no spaces, UTC time with microseconds."""
    content: dict[str, Any] = {
        "id": entry.id,
        "seq": entry.seq,
        "at": entry.at.astimezone(UTC).isoformat(timespec="microseconds"),
        "actor_id": entry.actor_id,
        "actor_name": entry.actor_name,
        "roles": entry.roles,
        "action": entry.action,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "target_repr": entry.target_repr,
        "outcome": entry.outcome,
        "client_ip": entry.client_ip,
        "details": entry.details,
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_hash(prev_hash: str, entry: AuditEntry) -> str:
    return hashlib.sha256((prev_hash + canonical_content(entry)).encode("utf-8")).hexdigest()


@contextmanager
def _busy_timeout(connection, milliseconds: int) -> Iterator[None]:
    """Set SQLite's busy timeout for this connection for a while, then restore it."""
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        previous = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA busy_timeout = {int(milliseconds)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA busy_timeout = {previous}")


def _seal_batch(using: str, batch: int, *, wait: bool) -> int | None:
    """Seal up to `batch` rows in one transaction; None if wait=False and the lock is taken.

    The lock: on PostgreSQL a transaction-scoped advisory lock; on SQLite the IMMEDIATE
    transaction mode (settings) takes the database write lock at BEGIN, and with wait=False the
    busy timeout is zero for that BEGIN, so a busy database means "skip", not "stall".
    """
    connection = connections[using]
    if connection.vendor == "sqlite" and not wait and not connection.in_atomic_block:
        with _busy_timeout(connection, 0):
            try:
                return _seal_batch(using, batch, wait=True)
            except OperationalError as exc:
                if "locked" in str(exc) or "busy" in str(exc):
                    return None
                raise
    with transaction.atomic(using=using):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                function = "pg_advisory_xact_lock" if wait else "pg_try_advisory_xact_lock"
                cursor.execute(f"SELECT {function}(%s)", [_PG_LOCK_KEY])
                if not wait and not cursor.fetchone()[0]:
                    return None
        # Under the lock, so get_or_create cannot race (a flushed test database has no head row).
        head, _ = ChainHead.objects.using(using).select_for_update().get_or_create(pk=1)
        pending = AuditEntry.objects.using(using).filter(hash="").order_by("id").only(*_HASHED_FIELDS)
        rows = list(pending[:batch])
        if not rows:
            return 0
        seq, prev_hash = head.seq, head.hash
        for entry in rows:
            seq += 1
            entry.seq, entry.prev_hash = seq, prev_hash
            entry.hash = prev_hash = entry_hash(prev_hash, entry)
        AuditEntry.objects.using(using).bulk_update(rows, ["seq", "prev_hash", "hash"], batch_size=100)
        head.seq, head.hash, head.sealed_at = seq, prev_hash, timezone.now()
        head.save(update_fields=["seq", "hash", "sealed_at"])
    return len(rows)


def seal_pending(batch: int = 500, *, wait: bool = True, max_batches: int | None = None) -> int:
    """Seal unsealed rows in id order, `batch` rows per transaction; return how many were sealed.

    wait=False returns at once (with what it sealed so far) if another sealer holds the lock.
    Raises DatabaseError on database failure; batches already committed stay sealed.
    """
    using = router.db_for_write(AuditEntry)
    sealed = batches = 0
    while max_batches is None or batches < max_batches:
        count = _seal_batch(using, batch, wait=wait)
        if not count:
            break
        sealed += count
        batches += 1
        if count < batch:
            break
    return sealed


# When this process last sealed (monotonic seconds): sealing at every commit would put the
# chain's lock on every request's path.
_last_seal = -1e9


def seal_soon() -> None:
    """Seal pending entries; called after each committing transaction that wrote entries.

    Cheap and never raises into the request: one batch, skipped if another sealer is at work
    (the next call or `manage.py audit_seal` catches up); errors are logged.
    """
    global _last_seal
    now = time.monotonic()
    if now - _last_seal < settings.AUDIT_SEAL_INTERVAL_SECONDS:
        return  # sealed a moment ago: the next commit after the interval takes these rows too
    _last_seal = now
    try:
        seal_pending(wait=False, max_batches=1)
    except Exception:
        logger.exception("audit: sealing pending entries failed; `manage.py audit_seal` will retry")


# Reasons verify() gives for the first bad row.
HASH_MISMATCH = "hash_mismatch"  # the row's content changed after sealing
SEQ_GAP = "seq_gap"  # rows before this one are missing (deleted)
DUPLICATE_SEQ = "duplicate_seq"  # two rows claim the same position (inserted)
BROKEN_LINK = "broken_link"  # prev_hash is not the previous row's hash (deleted or inserted)
HEAD_MISMATCH = "head_mismatch"  # the chain head disagrees with the last row (tail cut or forged)


@dataclass
class VerifyResult:
    ok: bool
    count: int = 0  # sealed rows checked
    head_seq: int = 0
    head_hash: str = ""
    unsealed: int = 0
    bad_id: int | None = None
    bad_seq: int | None = None
    reason: str = ""
    message: str = ""
    missing_triggers: list[str] = field(default_factory=list)


def verify(chunk_size: int = 2000) -> VerifyResult:
    """Walk the sealed rows in seq order and report the first bad one (streaming)."""
    using = router.db_for_write(AuditEntry)
    entries = AuditEntry.objects.using(using)
    result = VerifyResult(ok=True)
    result.unsealed = entries.filter(hash="").count()
    result.missing_triggers = guard.missing_triggers(connections[using])
    expected_seq, prev_hash = 1, ""
    rows = entries.filter(seq__isnull=False).order_by("seq", "id").only(*_HASHED_FIELDS, "prev_hash", "hash")

    def bad(entry: AuditEntry, reason: str, message: str) -> VerifyResult:
        result.ok, result.bad_id, result.bad_seq = False, entry.id, entry.seq
        result.reason, result.message = reason, message
        return result

    for entry in rows.iterator(chunk_size=chunk_size):
        seq = entry.seq
        assert seq is not None  # rows is filtered on seq__isnull=False
        if seq < expected_seq:
            return bad(entry, DUPLICATE_SEQ, f"seq {seq} appears more than once")
        if seq > expected_seq:
            return bad(entry, SEQ_GAP, f"seq {expected_seq}..{seq - 1} missing before this row")
        if entry.prev_hash != prev_hash:
            return bad(entry, BROKEN_LINK, f"prev_hash does not match the hash of seq {seq - 1}")
        if entry_hash(prev_hash, entry) != entry.hash:
            return bad(entry, HASH_MISMATCH, "content does not match its hash (edited)")
        prev_hash = entry.hash
        expected_seq += 1
        result.count += 1
    result.head_seq, result.head_hash = expected_seq - 1, prev_hash
    head = ChainHead.objects.using(using).filter(pk=1).first()
    head_seq, head_hash = (head.seq, head.hash) if head else (0, "")
    if (head_seq, head_hash) != (result.head_seq, result.head_hash):
        result.ok, result.reason = False, HEAD_MISMATCH
        result.bad_seq = result.head_seq
        result.message = (
            f"chain head records seq {head_seq} but the last sealed row is seq {result.head_seq}"
            if head_seq != result.head_seq
            else f"chain head hash differs from the hash of seq {result.head_seq}"
        )
    return result


def check_anchor(seq: int, expected_hash: str) -> str:
    """'' if the sealed row at `seq` still has `expected_hash` (recorded outside the system
    earlier), else why not. A chain rewritten from scratch passes verify() but fails this."""
    row = AuditEntry.objects.filter(seq=seq).values_list("hash", flat=True).first()
    if row is None:
        return f"no sealed entry at seq {seq}"
    if row != expected_hash.strip().lower():
        return f"seq {seq} has hash {row}, not the anchored {expected_hash}"
    return ""
