from django.core.management.base import BaseCommand

from gridgov.audit.chain import seal_pending


class Command(BaseCommand):
    help = "Seal every pending audit entry into the hash chain (waits for a running sealer)."

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=500, help="rows per transaction (default 500)")

    def handle(self, *args, batch: int, **options):
        sealed = seal_pending(batch=max(1, batch))
        self.stdout.write(f"sealed {sealed} entries")
