from django.urls import path

from gridgov.residents import views

app_name = "residents"

urlpatterns = [
    path("", views.me, name="me"),
    path("signin/", views.signin_view, name="signin"),
    path("privacy/", views.privacy, name="privacy"),
    path("name/", views.rename, name="rename"),
    path("bind/", views.bind, name="bind"),
    path("unbind/", views.unbind, name="unbind"),
    path("logout/", views.logout_view, name="logout"),
]
