"""The append-only audit log. Rows are written freely and sealed into a hash chain later."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Outcome(models.TextChoices):
    OK = "ok", _("ok")
    DENIED = "denied", _("denied")
    FAILED = "failed", _("failed")


class AuditEntry(models.Model):
    at = models.DateTimeField(_("time"), db_index=True)
    # DO_NOTHING and no DB constraint: deleting an account must not touch sealed history
    # (the triggers would refuse the UPDATE that SET_NULL needs); actor_name keeps the name.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_constraint=False,
    )
    # Kept as text so the record stays meaningful after the account is gone.
    actor_name = models.CharField(_("account"), max_length=150, blank=True, db_index=True)
    roles = models.CharField(_("role"), max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=64, db_index=True)
    target_type = models.CharField(_("target type"), max_length=64, blank=True)
    target_id = models.CharField(_("target id"), max_length=64, blank=True, db_index=True)
    target_repr = models.CharField(_("target"), max_length=200, blank=True)
    outcome = models.CharField(_("outcome"), max_length=8, choices=Outcome.choices, default=Outcome.OK)
    client_ip = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)
    # Filled by the sealer: position in the chain, and sha256(previous hash + this row).
    seq = models.PositiveBigIntegerField(_("sequence"), null=True, blank=True, unique=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["action", "at"], name="audit_action_at"),
            # The sealer looks for unsealed rows; a partial index keeps that cheap on a big table.
            models.Index(fields=["id"], condition=models.Q(hash=""), name="audit_unsealed"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.actor_name} {self.action} {self.outcome}"

    @property
    def is_sealed(self) -> bool:
        return bool(self.hash)


class ChainHead(models.Model):
    """The single row (pk=1) holding the last sealed position, read and moved only by the sealer.

    It lets the sealer continue without scanning the table, and lets verify() notice rows
    removed from the end of the chain (which no link check could see).
    """

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, blank=True)
    sealed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("audit chain head")
        verbose_name_plural = _("audit chain head")

    def __str__(self) -> str:
        return f"{self.seq} {self.hash[:12]}"
