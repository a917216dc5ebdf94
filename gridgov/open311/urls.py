from django.urls import path, re_path

from gridgov.open311 import public_map, views

app_name = "open311"

FMT = r"\.(?P<fmt>json|xml)$"

urlpatterns = [
    re_path(r"^v2/discovery" + FMT, views.discovery, name="discovery"),
    re_path(r"^v2/services" + FMT, views.services, name="services"),
    re_path(r"^v2/services/(?P<service_code>[\w-]+)" + FMT, views.service_definition, name="service"),
    re_path(r"^v2/requests" + FMT, views.requests, name="requests"),
    re_path(r"^v2/requests/(?P<service_request_id>[\w-]+)" + FMT, views.request_detail, name="request"),
    re_path(r"^v2/tokens/(?P<token>[\w-]+)" + FMT, views.token, name="token"),
    path("media/<str:service_request_id>/<int:photo_id>/", views.photo, name="photo"),
    path("map/", public_map.page, name="map"),
    path("map/cases.geojson", public_map.cases_geojson, name="map_cases"),
]
