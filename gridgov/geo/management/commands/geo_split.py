import json
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from gridgov.geo.models import Level, OrgUnit
from gridgov.geo.services import UnitChangeError, split_grid


def actor_named(username: str | None):
    """The user recorded as the actor in the audit log (None when not given)."""
    if not username:
        return None
    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise CommandError(_("--actor: no user named %(name)s.") % {"name": username})
    return user


def grid_with_code(code: str, argument: str) -> OrgUnit:
    """The active grid with a boundary that `code` names; CommandError naming `argument` otherwise."""
    unit = OrgUnit.objects.filter(code=code).first()
    if unit is None:
        reason = _("no org unit has the code %(code)s.") % {"code": code}
    elif unit.level != Level.GRID:
        level = unit.get_level_display()
        reason = _("%(code)s is not a grid but a unit of level %(level)s.") % {"code": code, "level": level}
    elif not unit.is_active:
        reason = _("grid %(code)s is no longer active.") % {"code": code}
    elif unit.geometry is None:
        reason = _("grid %(code)s has no boundary.") % {"code": code}
    else:
        return unit
    raise CommandError(f"{argument}: {reason}")


def _line_geometry(content: Any) -> Any:
    """The LineString inside a bare geometry, a Feature or a one-feature FeatureCollection."""
    if isinstance(content, dict) and content.get("type") == "FeatureCollection":
        features = content.get("features")
        if not isinstance(features, list) or len(features) != 1:
            raise CommandError(
                "LINE_FILE: " + _("the FeatureCollection must hold exactly one feature, the cut line.")
            )
        content = features[0]
    if isinstance(content, dict) and content.get("type") == "Feature":
        content = content.get("geometry")
    if not isinstance(content, dict) or content.get("type") != "LineString":
        raise CommandError("LINE_FILE: " + _("the file must hold a GeoJSON LineString."))
    return content


def read_line(file: Path) -> dict[str, Any]:
    try:
        content = json.loads(file.read_bytes())
    except OSError as exc:
        raise CommandError(
            "LINE_FILE: " + _("cannot read %(file)s: %(error)s") % {"file": file, "error": exc.strerror}
        ) from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise CommandError("LINE_FILE: " + _("%(file)s is not JSON.") % {"file": file}) from None
    return _line_geometry(content)


class Command(BaseCommand):
    help = "Cut a grid in two along a GeoJSON LineString; the grid keeps its code and the larger part."

    # The service names its fields; the operator knows the arguments.
    ARGUMENTS = {"line": "LINE_FILE", "grid": "GRID_CODE", "code": "GRID_CODE"}

    def add_arguments(self, parser):
        parser.add_argument("grid_code", metavar="GRID_CODE", help="code of the grid to split")
        parser.add_argument(
            "line_file",
            metavar="LINE_FILE",
            type=Path,
            help="GeoJSON LineString (bare geometry, Feature or FeatureCollection of one feature), WGS-84",
        )
        parser.add_argument("--actor", help="username recorded in the audit log")

    def handle(self, *args, grid_code: str, line_file: Path, actor=None, **options):
        user = actor_named(actor)
        grid = grid_with_code(grid_code, "GRID_CODE")
        line = read_line(line_file)
        try:
            kept, created = split_grid(grid, line, actor=user)
        except UnitChangeError as exc:
            raise CommandError(f"{self.ARGUMENTS.get(exc.field, exc.field)}: {exc.reason}") from None
        for part in (kept, created):
            self.stdout.write(f"{part.code}\t{part.area_m2:,.1f} m²")
        self.stdout.write(self.style.SUCCESS(f"split {grid_code}: new grid {created.code}"))
