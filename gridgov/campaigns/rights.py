"""Who may do what in campaigns: the app's permission codes over access.scope, and the
transaction wrapper of every campaign action (gridgov.access.rights, raising CampaignDenied)."""

from __future__ import annotations

from gridgov.access.rights import ActionRights
from gridgov.campaigns.errors import CampaignDenied

VIEW = "campaigns.view"  # progress and coverage in counts, risk zones
MANAGE = "campaigns.manage"  # design, start and end campaigns, import target lists
WORK = "campaigns.work"  # visit targeted households, record results, health check-ins
PERSONAL = "campaigns.view_personal"  # the answers, follow-ups and monitored persons
ZONES = "campaigns.zones"  # designate and end risk zones
MONITOR = "campaigns.monitor"  # propose monitoring changes, resolve alerts, help requests
APPROVE = "campaigns.approve"  # approve monitoring changes and bulk exports (second person)
EXPORT = "campaigns.export"  # request bulk exports of personal data

_rights = ActionRights(CampaignDenied)
require = _rights.require
atomic_action = _rights.atomic_action
