"""Renders the permission policy as a Markdown table for docs/access-matrix.md."""

from __future__ import annotations

from django.utils import translation

from gridgov.access.policy import matrix
from gridgov.access.roles import Role

HEADER = """# Access matrix

Rendered from `gridgov/access/policy.py` by `manage.py access_matrix --write`; a test fails
when this file and the policy disagree. A granted permission applies only inside the
jurisdiction of the membership that grants it: the org unit's subtree, or a department's
service area. Everything outside it answers 404 (403 for a page the role may not open at
all), and each such denial is written to the audit log.

"""


def render() -> str:
    with translation.override("en"):
        roles = list(Role)
        lines = [
            HEADER,
            "| permission | " + " | ".join(str(r.label) for r in roles) + " |",
            "|---|" + "---|" * len(roles),
        ]
        for permission, granted in matrix():
            cells = " | ".join("✓" if granted[r] else "·" for r in roles)
            lines.append(f"| `{permission.code}` {permission.label} | {cells} |")
    return "\n".join(lines) + "\n"
