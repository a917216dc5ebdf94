"""The project's URLs plus this app's, until the lead wires `path("intelligence/", include(...))`."""

from django.urls import include, path

from gridgov.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    *[p for p in project_urlpatterns if "intelligence" not in str(getattr(p, "pattern", ""))],
    path("intelligence/", include("gridgov.intelligence.urls")),
]
