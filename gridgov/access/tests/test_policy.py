from pathlib import Path

from django.conf import settings

from gridgov.access.matrix_doc import render
from gridgov.access.policy import PERMISSIONS, matrix, roles_with
from gridgov.access.roles import Role


def test_docs_matrix_is_rendered_from_the_policy():
    doc = Path(settings.BASE_DIR, "docs", "access-matrix.md").read_text(encoding="utf-8")
    assert doc == render(), "run: manage.py access_matrix --write"


def test_permission_codes_are_unique():
    codes = [p.code for p in PERMISSIONS]
    assert len(codes) == len(set(codes))


def test_auditor_sees_only_the_audit_log():
    granted = {p.code for p, row in matrix() if row[Role.AUDITOR]}
    assert granted == {"audit.view_log"}


def test_leader_is_read_only():
    writes = {"geo.edit_units", "geo.import_units", "access.manage_users", "geo.check_topology"}
    assert not any(Role.LEADER in roles_with(code) for code in writes)
