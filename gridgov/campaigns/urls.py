from django.urls import path

from gridgov.campaigns import views

app_name = "campaigns"

urlpatterns = [
    path("", views.campaign_list, name="list"),
    path("new/", views.campaign_new, name="new"),
    path("<int:pk>/", views.campaign_detail, name="detail"),
    path("<int:pk>/progress.json", views.progress_json, name="progress"),
    path("<int:pk>/map.json", views.map_json, name="map"),
    path("<int:pk>/start/", views.campaign_start, name="start"),
    path("<int:pk>/end/", views.campaign_end, name="end"),
    path("<int:pk>/list/", views.list_import, name="list_import"),
    path("<int:pk>/grids/<int:grid>/", views.grid_households, name="households"),
    path("<int:pk>/follow-ups/<int:follow_up>/done/", views.follow_up_done, name="follow_up_done"),
    path("<int:pk>/report.xlsx", views.daily_report, name="report"),
]
