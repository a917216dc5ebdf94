"""Open311 API keys and what a submitting client told us beyond the case itself."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.cases.models import Case


class ApiKey(models.Model):
    """A client allowed to submit requests. The key itself is shown once and stored only as a hash.

    Each key reports through its own system user (a resident of the district), so the case
    workflow checks and audits an Open311 report like any other.
    """

    name = models.CharField(_("name"), max_length=100)
    organization = models.CharField(_("organization"), max_length=150, blank=True)
    contact = models.CharField(_("contact"), max_length=150, blank=True)
    prefix = models.CharField(_("key prefix"), max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    requests_per_minute = models.PositiveIntegerField(_("requests per minute"))
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="open311_key", editable=False
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("Open311 API key")
        verbose_name_plural = _("Open311 API keys")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class SubmittedRequest(models.Model):
    """An Open311 request: its case, the client that sent it and the token it was given."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="open311_request")
    api_key = models.ForeignKey(ApiKey, on_delete=models.PROTECT, related_name="requests")
    token = models.CharField(max_length=40, unique=True)
    # Stored as text, never fetched: nothing reaches the internet.
    media_url = models.URLField(max_length=500, blank=True)
    device_id = models.CharField(max_length=100, blank=True)
    account_id = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Open311 request")
        verbose_name_plural = _("Open311 requests")

    def __str__(self) -> str:
        return self.token
