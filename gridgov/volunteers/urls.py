from django.urls import path

from gridgov.volunteers import manage_views, resident_views
from gridgov.volunteers.models import VolunteerStatus

app_name = "volunteers"

urlpatterns = [
    # Residents (phone-first).
    path("", resident_views.home, name="home"),
    path("activities/<int:pk>/", resident_views.activity_detail, name="activity"),
    *(
        path(
            f"activities/<int:pk>/{action}/",
            resident_views.activity_action,
            {"action": action},
            name=f"activity_{action}",
        )
        for action in ("sign-up", "cancel", "check-in", "check-out")
    ),
    path("points/", resident_views.points, name="points"),
    path("shop/", resident_views.shop_page, name="shop"),
    path("shop/<int:pk>/redeem/", resident_views.redeem, name="redeem"),
    path("leaderboard/", resident_views.board, name="leaderboard"),
    # Staff.
    path("manage/", manage_views.volunteers, name="manage_volunteers"),
    path("manage/volunteers/<int:pk>/adjust/", manage_views.adjust_points, name="adjust_points"),
    path(
        "manage/volunteers/<int:pk>/approve/",
        manage_views.decide_volunteer,
        {"status": VolunteerStatus.APPROVED},
        name="approve_volunteer",
    ),
    path(
        "manage/volunteers/<int:pk>/suspend/",
        manage_views.decide_volunteer,
        {"status": VolunteerStatus.SUSPENDED},
        name="suspend_volunteer",
    ),
    path("manage/activities/", manage_views.activity_list, name="manage_activities"),
    path("manage/activities/<int:pk>/", manage_views.activity_detail, name="manage_activity"),
    *(
        path(
            f"manage/activities/<int:pk>/{action}/",
            manage_views.activity_action,
            {"action": action},
            name=f"manage_activity_{action}",
        )
        for action in ("check-in", "check-out", "finish")
    ),
    path("manage/shop/", manage_views.shop_admin, name="manage_shop"),
    path("manage/shop/items/<int:pk>/", manage_views.update_item, name="update_item"),
    *(
        path(
            f"manage/shop/redemptions/<int:pk>/{action}/",
            manage_views.settle_redemption,
            {"action": action},
            name=f"{action}_redemption",
        )
        for action in ("collect", "cancel")
    ),
]
