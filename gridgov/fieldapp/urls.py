from django.urls import path

from gridgov.fieldapp import views

app_name = "fieldapp"

urlpatterns = [
    path("", views.app_shell, name="app"),
    path("logout/", views.logout_page, name="logout"),
    path("sw.js", views.service_worker, name="service_worker"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("api/session/", views.session, name="session"),
    path("api/bundle/", views.offline_bundle, name="bundle"),
    path("api/sync/", views.sync_submissions, name="sync"),
]
