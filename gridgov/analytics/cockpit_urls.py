"""Cockpit URLs, included by the project as `path("cockpit/", include("gridgov.analytics.cockpit_urls"))`."""

from django.urls import path

from gridgov.analytics import cockpit_views as views

app_name = "cockpit"

urlpatterns = [
    path("", views.cockpit_page, name="page"),
    path("wall/", views.wall, name="wall"),
    path("cases/", views.case_list, name="cases"),
    path("hexagons.json", views.hexagons_json, name="hexagons"),
    path("grids.json", views.grids_json, name="grids"),
    path("report/<int:year>-<int:month>.pdf", views.monthly_pdf, name="monthly_pdf"),
]
