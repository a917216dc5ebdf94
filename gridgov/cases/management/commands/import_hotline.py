from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from gridgov.cases.errors import NotAllowed
from gridgov.cases.hotline import import_hotline
from gridgov.cases.hotline_files import HotlineFileError, iter_problem_lines, write_problems, write_template

# Exit status when the file was read but some rows were bad (the good ones were imported);
# 1 stays "nothing was done" (CommandError's default), 2 is argparse's usage error.
BAD_ROWS_EXIT = 3


class Command(BaseCommand):
    help = (
        "Import 12345 hotline tickets from a CSV (UTF-8 or GBK) or xlsx file as cases. Every row is "
        "validated; good rows are imported, each bad row is reported. "
        "Re-running a file imports nothing twice."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", type=Path, help="the CSV or xlsx file to import")
        parser.add_argument(
            "--actor",
            metavar="USERNAME",
            help="the importing user (needs cases.import_hotline and cases.report)",
        )
        parser.add_argument("--dry-run", action="store_true", help="validate only; change nothing")
        parser.add_argument(
            "--errors", metavar="OUT.xlsx", type=Path, help="also write the bad rows to this xlsx"
        )
        parser.add_argument(
            "--template", metavar="OUT.xlsx", type=Path, help="write an empty template and stop"
        )
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default=settings.LANGUAGE_CODE,
            help="language of the messages and the error report",
        )

    def handle(
        self,
        *args,
        file=None,
        actor=None,
        dry_run=False,
        errors=None,
        template=None,
        language=None,
        **options,
    ):
        self.verbosity = options.get("verbosity", 1)
        with translation.override(language or settings.LANGUAGE_CODE):
            if template is not None:
                write_template(template)
                self.stdout.write(self.style.SUCCESS(_("Template written to %(path)s.") % {"path": template}))
                return
            self._import(file, actor, dry_run, errors)

    def _import(self, file: Path | None, username: str | None, dry_run: bool, errors: Path | None) -> None:
        if file is None:
            raise CommandError(_("Name the file to import (or give --template)."))
        if not username:
            raise CommandError(_("--actor: name the user who imports."))
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("--actor: no user named %(name)s.") % {"name": username})
        try:
            content = file.read_bytes()
        except OSError as exc:
            raise CommandError(_("Cannot read %(path)s: %(error)s") % {"path": file, "error": exc}) from None
        try:
            report = import_hotline(content, file.name, actor=user, dry_run=dry_run)
        except NotAllowed as exc:
            raise CommandError(f"--actor: {exc.message}") from None
        except HotlineFileError as exc:
            raise CommandError(
                _("%(file)s: %(error)s Nothing was imported.") % {"file": file, "error": exc}
            ) from None
        if self.verbosity >= 2:
            for outcome in report.imported:
                self.stdout.write(
                    _("Row %(row)d: ticket %(ticket)s imported as case %(number)s.")
                    % {"row": outcome.row, "ticket": outcome.ticket, "number": outcome.case_number or "-"}
                )
            for outcome in report.already_imported:
                self.stdout.write(
                    _("Row %(row)d: ticket %(ticket)s already imported as case %(number)s.")
                    % {"row": outcome.row, "ticket": outcome.ticket, "number": outcome.case_number}
                )
        for line in iter_problem_lines(report.problems):
            self.stderr.write(line)
        if errors is not None and report.problems:
            write_problems(errors, report.problems)
            self.stderr.write(_("The bad rows were written to %(path)s.") % {"path": errors})
        counts = report.counts()
        summary = (
            _("Dry run: %(imported)d would be imported, %(already_imported)d already imported, %(bad)d bad.")
            if dry_run
            else _("%(imported)d imported, %(already_imported)d already imported, %(bad)d bad.")
        ) % counts
        if counts["bad"]:
            self.stdout.write(self.style.WARNING(summary))
            raise CommandError(
                _("%(bad)d bad row(s); correct them and import the file again.") % counts,
                returncode=BAD_ROWS_EXIT,
            )
        self.stdout.write(self.style.SUCCESS(summary))
