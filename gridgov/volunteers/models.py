"""Volunteers, their activities and attendance, the points ledger and the community points shop."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gridgov.cases.models import Case
from gridgov.geo.models import OrgUnit


class VolunteerStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")  # registered, not yet approved by staff
    APPROVED = "approved", _("Approved")  # may sign up for activities
    SUSPENDED = "suspended", pgettext_lazy("volunteer state", "Suspended")  # may not sign up; points stay


class Volunteer(models.Model):
    """A resident registered as a volunteer (志愿者) of their home community."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="volunteer"
    )
    community = models.ForeignKey(
        OrgUnit, verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    org_path = models.CharField(max_length=40, db_index=True)  # the community's path, for scoping
    skills = models.CharField(_("skills"), max_length=200, blank=True)
    availability = models.CharField(_("availability"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=VolunteerStatus.choices, default=VolunteerStatus.PENDING
    )
    status_reason = models.CharField(_("reason"), max_length=200, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    scope_path_field = "org_path"
    scope_owner_field = "user"

    class Meta:
        verbose_name = _("volunteer")
        verbose_name_plural = _("volunteers")
        ordering = ["org_path", "-created_at"]

    def __str__(self) -> str:
        return f"volunteer {self.user_id}"


class PointsMode(models.TextChoices):
    PER_HOUR = "per_hour", _("Points per service hour")
    FIXED = "fixed", _("Fixed points per attendance")


class ActivityState(models.TextChoices):
    # "Open" alone is already the verb "open (a page)" in the catalog.
    OPEN = "open", pgettext_lazy("activity state", "Open")  # sign-up, check-in and check-out possible
    # Points awarded; nothing changes any more.
    FINISHED = "finished", pgettext_lazy("activity state", "Finished")
    CANCELLED = "cancelled", _("Cancelled")


class Activity(models.Model):
    """A volunteer activity (志愿活动) organised by community staff."""

    community = models.ForeignKey(
        OrgUnit, verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    org_path = models.CharField(max_length=40, db_index=True)
    title = models.CharField(_("title"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    place = models.CharField(_("place"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"), db_index=True)
    ends_at = models.DateTimeField(_("ends at"))
    signup_limit = models.PositiveIntegerField(_("sign-up limit"))
    points_mode = models.CharField(_("points"), max_length=10, choices=PointsMode.choices)
    points = models.PositiveIntegerField(_("points (per hour or fixed)"))
    # Shown by the organiser at the place; a volunteer enters it to check in or out.
    check_in_code = models.CharField(_("check-in code"), max_length=6, editable=False)
    state = models.CharField(
        _("state"), max_length=10, choices=ActivityState.choices, default=ActivityState.OPEN
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    scope_path_field = "org_path"

    class Meta:
        verbose_name = _("volunteer activity")
        verbose_name_plural = _("volunteer activities")
        ordering = ["-starts_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_at__gt=models.F("starts_at")),
                name="volunteers_activity_ends_after_start",
            ),
            models.CheckConstraint(
                condition=models.Q(signup_limit__gte=1), name="volunteers_activity_limit_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class SignUpState(models.TextChoices):
    SIGNED_UP = "signed_up", _("Signed up")
    CANCELLED = "cancelled", _("Cancelled")


class SignUp(models.Model):
    """One volunteer's place in one activity, with check-in, check-out and the service time."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="signups")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="signups")
    state = models.CharField(
        _("state"), max_length=10, choices=SignUpState.choices, default=SignUpState.SIGNED_UP
    )
    signed_up_at = models.DateTimeField(_("signed up at"))
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    service_minutes = models.PositiveIntegerField(_("service minutes"), default=0)
    points_awarded = models.PositiveIntegerField(_("points awarded"), default=0)

    class Meta:
        verbose_name = _("sign-up")
        verbose_name_plural = _("sign-ups")
        ordering = ["signed_up_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "volunteer"], name="volunteers_signup_once"),
        ]

    def __str__(self) -> str:
        return f"{self.activity_id}/{self.volunteer_id}"

    @property
    def service_hours(self) -> float:
        return round(self.service_minutes / 60, 1)


class PointsAccount(models.Model):
    """A resident's points balance: the sum of their ledger entries, kept here under a row lock."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="points_account",
    )
    balance = models.IntegerField(_("balance"), default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("points account")
        verbose_name_plural = _("points accounts")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(balance__gte=0), name="volunteers_balance_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"points {self.user_id}"


class EntryKind(models.TextChoices):
    VOLUNTEERING = "volunteering", _("Earned by volunteering")
    REPORT = "report", _("Earned by a registered report")
    SPENT = "spent", _("Spent in the points shop")
    REFUND = "refund", _("Refunded")
    ADJUSTMENT = "adjustment", _("Adjusted by staff")


# Kinds that count as points earned (leaderboards rank these, not the balance).
EARNED_KINDS = (EntryKind.VOLUNTEERING, EntryKind.REPORT)


class PointsEntry(models.Model):
    """One append-only line of the points ledger. Nothing updates or deletes an entry."""

    account = models.ForeignKey(PointsAccount, on_delete=models.PROTECT, related_name="entries")
    amount = models.IntegerField(_("points"))
    kind = models.CharField(_("reason"), max_length=12, choices=EntryKind.choices)
    balance_after = models.IntegerField(_("balance after"))
    # Where the points were earned or spent (leaderboards are per community).
    community = models.ForeignKey(OrgUnit, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    note = models.CharField(_("note"), max_length=200, blank=True)
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    signup = models.ForeignKey(SignUp, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    redemption = models.ForeignKey(
        "Redemption", null=True, blank=True, on_delete=models.PROTECT, related_name="entries"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("time"), db_index=True)

    class Meta:
        verbose_name = _("points entry")
        verbose_name_plural = _("points ledger")
        ordering = ["-at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(amount=0), name="volunteers_entry_not_zero"),
            models.CheckConstraint(
                condition=models.Q(balance_after__gte=0), name="volunteers_entry_balance_not_negative"
            ),
            # A registered report earns once; an attendance is paid once; a redemption is refunded once.
            models.UniqueConstraint(
                fields=["account", "kind", "case"],
                condition=models.Q(case__isnull=False),
                name="volunteers_entry_once_per_case",
            ),
            models.UniqueConstraint(
                fields=["kind", "signup"],
                condition=models.Q(signup__isnull=False),
                name="volunteers_entry_once_per_signup",
            ),
            models.UniqueConstraint(
                fields=["kind", "redemption"],
                condition=models.Q(redemption__isnull=False),
                name="volunteers_entry_once_per_redemption",
            ),
        ]
        indexes = [models.Index(fields=["community", "kind", "at"], name="volunteers_entry_board")]

    def __str__(self) -> str:
        return f"{self.account_id} {self.amount:+d} {self.kind}"

    def save(self, *args, **kwargs) -> None:
        # Append-only: a correction is a new (adjustment or refund) entry, never an edit.
        if not self._state.adding:
            raise ValueError("Points entries are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("Points entries are append-only.")


class ShopItem(models.Model):
    """Something a community's points shop offers, with its price in points and its stock."""

    community = models.ForeignKey(
        OrgUnit, verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    org_path = models.CharField(max_length=40, db_index=True)
    name = models.CharField(_("name"), max_length=100)
    description = models.CharField(_("description"), max_length=300, blank=True)
    price = models.PositiveIntegerField(_("price (points)"))
    stock = models.PositiveIntegerField(_("stock"))
    is_active = models.BooleanField(_("offered"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    scope_path_field = "org_path"

    class Meta:
        verbose_name = _("shop item")
        verbose_name_plural = _("shop items")
        ordering = ["org_path", "price", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(price__gte=1), name="volunteers_item_price_positive"),
            models.CheckConstraint(
                condition=models.Q(stock__gte=0), name="volunteers_item_stock_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class RedemptionState(models.TextChoices):
    PENDING = "pending", _("To collect")  # points spent, item not yet handed over
    COLLECTED = "collected", _("Collected")
    CANCELLED = "cancelled", _("Cancelled")  # points refunded, stock back


class Redemption(models.Model):
    """A points redemption (积分兑换): one item bought with points by one resident."""

    item = models.ForeignKey(
        ShopItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="redemptions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("resident"), on_delete=models.PROTECT, related_name="+"
    )
    org_path = models.CharField(max_length=40, db_index=True)  # the item's community
    price = models.PositiveIntegerField(_("points paid"))
    state = models.CharField(
        _("state"), max_length=10, choices=RedemptionState.choices, default=RedemptionState.PENDING
    )
    created_at = models.DateTimeField(_("redeemed at"))
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    scope_path_field = "org_path"
    scope_owner_field = "user"

    class Meta:
        verbose_name = _("redemption")
        verbose_name_plural = _("redemptions")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.item_id} → {self.user_id}"
