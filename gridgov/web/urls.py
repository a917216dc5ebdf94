from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import include, path

from gridgov.web import accounts, views

# The sign-in page states the lockout and idle-timeout rules from the settings that enforce them.
login_view = auth_views.LoginView.as_view(
    redirect_authenticated_user=True,
    extra_context={
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "lockout_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        "idle_minutes": settings.SESSION_COOKIE_AGE // 60,
    },
)

urlpatterns = [
    path("", views.home, name="home"),
    path("map/", views.map_view, name="map"),
    path("cases/", include("gridgov.web.cases.urls")),
    path("registry/", include("gridgov.web.registry.urls")),
    path("units/", views.unit_list, name="unit_list"),
    path("units/<str:code>/", views.unit_detail, name="unit_detail"),
    path("units/<str:code>/topology/", views.unit_topology, name="unit_topology"),
    path("accounts/login/", login_view, name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/otp/", accounts.otp_verify, name="otp_verify"),
    path("accounts/token/", accounts.api_token, name="api_token"),
]
