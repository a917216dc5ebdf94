"""URLs of the case API, included under /api/v1/ by gridgov/api/urls.py (namespace "api")."""

from django.urls import path

from gridgov.api import cases

# <str:…> everywhere: a malformed id is answered by the view in JSON, not by Django's HTML 404 page.
urlpatterns = [
    path("cases/", cases.CaseList.as_view(), name="case-list"),
    path("cases/<str:number>/", cases.CaseDetail.as_view(), name="case-detail"),
    *(
        path(f"cases/<str:number>/actions/{action}/", view.as_view(), name=f"case-action-{action}")
        for action, view in cases.ACTION_VIEWS.items()
    ),
    path("cases/<str:number>/photos/<str:photo_id>/", cases.CasePhotoFile.as_view(), name="case-photo"),
    path(
        "cases/<str:number>/photos/<str:photo_id>/thumbnail/",
        cases.CasePhotoThumbnail.as_view(),
        name="case-photo-thumbnail",
    ),
    path("categories/", cases.CategoryTree.as_view(), name="category-tree"),
    path("departments/", cases.DepartmentList.as_view(), name="department-list"),
]
