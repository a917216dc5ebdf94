from django.urls import path  # noqa: F401 (routes are added by the registry page modules)

app_name = "registry"

urlpatterns: list = []
