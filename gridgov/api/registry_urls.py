"""URLs of the registry API, included under /api/v1/registry/ by gridgov/api/urls.py (namespace "api")."""

from django.urls import path

from gridgov.api import registry, registry_actions

# <str:pk> everywhere: a malformed id is answered by the view in JSON, not by Django's HTML 404 page.
urlpatterns = [
    path("tags/", registry.TagList.as_view(), name="registry-tags"),
    path("persons/<str:pk>/reveal/", registry_actions.PersonReveal.as_view(), name="registry-persons-reveal"),
    path(
        "persons/<str:pk>/status/",
        registry_actions.PersonStatusChange.as_view(),
        name="registry-persons-status",
    ),
    path("persons/<str:pk>/tags/", registry_actions.PersonTags.as_view(), name="registry-persons-tags"),
    path(
        "persons/<str:pk>/tags/<str:code>/",
        registry_actions.PersonTagRemove.as_view(),
        name="registry-persons-tag",
    ),
    path(
        "houses/<str:pk>/tenancies/",
        registry_actions.HouseTenancies.as_view(),
        name="registry-houses-tenancies",
    ),
    path(
        "organizations/<str:pk>/reveal/",
        registry_actions.OrganizationReveal.as_view(),
        name="registry-organizations-reveal",
    ),
]
for name, (list_view, detail_view) in registry.VIEWS.items():
    urlpatterns += [
        path(f"{name}/", list_view.as_view(), name=f"registry-{name}-list"),
        path(f"{name}/<str:pk>/", detail_view.as_view(), name=f"registry-{name}-detail"),
    ]
