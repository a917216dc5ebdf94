"""The special-group tags every district starts with (GLOSSARY.md); more are added in the admin."""

from django.db import migrations

from gridgov.people.default_tags import ensure_default_tags


def add_tags(apps, schema_editor):
    ensure_default_tags(apps.get_model("people", "Tag"))


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]
    operations = [migrations.RunPython(add_tags, migrations.RunPython.noop)]
