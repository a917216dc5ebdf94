"""Purpose limits: personal campaign data is read through campaigns.personal only, one campaign
at a time, in the reader's jurisdiction, every read audited; no module outside the app reads it."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from gridgov.access.roles import Role
from gridgov.audit.models import AuditEntry, Outcome
from gridgov.campaigns import personal
from gridgov.campaigns.errors import CampaignDenied
from gridgov.campaigns.models import CampaignStatus
from gridgov.campaigns.testing import GRID_A, GRID_B
from gridgov.campaigns.tests.test_personal_world import privacy_world

pytestmark = pytest.mark.django_db

GRIDGOV = Path(__file__).resolve().parents[2]
PERSONAL_MODELS = {
    "Target",
    "FollowUp",
    "Monitoring",
    "HealthCheckIn",
    "MonitoringAlert",
    "HelpRequest",
    "MonitoringChange",
    "ListEntry",
    "ExportRequest",
}
LAZY_REFERENCES = {f"campaigns.{name}" for name in PERSONAL_MODELS}
# Outside the campaigns app only the demo data and the field app's sync registration may
# touch the campaign models (the field app through the handlers campaigns registers).
ALLOWED_OUTSIDE = ("demo/", "fieldapp/")


def test_targets_are_of_the_one_campaign_asked_for_and_in_the_readers_jurisdiction():
    world, other = privacy_world()
    campaign = world.campaign
    community_admin = world.users[Role.COMMUNITY_ADMIN]
    rows = personal.targets_for(community_admin, campaign)
    assert {t.campaign_id for t in rows} == {campaign.pk}
    assert {t.household.number for t in rows} == {"H-A101", "H-B201"}
    assert all(t.campaign_id == other.pk for t in personal.targets_for(community_admin, other))
    # A grid worker of grid A sees grid A only, whatever grid is asked for.
    worker = world.users[Role.GRID_WORKER]
    assert [t.household.number for t in personal.targets_for(worker, campaign)] == ["H-A101"]
    assert personal.targets_for(worker, campaign, grid=world.units[GRID_B]) == []
    mine = personal.targets_for(community_admin, campaign, grid=world.units[GRID_A])
    assert [t.household.number for t in mine] == ["H-A101"]
    entries = AuditEntry.objects.filter(action=personal.READ_ACTION, outcome=Outcome.OK).order_by("pk")
    last = entries.last()
    assert last is not None and last.target_id == str(campaign.pk)
    assert last.details == {"what": "targets", "grid": GRID_A, "count": 1}
    assert entries.count() == 5


def test_follow_ups_and_monitorings_are_scoped_and_audited():
    world, other = privacy_world()
    admin = world.users[Role.COMMUNITY_ADMIN]
    follow_ups = personal.follow_ups_for(admin, world.campaign)
    assert [f.label for f in follow_ups] == ["发热"] and follow_ups[0].campaign_id == world.campaign.pk
    assert personal.follow_ups_for(admin, world.campaign, state="done") == []
    assert personal.follow_ups_for(admin, world.campaign, grid=world.units[GRID_B]) == []
    assert len(personal.targets_for(admin, world.campaign, limit=1)) == 1
    monitorings = personal.monitorings_for(admin, other)
    assert [m.campaign_id for m in monitorings] == [other.pk]
    assert monitorings[0].person.name == "乌兰巴特尔"
    last = AuditEntry.objects.filter(action=personal.READ_ACTION).order_by("pk").last()
    assert last is not None and last.details == {"what": "monitorings", "grid": "", "count": 1}
    assert last.target_id == str(other.pk)


@pytest.mark.parametrize("role", [Role.LEADER, Role.DISPATCHER, Role.RESIDENT, Role.AUDITOR])
def test_roles_without_the_personal_right_are_refused_and_audited(role):
    world, _other = privacy_world()
    user = world.users[role]
    with pytest.raises(CampaignDenied):
        personal.targets_for(user, world.campaign)
    denied = AuditEntry.objects.get(action=personal.READ_ACTION, outcome=Outcome.DENIED)
    assert denied.actor_id == user.pk and denied.details["reason"] == "permission"


def test_staff_of_another_community_are_refused():
    from gridgov.access.testing import make_user

    world, _other = privacy_world()
    outsider = make_user("outsider", Role.COMMUNITY_ADMIN, world.units["150502002001"])
    with pytest.raises(CampaignDenied):
        personal.monitorings_for(outsider, world.campaign)
    assert AuditEntry.objects.filter(
        action=personal.READ_ACTION, outcome=Outcome.DENIED, actor_id=outsider.pk
    ).exists()


def test_a_purged_campaign_is_refused():
    world, _other = privacy_world()
    campaign = world.campaign
    campaign.status = CampaignStatus.PURGED
    with pytest.raises(CampaignDenied):
        personal.follow_ups_for(world.users[Role.DISTRICT_ADMIN], campaign)
    assert (
        AuditEntry.objects.get(action=personal.READ_ACTION, outcome=Outcome.DENIED).details["reason"]
        == "purged"
    )


def _campaign_imports(tree: ast.AST) -> set[str]:
    """Names a module takes from the campaign models (a module import counts as all of them)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "gridgov.campaigns.models":
                names |= {alias.name for alias in node.names}
            elif node.module == "gridgov.campaigns" and any(a.name == "models" for a in node.names):
                names |= PERSONAL_MODELS
        elif isinstance(node, ast.Import) and any(a.name == "gridgov.campaigns.models" for a in node.names):
            names |= PERSONAL_MODELS
        elif isinstance(node, ast.Constant) and node.value in LAZY_REFERENCES:
            # A lazy reference: apps.get_model("campaigns.Target"), a ForeignKey("campaigns.Target").
            names.add(str(node.value).split(".", 1)[1])
    return names


def test_no_module_outside_the_campaigns_app_reads_personal_campaign_data():
    offenders = []
    scanned = 0
    for path in sorted(GRIDGOV.rglob("*.py")):
        relative = path.relative_to(GRIDGOV).as_posix()
        if relative.startswith(("campaigns/", *ALLOWED_OUTSIDE)):
            continue
        scanned += 1
        used = _campaign_imports(ast.parse(path.read_text(encoding="utf-8"))) & PERSONAL_MODELS
        if used:
            offenders.append(f"{relative}: {sorted(used)}")
    assert scanned > 100  # the scan really walked the project
    assert offenders == [], "Personal campaign data read outside gridgov.campaigns: " + "; ".join(offenders)


def test_the_registry_never_imports_the_campaigns_app():
    """The registry's services, pages and exports never join campaign tables, not even the counts."""
    offenders = [
        path.relative_to(GRIDGOV).as_posix()
        for folder in ("people", "web/registry")
        for path in sorted((GRIDGOV / folder).rglob("*.py"))
        if "campaigns" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []


def test_the_scan_catches_an_offender():
    source = (
        "from gridgov.campaigns.models import Campaign, Target\nx = apps.get_model('campaigns.Monitoring')\n"
    )
    assert _campaign_imports(ast.parse(source)) & PERSONAL_MODELS == {"Target", "Monitoring"}
    assert _campaign_imports(ast.parse("from gridgov.campaigns.models import Campaign, DailyCount")) == {
        "Campaign",
        "DailyCount",
    }
