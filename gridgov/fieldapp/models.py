"""What the sync endpoint keeps of each submission from the field app.

A Submission row is written in the same transaction as the record its handler creates, so a
committed record always has its Submission and a retry of the same key finds it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class SubmissionStatus(models.TextChoices):
    CREATED = "created", _("Created")  # the handler created its record (ref_type/ref_id)
    # The handler refused the body (errors); nothing written.
    REJECTED = "rejected", pgettext_lazy("submission state", "Rejected")


class Submission(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="+"
    )
    key = models.UUIDField(_("idempotency key"))
    kind = models.CharField(_("kind"), max_length=50)
    # sha256 of the canonical JSON of kind, made_at and body: a replay must match it exactly.
    body_hash = models.CharField(max_length=64)
    status = models.CharField(_("status"), max_length=10, choices=SubmissionStatus.choices)
    ref_type = models.CharField(max_length=100, blank=True)
    ref_id = models.CharField(max_length=40, blank=True)
    ref_label = models.CharField(max_length=200, blank=True)
    errors = models.JSONField(default=dict, blank=True)
    made_at = models.DateTimeField(_("made on the device"))
    received_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        verbose_name = _("field submission")
        verbose_name_plural = _("field submissions")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="fieldapp_submission_user_key")]
        indexes = [models.Index(fields=["user", "-received_at"], name="fieldapp_sub_user_received")]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}"


class SubmissionConflict(models.Model):
    """A replay of a key with a different body: kept for the worker, the stored record unchanged."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="conflicts")
    body_hash = models.CharField(max_length=64)
    received_at = models.DateTimeField(_("received"), auto_now_add=True)

    class Meta:
        verbose_name = _("field submission conflict")
        verbose_name_plural = _("field submission conflicts")

    def __str__(self) -> str:
        return f"{self.submission} ≠ {self.body_hash[:12]}"
