from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from gridgov.geo.geojson_io import GeoImportError, import_collection


class Command(BaseCommand):
    help = "Import org units from a GeoJSON FeatureCollection, all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--actor", help="username recorded in the audit log")

    def handle(self, *args, file: Path, actor=None, **options):
        user = None
        if actor:
            user = get_user_model().objects.filter(username=actor).first()
            if user is None:
                raise CommandError(f"no user {actor}")
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"cannot read {file}: {exc}") from None
        try:
            counts = import_collection(data, actor=user)
        except GeoImportError as exc:
            for problem in exc.errors:
                self.stderr.write(str(problem))
            raise CommandError(f"{len(exc.errors)} problem(s); nothing was imported") from None
        self.stdout.write(
            self.style.SUCCESS("created {created}, updated {updated}, unchanged {unchanged}".format(**counts))
        )
