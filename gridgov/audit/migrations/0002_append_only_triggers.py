"""Install the triggers that keep the audit table append-only (see gridgov/audit/guard.py).

SQLite rebuilds a table for many ALTERs and the rebuild loses its triggers: a later migration
that alters audit_auditentry must call guard.install() again (audit_verify reports missing ones).
"""

from django.db import migrations

from gridgov.audit import guard


def install(apps, schema_editor):
    guard.install(schema_editor.connection)


def remove(apps, schema_editor):
    guard.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(install, remove, elidable=False)]
