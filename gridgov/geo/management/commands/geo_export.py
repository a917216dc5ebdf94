from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from gridgov.geo.geojson_io import dumps, export_units
from gridgov.geo.models import OrgUnit


class Command(BaseCommand):
    help = "Export active org units (all, or one unit and everything under it) as GeoJSON."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="output file ('-' for standard output)")
        parser.add_argument("--root", help="code of the unit to export with its descendants")

    def handle(self, *args, file: Path, root=None, **options):
        unit = None
        if root:
            unit = OrgUnit.objects.filter(code=root).first()
            if unit is None:
                raise CommandError(f"no org unit with code {root}")
        collection = export_units(unit)
        text = dumps(collection)
        if str(file) == "-":
            self.stdout.write(text)
        else:
            file.write_text(text, encoding="utf-8")
            self.stderr.write(f"{len(collection['features'])} feature(s) written to {file}")
