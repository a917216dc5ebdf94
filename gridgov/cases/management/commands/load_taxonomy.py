from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from gridgov.cases.taxonomy_services import COUNT_KEYS, TaxonomyError, district_for, load_defaults
from gridgov.geo.management.commands.geo_split import actor_named


class Command(BaseCommand):
    help = (
        "Load the default case categories, time limits, departments and district-wide "
        "responsibility rules. Idempotent; --update overwrites the defaults' names and limits."
    )

    def add_arguments(self, parser):
        parser.add_argument("--district", metavar="CODE", help="code of the district (default: the only one)")
        parser.add_argument(
            "--update",
            action="store_true",
            help="overwrite names, flags and time limits of default codes edited since",
        )
        parser.add_argument("--actor", help="username recorded in the audit log")

    def handle(self, *args, district=None, update=False, actor=None, **options):
        user = actor_named(actor)
        try:
            unit = district_for(district)
            counts = load_defaults(unit, update=update, actor=user)
        except TaxonomyError as exc:
            raise CommandError(f"{exc.field}: {exc.reason}") from None
        for key in COUNT_KEYS:
            self.stdout.write(f"{key}\t{counts[key]}")
        self.stdout.write(
            self.style.SUCCESS(
                _("Taxonomy loaded for %(name)s (%(code)s).") % {"name": unit.name_zh, "code": unit.code}
            )
        )
