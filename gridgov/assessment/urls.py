from django.urls import path

from gridgov.assessment import views

app_name = "assessment"

urlpatterns = [
    path("", views.index, name="index"),
    path("cases/", views.cases, name="cases"),
    path("records/", views.records, name="records"),
    path("runs/", views.runs, name="runs"),
    path("runs/freeze/", views.freeze_view, name="freeze"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/publish/", views.publish_view, name="publish"),
    path("runs/<int:pk>/rows/<int:row>/", views.explain, name="explain"),
]
