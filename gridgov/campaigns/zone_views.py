"""Risk-zone pages: the zones in force on a map and in a list with their rules, the designation
form, ending a zone, and a place's history. Thin: reads through access.scope, writes through
campaigns.zones."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy, pgettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gridgov.access.scope import get_for_user, has_permission, in_scope, scoped
from gridgov.campaigns import zones
from gridgov.campaigns.errors import CampaignError
from gridgov.campaigns.models import Campaign, CampaignStatus, RiskLevel, RiskZone
from gridgov.campaigns.rights import VIEW, ZONES
from gridgov.campaigns.zones import LEVEL_COLOURS
from gridgov.geo.models import OrgUnit
from gridgov.people.models import Building
from gridgov.web.permissions import permission_required

MAP_ZONE_LIMIT = 2000


class DesignateForm(forms.Form):
    level = forms.ChoiceField(label=pgettext_lazy("risk zone", "Level"), choices=RiskLevel.choices)
    building = forms.ModelChoiceField(
        label=gettext_lazy("Building (empty: the whole grid)"),
        queryset=Building.objects.none(),
        required=False,
    )
    starts_at = forms.DateTimeField(
        label=gettext_lazy("From"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=200)
    campaign = forms.ModelChoiceField(
        label=gettext_lazy("Campaign"), queryset=Campaign.objects.none(), required=False
    )

    def __init__(self, *args, grid: OrgUnit, campaigns, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = Building.objects.filter(grid=grid).order_by("name", "pk")
        self.fields["campaign"].queryset = campaigns
        for field in self.fields.values():
            css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
            field.widget.attrs.setdefault("class", css)


def _level_rows():
    return [
        {"level": value, "label": label, "colour": LEVEL_COLOURS[value], "rules": zones.rules_for(value)}
        for value, label in RiskLevel.choices
    ]


def _place_name(zone: RiskZone) -> str:
    if zone.building_id:
        return zone.building.name
    english = (get_language() or "").startswith("en") and zone.grid.name_en
    return english or zone.grid.name_zh


def _map_features(zone_list: list[RiskZone]) -> list[dict]:
    """Zones for the map script: a grid's polygon or a building's point, coloured by level."""
    features = []
    for zone in zone_list[:MAP_ZONE_LIMIT]:
        shape = (
            {"point": [zone.building.lat, zone.building.lon]}
            if zone.building_id
            else {"geometry": zone.grid.geometry}
        )
        features.append(
            {
                "level": zone.level,
                "label": f"{zone.get_level_display()} · {_place_name(zone)}",
                "colour": LEVEL_COLOURS[zone.level],
                **shape,
            }
        )
    return features


@permission_required(VIEW)
def zone_list(request):
    """The zones in force and those to come, on the map and in a list, with each level's rules."""
    user = request.user
    current = list(zones.current_zones(user))
    for zone in current:
        zone.place_name = _place_name(zone)
        zone.may_end = in_scope(user, zone.org_path, ZONES)
    upcoming = list(zones.upcoming_zones(user)[:200])
    for zone in upcoming:
        zone.place_name = _place_name(zone)
    context = {
        "zones": current,
        "upcoming": upcoming,
        "levels": _level_rows(),
        "features": _map_features(current),
        "may_designate": has_permission(user, ZONES),
        "grids": list(scoped(user, OrgUnit.objects.grids(), ZONES).order_by("path")[:2000]),
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "now": timezone.now(),
    }
    return render(request, "campaigns/zones/list.html", context)


@require_http_methods(["GET", "POST"])
@permission_required(ZONES)
def designate(request):
    """Designate a grid (chosen first, `?grid=`) or one of its buildings at a level."""
    user = request.user
    grid_pk = request.POST.get("grid") or request.GET.get("grid")
    if not grid_pk:
        grids = scoped(user, OrgUnit.objects.grids(), ZONES).order_by("path")
        return render(request, "campaigns/zones/designate.html", {"grids": list(grids[:2000])})
    grid = get_for_user(user, OrgUnit.objects.grids(), ZONES, request=request, pk=grid_pk)
    campaigns = scoped(user, Campaign.objects.filter(status=CampaignStatus.ACTIVE), VIEW).order_by(
        "-starts_at"
    )
    initial = {"starts_at": timezone.localtime().replace(second=0, microsecond=0)}
    form = DesignateForm(request.POST or None, grid=grid, campaigns=campaigns, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        building = data["building"]
        try:
            zones.designate(
                user,
                level=data["level"],
                grid=None if building else grid,
                building=building,
                starts_at=data["starts_at"],
                reason=data["reason"],
                campaign=data["campaign"],
            )
        except CampaignError as error:
            form.add_error(error.field if error.field in form.fields else None, str(error.message))
        else:
            messages.success(request, _("The risk zone was designated."))
            return redirect("campaign_zones:list")
    current = list(zones.current_zones(user, grid))
    status = 400 if request.method == "POST" else 200
    context = {"form": form, "grid": grid, "current": current, "levels": _level_rows()}
    return render(request, "campaigns/zones/designate.html", context, status=status)


@require_POST
@permission_required(ZONES)
def end(request, pk: int):
    zone = get_for_user(request.user, RiskZone.objects.all(), VIEW, request=request, pk=pk)
    try:
        zones.end_zone(request.user, zone, timezone.now())
    except CampaignError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The risk zone has ended."))
    return redirect("campaign_zones:list")


@permission_required(VIEW)
def history(request, kind: str, pk: int):
    """Every zone a grid or a building has had, latest first."""
    user = request.user
    if kind not in ("grid", "building"):
        raise Http404
    if kind == "building":
        place = get_for_user(user, Building.objects.select_related("grid"), VIEW, request=request, pk=pk)
        name = place.name
    else:
        place = get_for_user(user, OrgUnit.objects.grids(), VIEW, request=request, pk=pk)
        name = _place_name(RiskZone(grid=place))
    rows = list(zones.history(place)[:500])
    return render(
        request, "campaigns/zones/history.html", {"place": place, "name": name, "kind": kind, "zones": rows}
    )
