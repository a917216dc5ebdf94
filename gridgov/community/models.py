"""Notices to the residents of an org unit, with read receipts; consultations (议事协商) in which
residents propose, support, and the community's households vote."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gridgov.geo.models import OrgUnit
from gridgov.people.models import Household


class NoticeState(models.TextChoices):
    DRAFT = "draft", _("Draft")  # written, not yet shown to residents
    PUBLISHED = "published", _("Published")  # shown to the residents of the unit
    WITHDRAWN = "withdrawn", _("Withdrawn")  # no longer shown; kept with its read receipts


class Notice(models.Model):
    """A notice (通知公告) to the residents of `org_unit` and of every unit under it."""

    org_unit = models.ForeignKey(OrgUnit, verbose_name=_("for the residents of"), on_delete=models.PROTECT)
    org_path = models.CharField(max_length=40, db_index=True, editable=False)
    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(_("text"))
    ends_on = models.DateField(_("shown until"), null=True, blank=True)
    pinned = models.BooleanField(_("pinned"), default=False)
    state = models.CharField(
        _("state"), max_length=10, choices=NoticeState.choices, default=NoticeState.DRAFT
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # access.scoped() filters on this field.
    scope_path_field = "org_path"

    class Meta:
        verbose_name = pgettext_lazy("community", "notice")
        verbose_name_plural = _("notices")
        ordering = ["-pinned", "-published_at", "-created_at"]

    def __str__(self) -> str:
        return self.title


class NoticeRead(models.Model):
    """A read receipt: the first time a resident opened a notice."""

    notice = models.ForeignKey(Notice, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(_("read at"), auto_now_add=True)

    class Meta:
        verbose_name = _("read receipt")
        verbose_name_plural = _("read receipts")
        constraints = [models.UniqueConstraint(fields=["notice", "user"], name="community_notice_read_once")]

    def __str__(self) -> str:
        return f"{self.notice_id} read by {self.user_id}"


class ConsultationState(models.TextChoices):
    PROPOSED = "proposed", _("Collecting support")  # residents support it until staff decide
    REJECTED = "rejected", pgettext_lazy("proposal state", "Rejected")  # staff refused it, with a reason
    VOTING = "voting", _("Voting")  # households vote until closes_at or a staff close
    # The result is published and frozen in `result`.
    CLOSED = "closed", pgettext_lazy("consultation state", "Closed")


class Consultation(models.Model):
    """A resident's proposal in a community and, once opened by staff, its household vote."""

    community = models.ForeignKey(OrgUnit, verbose_name=_("community"), on_delete=models.PROTECT)
    org_path = models.CharField(max_length=40, db_index=True, editable=False)
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"))
    proposer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("proposed by"), on_delete=models.PROTECT, related_name="+"
    )
    state = models.CharField(
        _("state"), max_length=10, choices=ConsultationState.choices, default=ConsultationState.PROPOSED
    )
    # Supports needed before a vote may open; empty: settings.COMMUNITY_SUPPORT_THRESHOLD.
    support_threshold = models.PositiveIntegerField(_("supports needed"), null=True, blank=True)
    rejection_reason = models.CharField(_("reason for rejection"), max_length=300, blank=True)
    opened_at = models.DateTimeField(_("vote opened at"), null=True, blank=True)
    closes_at = models.DateTimeField(_("vote closes at"), null=True, blank=True, db_index=True)
    closed_at = models.DateTimeField(_("vote closed at"), null=True, blank=True)
    # Frozen at the close: {"options": [{"id", "label", "votes"}], "households_voted", "households_total"}.
    result = models.JSONField(_("result"), null=True, blank=True)
    created_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # access.scoped() filters on this field.
    scope_path_field = "org_path"

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def threshold(self) -> int:
        if self.support_threshold is not None:
            return self.support_threshold
        return settings.COMMUNITY_SUPPORT_THRESHOLD


class Support(models.Model):
    """One resident's support for a proposal (one per resident)."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="supports")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["consultation", "user"], name="community_support_once"),
        ]

    def __str__(self) -> str:
        return f"{self.consultation_id} supported by {self.user_id}"


class VoteOption(models.Model):
    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="options")
    label = models.CharField(_("option"), max_length=100)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["consultation_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["consultation", "position"], name="community_option_position"),
        ]

    def __str__(self) -> str:
        return self.label


class Vote(models.Model):
    """The vote of one household: the latest choice of any of its bound members."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="votes")
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="+")
    option = models.ForeignKey(VoteOption, on_delete=models.PROTECT, related_name="votes")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    cast_at = models.DateTimeField()

    class Meta:
        constraints = [
            # One vote per household: the upsert in consultations.cast_vote relies on it.
            models.UniqueConstraint(
                fields=["consultation", "household"], name="community_vote_per_household"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.consultation_id}: household {self.household_id}"


class ActionState(models.TextChoices):
    OPEN = "open", pgettext_lazy("follow-up state", "Open")
    DONE = "done", _("Done")


class FollowUpAction(models.Model):
    """What staff do about a closed consultation's result, shown under it."""

    consultation = models.ForeignKey(Consultation, on_delete=models.CASCADE, related_name="actions")
    text = models.CharField(_("action"), max_length=300)
    case_number = models.CharField(_("case number"), max_length=32, blank=True)
    state = models.CharField(_("state"), max_length=4, choices=ActionState.choices, default=ActionState.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("follow-up action")
        verbose_name_plural = _("follow-up actions")
        ordering = ["consultation_id", "created_at"]

    def __str__(self) -> str:
        return self.text
