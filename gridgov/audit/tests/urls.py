"""A small URL map for the audit tests: sign-in pages plus the audit page, independent of the web UI."""

from django.contrib.auth import views as auth_views
from django.http import HttpResponse
from django.urls import include, path

urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("audit/", include("gridgov.audit.urls")),
    path("", lambda request: HttpResponse("home"), name="home"),
]
