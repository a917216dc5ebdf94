from django.core.management.base import BaseCommand, CommandError

from gridgov.geo.models import OrgUnit
from gridgov.geo.topology import check_children


class Command(BaseCommand):
    help = "Check that the children of an org unit neither overlap, leave gaps nor reach outside it."

    def add_arguments(self, parser):
        parser.add_argument("code", help="code of the unit whose children are checked")
        parser.add_argument("--recursive", action="store_true", help="also check every unit below it")

    def handle(self, *args, code, recursive, **options):
        unit = OrgUnit.objects.filter(code=code).first()
        if unit is None:
            raise CommandError(f"no org unit with code {code}")
        units = [unit]
        if recursive:
            units = list(OrgUnit.objects.within(unit.path).active().exclude(level=4).order_by("path"))
        count = 0
        for checked in units:
            for problem in check_children(checked):
                count += 1
                self.stdout.write(f"{checked.code}: {problem.describe()}")
        if count:
            raise CommandError(f"{count} topology problem(s) found")
        self.stdout.write(self.style.SUCCESS(f"no topology problems under {code}"))
