"""Departments and memberships: who holds which role where."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from gridgov.access.roles import DEPARTMENT_ROLES, EXPECTED_LEVEL, Role
from gridgov.geo.models import OrgUnit


class Department(models.Model):
    """A functional department (职能部门) that receives dispatched cases within its area."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=150, blank=True)
    # The area the department serves: usually the district, sometimes a street.
    org_unit = models.ForeignKey(
        OrgUnit, verbose_name=_("service area"), on_delete=models.PROTECT, related_name="+"
    )
    is_active = models.BooleanField(_("active"), default=True)

    # access.scoped() filters on this field.
    scope_path_field = "org_unit__path"

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name_zh


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    org_unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("org unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    # The jurisdiction this membership grants: the org unit's path, or the department's area.
    scope_path = models.CharField(_("jurisdiction path"), max_length=40, db_index=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    # access.scoped() filters on this field.
    scope_path_field = "scope_path"

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["user_id", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "org_unit", "department"], name="access_membership_unique"
            ),
        ]

    def __str__(self) -> str:
        where = self.department or self.org_unit
        return f"{self.user} · {self.get_role_display()} · {where}"

    def save(self, *args, **kwargs) -> None:
        area = self.department.org_unit if self.department is not None else self.org_unit
        if area is None:
            raise ValueError("A membership needs a department or an org unit before it is saved.")
        self.scope_path = area.path
        super().save(*args, **kwargs)

    def clean(self) -> None:
        if self.role in DEPARTMENT_ROLES:
            if not self.department_id or self.org_unit_id:
                raise ValidationError(
                    {"department": _("A department handler belongs to a department and has no org unit.")}
                )
            return
        if not self.org_unit_id or self.department_id:
            raise ValidationError({"org_unit": _("This role belongs to an org unit and has no department.")})
        expected = EXPECTED_LEVEL.get(Role(self.role))
        if expected is None:
            return
        org_unit = self.org_unit
        assert org_unit is not None  # org_unit_id is set: checked just above
        if org_unit.level != expected:
            raise ValidationError({"org_unit": _("This role can only be held in an org unit of its level.")})
