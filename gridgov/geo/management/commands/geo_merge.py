from django.core.management.base import BaseCommand, CommandError

from gridgov.geo.management.commands.geo_split import actor_named, grid_with_code
from gridgov.geo.services import UnitChangeError, merge_grids


class Command(BaseCommand):
    help = "Merge two neighbouring grids of one community: KEEP_CODE takes the union, ABSORB_CODE ends."

    ARGUMENTS = {"absorb": "ABSORB_CODE", "grid": "KEEP_CODE/ABSORB_CODE"}

    def add_arguments(self, parser):
        parser.add_argument("keep_code", metavar="KEEP_CODE", help="code of the grid that remains")
        parser.add_argument("absorb_code", metavar="ABSORB_CODE", help="code of the grid merged into it")
        parser.add_argument("--actor", help="username recorded in the audit log")

    def handle(self, *args, keep_code: str, absorb_code: str, actor=None, **options):
        user = actor_named(actor)
        keep = grid_with_code(keep_code, "KEEP_CODE")
        absorb = grid_with_code(absorb_code, "ABSORB_CODE")
        try:
            merged = merge_grids(keep, absorb, actor=user)
        except UnitChangeError as exc:
            raise CommandError(f"{self.ARGUMENTS.get(exc.field, exc.field)}: {exc.reason}") from None
        self.stdout.write(f"{merged.code}\t{merged.area_m2:,.1f} m²")
        self.stdout.write(self.style.SUCCESS(f"merged {absorb_code} into {keep_code}"))
