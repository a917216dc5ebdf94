"""Emergency campaigns (专项行动): door-to-door screening and the like, risk zones, home health
monitoring, and what stays of them after the retention period.

Personal campaign data (targets with their answers, follow-ups, monitoring and its check-ins,
alerts, help requests and status changes, export requests' files) lives only in this app and
is purged `retention_days` after the campaign ends (gridgov.campaigns.retention). The
aggregates (GridProgress, DailyCount) and the campaign's design are kept.

Every record stores an org path for jurisdiction scoping (access.scope). Writes go through the
services of this app; every read of personal data is audited.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gridgov.cases.models import Case
from gridgov.geo.models import OrgUnit
from gridgov.people.models import Building, Household, Person


class CampaignKind(models.TextChoices):
    EPIDEMIC = "epidemic", _("Epidemic screening")
    FLOOD = "flood", _("Flood")
    SNOWSTORM = "snowstorm", _("Snowstorm / cold wave")
    HEATING = "heating", _("Heating failure")
    CENSUS = "census", _("Census update")
    OTHER = "other", pgettext_lazy("campaign kind", "Other")


class CampaignStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("campaign state", "Draft")
    ACTIVE = "active", pgettext_lazy("campaign state", "Active")
    ENDED = "ended", pgettext_lazy("campaign state", "Ended")
    PURGED = "purged", pgettext_lazy("campaign state", "Personal data purged")


class TargetMode(models.TextChoices):
    ALL = "all", _("All households of the scope")
    FILTER = "filter", _("Households of persons matching tags, age and residence type")
    LIST = "list", _("A list imported from Excel")


class Campaign(models.Model):
    """A campaign over some org units, with a target built from the registry and a checklist."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=CampaignKind.choices)
    description = models.TextField(_("description"), blank=True)
    status = models.CharField(
        _("status"), max_length=8, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    units = models.ManyToManyField(OrgUnit, verbose_name=_("scope"), related_name="+")
    # The deepest unit containing all of `units`: who may see and run the campaign (access.scope).
    org_path = models.CharField(max_length=40, db_index=True)
    # Target definition (TargetMode.FILTER): any of the tags (ids), age bounds in whole years on
    # the start day, residence types. Empty lists / nulls mean "no condition".
    target_mode = models.CharField(
        _("target"), max_length=6, choices=TargetMode.choices, default=TargetMode.ALL
    )
    target_tags = models.JSONField(_("tags"), default=list, blank=True)
    target_min_age = models.PositiveSmallIntegerField(_("minimum age"), null=True, blank=True)
    target_max_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    target_residence_types = models.JSONField(_("residence types"), default=list, blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    # Days after the end at which personal answers and monitoring records are purged.
    retention_days = models.PositiveSmallIntegerField(_("retention (days after the end)"), default=30)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    purged_at = models.DateTimeField(_("personal data purged"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path_field = "org_path"

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="campaign_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.name


class ListEntry(models.Model):
    """One household of a target list imported from Excel (TargetMode.LIST)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="list_entries")
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "household"], name="campaign_list_entry_unique")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} · {self.household_id}"


class QuestionKind(models.TextChoices):
    YES_NO = "yes_no", _("Yes / no")
    CHOICE = "choice", _("One choice")
    CHOICES = "choices", _("Several choices")
    NUMBER = "number", pgettext_lazy("question kind", "Number")
    TEMPERATURE = "temperature", _("Body temperature (°C)")
    DATE = "date", _("Date")
    TEXT = "text", _("Text")


class ExceptionAction(models.TextChoices):
    NONE = "", _("Nothing")
    FOLLOW_UP = "follow_up", _("Create a follow-up")
    CASE = "case", _("Report a case")


class Question(models.Model):
    """One question of a campaign's checklist, defined in the admin.

    `choices`: [{"value": "a", "label": "..."}] for CHOICE / CHOICES.
    `condition`: asked only when another (earlier) question's answer matches, e.g.
    {"question": "fever", "equals": true} or {"question": "heating", "in": ["none", "weak"]}.
    `exception`: when this question's answer matches the same kind of test (equals / in / gte /
    lte), `exception_action` is taken, labelled `exception_label`.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    code = models.SlugField(_("code"), max_length=30)
    text = models.CharField(_("question"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=QuestionKind.choices)
    required = models.BooleanField(_("required"), default=True)
    choices = models.JSONField(_("choices"), default=list, blank=True)
    condition = models.JSONField(_("asked only when"), null=True, blank=True)
    exception = models.JSONField(_("exception when"), null=True, blank=True)
    exception_action = models.CharField(
        _("on exception"), max_length=10, choices=ExceptionAction.choices, default="", blank=True
    )
    exception_label = models.CharField(_("exception label"), max_length=100, blank=True)
    # The case category of ExceptionAction.CASE (a category code of gridgov.cases).
    exception_category = models.CharField(_("case category code"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("checklist question")
        verbose_name_plural = _("checklist questions")
        ordering = ["campaign", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "code"], name="campaign_question_code_unique")
        ]

    def __str__(self) -> str:
        return self.text


class Outcome(models.TextChoices):
    PENDING = "pending", pgettext_lazy("campaign outcome", "Not yet visited")
    DONE = "done", pgettext_lazy("campaign outcome", "Done")
    NOT_HOME = "not_home", pgettext_lazy("campaign outcome", "Not at home (revisit)")
    REFUSED = "refused", pgettext_lazy("campaign outcome", "Refused")
    MOVED = "moved", pgettext_lazy("campaign outcome", "Moved away")


class Target(models.Model):
    """One targeted household of a campaign: its assignment and, once visited, its result.

    (campaign, household) is unique: every targeted household is assigned exactly once.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="targets")
    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="+"
    )
    grid = models.ForeignKey(OrgUnit, verbose_name=_("grid"), on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=40)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Ids of the household's members who matched the target filter (who to ask after).
    person_ids = models.JSONField(default=list, blank=True)
    outcome = models.CharField(_("outcome"), max_length=8, choices=Outcome.choices, default=Outcome.PENDING)
    answers = models.JSONField(_("answers"), null=True, blank=True)  # {question code: value}
    note = models.CharField(_("note"), max_length=200, blank=True)
    has_exception = models.BooleanField(_("exception"), default=False)
    attempts = models.PositiveSmallIntegerField(_("visits"), default=0)
    result_at = models.DateTimeField(_("visited"), null=True, blank=True)
    result_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("visited by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    scope_path_field = "org_path"

    class Meta:
        verbose_name = _("campaign household")
        verbose_name_plural = _("campaign households")
        ordering = ["campaign", "org_path", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "household"], name="campaign_target_unique")
        ]
        indexes = [
            models.Index(fields=["campaign", "org_path"], name="campaign_target_path"),
            models.Index(fields=["campaign", "assignee", "outcome"], name="campaign_target_assignee"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} · {self.household_id}"


class FollowUpState(models.TextChoices):
    OPEN = "open", pgettext_lazy("follow-up state", "Open")
    DONE = "done", pgettext_lazy("follow-up state", "Done")


class FollowUp(models.Model):
    """What an exception on a checklist answer set off: a follow-up to do, or a reported case."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="follow_ups")
    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="follow_ups")
    question_code = models.CharField(max_length=30)
    label = models.CharField(_("exception"), max_length=100)
    action = models.CharField(_("action"), max_length=10, choices=ExceptionAction.choices)
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    state = models.CharField(
        _("state"), max_length=4, choices=FollowUpState.choices, default=FollowUpState.OPEN
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    org_path = models.CharField(max_length=40, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    scope_path_field = "org_path"

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["target", "question_code"], name="campaign_follow_up_unique")
        ]

    def __str__(self) -> str:
        return self.label


class GridProgress(models.Model):
    """Counts of a campaign's targets per grid and outcome, kept current by every result: the
    coverage dashboard reads these rows, never the targets. Kept after the purge."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="progress")
    grid = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=40)
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0)
    not_home = models.PositiveIntegerField(default=0)
    refused = models.PositiveIntegerField(default=0)
    moved = models.PositiveIntegerField(default=0)
    exceptions = models.PositiveIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    scope_path_field = "org_path"

    class Meta:
        ordering = ["campaign", "org_path"]
        constraints = [models.UniqueConstraint(fields=["campaign", "grid"], name="campaign_progress_unique")]
        indexes = [models.Index(fields=["campaign", "org_path"], name="campaign_progress_path")]

    def __str__(self) -> str:
        return f"{self.campaign_id} · {self.org_path}"

    @property
    def pending(self) -> int:
        return self.total - self.done - self.not_home - self.refused - self.moved


class DailyCount(models.Model):
    """What happened in a grid on a day of a campaign, in counts only: the part of the campaign
    that outlives the purge (daily reports, later analysis)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="daily_counts")
    grid = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=40)
    day = models.DateField()
    # Results recorded that day, by outcome (a household revisited counts again).
    done = models.PositiveIntegerField(default=0)
    not_home = models.PositiveIntegerField(default=0)
    refused = models.PositiveIntegerField(default=0)
    moved = models.PositiveIntegerField(default=0)
    exceptions = models.PositiveIntegerField(default=0)
    # Health monitoring: persons under monitoring that day, check-ins received, days missed.
    monitored = models.PositiveIntegerField(default=0)
    checkins = models.PositiveIntegerField(default=0)
    missed_checkins = models.PositiveIntegerField(default=0)

    scope_path_field = "org_path"

    class Meta:
        ordering = ["campaign", "day", "org_path"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "grid", "day"], name="campaign_daily_count_unique")
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} · {self.org_path} · {self.day}"


