"""Daily field work of grid workers: patrols with their GPS track, check-ins and findings,
household visits with proposed registry corrections, and tasks.

Every record stores the grid's path (`org_path`) for jurisdiction scoping (access.scope).
Writes go through the services of this app (patrols, visits, changes, assignments).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gridgov.geo.models import OrgUnit
from gridgov.people.models import Building, Component, Household, Organization, Person, Tag


class Patrol(models.Model):
    """One patrol (巡查) of a worker through a grid, from start to end."""

    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("worker"), on_delete=models.PROTECT, related_name="patrols"
    )
    grid = models.ForeignKey(OrgUnit, verbose_name=_("grid"), on_delete=models.PROTECT, related_name="+")
    # Further grids walked on the same patrol (a worker often covers two neighbouring grids).
    other_grids = models.ManyToManyField(OrgUnit, verbose_name=_("other grids"), blank=True, related_name="+")
    org_path = models.CharField(max_length=40, db_index=True)
    started_at = models.DateTimeField(_("started"))
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    # Sum of the track's segments, recomputed when points arrive (they may arrive out of order).
    distance_m = models.FloatField(_("distance (m)"), default=0)
    note = models.CharField(_("note"), max_length=200, blank=True)
    # The device's own id of the patrol, so that track points recorded offline can name it.
    client_key = models.CharField(max_length=64, blank=True)

    scope_path_field = "org_path"

    class Meta:
        verbose_name = _("patrol")
        verbose_name_plural = _("patrols")
        ordering = ["-started_at", "-id"]
        indexes = [models.Index(fields=["worker", "started_at"], name="patrol_worker_started")]
        constraints = [
            # A worker walks one patrol at a time.
            models.UniqueConstraint(
                fields=["worker"], condition=Q(ended_at__isnull=True), name="patrol_one_open_per_worker"
            ),
            models.UniqueConstraint(
                fields=["worker", "client_key"], condition=~Q(client_key=""), name="patrol_client_key_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.worker} · {timezone.localtime(self.started_at):%Y-%m-%d %H:%M}"

    @property
    def is_open(self) -> bool:
        return self.ended_at is None


class TrackPoint(models.Model):
    """One GPS fix of a patrol. (patrol, at) is unique, so a re-sent batch adds nothing."""

    patrol = models.ForeignKey(Patrol, on_delete=models.CASCADE, related_name="points")
    at = models.DateTimeField()
    lon = models.FloatField()
    lat = models.FloatField()
    accuracy_m = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["patrol", "at"]
        constraints = [models.UniqueConstraint(fields=["patrol", "at"], name="patrol_point_unique_time")]

    def __str__(self) -> str:
        return f"{self.patrol_id} {self.at:%H:%M:%S} {self.lon:.5f},{self.lat:.5f}"


class CheckIn(models.Model):
    """A check-in (签到) at a registered place or at a free point with a note."""

    patrol = models.ForeignKey(Patrol, on_delete=models.CASCADE, related_name="checkins")
    at = models.DateTimeField(_("time"))
    lon = models.FloatField(_("longitude"))
    lat = models.FloatField(_("latitude"))
    building = models.ForeignKey(
        Building,
        verbose_name=_("building"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    component = models.ForeignKey(
        Component,
        verbose_name=_("component"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    org_path = models.CharField(max_length=40, db_index=True)

    scope_path_field = "org_path"

    class Meta:
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        ordering = ["patrol", "at"]

    def __str__(self) -> str:
        return str(self.place) if self.place else self.note[:40]

    @property
    def place(self):
        return self.building or self.organization or self.component


class Finding(models.Model):
    """A case reported from a patrol: the link between the two."""

    patrol = models.ForeignKey(Patrol, on_delete=models.CASCADE, related_name="findings")
    case = models.OneToOneField("cases.Case", on_delete=models.CASCADE, related_name="patrol_finding")

    class Meta:
        ordering = ["patrol", "id"]

    def __str__(self) -> str:
        return f"{self.patrol_id} → {self.case_id}"


class Situation(models.TextChoices):
    NORMAL = "normal", _("Normal")
    ATTENTION = "attention", _("Needs attention")
    URGENT = "urgent", _("Urgent")


class Need(models.TextChoices):
    MEDICAL = "medical", _("Medical")
    FINANCIAL = "financial", _("Financial")
    DAILY_CARE = "daily_care", _("Daily care")
    HOUSING_REPAIR = "housing_repair", _("Housing repair")
    EMPLOYMENT = "employment", _("Employment")
    LEGAL = "legal", _("Legal")
    OTHER = "other", _("Other")


class Visit(models.Model):
    """A household visit (入户走访)."""

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.PROTECT, related_name="visits"
    )
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("worker"), on_delete=models.PROTECT, related_name="visits"
    )
    patrol = models.ForeignKey(
        Patrol,
        verbose_name=_("patrol"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="visits",
    )
    visited_at = models.DateTimeField(_("visited"))
    nobody_home = models.BooleanField(_("nobody at home"), default=False)
    met = models.ManyToManyField(Person, verbose_name=_("who was met"), blank=True, related_name="+")
    situation = models.CharField(_("situation"), max_length=10, choices=Situation.choices)
    needs = models.JSONField(_("needs"), default=list, blank=True)  # Need codes
    needs_other = models.CharField(_("other needs"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)
    grid = models.ForeignKey(OrgUnit, verbose_name=_("grid"), on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=40)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path_field = "org_path"

    class Meta:
        verbose_name = _("household visit")
        verbose_name_plural = _("household visits")
        ordering = ["-visited_at", "-id"]
        indexes = [
            models.Index(fields=["household", "visited_at"], name="patrol_visit_household"),
            models.Index(fields=["org_path", "visited_at"], name="patrol_visit_path"),
            models.Index(fields=["worker", "visited_at"], name="patrol_visit_worker"),
        ]

    def __str__(self) -> str:
        return f"{self.household} · {timezone.localtime(self.visited_at):%Y-%m-%d}"

    def need_labels(self) -> list[str]:
        labels = dict(Need.choices)
        return [str(labels.get(code, code)) for code in self.needs]


def _visit_photo_path(photo: VisitPhoto, filename: str) -> str:
    return f"visits/{photo.visit_id}/{filename}"


class VisitPhoto(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to=_visit_photo_path)

    def __str__(self) -> str:
        return self.image.name


class ChangeState(models.TextChoices):
    PENDING = "pending", _("Pending")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", pgettext_lazy("correction state", "Rejected")


class ProposedChange(models.Model):
    """A registry correction noted on a visit, applied only when community staff accept it.

    Identifiers (ID number, phone) are kept like the registry keeps them: encrypted token,
    keyed hash and masked form; `value` stays empty for them.
    """

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="proposed_changes")
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    field = models.CharField(_("field"), max_length=32)
    value = models.CharField(_("proposed value"), max_length=200, blank=True)
    value_token = models.CharField(max_length=200, blank=True, editable=False)
    value_index = models.CharField(max_length=64, blank=True, editable=False)
    value_masked = models.CharField(max_length=18, blank=True, editable=False)
    state = models.CharField(
        _("state"), max_length=10, choices=ChangeState.choices, default=ChangeState.PENDING, db_index=True
    )
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(auto_now_add=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    org_path = models.CharField(max_length=40, db_index=True)

    scope_path_field = "org_path"

    class Meta:
        verbose_name = _("proposed change")
        verbose_name_plural = _("proposed changes")
        ordering = ["proposed_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(person__isnull=False) | Q(household__isnull=False),
                name="patrol_change_has_target",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person or self.household}: {self.field}"

    @property
    def field_label(self) -> str:
        from gridgov.patrol.corrections import field_label

        return field_label(self.field)

    @property
    def shown_value(self) -> str:
        """What pages show: the masked form for identifiers, a proposed head's name, else the value."""
        if self.field == "head" and self.value.isdigit():
            return (
                Person.objects.filter(pk=int(self.value)).values_list("name", flat=True).first() or self.value
            )
        return self.value_masked or self.value


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")


