from django.urls import path

from gridgov.intelligence import views

app_name = "intelligence"

urlpatterns = [
    path("suggest/<str:number>/", views.suggest_json, name="suggest"),
]
