from django.utils import translation

from gridgov.web.templatetags.gridgov_web import role_labels


def test_role_codes_are_shown_as_labels_in_the_active_language():
    with translation.override("zh-hans"):
        assert role_labels("auditor,grid_worker") == "审计员、网格员"
    with translation.override("en"):
        assert role_labels("auditor,grid_worker") == "Auditor, Grid worker"


def test_unknown_or_empty_roles():
    assert role_labels("") == "—"
    assert role_labels("retired_role") == "retired_role"
