"""Settings for the benchmarks only: gridgov's settings plus the bare baseline view's URL.

Nothing in gridgov/ refers to this module or to bench.baseline_app: the baseline endpoint
exists only in a server started with DJANGO_SETTINGS_MODULE=bench.settings_bench.
"""

from gridgov.settings import *  # noqa: F403

ROOT_URLCONF = "bench.baseline_app.urls"

# Notification e-mail is composed and "sent" into memory: the bench has no mail server, and
# the console backend would flood the output with the sweep's digests.
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
