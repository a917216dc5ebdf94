"""Records of bulk transfers: import jobs with the problems found in their rows, and export
requests (an unmasked export waits for a second person's approval)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gridgov.geo.models import OrgUnit


class RecordKind(models.TextChoices):
    """What a file holds; the same kinds are imported and exported."""

    PERSONS = "persons", _("Persons")
    HOUSEHOLDS = "households", _("Households")
    BUILDINGS = "buildings", _("Buildings")
    HOUSES = "houses", _("Houses")
    ORGANIZATIONS = "organizations", _("Organizations")


class ImportStatus(models.TextChoices):
    UPLOADED = "uploaded", _("Uploaded, not yet checked")
    CHECKED = "checked", _("Checked (dry run)")
    QUEUED = "queued", _("Waiting to run")
    RUNNING = "running", _("Importing")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


def _import_file_path(job: ImportJob, filename: str) -> str:
    return f"imports/{job.created_at:%Y%m}/{filename}"


class ImportJob(models.Model):
    """One uploaded file: checked first (dry run), then imported in batches by a background task.

    `committed_rows` advances in the same transaction as each batch, so a crashed import resumes
    after the last committed batch and never applies one twice.
    """

    kind = models.CharField(_("records"), max_length=16, choices=RecordKind.choices)
    file = models.FileField(upload_to=_import_file_path)
    original_name = models.CharField(_("file"), max_length=200)
    # The unit the importer imports into: every row must lie inside it.
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("into"), on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=40, db_index=True)
    status = models.CharField(
        _("status"), max_length=8, choices=ImportStatus.choices, default=ImportStatus.UPLOADED
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    bad_rows = models.PositiveIntegerField(_("rows with problems"), default=0)
    committed_rows = models.PositiveIntegerField(_("rows done"), default=0)
    created_count = models.PositiveIntegerField(_("created"), default=0)
    updated_count = models.PositiveIntegerField(_("updated"), default=0)
    error = models.TextField(_("error"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    scope_path_field = "org_path"

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.original_name


class ImportProblem(models.Model):
    """A bad row found by the dry run: row number in the file, column header, reason."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="problems")
    row = models.PositiveIntegerField(_("row"))
    field = models.CharField(_("column"), max_length=50)
    # The cell as written, shortened; ID numbers and phones only in their masked form.
    value = models.CharField(_("value"), max_length=100, blank=True)
    message = models.CharField(_("problem"), max_length=300)

    class Meta:
        ordering = ["job", "row", "id"]

    def __str__(self) -> str:
        return f"{self.row}: {self.field}"


class ExportFormat(models.TextChoices):
    XLSX = "xlsx", _("Excel (xlsx)")
    CSV = "csv", _("CSV (UTF-8, opens in Excel)")


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    # A context of its own: the cases' "Rejected" is translated 不予立案 (not registered).
    REJECTED = "rejected", pgettext_lazy("export request", "Rejected")
    DOWNLOADED = "downloaded", _("Downloaded")
    EXPIRED = "expired", _("Expired")


class ExportRequest(models.Model):
    """A request for an unmasked export. A second person with the approval permission decides;
    the requester downloads once, and the file carries a watermark naming them."""

    kind = models.CharField(_("records"), max_length=16, choices=RecordKind.choices)
    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=40, db_index=True)
    reason = models.CharField(_("reason"), max_length=300)
    file_format = models.CharField(
        _("format"), max_length=4, choices=ExportFormat.choices, default=ExportFormat.XLSX
    )
    status = models.CharField(
        _("status"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.PENDING
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("note"), max_length=300, blank=True)
    downloaded_at = models.DateTimeField(null=True, blank=True)

    scope_path_field = "org_path"

    class Meta:
        verbose_name = _("unmasked export request")
        verbose_name_plural = _("unmasked export requests")
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.org_path}"
