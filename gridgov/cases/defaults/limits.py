"""Default time limits: a profile per category, overridden for a few sub-categories.

Each limit is (amount, unit) with unit "hours" (working hours), "days" (working days) or
"clock_hours" (hours around the clock): short stages in hours, handling in days, as digital
urban management counts them; emergencies around the clock, since a burst heating pipe at night
is answered at night. Critical
means danger to people: the handling limit is the time to make the place safe, not to finish
every repair.
"""

from __future__ import annotations

H = "hours"
D = "days"
C = "clock_hours"

URGENCIES = ("normal", "urgent", "critical")
STAGES = ("register", "dispatch", "handle", "verify")

Limit = tuple[int, str]
# urgency -> stage -> limit
Profile = dict[str, dict[str, Limit]]


def _profile(normal: tuple[Limit, ...], urgent: tuple[Limit, ...], critical: tuple[Limit, ...]) -> Profile:
    rows = {"normal": normal, "urgent": urgent, "critical": critical}
    return {urgency: dict(zip(STAGES, row, strict=True)) for urgency, row in rows.items()}


#                 register   dispatch   handle     verify
PROFILES: dict[str, Profile] = {
    # Repairs of roads and facilities, environment, health: a pothole, a broken bench.
    "standard": _profile(
        normal=((2, H), (2, H), (5, D), (1, D)),
        urgent=((1, H), (1, H), (1, D), (4, H)),
        critical=((1, H), (1, H), (4, H), (2, H)),
    ),
    # Order and cleanliness, solved by the patrol the same day: vending, rubbish, parking.
    "quick": _profile(
        normal=((2, H), (2, H), (1, D), (1, D)),
        urgent=((1, H), (1, H), (4, H), (4, H)),
        critical=((1, H), (1, H), (2, H), (1, H)),
    ),
    # Works that need a contractor or a procedure: trees, buildings, billboards.
    "works": _profile(
        normal=((2, H), (4, H), (10, D), (1, D)),
        urgent=((1, H), (2, H), (3, D), (4, H)),
        critical=((1, H), (1, H), (4, H), (2, H)),
    ),
    # Mediation and services to people: verification is the return visit (回访).
    "dispute": _profile(
        normal=((4, H), (4, H), (10, D), (2, D)),
        urgent=((2, H), (2, H), (2, D), (1, D)),
        critical=((1, H), (1, H), (4, H), (4, H)),
    ),
    # Safety hazards found on patrol: security, work safety, fire.
    "hazard": _profile(
        normal=((2, H), (2, H), (3, D), (1, D)),
        urgent=((1, H), (1, H), (1, D), (4, H)),
        critical=((1, H), (1, H), (2, H), (2, H)),
    ),
    # Emergencies: the whole loop within hours, night and holidays included.
    "emergency": _profile(
        normal=((1, C), (1, C), (24, C), (4, C)),
        urgent=((1, C), (1, C), (4, C), (2, C)),
        critical=((1, C), (1, C), (2, C), (1, C)),
    ),
}

# Sub-categories whose own limits replace the inherited ones (all twelve cells each).
SUB_CATEGORY_PROFILES: dict[str, Profile] = {
    # An open manhole is a trap: made safe the same day even when reported as normal.
    "0101": PROFILES["emergency"],
    # People trapped in a lift: the emergency loop.
    "0505": PROFILES["emergency"],
    # Infectious diseases are reported within hours (the epidemic-reporting practice).
    "1501": PROFILES["emergency"],
    # Wage arrears escalate fast around the Spring Festival: shorter than other disputes.
    "0904": _profile(
        normal=((2, H), (2, H), (5, D), (1, D)),
        urgent=((1, H), (1, H), (1, D), (4, H)),
        critical=((1, H), (1, H), (4, H), (2, H)),
    ),
}
