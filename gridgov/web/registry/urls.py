from django.urls import path

from gridgov.web.registry import (
    component_views,
    household_views,
    organization_views,
    people_views,
    place_views,
    quality_views,
)
from gridgov.web.registry import exports as export_views
from gridgov.web.registry import imports as import_views

app_name = "registry"

urlpatterns: list = []

# Persons and households (people_views, household_views).
urlpatterns += [
    path("", people_views.search, name="search"),
    path("persons/new/", people_views.person_create, name="person_new"),
    path("persons/places/", people_views.places, name="person_places"),
    path("persons/<int:pk>/", people_views.person_detail, name="person"),
    path("persons/<int:pk>/edit/", people_views.person_edit, name="person_edit"),
    path("persons/<int:pk>/status/", people_views.person_status, name="person_status"),
    path("persons/<int:pk>/tags/", people_views.person_tag_add, name="person_tag_add"),
    path(
        "persons/<int:pk>/tags/<slug:code>/remove/", people_views.person_tag_remove, name="person_tag_remove"
    ),
    path("persons/<int:pk>/verify/", people_views.person_verify, name="person_verify"),
    path("persons/<int:pk>/reveal/", people_views.reveal, name="reveal"),
    path("households/new/", household_views.household_create, name="household_new"),
    path("households/<int:pk>/", household_views.household_detail, name="household"),
    path("households/<int:pk>/edit/", household_views.household_edit, name="household_edit"),
]

# Places, organizations, components and data quality (place_views, organization_views,
# component_views, quality_views).
urlpatterns += [
    path("buildings/", place_views.building_list, name="buildings"),
    path("buildings/new/", place_views.building_new, name="building_new"),
    path("buildings/<int:pk>/", place_views.building_detail, name="building"),
    path("buildings/<int:pk>/edit/", place_views.building_edit, name="building_edit"),
    path("buildings/<int:pk>/houses/new/", place_views.house_new, name="house_new"),
    path("houses/", place_views.house_list, name="houses"),
    path("houses/<int:pk>/", place_views.house_detail, name="house"),
    path("houses/<int:pk>/edit/", place_views.house_edit, name="house_edit"),
    path("houses/<int:pk>/tenancies/new/", place_views.tenancy_new, name="tenancy_new"),
    path("households/", place_views.household_list, name="households"),
    path("organizations/", organization_views.organization_list, name="organizations"),
    path("organizations/new/", organization_views.organization_new, name="organization_new"),
    path("organizations/<int:pk>/", organization_views.organization_detail, name="organization"),
    path("organizations/<int:pk>/edit/", organization_views.organization_edit, name="organization_edit"),
    path(
        "organizations/<int:pk>/reveal/", organization_views.organization_reveal, name="organization_reveal"
    ),
    path("components/", component_views.component_list, name="components"),
    path("components/new/", component_views.component_new, name="component_new"),
    path("components/<int:pk>/", component_views.component_detail, name="component"),
    path("components/<int:pk>/edit/", component_views.component_edit, name="component_edit"),
    path("components/<int:pk>/photos/", component_views.component_photos, name="component_photos"),
    path(
        "components/<int:pk>/photos/<int:photo_id>/<str:size>/",
        component_views.component_photo,
        name="component_photo",
    ),
    path("quality/", quality_views.quality, name="quality"),
    path("quality/list/", quality_views.quality_list, name="quality_list"),
]

# Exports: masked download, unmasked requests and their approval (exports).
urlpatterns += [
    path("exports/", export_views.export_form, name="exports"),
    path("exports/requests/", export_views.request_list, name="export_requests"),
    path("exports/requests/<int:pk>/download/", export_views.request_download, name="export_download"),
    path("exports/approvals/", export_views.approval_list, name="export_approvals"),
    path("exports/approvals/<int:pk>/<str:decision>/", export_views.approval_decide, name="export_decide"),
]

# Imports: upload with dry run, templates, problems, the import with its progress (imports).
urlpatterns += [
    path("imports/", import_views.import_list, name="imports"),
    path("imports/new/", import_views.import_new, name="import_new"),
    path("imports/templates/<str:kind>.xlsx", import_views.import_template, name="import_template"),
    path("imports/<int:pk>/", import_views.import_detail, name="import"),
    path("imports/<int:pk>/progress/", import_views.import_progress, name="import_progress"),
    path("imports/<int:pk>/problems.xlsx", import_views.import_problems, name="import_problems"),
    path("imports/<int:pk>/start/", import_views.import_start, name="import_start"),
]
