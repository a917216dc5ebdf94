"""The resident portal, included at the site root: every path starts with r/."""

from django.urls import path

from gridgov.participation import views

app_name = "participation"

urlpatterns = [
    path("r/", views.report, name="report"),
    path("r/nearby/", views.nearby, name="nearby"),
    path("r/follow/", views.follow, name="follow"),
    path("r/done/<str:number>/", views.done, name="done"),
    path("r/mine/", views.mine, name="mine"),
    path("r/case/<str:number>/", views.case_page, name="case"),
    path("r/case/<str:number>/actions/<str:action>/", views.case_action, name="action"),
    path("r/case/<str:number>/unfollow/", views.unfollow, name="unfollow"),
    path("r/case/<str:number>/photos/<int:photo_id>/<str:size>/", views.photo, name="photo"),
]
