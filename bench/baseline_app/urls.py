"""gridgov's URLs plus the baseline endpoint (bench.settings_bench only)."""

from django.urls import path

from bench.baseline_app.views import baseline_report
from gridgov.urls import urlpatterns as product_urlpatterns

urlpatterns = [path("bench/baseline/", baseline_report, name="bench-baseline"), *product_urlpatterns]
