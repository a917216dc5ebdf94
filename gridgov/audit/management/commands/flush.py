"""`flush`, lifting the audit table's DELETE trigger for the duration (SQLite).

flush is the sanctioned way to empty a development or test database, and Django's test cases
call it between transactional tests; on SQLite it DELETEs, which the append-only trigger would
refuse. PostgreSQL flushes with TRUNCATE, which row triggers do not see, and in production the
app role is not granted TRUNCATE (docs/audit.md).
"""

from django.core.management.commands import flush
from django.db import connections

from gridgov.audit import guard


class Command(flush.Command):
    def handle(self, **options):
        connection = connections[options["database"]]
        if connection.vendor != "sqlite":
            return super().handle(**options)
        had_triggers = not guard.missing_triggers(connection)
        guard.remove(connection)
        try:
            return super().handle(**options)
        finally:
            if had_triggers:
                guard.install(connection)
