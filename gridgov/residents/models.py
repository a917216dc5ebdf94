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

    class Meta:
        verbose_name = _("resident account")
        verbose_name_plural = _("resident accounts")
        constraints = [
            # A registry person has at most one resident account.
            models.UniqueConstraint(fields=["person"], name="residents_profile_one_per_person"),
        ]

    def __str__(self) -> str:
        return self.display_name or self.phone_masked
