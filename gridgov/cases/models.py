"""Cases (事件/案件), their timeline and photos."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.access.models import Department
from gridgov.cases.states import State
from gridgov.cases.taxonomy import Category, LimitUnit, ResponsibilityRule, Stage, TimeLimit, Urgency
from gridgov.geo.models import OrgUnit

__all__ = [
    "Alert",
    "Case",
    "CaseCounter",
    "CasePhoto",
    "Category",
    "LimitUnit",
    "ResponsibilityRule",
    "Source",
    "Stage",
    "State",
    "TimeLimit",
    "TimelineEntry",
    "Urgency",
]


class Source(models.TextChoices):
    PATROL = "patrol", _("Grid worker patrol")
    RESIDENT = "resident", _("Resident report")
    HOTLINE = "hotline", _("12345 hotline")
    SENSOR = "sensor", _("Sensor")
    CAMPAIGN = "campaign", _("Campaign")
    OPEN311 = "open311", _("Open311 client")


class Alert(models.TextChoices):
    """How close the current stage is to its limit."""

    NONE = "none", _("In time")
    YELLOW = "yellow", _("Warning")
    RED = "red", _("Overdue")


class Case(models.Model):
    number = models.CharField(_("case number"), max_length=32, unique=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="cases"
    )
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    description = models.TextField(_("description"))
    address = models.CharField(_("address"), max_length=200, blank=True)
    lon = models.FloatField(_("longitude"))
    lat = models.FloatField(_("latitude"))
    grid = models.ForeignKey(OrgUnit, verbose_name=_("grid"), on_delete=models.PROTECT, related_name="cases")
    # The grid's path: jurisdiction scoping is one prefix match on it.
    org_path = models.CharField(max_length=40, db_index=True)
    # The level now responsible for the case (geo.models.Level: 4 grid … 1 district) and its unit.
    level = models.PositiveSmallIntegerField(_("responsible level"))
    responsible_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("responsible unit"), on_delete=models.PROTECT, related_name="+"
    )

    state = models.CharField(_("state"), max_length=12, choices=State.choices, db_index=True)
    # Optimistic-locking counter: every transition increments it.
    version = models.PositiveIntegerField(default=1)
    # The state to return to when a suspension ends.
    resume_state = models.CharField(max_length=12, choices=State.choices, blank=True)
    suspended_at = models.DateTimeField(null=True, blank=True)

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reporter"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="reported_cases",
    )
    # For hotline callers and other reporters without an account.
    caller_name = models.CharField(_("caller's name"), max_length=50, blank=True)
    caller_phone = models.CharField(_("caller's phone"), max_length=20, blank=True)
    hotline_ref = models.CharField(_("hotline ticket number"), max_length=40, blank=True, db_index=True)
    hide_reporter = models.BooleanField(_("hide the reporter from the public"), default=False)

    department = models.ForeignKey(
        Department,
        verbose_name=_("handling department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cases",
    )
    handling_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("handling unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    suggested_department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    suggested_unit = models.ForeignKey(
        OrgUnit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    handler = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handler"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="handled_cases",
    )
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="duplicates",
    )
    self_handled = models.BooleanField(_("handled on the spot"), default=False)
    result = models.TextField(_("handling result"), blank=True)

    # The deadline of the stage the case is in, and when its warning starts (both indexed for the sweep).
    stage = models.CharField(_("timed stage"), max_length=10, choices=Stage.choices, blank=True)
    stage_started_at = models.DateTimeField(null=True, blank=True)
    deadline = models.DateTimeField(_("deadline"), null=True, blank=True, db_index=True)
    warn_at = models.DateTimeField(null=True, blank=True, db_index=True)
    alert = models.CharField(_("time status"), max_length=6, choices=Alert.choices, default=Alert.NONE)
    overdue_count = models.PositiveSmallIntegerField(default=0)

    rework_count = models.PositiveSmallIntegerField(_("reworks"), default=0)
    extension_requested = models.BooleanField(default=False)
    extension_reason = models.TextField(blank=True)
    extension_hours = models.PositiveIntegerField(null=True, blank=True)
    supervised = models.BooleanField(_("supervised"), default=False)
    urge_count = models.PositiveSmallIntegerField(default=0)

    rating = models.PositiveSmallIntegerField(_("satisfaction"), null=True, blank=True)
    rating_comment = models.TextField(_("comment"), blank=True)
    rated_at = models.DateTimeField(null=True, blank=True)

    # Create-request idempotency: one key per reporter; the fingerprint detects a reused key.
    idempotency_key = models.CharField(max_length=64, null=True, blank=True)  # noqa: DJ001 (NULL: no key, unique otherwise)
    request_fingerprint = models.CharField(max_length=64, blank=True)

    reported_at = models.DateTimeField(_("reported at"), db_index=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    scope_path_field = "org_path"
    scope_department_field = "department"
    scope_owner_field = "reporter"

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-reported_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["reporter", "idempotency_key"], name="cases_idempotency_unique"),
            # One case per hotline ticket, whoever imports it.
            models.UniqueConstraint(
                fields=["hotline_ref"],
                condition=models.Q(source="hotline") & ~models.Q(hotline_ref=""),
                name="cases_hotline_ref_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="cases_rating_1_to_5",
            ),
        ]
        indexes = [
            models.Index(
                fields=["org_path", "state"],
                name="cases_path_state",
                opclasses=["varchar_pattern_ops", "varchar_pattern_ops"],
            ),
            models.Index(fields=["state", "deadline"], name="cases_state_deadline"),
            models.Index(fields=["department", "state"], name="cases_department_state"),
        ]

    def __str__(self) -> str:
        return self.number


class TimelineEntry(models.Model):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="timeline")
    at = models.DateTimeField(_("time"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    action = models.CharField(_("action"), max_length=24)
    from_state = models.CharField(max_length=12, blank=True)
    to_state = models.CharField(max_length=12, blank=True)
    note = models.TextField(_("note"), blank=True)
    details = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("timeline entry")
        verbose_name_plural = _("timeline")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action} {self.at:%Y-%m-%d %H:%M}"


def _photo_path(photo: CasePhoto, filename: str) -> str:
    return f"cases/{photo.case.reported_at:%Y/%m}/{photo.case.number}/{filename}"


class CasePhoto(models.Model):
    class Kind(models.TextChoices):
        REPORT = "report", _("At report")
        HANDLED = "handled", _("After handling")
        VERIFY = "verify", _("At verification")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="photos")
    timeline_entry = models.ForeignKey(
        TimelineEntry, null=True, blank=True, on_delete=models.SET_NULL, related_name="photos"
    )
    kind = models.CharField(max_length=8, choices=Kind.choices)
    image = models.ImageField(upload_to=_photo_path)
    thumbnail = models.ImageField(upload_to=_photo_path)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.kind} #{self.pk}"


class CaseCounter(models.Model):
    """The last sequence number given out for one district and day (case numbers)."""

    key = models.CharField(max_length=20, unique=True)
    value = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("case number counter")
        verbose_name_plural = _("case number counters")

    def __str__(self) -> str:
        return f"{self.key}: {self.value}"
