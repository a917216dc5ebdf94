"""Issue an Open311 API key from the command line (the admin does the same) and print it once."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from gridgov.open311.keys import issue_key


class Command(BaseCommand):
    help = "Issue an Open311 API key and print it; only its hash is stored."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True, help="the client's name")
        parser.add_argument("--organization", default="")
        parser.add_argument("--contact", default="")
        parser.add_argument("--per-minute", type=int, default=None, help="submissions per minute")

    def handle(self, *args, **options):
        key, clear_key = issue_key(
            name=options["name"],
            organization=options["organization"],
            contact=options["contact"],
            requests_per_minute=options["per_minute"],
            actor=None,
        )
        self.stdout.write(f"{key.name}: {clear_key}")
