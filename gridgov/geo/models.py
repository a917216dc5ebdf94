"""Org units: district > street/town/sumu > community/village > grid, with their polygons."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.IntegerChoices):
    DISTRICT = 1, _("District")
    STREET = 2, _("Street / town / sumu")
    COMMUNITY = 3, _("Community / village / gacha")
    GRID = 4, _("Grid")


# Digits each level adds to the code: 6-digit county code, then 3 + 3 (national statistical
# division code), then 3 for the grid. The path joins the same segments with dots.
CODE_LENGTHS = {Level.DISTRICT: 6, Level.STREET: 9, Level.COMMUNITY: 12, Level.GRID: 15}


class Kind(models.TextChoices):
    """What a unit is called locally; the level decides its place in the tree."""

    DISTRICT = "district", _("District")
    SUBDISTRICT = "subdistrict", _("Sub-district")
    TOWN = "town", _("Town")
    SUMU = "sumu", _("Sumu")
    TOWNSHIP = "township", _("Township")
    COMMUNITY = "community", _("Community")
    VILLAGE = "village", _("Village")
    GACHA = "gacha", _("Gacha")
    GRID = "grid", _("Grid")


def path_for_code(code: str) -> str:
    """`150502001003012` -> `150502.001.003.012`."""
    head, rest = code[:6], code[6:]
    return ".".join([head, *(rest[i : i + 3] for i in range(0, len(rest), 3))])


class OrgUnitQuerySet(models.QuerySet):
    def active(self) -> OrgUnitQuerySet:
        return self.filter(is_active=True)

    def grids(self) -> OrgUnitQuerySet:
        return self.filter(level=Level.GRID, is_active=True)

    def within(self, path: str) -> OrgUnitQuerySet:
        """The unit with this path and everything under it (an indexed prefix match)."""
        return self.filter(models.Q(path=path) | models.Q(path__startswith=path + "."))


class OrgUnit(models.Model):
    code = models.CharField(_("code"), max_length=15, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices, db_index=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name_zh = models.CharField(_("Chinese name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=150, blank=True)
    path = models.CharField(_("path"), max_length=40, unique=True)
    # GeoJSON geometry (Polygon or MultiPolygon) in WGS-84 longitude/latitude.
    geometry = models.JSONField(_("boundary"), null=True, blank=True)
    min_lon = models.FloatField(null=True, blank=True)
    min_lat = models.FloatField(null=True, blank=True)
    max_lon = models.FloatField(null=True, blank=True)
    max_lat = models.FloatField(null=True, blank=True)
    area_m2 = models.FloatField(_("area (m²)"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    # Set when this grid was merged into another; kept for history, never reused.
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("merged into"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrgUnitQuerySet.as_manager()

    # access.scoped() filters on this field.
    scope_path_field = "path"

    class Meta:
        verbose_name = _("org unit")
        verbose_name_plural = _("org units")
        ordering = ["path"]
        indexes = [
            models.Index(fields=["path"], name="geo_unit_path_prefix", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["min_lon", "max_lon", "min_lat", "max_lat"], name="geo_unit_bbox"),
        ]

    def __str__(self) -> str:
        return f"{self.name_zh} ({self.code})"

    @property
    def is_grid(self) -> bool:
        return self.level == Level.GRID

    def name_for(self, language: str | None) -> str:
        if language and language.startswith("en") and self.name_en:
            return self.name_en
        return self.name_zh

    def ancestor_paths(self) -> list[str]:
        parts = self.path.split(".")
        return [".".join(parts[:i]) for i in range(1, len(parts))]


class GeometryVersion(models.Model):
    """One row whose counter goes up whenever any polygon changes; processes watch it."""

    version = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("geometry version")

    def __str__(self) -> str:
        return f"geometry version {self.version}"
