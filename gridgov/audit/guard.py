"""Database triggers that make the audit table append-only.

DELETE is always refused. INSERT must come unsealed (seq NULL, no hashes): only the sealer,
under its lock, places a row in the chain, so no one can slip in a pre-sealed forgery that
would also block the sealer's next seq. UPDATE is refused once a row is sealed (hash != ''), and for an
unsealed row it may only fill seq, prev_hash and hash: that is the sealer's single write.
On PostgreSQL the triggers are one line of defence; the other is that the app role is granted
no DELETE and may UPDATE only those three columns (docs/audit.md). On SQLite anyone who can
write the file can drop a trigger, so there they guard against mistakes, and the hash chain
catches the rest.
"""

from __future__ import annotations

from django.db.backends.base.base import BaseDatabaseWrapper

TABLE = "audit_auditentry"
# Content columns: none of them may change, ever (the chain hashes all of them).
CONTENT_COLUMNS = (
    "id",
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
SQLITE_TRIGGERS = (
    "audit_entry_unsealed_insert",
    "audit_entry_no_delete",
    "audit_entry_sealed_no_update",
    "audit_entry_content_no_update",
)
POSTGRES_TRIGGERS = ("audit_entry_unsealed_insert", "audit_entry_no_delete", "audit_entry_guard_update")

_SQLITE_CHANGED = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in CONTENT_COLUMNS)
SQLITE_INSTALL = [
    f"""CREATE TRIGGER IF NOT EXISTS audit_entry_unsealed_insert BEFORE INSERT ON {TABLE}
    WHEN NEW.seq IS NOT NULL OR NEW.hash <> '' OR NEW.prev_hash <> ''
    BEGIN SELECT RAISE(ABORT, 'audit entry must be inserted unsealed'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS audit_entry_no_delete BEFORE DELETE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, 'audit log is append-only: DELETE refused'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS audit_entry_sealed_no_update BEFORE UPDATE ON {TABLE}
    WHEN OLD.hash <> ''
    BEGIN SELECT RAISE(ABORT, 'audit entry is sealed: UPDATE refused'); END""",
    f"""CREATE TRIGGER IF NOT EXISTS audit_entry_content_no_update BEFORE UPDATE ON {TABLE}
    WHEN {_SQLITE_CHANGED}
    BEGIN SELECT RAISE(ABORT, 'audit entry content cannot change: UPDATE refused'); END""",
]
SQLITE_REMOVE = [f"DROP TRIGGER IF EXISTS {name}" for name in SQLITE_TRIGGERS]

_PG_NEW = ", ".join(f"NEW.{c}" for c in CONTENT_COLUMNS)
_PG_OLD = ", ".join(f"OLD.{c}" for c in CONTENT_COLUMNS)
POSTGRES_INSTALL = [
    """CREATE OR REPLACE FUNCTION audit_entry_unsealed_insert() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF NEW.seq IS NOT NULL OR NEW.hash <> '' OR NEW.prev_hash <> '' THEN
            RAISE EXCEPTION 'audit entry must be inserted unsealed' USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
    END $$""",
    """CREATE OR REPLACE FUNCTION audit_entry_refuse_delete() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION 'audit log is append-only: DELETE refused (id %)', OLD.id
            USING ERRCODE = 'insufficient_privilege';
    END $$""",
    f"""CREATE OR REPLACE FUNCTION audit_entry_guard_update() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF OLD.hash <> '' THEN
            RAISE EXCEPTION 'audit entry % is sealed: UPDATE refused', OLD.id
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        IF ROW({_PG_NEW}) IS DISTINCT FROM ROW({_PG_OLD}) THEN
            RAISE EXCEPTION 'audit entry % content cannot change: UPDATE refused', OLD.id
                USING ERRCODE = 'insufficient_privilege';
        END IF;
        RETURN NEW;
    END $$""",
    f"DROP TRIGGER IF EXISTS audit_entry_unsealed_insert ON {TABLE}",
    f"""CREATE TRIGGER audit_entry_unsealed_insert BEFORE INSERT ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION audit_entry_unsealed_insert()""",
    f"DROP TRIGGER IF EXISTS audit_entry_no_delete ON {TABLE}",
    f"""CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION audit_entry_refuse_delete()""",
    f"DROP TRIGGER IF EXISTS audit_entry_guard_update ON {TABLE}",
    f"""CREATE TRIGGER audit_entry_guard_update BEFORE UPDATE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION audit_entry_guard_update()""",
]
POSTGRES_REMOVE = [
    f"DROP TRIGGER IF EXISTS audit_entry_unsealed_insert ON {TABLE}",
    f"DROP TRIGGER IF EXISTS audit_entry_no_delete ON {TABLE}",
    f"DROP TRIGGER IF EXISTS audit_entry_guard_update ON {TABLE}",
    "DROP FUNCTION IF EXISTS audit_entry_unsealed_insert()",
    "DROP FUNCTION IF EXISTS audit_entry_refuse_delete()",
    "DROP FUNCTION IF EXISTS audit_entry_guard_update()",
]


def _statements(connection: BaseDatabaseWrapper, *, install: bool) -> list[str]:
    if connection.vendor == "sqlite":
        return SQLITE_INSTALL if install else SQLITE_REMOVE
    if connection.vendor == "postgresql":
        return POSTGRES_INSTALL if install else POSTGRES_REMOVE
    # Other backends are not supported deployments; the hash chain still detects tampering.
    return []


def install(connection: BaseDatabaseWrapper) -> None:
    """Create the append-only triggers (idempotent)."""
    with connection.cursor() as cursor:
        for sql in _statements(connection, install=True):
            cursor.execute(sql)


def remove(connection: BaseDatabaseWrapper) -> None:
    """Drop the triggers: only for a migration that rebuilds the table, or `flush` in development."""
    with connection.cursor() as cursor:
        for sql in _statements(connection, install=False):
            cursor.execute(sql)


def missing_triggers(connection: BaseDatabaseWrapper) -> list[str]:
    """Names of guard triggers that should exist on this database but do not."""
    expected: tuple[str, ...]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [TABLE])
            expected = SQLITE_TRIGGERS
        elif connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger"
                " WHERE tgrelid = %s::regclass AND NOT tgisinternal AND tgenabled <> 'D'",
                [TABLE],
            )
            expected = POSTGRES_TRIGGERS
        else:
            return []
        present = {row[0] for row in cursor.fetchall()}
    return [name for name in expected if name not in present]
