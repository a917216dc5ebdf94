from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import gettext as _

from gridgov.geo.models import OrgUnit
from gridgov.people.imports.dry_run import check_job
from gridgov.people.imports.jobs import create_job, requeue_stalled
from gridgov.people.imports.runner import run_job
from gridgov.people.imports.workbooks import write_problems, write_template
from gridgov.people.services import RegistryError
from gridgov.people.transfers import ImportStatus, RecordKind

# Exit status when the file was read but some rows were bad (the good ones were imported);
# 1 stays "nothing was done" (CommandError's default), 2 is argparse's usage error.
BAD_ROWS_EXIT = 3


class Command(BaseCommand):
    help = (
        "Import registry records (persons, households, buildings, houses, organizations) from an xlsx "
        "or CSV file into a unit: every row is checked first; the good rows are imported in batches "
        "that a crashed import resumes after. See docs/registry-import.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", type=Path, help="the xlsx or CSV file to import")
        parser.add_argument("--kind", choices=RecordKind.values, default=RecordKind.PERSONS)
        parser.add_argument("--unit", metavar="CODE", help="the code of the unit imported into")
        parser.add_argument("--user", metavar="USERNAME", help="the importing user (needs people.import)")
        parser.add_argument("--dry-run", action="store_true", help="check only; import nothing")
        parser.add_argument("--errors", metavar="OUT.xlsx", type=Path, help="also write the problems here")
        parser.add_argument(
            "--template", metavar="OUT.xlsx", type=Path, help="write the kind's template and stop"
        )
        parser.add_argument(
            "--resume",
            action="store_true",
            help="queue again the imports a crash left queued or running, and stop",
        )
        parser.add_argument(
            "--language",
            choices=[code for code, _name in settings.LANGUAGES],
            default=settings.LANGUAGE_CODE,
            help="language of the messages and of the problems workbook",
        )

    def handle(
        self,
        *args,
        file=None,
        kind=None,
        unit=None,
        user=None,
        dry_run=False,
        errors=None,
        template=None,
        resume=False,
        language=None,
        **options,
    ):
        with translation.override(language or settings.LANGUAGE_CODE):
            if resume:
                ids = requeue_stalled()
                self.stdout.write(_("%(count)d import(s) queued again.") % {"count": len(ids)})
                return
            if template is not None:
                with template.open("wb") as stream:
                    write_template(kind, stream)
                self.stdout.write(self.style.SUCCESS(_("Template written to %(path)s.") % {"path": template}))
                return
            self._import(file, kind, unit, user, dry_run, errors)

    def _import(self, file, kind, unit_code, username, dry_run, errors) -> None:
        if file is None:
            raise CommandError(_("Name the file to import (or give --template or --resume)."))
        if not username:
            raise CommandError(_("--user: name the user who imports."))
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(_("--user: no user named %(name)s.") % {"name": username})
        unit = OrgUnit.objects.filter(code=unit_code or "").first()
        if unit is None:
            raise CommandError(_("--unit: no unit has the code %(code)s.") % {"code": unit_code or ""})
        try:
            job = create_job(kind=kind, file=file, org_unit=unit, user=user)
        except RegistryError as exc:
            raise CommandError(f"{exc.field}: {exc.message}") from None
        job = check_job(job)
        if job.status == ImportStatus.FAILED:
            raise CommandError(
                _("%(file)s: %(error)s Nothing was imported.") % {"file": file, "error": job.error}
            )
        for row, field, value, message in job.problems.values_list("row", "field", "value", "message"):
            line = _("Row %(row)d, column %(column)s: %(reason)s") % {
                "row": row,
                "column": field,
                "reason": message,
            }
            self.stderr.write(f"{line} [{value}]" if value else line)
        if errors is not None and job.bad_rows:
            with errors.open("wb") as stream:
                write_problems(job, stream)
            self.stderr.write(_("The problems were written to %(path)s.") % {"path": errors})
        counts = {
            "job": job.pk,
            "rows": job.total_rows,
            "bad": job.bad_rows,
            "good": job.total_rows - job.bad_rows,
        }
        if dry_run:
            summary = (
                _("Dry run (job %(job)d): %(rows)d rows, %(good)d good, %(bad)d with problems.") % counts
            )
        else:
            job = run_job(job.pk)
            if job.status != ImportStatus.DONE:
                raise CommandError(job.error)
            counts.update(created=job.created_count, updated=job.updated_count, bad=job.bad_rows)
            summary = (
                _(
                    "Job %(job)d: %(rows)d rows, %(created)d created, %(updated)d updated, "
                    "%(bad)d with problems."
                )
                % counts
            )
        if counts["bad"]:
            self.stdout.write(self.style.WARNING(summary))
            raise CommandError(
                _("%(bad)d row(s) with problems; correct them and import the file again.") % counts,
                returncode=BAD_ROWS_EXIT,
            )
        self.stdout.write(self.style.SUCCESS(summary))
