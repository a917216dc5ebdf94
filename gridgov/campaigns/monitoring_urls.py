"""Health-monitoring pages, included at /campaigns/ (namespace campaign_monitoring): a campaign's
pages under <campaign>/monitoring/, the resident's own check-in at me/checkin/."""

from django.urls import path

from gridgov.campaigns import monitoring_views as views

app_name = "campaign_monitoring"

urlpatterns = [
    path("me/checkin/", views.self_checkin, name="self_checkin"),
    path("<int:campaign>/monitoring/", views.monitoring_list, name="list"),
    path("<int:campaign>/monitoring/propose/", views.propose, name="propose"),
    path("<int:campaign>/monitoring/pending/", views.pending, name="pending"),
    path("<int:campaign>/monitoring/changes/<int:pk>/<decision>/", views.decide, name="decide"),
    path("<int:campaign>/monitoring/alerts/", views.alerts, name="alerts"),
    path("<int:campaign>/monitoring/alerts/<int:pk>/resolve/", views.resolve, name="resolve"),
    path("<int:campaign>/monitoring/<int:pk>/", views.detail, name="detail"),
    path("<int:campaign>/monitoring/<int:pk>/checkin/", views.checkin, name="checkin"),
    path("<int:campaign>/monitoring/<int:pk>/help/", views.help_request, name="help"),
]
