"""Urls of a campaign's bulk exports, mounted at /campaigns/<campaign>/exports/ (namespace
campaign_exports)."""

from django.urls import path

from gridgov.campaigns import privacy_views as views

app_name = "campaign_exports"

urlpatterns = [
    path("", views.export_list, name="list"),
    path("request/", views.export_request, name="request"),
    path("<int:pk>/approve/", views.export_decide, {"decision": "approve"}, name="approve"),
    path("<int:pk>/reject/", views.export_decide, {"decision": "reject"}, name="reject"),
    path("<int:pk>/download/", views.export_download, name="download"),
]
