"""Trained dispatch-suggestion models: one row per saved file, at most one active."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DispatchModel(models.Model):
    created_at = models.DateTimeField(_("created at"))
    n_train = models.PositiveIntegerField(_("closed cases trained on"))
    # Held-out figures of train(): {"category": {...}, "department": {...}, "split": {...}}.
    metrics = models.JSONField(_("held-out metrics"), default=dict)
    # The file's name inside GRIDGOV_DATA_DIR/models (never a path elsewhere: see classifier.load).
    path = models.CharField(_("file"), max_length=200)
    active = models.BooleanField(_("active"), default=False)

    class Meta:
        verbose_name = _("dispatch suggestion model")
        verbose_name_plural = _("dispatch suggestion models")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["active"], condition=models.Q(active=True), name="intelligence_one_active_model"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.path}{' (active)' if self.active else ''}"
