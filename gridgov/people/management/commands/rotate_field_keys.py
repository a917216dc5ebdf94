"""Re-encrypt stored ID numbers and phones under the current field key (docs/privacy.md)."""

from django.core.management.base import BaseCommand, CommandError

from gridgov.audit.log import record
from gridgov.people.crypto import DecryptionError
from gridgov.people.keys import rotate_tokens


class Command(BaseCommand):
    help = "Move every stored token to the first key of GRIDGOV_FIELD_KEYS; report what is left."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="only count tokens under older keys")
        parser.add_argument("--batch", type=int, default=1000)

    def handle(self, *args, check: bool, batch: int, **options):
        try:
            report = rotate_tokens(batch=batch, dry_run=check)
        except DecryptionError as exc:
            raise CommandError(f"stopped: {exc} (is the old key still in GRIDGOV_FIELD_KEYS?)") from None
        if not check:
            record("people.keys.rotate", details={"rotated": report.rotated, "remaining": report.remaining})
        self.stdout.write(f"rotated: {report.rotated}")
        if report.remaining:
            for key_id, count in sorted(report.remaining.items()):
                self.stdout.write(f"still under key {key_id}: {count}")
        else:
            self.stdout.write("every token is under the current key")
