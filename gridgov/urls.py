from django.contrib import admin
from django.urls import include, path

from gridgov.web.views import favicon

admin.site.site_header = "gridgov"

urlpatterns = [
    path("favicon.ico", favicon),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/", include("gridgov.api.urls")),
    path("audit/", include("gridgov.audit.urls")),
    path("inbox/", include("gridgov.inbox.urls")),
    path("open311/", include("gridgov.open311.urls")),
    path("resident/", include("gridgov.residents.urls")),
    path("community/", include("gridgov.community.urls")),
    path("volunteers/", include("gridgov.volunteers.urls")),
    path("patrol/", include("gridgov.patrol.urls")),
    path("field/", include("gridgov.fieldapp.urls")),
    path("campaigns/<int:campaign>/exports/", include("gridgov.campaigns.privacy_urls")),
    path("assessment/", include("gridgov.assessment.urls")),
    path("cockpit/", include("gridgov.analytics.cockpit_urls")),
    path("intelligence/", include("gridgov.intelligence.urls")),
    path("campaigns/zones/", include("gridgov.campaigns.zone_urls")),
    path("campaigns/", include("gridgov.campaigns.monitoring_urls")),
    path("campaigns/", include("gridgov.campaigns.urls")),
    # The resident portal (/r/…) and the public map (/public/…).
    path("", include("gridgov.participation.urls")),
    path("", include("gridgov.web.urls")),
]
