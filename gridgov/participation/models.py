"""What the resident portal adds to cases: residents following a case someone else reported."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.cases.models import Case


class CaseFollow(models.Model):
    """A resident joined a case ("the same problem?") instead of reporting a duplicate."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="case_follows",
    )
    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="follows")
    created_at = models.DateTimeField(_("followed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("followed case")
        verbose_name_plural = _("followed cases")
        ordering = ["-created_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["user", "case"], name="participation_follow_once")]

    def __str__(self) -> str:
        return f"{self.user_id} → {self.case_id}"
