from django.urls import path

from gridgov.web.cases import views

app_name = "cases"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("new/", views.new_report, name="new"),
    path("map/", views.case_map, name="map"),
    path("map/points/", views.case_map_data, name="map_data"),
    path("<str:number>/", views.case_detail, name="detail"),
    path("<str:number>/actions/<str:action>/", views.case_action, name="action"),
    path("<str:number>/photos/<int:photo_id>/<str:size>/", views.case_photo, name="photo"),
]
