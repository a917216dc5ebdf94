"""The project's URLs plus the cockpit, until the lead includes it in gridgov/urls.py.

Tests use it with `pytest.mark.urls(WIRED)`; once gridgov/urls.py includes the cockpit, this
module is the project's URLs unchanged.
"""

from django.urls import include, path

from gridgov import urls as project

WIRED = "gridgov.analytics.tests.test_cockpit_wiring"

_wired = any(getattr(p, "namespace", None) == "cockpit" for p in project.urlpatterns)
urlpatterns = list(project.urlpatterns)
if not _wired:
    urlpatterns.insert(0, path("cockpit/", include("gridgov.analytics.cockpit_urls")))


def test_the_cockpit_urls_resolve():
    from django.urls import resolve

    assert resolve("/cockpit/cases/", urlconf=WIRED).url_name == "cases"
