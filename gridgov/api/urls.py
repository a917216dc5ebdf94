from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from gridgov.api import views

app_name = "api"

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("v1/me/", views.Me.as_view(), name="me"),
    path("v1/units/", views.OrgUnitList.as_view(), name="unit-list"),
    path("v1/units/<str:code>/", views.OrgUnitDetail.as_view(), name="unit-detail"),
    path("v1/units/<str:code>/geojson/", views.UnitGeoJSON.as_view(), name="unit-geojson"),
    path("v1/geojson/", views.ChildrenGeoJSON.as_view(), name="children-geojson"),
    path("v1/grid-lookup/", views.GridLookup.as_view(), name="grid-lookup"),
    path("v1/", include("gridgov.api.case_urls")),
    path("v1/registry/", include("gridgov.api.registry_urls")),
]
