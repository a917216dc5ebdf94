"""The basic-information registry (人、地、事、物、组织): buildings, houses, households, persons,
special-group tags, organizations and components.

Every record stores its grid and the grid's path (`org_path`): jurisdiction scoping is one
prefix match on it (access.scope). ID numbers and phones are never stored in clear: each has an
encrypted token, a keyed hash for exact lookup and the masked form that lists show (see
people.pii and docs/privacy.md). Writes go through people.services, which keep the history.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from gridgov.geo.models import OrgUnit
from gridgov.people.crypto import BLIND_INDEX_HEX_CHARS, max_token_length
from gridgov.people.ethnicities import Ethnicity
from gridgov.people.fields import SearchKeyField

# A token for an 18-character ID number or an 11-digit phone fits in 96 characters.
TOKEN_LENGTH = max_token_length(32)


class GridScoped(models.Model):
    """A record that belongs to a grid; `org_path` copies the grid's path for scoping."""

    grid = models.ForeignKey(OrgUnit, verbose_name=_("grid"), on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=40, db_index=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    scope_path_field = "org_path"

    class Meta:
        abstract = True


class BuildingKind(models.TextChoices):
    RESIDENTIAL = "residential", _("Residential building")
    BUNGALOW = "bungalow", _("Bungalow / courtyard")
    COMMERCIAL = "commercial", _("Commercial building")
    MIXED = "mixed", _("Mixed use")
    PUBLIC = "public", _("Public building")


class Building(GridScoped):
    """A building (楼栋) or a rural courtyard; its grid follows from its point."""

    name = models.CharField(_("name"), max_length=100)
    address = models.CharField(_("address"), max_length=200, db_index=True)
    kind = models.CharField(
        _("kind"), max_length=12, choices=BuildingKind.choices, default=BuildingKind.RESIDENTIAL
    )
    lon = models.FloatField(_("longitude"))
    lat = models.FloatField(_("latitude"))
    floors = models.PositiveSmallIntegerField(_("floors"), default=1)
    units = models.PositiveSmallIntegerField(_("units (entrances)"), default=1)
    # Free-form key from an import file or another system, unique per grid when given.
    external_ref = models.CharField(_("external reference"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["org_path", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["grid", "external_ref"],
                condition=~Q(external_ref=""),
                name="people_building_ref_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class HouseUse(models.TextChoices):
    SELF_OCCUPIED = "self", _("Self-occupied")
    RENTED = "rented", _("Rented")
    VACANT = "vacant", _("Vacant")
    COMMERCIAL = "commercial", _("Commercial")


class House(GridScoped):
    """A house (房屋): a flat in a building, or the dwelling of a courtyard."""

    building = models.ForeignKey(
        Building, verbose_name=_("building"), on_delete=models.PROTECT, related_name="houses"
    )
    unit = models.PositiveSmallIntegerField(_("unit"), default=1)
    floor = models.SmallIntegerField(_("floor"), default=1)
    number = models.CharField(_("house number"), max_length=20)
    area_m2 = models.DecimalField(_("area (m²)"), max_digits=8, decimal_places=2, null=True, blank=True)
    use = models.CharField(_("use"), max_length=10, choices=HouseUse.choices, default=HouseUse.SELF_OCCUPIED)

    class Meta:
        verbose_name = _("house")
        verbose_name_plural = _("houses")
        ordering = ["building", "unit", "floor", "number"]
        constraints = [
            models.UniqueConstraint(fields=["building", "unit", "number"], name="people_house_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.building.name} {self.unit}-{self.number}"


class Tenancy(models.Model):
    """A tenancy of a rented house: who rents it, from when to when."""

    house = models.ForeignKey(
        House, verbose_name=_("house"), on_delete=models.CASCADE, related_name="tenancies"
    )
    tenant = models.ForeignKey(
        "Person",
        verbose_name=_("tenant"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="tenancies",
    )
    tenant_name = models.CharField(_("tenant's name"), max_length=50)
    landlord_name = models.CharField(_("landlord's name"), max_length=50, blank=True)
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("tenancy")
        verbose_name_plural = _("tenancies")
        ordering = ["house", "-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="people_tenancy_dates",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.house} · {self.tenant_name}"


class Household(GridScoped):
    """A household (户): its members live in one house; one member is the head."""

    number = models.CharField(_("household number"), max_length=30, unique=True)
    house = models.ForeignKey(
        House,
        verbose_name=_("house"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="households",
    )
    head = models.ForeignKey(
        "Person",
        verbose_name=_("head of household"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["org_path", "number"]

    def __str__(self) -> str:
        return self.number


class Sex(models.TextChoices):
    MALE = "male", _("Male")
    FEMALE = "female", _("Female")


class ResidenceType(models.TextChoices):
    REGISTERED = "registered", _("Registered resident")
    PERMANENT = "permanent", _("Permanent resident")
    FLOATING = "floating", _("Floating resident")


class PersonStatus(models.TextChoices):
    ACTIVE = "active", _("Living here")
    MOVED_OUT = "moved_out", _("Moved out")
    DECEASED = "deceased", _("Deceased")


class Relation(models.TextChoices):
    HEAD = "head", _("Head of household")
    SPOUSE = "spouse", _("Spouse")
    CHILD = "child", _("Child")
    PARENT = "parent", _("Parent")
    GRANDCHILD = "grandchild", _("Grandchild")
    GRANDPARENT = "grandparent", _("Grandparent")
    SIBLING = "sibling", _("Sibling")
    CHILD_IN_LAW = "child_in_law", _("Son- or daughter-in-law")
    OTHER_RELATIVE = "relative", _("Other relative")
    OTHER = "other", _("Other")


class Person(GridScoped):
    # Searched by prefix and listed in the same index's order (indexes in Meta; see SearchKeyField).
    name = SearchKeyField(_("name"), max_length=50)
    # Lower-case pinyin without tones or spaces ("wulan") and its initials ("wl"), for search.
    name_pinyin = SearchKeyField(max_length=200, editable=False)
    name_initials = SearchKeyField(max_length=50, editable=False)
    # The ID number: encrypted token, keyed hash (unique: one person per number), masked form.
    id_number_token = models.CharField(max_length=TOKEN_LENGTH, blank=True, editable=False)
    # Unique through Meta.constraints (`unique=True` would add a LIKE index, useless on a hash);
    # NULL, not "", for "no number", so that the constraint lets many persons have none.
    id_number_index = models.CharField(  # noqa: DJ001
        max_length=BLIND_INDEX_HEX_CHARS, null=True, blank=True, editable=False
    )
    id_number_masked = models.CharField(_("ID number"), max_length=18, blank=True, editable=False)
    id_verified = models.BooleanField(_("ID checked against the certificate"), default=False)
    sex = models.CharField(_("sex"), max_length=6, choices=Sex.choices, blank=True)
    birth_date = models.DateField(_("date of birth"), null=True, blank=True, db_index=True)
    ethnicity = models.CharField(_("ethnicity"), max_length=2, choices=Ethnicity.choices, blank=True)
    phone_token = models.CharField(max_length=TOKEN_LENGTH, blank=True, editable=False)
    phone_index = models.CharField(max_length=BLIND_INDEX_HEX_CHARS, blank=True, editable=False)
    phone_masked = models.CharField(_("phone"), max_length=11, blank=True, editable=False)
    residence_type = models.CharField(
        _("residence type"), max_length=10, choices=ResidenceType.choices, default=ResidenceType.REGISTERED
    )
    registered_address = models.CharField(_("registered address (户籍地)"), max_length=200, blank=True)
    house = models.ForeignKey(
        House,
        verbose_name=_("current house"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="residents",
    )
    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    relation = models.CharField(
        _("relation to the head"), max_length=12, choices=Relation.choices, blank=True
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PersonStatus.choices, default=PersonStatus.ACTIVE, db_index=True
    )
    note = models.TextField(_("note"), blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["org_path", "name", "id"]
        # Every index slows an import down (1,000,000 rows each update all of them): only those
        # a query needs, and no LIKE twin where no LIKE is run (bench/registry.py).
        indexes = [
            models.Index(fields=["org_path", "status"], name="people_person_path_status"),
            models.Index(fields=["name"], name="people_person_name"),
            models.Index(fields=["name_pinyin"], name="people_person_pinyin"),
            # A search by initials reads them in pinyin order within equal initials.
            models.Index(fields=["name_initials", "name_pinyin"], name="people_person_initials"),
            models.Index(fields=["phone_index"], name="people_person_phone"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["id_number_index"], name="people_person_id_number_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def birth_month(self) -> str:
        """ "1951-03": what pages and the API show beside a masked ID number, where the full date
        would leave only about ten candidates for the hidden digits."""
        return f"{self.birth_date:%Y-%m}" if self.birth_date else ""


class StatusChange(models.Model):
    """One change of a person's status (moved out, deceased, back): the history of who lived here."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="status_changes")
    old_status = models.CharField(max_length=10, choices=PersonStatus.choices)
    new_status = models.CharField(max_length=10, choices=PersonStatus.choices)
    effective_on = models.DateField(_("effective on"))
    reason = models.CharField(_("reason"), max_length=200)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["person", "-at", "-id"]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.old_status} → {self.new_status}"


class Residence(models.Model):
    """Where a person lived: one row per period in a house/household/grid; the open row is now."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="residences")
    house = models.ForeignKey(House, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    household = models.ForeignKey(
        Household, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    grid = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="+")
    org_path = models.CharField(max_length=40)
    started_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["person", "-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(ended_at__isnull=True), name="people_one_open_residence"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} @ {self.org_path}"


class Sensitivity(models.IntegerChoices):
    """How sensitive a special-group tag is; access.policy names the roles that see each level."""

    GENERAL = 1, _("General")
    SENSITIVE = 2, _("Sensitive")
    RESTRICTED = 3, _("Highly sensitive")


class Tag(models.Model):
    """A special group (特殊人群 / 重点人群) a person can belong to."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=50)
    name_en = models.CharField(_("English name"), max_length=80)
    sensitivity = models.PositiveSmallIntegerField(_("sensitivity"), choices=Sensitivity.choices)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("special-group tag")
        verbose_name_plural = _("special-group tags")
        ordering = ["sensitivity", "code"]

    def __str__(self) -> str:
        return self.name_zh


class PersonTag(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="person_tags")
    tag = models.ForeignKey(Tag, on_delete=models.PROTECT, related_name="+")
    # Copied from the tag so that visibility filters need no join.
    sensitivity = models.PositiveSmallIntegerField(choices=Sensitivity.choices)
    # Copied from the person for counting per grid without a join.
    org_path = models.CharField(max_length=40, db_index=True)
    since = models.DateField(_("since"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    added_at = models.DateTimeField(auto_now_add=True)

    scope_path_field = "org_path"

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "tag"], name="people_person_tag_unique")]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.tag_id}"


class OrganizationKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    SHOP = "shop", _("Shop / individual business")
    SCHOOL = "school", _("School / kindergarten")
    MEDICAL = "medical", _("Clinic / hospital")
    SOCIAL = "social", _("Social organization")
    GOVERNMENT = "government", _("Government body / public institution")
    OTHER = "other", _("Other")


class FireRisk(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class Organization(GridScoped):
    name = models.CharField(_("name"), max_length=100, db_index=True)
    kind = models.CharField(_("kind"), max_length=12, choices=OrganizationKind.choices)
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, null=True, blank=True, unique=True
    )
    legal_representative = models.CharField(_("legal representative"), max_length=50, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    # A contact's mobile is personal data: stored like a person's phone.
    contact_phone_token = models.CharField(max_length=TOKEN_LENGTH, blank=True, editable=False)
    contact_phone_index = models.CharField(
        max_length=BLIND_INDEX_HEX_CHARS, blank=True, db_index=True, editable=False
    )
    contact_phone_masked = models.CharField(_("contact phone"), max_length=11, blank=True, editable=False)
    address = models.CharField(_("address"), max_length=200)
    lon = models.FloatField(_("longitude"))
    lat = models.FloatField(_("latitude"))
    building = models.ForeignKey(
        Building,
        verbose_name=_("building"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="organizations",
    )
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    is_active = models.BooleanField(_("operating"), default=True)
    # Fire safety (消防安全检查).
    fire_inspected_on = models.DateField(_("last fire-safety inspection"), null=True, blank=True)
    fire_risk = models.CharField(_("fire risk"), max_length=6, choices=FireRisk.choices, blank=True)
    extinguishers_ok = models.BooleanField(_("extinguishers in order"), null=True, blank=True)
    exits_clear = models.BooleanField(_("escape routes clear"), null=True, blank=True)
    fire_notes = models.CharField(_("fire-safety notes"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["org_path", "name"]

    def __str__(self) -> str:
        return self.name


class ComponentKind(models.TextChoices):
    MANHOLE = "manhole", _("Manhole cover")
    STREET_LIGHT = "light", _("Street light")
    HYDRANT = "hydrant", _("Fire hydrant")
    CAMERA = "camera", _("Camera")
    TRASH_BIN = "bin", _("Waste bin")
    BUS_STOP = "bus_stop", _("Bus stop")
    BENCH = "bench", _("Bench / fitness equipment")
    SIGN = "sign", _("Road sign")
    HEATING = "heating", _("Heating station / pipe")
    OTHER = "other", _("Other")


class ComponentState(models.TextChoices):
    GOOD = "good", _("In order")
    DAMAGED = "damaged", _("Damaged")
    MISSING = "missing", _("Missing")
    REMOVED = "removed", _("Removed")


class Component(GridScoped):
    """A coded public facility (部件)."""

    code = models.CharField(_("code"), max_length=30, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=ComponentKind.choices)
    name = models.CharField(_("name"), max_length=100, blank=True)
    lon = models.FloatField(_("longitude"))
    lat = models.FloatField(_("latitude"))
    state = models.CharField(
        _("state"), max_length=8, choices=ComponentState.choices, default=ComponentState.GOOD
    )
    owner = models.CharField(_("owner / maintainer"), max_length=100, blank=True)
    installed_on = models.DateField(_("installed on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("component")
        verbose_name_plural = _("components")
        ordering = ["org_path", "code"]

    def __str__(self) -> str:
        return self.code


def _component_photo_path(photo: ComponentPhoto, filename: str) -> str:
    return f"components/{photo.component_id}/{filename}"


class ComponentPhoto(models.Model):
    component = models.ForeignKey(Component, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to=_component_photo_path)
    # A small JPEG for lists and the component page (people.component_photos makes it).
    thumbnail = models.ImageField(upload_to=_component_photo_path, blank=True)
    taken_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return self.image.name


# Import and export records live in their own module; importing them here registers them.
from gridgov.people.transfers import ExportRequest, ImportJob, ImportProblem  # noqa: E402, F401
