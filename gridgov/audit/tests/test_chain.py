"""Sealing and verifying the hash chain, and the triggers that keep the table append-only."""

from contextlib import contextmanager
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from gridgov.audit import chain, guard
from gridgov.audit.log import record
from gridgov.audit.models import AuditEntry, ChainHead

pytestmark = pytest.mark.django_db


def _write(count: int, action: str = "test.write") -> list[AuditEntry]:
    return [
        record(action, target_type="test.thing", target_id=str(i), target_repr=f"thing {i}")
        for i in range(count)
    ]


def _sealed() -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(seq__isnull=False).order_by("seq"))


@contextmanager
def _triggers_dropped():
    """Tamper as a DBA would: drop the guard triggers, then put them back."""
    guard.remove(connection)
    try:
        yield
    finally:
        guard.install(connection)


def _first_bad(result: chain.VerifyResult) -> tuple:
    return result.ok, result.bad_seq, result.bad_id, result.reason


def _sql(statement: str, params=()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _verify_command() -> tuple[int, str]:
    out, err = StringIO(), StringIO()
    try:
        call_command("audit_verify", stdout=out, stderr=err)
    except SystemExit as exc:
        return int(exc.code), out.getvalue() + err.getvalue()
    return 0, out.getvalue() + err.getvalue()


def test_seal_and_verify_a_clean_chain():
    _write(3)
    assert chain.seal_pending() == 3
    rows = _sealed()
    assert [row.seq for row in rows] == [1, 2, 3]
    assert rows[0].prev_hash == ""
    assert [row.prev_hash for row in rows[1:]] == [row.hash for row in rows[:-1]]
    assert rows[1].hash == chain.entry_hash(rows[0].hash, rows[1])
    result = chain.verify()
    assert (result.ok, result.count, result.unsealed, result.missing_triggers) == (True, 3, 0, [])
    assert result.head_hash == rows[-1].hash == ChainHead.objects.get(pk=1).hash
    code, output = _verify_command()
    assert code == 0
    assert "OK: 3 sealed entries" in output and rows[-1].hash in output


def test_sealing_in_batches_continues_the_chain():
    _write(4)
    chain.seal_pending()
    _write(7)
    assert chain.verify().unsealed == 7
    assert chain.seal_pending(batch=3) == 7
    assert [row.seq for row in _sealed()] == list(range(1, 12))
    assert chain.verify().ok
    assert chain.seal_pending() == 0


def test_verify_names_an_edited_row():
    _write(5)
    chain.seal_pending()
    third = _sealed()[2]
    with _triggers_dropped():
        _sql("UPDATE audit_auditentry SET target_repr = %s WHERE id = %s", ["something else", third.id])
    result = chain.verify()
    assert _first_bad(result) == (False, 3, third.id, chain.HASH_MISMATCH)
    assert result.count == 2
    code, output = _verify_command()
    assert code == 1
    assert f"id {third.id} seq 3: hash_mismatch" in output


def test_verify_names_the_row_after_a_deleted_one():
    _write(5)
    chain.seal_pending()
    rows = _sealed()
    with _triggers_dropped():
        _sql("DELETE FROM audit_auditentry WHERE id = %s", [rows[2].id])
    result = chain.verify()
    assert _first_bad(result) == (False, 4, rows[3].id, chain.SEQ_GAP)


def test_verify_notices_rows_cut_from_the_end():
    _write(5)
    chain.seal_pending()
    with _triggers_dropped():
        _sql("DELETE FROM audit_auditentry WHERE seq = 5")
    result = chain.verify()
    assert (result.ok, result.reason, result.count) == (False, chain.HEAD_MISMATCH, 4)


def test_verify_names_an_inserted_row():
    _write(5)
    chain.seal_pending()
    rows = _sealed()
    with _triggers_dropped():
        # Make room at seq 3 and slip in a forged row whose own hash is right.
        for row in reversed(rows[2:]):
            _sql("UPDATE audit_auditentry SET seq = seq + 1 WHERE id = %s", [row.id])
        forged = record("auth.login", target_repr="forged")
        forged.seq, forged.prev_hash = 3, rows[1].hash
        forged.hash = chain.entry_hash(rows[1].hash, forged)
        forged.save(update_fields=["seq", "prev_hash", "hash"])
    result = chain.verify()
    # The forged row links correctly; the displaced original no longer does.
    assert _first_bad(result) == (False, 4, rows[2].id, chain.BROKEN_LINK)


def test_triggers_refuse_update_of_sealed_rows_and_any_delete():
    first, second = _write(2)
    chain.seal_pending(batch=1, max_batches=1)
    first.refresh_from_db()
    assert first.is_sealed
    with pytest.raises(DatabaseError, match="UPDATE refused"), transaction.atomic():
        AuditEntry.objects.filter(pk=first.pk).update(outcome="denied")
    with pytest.raises(DatabaseError, match="sealed"), transaction.atomic():
        AuditEntry.objects.filter(pk=first.pk).update(hash="0" * 64)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEntry.objects.filter(pk=second.pk).delete()
    # Unsealed content is as fixed as sealed content: only the seal itself may be written.
    with pytest.raises(DatabaseError, match="content"), transaction.atomic():
        AuditEntry.objects.filter(pk=second.pk).update(target_repr="rewritten")
    with pytest.raises(DatabaseError, match="unsealed"), transaction.atomic():
        AuditEntry.objects.create(at=first.at, action="forged", seq=99, hash="f" * 64)
    assert chain.seal_pending() == 1
    assert chain.verify().ok
    assert AuditEntry.objects.count() == 2


def test_verify_reports_missing_triggers():
    _write(1)
    chain.seal_pending()
    with _triggers_dropped():
        result = chain.verify()
        code, output = _verify_command()
    expected = guard.SQLITE_TRIGGERS if connection.vendor == "sqlite" else guard.POSTGRES_TRIGGERS
    assert result.ok and set(result.missing_triggers) == set(expected)
    assert code == 1 and "triggers missing" in output
    assert guard.missing_triggers(connection) == []


@pytest.mark.django_db(transaction=True)
def test_rolled_back_entries_never_appear():
    record("test.before")
    with pytest.raises(RuntimeError), transaction.atomic():
        record("test.rolled_back")
        raise RuntimeError("the surrounding write failed")
    record("test.after")
    assert not AuditEntry.objects.filter(action="test.rolled_back").exists()
    assert [row.action for row in _sealed()] == ["test.before", "test.after"]
    assert [row.seq for row in _sealed()] == [1, 2]
    assert chain.verify().ok


@pytest.mark.django_db(transaction=True)
def test_writers_in_many_transactions_end_in_one_contiguous_chain():
    expected = 0
    for size in (1, 3, 2, 5, 1):
        with transaction.atomic():
            _write(size, action=f"test.batch{size}")
            # One seal is asked for per transaction, not one per row.
            assert sum(1 for item in connection.run_on_commit if item[1] is chain.seal_soon) == 1
        expected += size
        # on_commit sealed the transaction's rows already: no one waits for the audit_seal command.
        assert AuditEntry.objects.filter(hash="").count() == 0
    rows = _sealed()
    assert [row.seq for row in rows] == list(range(1, expected + 1))
    assert len({row.hash for row in rows}) == expected
    result = chain.verify()
    assert (result.ok, result.count) == (True, expected)
    out = StringIO()
    call_command("audit_seal", stdout=out)
    assert "sealed 0 entries" in out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_log_and_keeps_the_triggers():
    _write(2)
    call_command("flush", interactive=False, verbosity=0)
    assert AuditEntry.objects.count() == 0
    assert guard.missing_triggers(connection) == []
    record("test.after_flush")
    assert [row.seq for row in _sealed()] == [1]


def test_an_anchor_catches_a_chain_rewritten_from_scratch():
    _write(3)
    chain.seal_pending()
    anchored = _sealed()[1]
    assert chain.check_anchor(2, anchored.hash) == ""
    with _triggers_dropped():
        # A database owner rewrites history and re-seals everything: the chain itself is consistent.
        _sql("UPDATE audit_auditentry SET target_repr = 'rewritten', seq = NULL, prev_hash = '', hash = ''")
        _sql("UPDATE audit_chainhead SET seq = 0, hash = ''")
        chain.seal_pending()
    assert chain.verify().ok
    assert "not the anchored" in chain.check_anchor(2, anchored.hash)
    out, err = StringIO(), StringIO()
    with pytest.raises(SystemExit):
        call_command("audit_verify", "--anchor", f"2:{anchored.hash}", stdout=out, stderr=err)
    assert "anchor does not match" in err.getvalue()
