"""Loading the demo district, its departments and accounts into an empty database."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gridgov.access.models import Department
from gridgov.audit.log import record
from gridgov.campaigns import demo as campaigns_demo
from gridgov.cases.taxonomy_services import load_defaults
from gridgov.demo import accounts
from gridgov.demo.accounts import DemoError, Login
from gridgov.demo.cases import create_demo_cases
from gridgov.demo.community import build_community_demo
from gridgov.demo.district import DEFAULT_SEED, SCALES, build_district
from gridgov.demo.fieldwork import create_field_history
from gridgov.demo.history import HISTORY_DAYS, MAX_HISTORY_DAYS, build_facts, create_case_history
from gridgov.demo.registry import DISTRICT_REGISTRY_GRIDS, choose_registry_grids, create_demo_registry
from gridgov.demo.resident_accounts import make_demo_resident
from gridgov.demo.snapshot import publish_last_month
from gridgov.demo.staff import ensure_staff
from gridgov.geo.geojson_io import GeoImportError, import_collection
from gridgov.geo.models import Level, OrgUnit
from gridgov.patrol import demo as patrol_demo
from gridgov.volunteers import demo as volunteers_demo


@dataclass
class DemoResult:
    loaded: bool  # False when --if-empty found units and did nothing
    logins: list[Login]
    counts: dict[str, int] = field(default_factory=dict)  # units by kind
    registry: dict[str, int] = field(default_factory=dict)  # registry records by kind


def load_demo(
    *,
    scale: str = "small",
    seed: int = DEFAULT_SEED,
    password: str = accounts.DEFAULT_PASSWORD,
    if_empty: bool = False,
    registry_grids: int | None = None,
    participation: bool = True,
    history_days: int = HISTORY_DAYS,
) -> DemoResult:
    """Build the synthetic district and load it with its departments, demo accounts and registry.

    The registry fills the demo accounts' grids and `registry_grids` others (default: every grid
    at small scale, DISTRICT_REGISTRY_GRIDS at district scale). `participation` adds what
    residents and grid workers have done: notices, consultations, volunteering, patrols and visits.
    `history_days` (0: none) of case history, household visits and registry updates lie behind
    the present, with their facts and last month's published street assessment (history.py).
    With `if_empty`, a database that already holds org units is left alone (loaded=False).
    Raises DemoError (and writes nothing) when the database already holds org units, a demo
    username is taken, the scale is unknown, `registry_grids` is negative or the password fails
    the password policy.
    """
    if scale not in SCALES:
        raise DemoError(
            _("Unknown scale %(scale)s: choose one of %(choices)s.")
            % {"scale": scale, "choices": ", ".join(sorted(SCALES))}
        )
    if registry_grids is not None and registry_grids < 0:
        raise DemoError(_("registry grids: give a number of grids, 0 or more."))
    if not 0 <= history_days <= MAX_HISTORY_DAYS:
        raise DemoError(
            _("history days: give a number of days from 0 to %(most)d.") % {"most": MAX_HISTORY_DAYS}
        )
    if registry_grids is None and scale != "small":
        registry_grids = DISTRICT_REGISTRY_GRIDS
    try:
        validate_password(password)
    except ValidationError as exc:
        raise DemoError(_("password: %(reasons)s") % {"reasons": " ".join(exc.messages)}) from None
    with transaction.atomic():
        if OrgUnit.objects.exists():
            if if_empty:
                return DemoResult(loaded=False, logins=accounts.logins_for(password))
            raise DemoError(
                _(
                    "The database already holds org units; the demo only loads into an empty database. "
                    "Use --if-empty to skip loading, or start from a fresh database."
                )
            )
        accounts.check_usernames_free()
        collection = build_district(scale, seed)
        try:
            import_collection(collection)
        except GeoImportError as exc:
            # Only a bug in the generator gets here; say which features the import refused.
            problems = "; ".join(str(problem) for problem in exc.errors[:10])
            raise DemoError(
                _("The generated district was refused: %(problems)s") % {"problems": problems}
            ) from None
        units = accounts.anchor_units()
        # The default taxonomy brings the district's departments and responsibility list.
        load_defaults(units["district"])
        departments = {d.code: d for d in Department.objects.filter(org_unit=units["district"])}
        logins = accounts.create_accounts(password, units, departments)
        registry = create_demo_registry(
            choose_registry_grids(units, others=registry_grids, seed=seed),
            showcase=[units["grid"], units["grid2"]],
            seed=seed,
        )
        make_demo_resident(units["grid"])
        history: dict[str, int] = {}
        if history_days:
            staff = ensure_staff(
                list(OrgUnit.objects.active().filter(level=Level.GRID).order_by("path")), seed
            )
            history = create_case_history(units, staff, seed, days=history_days)
            history.update(create_field_history(staff, seed, days=history_days))
        cases = create_demo_cases([units["grid"], units["grid2"]], seed)
        community: dict[str, int] = {}
        patrol: dict[str, int] = {}
        campaigns: dict[str, int] = {}
        if participation:
            community = build_community_demo(seed)
            users = get_user_model().objects
            volunteers_demo.seed_demo(users.get(username="resident"), users.get(username="community_admin"))
            patrol = patrol_demo.seed_demo()
            campaigns = campaigns_demo.seed_demo()
        if history_days:
            # Every case now in (the stories' and campaigns' too): facts, daily rows, last month.
            build_facts(days=history_days)
            history["assessment"] = publish_last_month(units)
        counts = dict(Counter(f["properties"]["kind"] for f in collection["features"]))
        record(
            "demo.load",
            target=units["district"],
            details={
                "scale": scale,
                "seed": seed,
                "units": counts,
                "departments": len(departments),
                "users": [login.username for login in logins],
                "cases": cases,
                "registry": registry,
                "community": community,
                "patrol": patrol,
                "campaigns": campaigns,
                "history": history,
            },
        )
    return DemoResult(loaded=True, logins=logins, counts=counts, registry=registry)