class SecondPersonDecision(models.Model):
    """The decision on a request that a second person approves or rejects. Each model keeps its
    own proposer field and the check constraint that refuses the proposer as decider."""

    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        abstract = True


class ExportState(models.TextChoices):
    PENDING = "pending", pgettext_lazy("export state", "Waiting for approval")
    APPROVED = "approved", pgettext_lazy("export state", "Approved")
    REJECTED = "rejected", pgettext_lazy("export state", "Rejected")


class ExportRequest(SecondPersonDecision):
    """A bulk export of a campaign's personal data: approved by a second person, then
    downloadable a limited time, watermarked with the requester and the request."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="export_requests")
    area = models.ForeignKey(OrgUnit, verbose_name=_("area"), on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=40, db_index=True)
    reason = models.CharField(_("reason"), max_length=200)
    state = models.CharField(
        _("state"), max_length=8, choices=ExportState.choices, default=ExportState.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    downloads = models.PositiveSmallIntegerField(default=0)

    scope_path_field = "org_path"

    class Meta:
        verbose_name = _("export request")
        verbose_name_plural = _("export requests")
        ordering = ["-requested_at", "-id"]
        constraints = [
            # Two persons: the requester never approves their own export.
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("requested_by")),
                name="campaign_export_second_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} · {self.requested_by}"


# --- Risk zones ---------------------------------------------------------------------------


class RiskLevel(models.TextChoices):
    LOCKDOWN = "lockdown", _("Lockdown zone (封控区)")
    CONTROL = "control", _("Control zone (管控区)")
    PREVENTION = "prevention", _("Prevention zone (防范区)")


class RiskZone(models.Model):
    """A grid or a building designated at a risk level for a period. Never edited in place: a new
    level ends the current row and starts a new one, so the rows are the zone's history."""

    campaign = models.ForeignKey(
        Campaign,
        verbose_name=_("campaign"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="zones",
    )
    level = models.CharField(_("level"), max_length=10, choices=RiskLevel.choices)
    grid = models.ForeignKey(
        OrgUnit, verbose_name=_("grid"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    building = models.ForeignKey(
        Building,
        verbose_name=_("building"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    org_path = models.CharField(max_length=40, db_index=True)
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("set by"), on_delete=models.PROTECT, related_name="+"
    )
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    scope_path_field = "org_path"

    class Meta:
        verbose_name = _("risk zone")
        verbose_name_plural = _("risk zones")
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(grid__isnull=False, building__isnull=True)
                | Q(grid__isnull=True, building__isnull=False),
                name="risk_zone_grid_or_building",
            ),
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gt=F("starts_at")),
                name="risk_zone_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_level_display()} · {self.grid or self.building}"


# --- Health monitoring --------------------------------------------------------------------


class MonitoringKind(models.TextChoices):
    HOME_QUARANTINE = "quarantine", _("Home quarantine (居家隔离)")
    HOME_HEALTH = "health", _("Home health monitoring (居家健康监测)")


class Monitoring(models.Model):
    """A person under monitoring for a period within a campaign. Created, changed and released
    only through an approved MonitoringChange (two persons)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="monitorings")
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="+")
    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    grid = models.ForeignKey(OrgUnit, verbose_name=_("grid"), on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=40, db_index=True)
    kind = models.CharField(_("kind"), max_length=10, choices=MonitoringKind.choices)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))  # inclusive
    released_at = models.DateTimeField(_("released"), null=True, blank=True)

    scope_path_field = "org_path"

    class Meta:
        verbose_name = _("health monitoring")
        verbose_name_plural = _("health monitoring")
        ordering = ["campaign", "org_path", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "person"],
                condition=Q(released_at__isnull=True),
                name="monitoring_one_open",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="monitoring_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.person_id}"


class ChangeAction(models.TextChoices):
    PLACE = "place", _("Place under monitoring")
    CHANGE = "change", _("Change kind or period")
    RELEASE = "release", _("Release")


class ChangeState(models.TextChoices):
    PENDING = "pending", pgettext_lazy("monitoring change state", "Waiting for approval")
    APPROVED = "approved", pgettext_lazy("monitoring change state", "Approved")
    REJECTED = "rejected", pgettext_lazy("monitoring change state", "Rejected")


class MonitoringChange(SecondPersonDecision):
    """A proposed change of a person's monitoring status: applied only when a second person
    approves it (the database refuses the proposer as approver)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="monitoring_changes")
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="+")
    monitoring = models.ForeignKey(
        Monitoring, null=True, blank=True, on_delete=models.CASCADE, related_name="changes"
    )
    action = models.CharField(_("action"), max_length=8, choices=ChangeAction.choices)
    kind = models.CharField(_("kind"), max_length=10, choices=MonitoringKind.choices, blank=True)
    starts_on = models.DateField(_("from"), null=True, blank=True)
    ends_on = models.DateField(_("until"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200)
    org_path = models.CharField(max_length=40, db_index=True)
    state = models.CharField(
        _("state"), max_length=8, choices=ChangeState.choices, default=ChangeState.PENDING
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("proposed by"), on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField(auto_now_add=True)

    scope_path_field = "org_path"

    class Meta:
        verbose_name = _("monitoring status change")
        verbose_name_plural = _("monitoring status changes")
        ordering = ["-proposed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True) | ~Q(decided_by=F("proposed_by")),
                name="monitoring_change_second_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.person_id}"


class TestResult(models.TextChoices):
    NONE = "", _("No test")
    PENDING = "pending", pgettext_lazy("test result", "Waiting for the result")
    NEGATIVE = "negative", _("Negative")
    POSITIVE = "positive", _("Positive")


class HealthCheckIn(models.Model):
    """A daily check-in of a monitored person, by the grid worker or by the person."""

    monitoring = models.ForeignKey(Monitoring, on_delete=models.CASCADE, related_name="checkins")
    day = models.DateField(_("day"))
    at = models.DateTimeField(_("time"))
    temperature = models.DecimalField(
        _("temperature (°C)"), max_digits=3, decimal_places=1, null=True, blank=True
    )
    symptoms = models.JSONField(_("symptoms"), default=list, blank=True)
    test_result = models.CharField(_("test result"), max_length=8, choices=TestResult.choices, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    by_self = models.BooleanField(_("reported by the person"), default=False)

    class Meta:
        verbose_name = _("health check-in")
        verbose_name_plural = _("health check-ins")
        ordering = ["monitoring", "-at"]
        indexes = [models.Index(fields=["monitoring", "day"], name="monitoring_checkin_day")]

    def __str__(self) -> str:
        return f"{self.monitoring_id} · {self.day}"


class AlertKind(models.TextChoices):
    MISSED = "missed", _("Missed check-in")
    FEVER = "fever", _("Fever")
    POSITIVE = "positive", _("Positive test")


class MonitoringAlert(models.Model):
    monitoring = models.ForeignKey(Monitoring, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(_("kind"), max_length=8, choices=AlertKind.choices)
    day = models.DateField(_("day"))
    org_path = models.CharField(max_length=40, db_index=True)
    raised_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    scope_path_field = "org_path"

    class Meta:
        verbose_name = _("monitoring alert")
        verbose_name_plural = _("monitoring alerts")
        ordering = ["-day", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["monitoring", "kind", "day"], name="monitoring_alert_unique")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.monitoring_id} · {self.day}"


class HelpKind(models.TextChoices):
    SUPPLIES = "supplies", _("Daily supplies")
    MEDICINE = "medicine", _("Medicine")
    MEDICAL = "medical", _("Medical care")
    OTHER = "other", pgettext_lazy("help kind", "Other")


class HelpRequest(models.Model):
    """A supply or help request of a sealed household; it becomes a patrol task for its grid."""

    monitoring = models.ForeignKey(Monitoring, on_delete=models.CASCADE, related_name="help_requests")
    kind = models.CharField(_("kind"), max_length=8, choices=HelpKind.choices)
    text = models.CharField(_("request"), max_length=200)
    org_path = models.CharField(max_length=40, db_index=True)
    at = models.DateTimeField(auto_now_add=True)
    by_user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    task = models.ForeignKey(
        "patrol.Task", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    scope_path_field = "org_path"

    class Meta:
        verbose_name = _("help request")
        verbose_name_plural = _("help requests")
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.monitoring_id}"
