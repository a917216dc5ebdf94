from django.urls import path

from gridgov.patrol import views

app_name = "patrol"

urlpatterns = [
    path("", views.day, name="day"),
    path("start/", views.start, name="start"),
    path("patrols/<int:pk>/", views.patrol_detail, name="patrol"),
    path("patrols/<int:pk>/end/", views.end, name="end"),
    path("visits/new/<int:household>/", views.visit_new, name="visit_new"),
    path("tasks/", views.tasks, name="tasks"),
    path("tasks/<int:pk>/done/", views.task_done, name="task_done"),
    path("coverage/", views.coverage_view, name="coverage"),
    path("changes/", views.changes, name="changes"),
    path("changes/<int:pk>/<str:decision>/", views.review, name="review"),
]
