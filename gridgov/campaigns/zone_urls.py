"""Risk-zone pages, included at /campaigns/zones/ (namespace campaign_zones)."""

from django.urls import path

from gridgov.campaigns import zone_views

app_name = "campaign_zones"

urlpatterns = [
    path("", zone_views.zone_list, name="list"),
    path("designate/", zone_views.designate, name="designate"),
    path("<int:pk>/end/", zone_views.end, name="end"),
    path("<kind>/<int:pk>/history/", zone_views.history, name="history"),
]
