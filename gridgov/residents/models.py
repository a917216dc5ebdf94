"""A resident's account: the mobile number it signs in with, and the registry person it is
bound to (which gives the resident a household and a home grid)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.people.crypto import BLIND_INDEX_HEX_CHARS
from gridgov.people.models import TOKEN_LENGTH, Person

RESIDENT_PHONE = "residents.profile.phone"  # the sealing context of a resident's mobile


class ResidentProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="resident"
    )
    # The mobile is sealed as in the registry: token, keyed hash (unique: one account per
    # number) and masked form.
    phone_token = models.CharField(max_length=TOKEN_LENGTH, editable=False)
    phone_index = models.CharField(max_length=BLIND_INDEX_HEX_CHARS, unique=True, editable=False)
    phone_masked = models.CharField(_("phone"), max_length=11, editable=False)
    display_name = models.CharField(_("name shown"), max_length=30, blank=True)
    person = models.ForeignKey(
        Person,
        verbose_name=_("registry person"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="resident_accounts",
    )
    bound_at = models.DateTimeField(_("bound at"), null=True, blank=True)
    created_at = models.DateTimeField(_("signed up at"), auto_now_add=True)
    # When the resident agreed to the privacy notice (before the first code was sent).
    privacy_agreed_at = models.DateTimeField(_("privacy notice agreed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("resident account")
        verbose_name_plural = _("resident accounts")
        constraints = [
            # A registry person has at most one resident account.
            models.UniqueConstraint(fields=["person"], name="residents_profile_one_per_person"),
        ]

    def __str__(self) -> str:
        return self.display_name or self.phone_masked


class OneTimeCode(models.Model):
    """A sign-in code sent to a mobile number. Only its keyed hash is stored, never the code or
    the number; rows also count the requests for the sending limits."""

    phone_index = models.CharField(max_length=BLIND_INDEX_HEX_CHARS, editable=False)
    code_hash = models.CharField(max_length=BLIND_INDEX_HEX_CHARS, editable=False)
    client_ip = models.GenericIPAddressField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(db_index=True)
    expires_at = models.DateTimeField()
    failed_tries = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("sign-in code")
        verbose_name_plural = _("sign-in codes")
        indexes = [
            models.Index(fields=["phone_index", "created_at"], name="residents_code_phone_time"),
            models.Index(fields=["client_ip", "created_at"], name="residents_code_ip_time"),
        ]

    def __str__(self) -> str:
        return f"code {self.pk} ({self.created_at:%Y-%m-%d %H:%M})"


class PhoneLock(models.Model):
    """One row per mobile number that asked for a code: locked while a code is issued or
    checked, so that concurrent requests for one number are counted one after the other."""

    phone_index = models.CharField(max_length=BLIND_INDEX_HEX_CHARS, unique=True, editable=False)

    def __str__(self) -> str:
        return self.phone_index


class BindingAttempt(models.Model):
    """One try to bind an account to a registry person, for the daily limit."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    at = models.DateTimeField(db_index=True)
    succeeded = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("binding attempt")
        verbose_name_plural = _("binding attempts")

    def __str__(self) -> str:
        return f"{self.user_id} {self.at:%Y-%m-%d %H:%M}"
