"""Last month's street assessment of the demo, frozen and published, so that the assessment
pages have a published month to explain down to each case."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from gridgov.assessment.models import Kind
from gridgov.assessment.snapshots import freeze, publish
from gridgov.geo.models import OrgUnit


def publish_last_month(units: dict[str, OrgUnit]) -> int:
    """Freeze and publish the street assessment of the previous month for the whole district, as
    the district administrator; returns the number of rows (streets)."""
    admin = get_user_model().objects.get(username="district_admin")
    last_month = timezone.localdate().replace(day=1) - timedelta(days=1)
    run = freeze(Kind.STREET, last_month, actor=admin, area=units["district"])
    publish(run, actor=admin)
    return run.rows.count()
