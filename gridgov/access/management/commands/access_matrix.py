from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from gridgov.access.matrix_doc import render

DOC = Path(settings.BASE_DIR) / "docs" / "access-matrix.md"


class Command(BaseCommand):
    help = "Print the role × permission matrix as Markdown, or write it to docs/access-matrix.md."

    def add_arguments(self, parser):
        parser.add_argument("--write", action="store_true", help=f"write {DOC}")

    def handle(self, *args, write: bool = False, **options):
        text = render()
        if write:
            DOC.write_text(text, encoding="utf-8")
            self.stdout.write(f"wrote {DOC}")
        else:
            self.stdout.write(text, ending="")