class TargetKind(models.TextChoices):
    PERSON = "person", _("Each tagged person")
    HOUSEHOLD = "household", _("Each household of a tagged person")


class TaskRule(models.Model):
    """A recurring task: visit every person (or household) with `tag` in `area` each period."""

    title = models.CharField(_("title"), max_length=100)
    area = models.ForeignKey(OrgUnit, verbose_name=_("area"), on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=40, db_index=True)
    tag = models.ForeignKey(Tag, verbose_name=_("special group"), on_delete=models.PROTECT, related_name="+")
    target = models.CharField(
        _("target"), max_length=10, choices=TargetKind.choices, default=TargetKind.HOUSEHOLD
    )
    frequency = models.CharField(_("frequency"), max_length=8, choices=Frequency.choices)
    # Weekly: the weekday the item is due (0 Monday … 6 Sunday); monthly items are due on the last day.
    due_weekday = models.PositiveSmallIntegerField(_("due weekday"), default=4)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    is_active = models.BooleanField(_("active"), default=True)

    scope_path_field = "org_path"

    class Meta:
        verbose_name = _("recurring task")
        verbose_name_plural = _("recurring tasks")
        ordering = ["org_path", "title"]

    def __str__(self) -> str:
        return self.title


class TaskState(models.TextChoices):
    OPEN = "open", pgettext_lazy("task state", "Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Task(models.Model):
    """A concrete task item for a grid worker: one-off, or one period of a TaskRule."""

    title = models.CharField(_("title"), max_length=100)
    details = models.TextField(_("details"), blank=True)
    rule = models.ForeignKey(TaskRule, null=True, blank=True, on_delete=models.PROTECT, related_name="items")
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)  # inclusive
    # "person:12" / "household:5" / "": makes generation idempotent per rule and period.
    target_key = models.CharField(max_length=32, blank=True)
    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    grid = models.ForeignKey(OrgUnit, verbose_name=_("grid"), on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=40)
    # None: any worker of the grid may take it (generated items).
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("assigned to"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="patrol_tasks",
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_on = models.DateField(_("due"))
    state = models.CharField(_("state"), max_length=10, choices=TaskState.choices, default=TaskState.OPEN)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    done_note = models.CharField(_("note"), max_length=200, blank=True)
    done_visit = models.ForeignKey(Visit, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path_field = "org_path"

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["due_on", "id"]
        indexes = [
            models.Index(fields=["org_path", "state", "due_on"], name="patrol_task_path_state_due"),
            models.Index(fields=["household", "state"], name="patrol_task_household_state"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "period_start", "target_key"],
                condition=Q(rule__isnull=False),
                name="patrol_task_one_per_period",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_overdue(self) -> bool:
        return self.state == TaskState.OPEN and self.due_on < timezone.localdate()
