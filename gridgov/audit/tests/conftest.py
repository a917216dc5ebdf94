from pathlib import Path

import pytest

TEST_TEMPLATES = Path(__file__).parent / "templates"


@pytest.fixture
def audit_pages(settings):
    """Serve the audit page and the sign-in views with minimal templates, apart from the web UI."""
    settings.ROOT_URLCONF = "gridgov.audit.tests.urls"
    settings.TEMPLATES = [
        {
            "BACKEND": "django.template.backends.django.DjangoTemplates",
            "DIRS": [TEST_TEMPLATES],
            "APP_DIRS": True,
            "OPTIONS": {
                "context_processors": [
                    "django.template.context_processors.request",
                    "django.contrib.auth.context_processors.auth",
                ]
            },
        }
    ]
    settings.REQUIRE_2FA = False
