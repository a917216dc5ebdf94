"""The project's URLs with the assessment pages, whether or not the lead has wired them yet."""

from django.urls import include, path

from gridgov.urls import urlpatterns as project

wired = any(getattr(p, "namespace", None) == "assessment" for p in project)
urlpatterns = project if wired else [*project, path("assessment/", include("gridgov.assessment.urls"))]
