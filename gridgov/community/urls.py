from django.urls import path

from gridgov.community import manage_views, resident_views

app_name = "community"

urlpatterns = [
    path("", resident_views.notice_list, name="notices"),
    path("notices/<int:pk>/", resident_views.notice_detail, name="notice"),
    path("consultations/", resident_views.consultation_list, name="consultations"),
    path("consultations/new/", resident_views.proposal_new, name="proposal_new"),
    path("consultations/<int:pk>/", resident_views.consultation_detail, name="consultation"),
    path("consultations/<int:pk>/support/", resident_views.consultation_support, name="support"),
    path("consultations/<int:pk>/vote/", resident_views.consultation_vote, name="vote"),
    path("manage/", manage_views.notice_list, name="manage_notices"),
    path("manage/notices/new/", manage_views.notice_edit, name="manage_notice_new"),
    path("manage/notices/<int:pk>/", manage_views.notice_detail, name="manage_notice"),
    path("manage/notices/<int:pk>/edit/", manage_views.notice_edit, name="manage_notice_edit"),
    path("manage/notices/<int:pk>/state/", manage_views.notice_state, name="manage_notice_state"),
    path("manage/consultations/", manage_views.consultation_list, name="manage_consultations"),
    path("manage/consultations/<int:pk>/", manage_views.consultation_detail, name="manage_consultation"),
    path(
        "manage/consultations/<int:pk>/<slug:step>/",
        manage_views.consultation_step,
        name="manage_consultation_step",
    ),
]
