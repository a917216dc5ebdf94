"""In-app notifications: one row per recipient and message."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    # Kept when the case goes: the message still says what happened.
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("case"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # What the message is about, e.g. a workflow action ("dispatch") or "warning"/"overdue".
    kind = models.CharField(_("kind"), max_length=24)
    # Stored rendered (in the site language): a notification says what was true when it was sent.
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    created_at = models.DateTimeField(_("sent at"), db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        indexes = [
            # "My inbox, newest first" and "my unread" (count and list) are index scans.
            models.Index(fields=["recipient", "-created_at"], name="inbox_recipient_created"),
            models.Index(
                fields=["recipient", "created_at"],
                name="inbox_recipient_unread",
                condition=models.Q(read_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id}: {self.title}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
