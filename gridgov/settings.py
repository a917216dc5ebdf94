"""gridgov settings: one module, configured by GRIDGOV_* environment variables.

Production is the default posture: DEBUG off, a secret key required, two-factor sign-in for
staff. GRIDGOV_DEMO=1 (set by scripts/serve) relaxes what a local demo needs: a generated
secret key kept in the data directory and no second factor.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from gridgov.calendar.config import DEFAULT_WORKING_HOURS_TEXT, parse_working_hours
from gridgov.env import envbool, envfloat, envint, envlist, envsecret, envstr
from gridgov.people.crypto import load_index_key, load_keyring, new_key_entry

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(envstr("DATA_DIR") or BASE_DIR / "data")
DEMO = envbool("DEMO", False)
DEBUG = envbool("DEBUG", False)


def _secret_key() -> str:
    key = envsecret("SECRET_KEY")
    if key:
        return key
    if not (DEMO or DEBUG):
        raise ImproperlyConfigured(
            "GRIDGOV_SECRET_KEY (or GRIDGOV_SECRET_KEY_FILE) is required in production"
        )
    # A demo install keeps one generated key so sessions survive restarts.
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50), encoding="utf-8")
        key_file.chmod(0o600)
    return key_file.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()


def _demo_generated(name: str, make: Callable[[], str]) -> str:
    """GRIDGOV_<NAME> (or its _FILE); in a demo or debug install, a value generated once into the
    data directory (mode 600). Empty in production when unset: the loader then names the variable."""
    value = envsecret(name)
    if value or not (DEMO or DEBUG):
        return value or ""
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    path = DATA_DIR / name.lower()
    if not path.exists():
        path.write_text(make(), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


# Field encryption of ID numbers and phones, and the keyed hash that finds them (docs/privacy.md).
PEOPLE_FIELD_KEYRING = load_keyring(
    _demo_generated("FIELD_KEYS", lambda: new_key_entry("k1")), variable="GRIDGOV_FIELD_KEYS"
)
PEOPLE_INDEX_KEY = load_index_key(
    _demo_generated("INDEX_KEY", lambda: new_key_entry("")),
    variable="GRIDGOV_INDEX_KEY",
    field_keyring=PEOPLE_FIELD_KEYRING,
)
# Unmasked reads a user may make per hour (each needs a stated reason and is audited).
PEOPLE_REVEALS_PER_HOUR = envint("PEOPLE_REVEALS_PER_HOUR", 30)
# Rows committed per transaction by a registry import.
PEOPLE_IMPORT_BATCH = envint("PEOPLE_IMPORT_BATCH", 500)
# Largest registry import file accepted (MB); a million persons in CSV take about 150 MB.
PEOPLE_IMPORT_MAX_MB = envint("PEOPLE_IMPORT_MAX_MB", 300)
# Hours an approved unmasked export stays downloadable (once) before it expires.
PEOPLE_EXPORT_VALID_HOURS = envint("PEOPLE_EXPORT_VALID_HOURS", 24)
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "gridgov.audit",
    "gridgov.geo",
    "gridgov.access",
    "gridgov.calendar",
    "gridgov.cases",
    "gridgov.people",
    "gridgov.residents",
    "gridgov.participation",
    "gridgov.community",
    "gridgov.volunteers",
    "gridgov.open311",
    "gridgov.fieldapp",
    "gridgov.patrol",
    "gridgov.campaigns",
    "gridgov.intelligence",
    "gridgov.analytics",
    "gridgov.assessment",
    "gridgov.inbox",
    "gridgov.demo",
    "gridgov.web",
    "gridgov.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "gridgov.web.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "gridgov.web.middleware.RejectNulCharactersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "gridgov.web.middleware.SlidingSessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "gridgov.access.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "gridgov.urls"
WSGI_APPLICATION = "gridgov.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gridgov.web.context.navigation",
            ],
        },
    },
]

# --- Database: SQLite (WAL) under the data directory unless a URL is given.
DATABASE_URL = envstr("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=envint("DB_CONN_MAX_AGE", 60))}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        DATABASES["default"].setdefault("TEST", {})["NAME"] = envstr("TEST_DATABASE_NAME") or None
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "gridgov.sqlite3"),
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "timeout": 5,
                "transaction_mode": "IMMEDIATE",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"


# Optional read replica for the dashboards (docs/analytics.md): reads inside
# gridgov.analytics.routers.replica_reads() go there; without it the router does nothing.
REPLICA_DATABASE_URL = envstr("REPLICA_DATABASE_URL")
if REPLICA_DATABASE_URL:
    DATABASES["replica"] = dj_database_url.parse(
        REPLICA_DATABASE_URL, conn_max_age=envint("DB_CONN_MAX_AGE", 60)
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["gridgov.analytics.routers.ReplicaRouter"]

# --- Authentication and sessions.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "gridgov.access.passwords.CharacterClassValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = envint("SESSION_IDLE_MINUTES", 30) * 60
# The age counts from the last request (an idle timeout): SlidingSessionMiddleware renews the
# session at most once a minute instead of saving it on every request.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

AXES_FAILURE_LIMIT = envint("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=envint("LOGIN_LOCKOUT_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = envint("PROXY_COUNT", 0)

# Staff roles must pass a TOTP second factor unless this is off (the demo turns it off).
REQUIRE_2FA = envbool("REQUIRE_2FA", not DEMO)
OTP_TOTP_ISSUER = "gridgov"

# --- Security headers. HTTPS settings follow GRIDGOV_HTTPS (on in production).
HTTPS = envbool("HTTPS", not (DEMO or DEBUG))
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = True

# Map tiles are off by default: nothing is fetched from the internet. Set a URL template
# (e.g. an intranet tile server) to draw a base map under the grids.
MAP_TILE_URL = envstr("MAP_TILE_URL") or ""
MAP_TILE_ATTRIBUTION = envstr("MAP_TILE_ATTRIBUTION") or ""

# --- Internationalization: Chinese first, English available.
LANGUAGE_CODE = "zh-hans"
# Each language is named in itself, as the switch shows it.
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "gridgov" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Uploaded files (case photos). Never served as public static files: a view checks access.
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"

# --- Audit: a process seals pending entries into the hash chain at most this often after a
# commit (the task worker and `manage.py audit_seal` catch up with the rest).
AUDIT_SEAL_INTERVAL_SECONDS = float(envstr("AUDIT_SEAL_INTERVAL_SECONDS") or "1.0")

# --- Background work: django-tasks with its database backend; `manage.py db_worker` runs them.
TASKS = {"default": {"BACKEND": "django_tasks_db.backend.DatabaseBackend"}}

# --- Working calendar (local time, TIME_ZONE). A bad value stops start-up with the reason.
WORKING_HOURS = parse_working_hours(envstr("WORKING_HOURS") or DEFAULT_WORKING_HOURS_TEXT)
# Seconds a process may use its cached calendar before it asks whether holidays changed.
CALENDAR_CHECK_SECONDS = envint("CALENDAR_CHECK_SECONDS", 60)

# --- Cases.
# Share of a stage's time limit after which a case turns yellow (warning); red once overdue.
CASE_WARNING_PERCENT = envint("CASE_WARNING_PERCENT", 80)
# Notifications of case events are queued for the task worker (`manage.py db_worker`) so that
# requests stay fast; off, they are sent in the request after the commit.
CASE_NOTIFY_IN_BACKGROUND = envbool("CASE_NOTIFY_IN_BACKGROUND", True)
# How often the background sweep marks warnings and overdue cases (seconds).
CASE_SWEEP_SECONDS = envint("CASE_SWEEP_SECONDS", 60)
CASE_PHOTO_MAX_BYTES = envint("CASE_PHOTO_MAX_MB", 10) * 1024 * 1024
CASE_PHOTOS_PER_ACTION = 9
# The level that registers new cases by source: community (3) unless the source says otherwise.
CASE_INTAKE_LEVEL = {"hotline": 1}

# --- E-mail (notifications). Without a host, mail is written to the log instead of sent.
EMAIL_HOST = envstr("EMAIL_HOST") or ""
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = envstr("EMAIL_USER") or ""
EMAIL_HOST_PASSWORD = envsecret("EMAIL_PASSWORD") or ""
EMAIL_USE_TLS = envbool("EMAIL_TLS", False)
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = envstr("EMAIL_FROM") or "gridgov@localhost"

# --- Static files: our own plus front-end packages from node_modules (npm registry).
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
NODE_MODULES = BASE_DIR / "node_modules"
STATICFILES_DIRS = [
    ("vendor/leaflet", NODE_MODULES / "leaflet" / "dist"),
    ("vendor/bootstrap", NODE_MODULES / "bootstrap" / "dist"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = DEBUG

# --- API.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "gridgov.api.pagination.StrictLimitOffsetPagination",
    "EXCEPTION_HANDLER": "gridgov.api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "gridgov API",
    "DESCRIPTION": "Org units, grid lookup, the current user, and cases with their workflow actions, photos, "
    "categories and departments, and the basic-information registry (identifiers masked; reveals audited). "
    "Every endpoint is scoped to the caller's jurisdiction and audited.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Registry choice sets whose field names ("kind", "state", "status") other models share.
    "ENUM_NAME_OVERRIDES": {
        "BuildingKindEnum": "gridgov.people.models.BuildingKind",
        "OrganizationKindEnum": "gridgov.people.models.OrganizationKind",
        "ComponentKindEnum": "gridgov.people.models.ComponentKind",
        "ComponentStateEnum": "gridgov.people.models.ComponentState",
        "PersonStatusEnum": "gridgov.people.models.PersonStatus",
        "StateEnum": "gridgov.cases.models.State",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "gridgov.api.schema.add_error_responses",
    ],
}

# --- Geometry.
# Seconds a process may use its grid index before it asks the database whether polygons changed.
GEO_INDEX_CHECK_SECONDS = envint("GEO_INDEX_CHECK_SECONDS", 2)
# Overlaps, gaps and outside parts smaller than this (m²) are rounding noise, not problems.
GEO_TOPOLOGY_TOLERANCE_M2 = float(envstr("GEO_TOPOLOGY_TOLERANCE_M2") or "1.0")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # Log lines never show a clear ID number or mobile number (docs/privacy.md).
    "filters": {"mask_identifiers": {"()": "gridgov.people.log_masking.MaskIdentifiersFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["mask_identifiers"]}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL") or "INFO"},
    "loggers": {
        "django.request": {"level": "ERROR"},
        # Django's default handlers (the debug console, runserver's request log) know no masking:
        # drop them, so that Django's records reach the console handler above.
        "django": {"handlers": [], "level": "INFO"},
        "django.server": {"handlers": [], "level": "INFO", "propagate": True},
    },
}

# Error reports (admin e-mails, the debug page) mask identifiers in request data, variables,
# the URL and the exception message.
DEFAULT_EXCEPTION_REPORTER_FILTER = "gridgov.people.log_masking.MaskingExceptionReporterFilter"
DEFAULT_EXCEPTION_REPORTER = "gridgov.people.log_masking.MaskingExceptionReporter"

# axes.W006 warns when lockout is not keyed on the address; we lock the account itself after
# AXES_FAILURE_LIMIT failures from anywhere, which is stricter.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# --- Open311 GeoReport v2 (gridgov.open311).
# The jurisdiction_id clients give: the district's code; empty means the only root org unit.
OPEN311_JURISDICTION = envstr("OPEN311_JURISDICTION") or ""
# Submissions per minute for a new API key (each key has its own, editable in the admin).
OPEN311_KEY_REQUESTS_PER_MINUTE = envint("OPEN311_KEY_REQUESTS_PER_MINUTE", 30)
# Reads per minute per client address (reading needs no key).
OPEN311_READS_PER_MINUTE = envint("OPEN311_READS_PER_MINUTE", 120)
# Shown in discovery: whom client developers contact.
OPEN311_CONTACT = envstr("OPEN311_CONTACT") or ""
# At most this many points on the public map.
OPEN311_MAP_LIMIT = envint("OPEN311_MAP_LIMIT", 2000)

# --- Resident accounts (gridgov.residents, docs/residents.md).
# The SMS sender: dotted path of a class with send(phone, text); the default writes to the log.
SMS_SENDER = envstr("SMS_SENDER") or "gridgov.residents.sms.LogSender"
# The district whose root unit new resident accounts join ("" = the first root unit by code).
RESIDENT_DISTRICT_CODE = envstr("RESIDENT_DISTRICT_CODE") or ""
RESIDENT_CODE_TTL_SECONDS = envint("RESIDENT_CODE_TTL_SECONDS", 300)
RESIDENT_CODE_MAX_TRIES = envint("RESIDENT_CODE_MAX_TRIES", 5)  # wrong codes before a code is void
RESIDENT_CODE_INTERVAL_SECONDS = envint("RESIDENT_CODE_INTERVAL_SECONDS", 60)  # per number
RESIDENT_CODE_DAILY_LIMIT = envint("RESIDENT_CODE_DAILY_LIMIT", 10)  # per number, 24 hours
RESIDENT_CODE_IP_HOURLY_LIMIT = envint("RESIDENT_CODE_IP_HOURLY_LIMIT", 20)  # per client address
RESIDENT_BIND_DAILY_LIMIT = envint("RESIDENT_BIND_DAILY_LIMIT", 5)  # binding tries per account

# --- Community (notices and consultations).
# Supports a resident's proposal needs before staff may open it to a household vote.
COMMUNITY_SUPPORT_THRESHOLD = envint("COMMUNITY_SUPPORT_THRESHOLD", 10)

# --- Participation (the resident portal, gridgov.participation, docs/participation.md).
# "The same problem?": open cases of the same category this close (metres) and this recent (days).
PARTICIPATION_DUPLICATE_RADIUS_M = envint("PARTICIPATION_DUPLICATE_RADIUS_M", 50)
PARTICIPATION_DUPLICATE_DAYS = envint("PARTICIPATION_DUPLICATE_DAYS", 30)
# Days after the closing in which the reporter may say "not fixed".
PARTICIPATION_NOT_FIXED_DAYS = envint("PARTICIPATION_NOT_FIXED_DAYS", 7)
# A resident reminds (催办) of one case at most once in this many hours.
PARTICIPATION_REMIND_INTERVAL_HOURS = envint("PARTICIPATION_REMIND_INTERVAL_HOURS", 24)

# --- Volunteers and points (gridgov.volunteers).
# Points a resident earns when a case they reported is registered (once per case; 0: none).
VOLUNTEERS_POINTS_PER_REPORT = envint("VOLUNTEERS_POINTS_PER_REPORT", 5)
# Minutes before an activity's start from which volunteers may check in.
VOLUNTEERS_CHECK_IN_EARLY_MINUTES = envint("VOLUNTEERS_CHECK_IN_EARLY_MINUTES", 30)

# --- Field app (the grid worker's offline phone app, gridgov.fieldapp, docs/field-app.md).
# At most this many submissions in one sync request, and this many bytes in its body.
FIELD_SYNC_BATCH = envint("FIELD_SYNC_BATCH", 100)
FIELD_SYNC_MAX_MB = envint("FIELD_SYNC_MAX_MB", 40)
# Photos of one case reported from the app, and the size of each (decoded).
FIELD_PHOTOS_PER_REPORT = envint("FIELD_PHOTOS_PER_REPORT", 3)
FIELD_PHOTO_MAX_MB = envint("FIELD_PHOTO_MAX_MB", 5)

# --- Emergency campaigns (gridgov.campaigns, docs/campaigns.md, docs/campaign-privacy.md).
# An approved bulk export of a campaign's personal data: downloads allowed, and for how long.
CAMPAIGN_EXPORT_DOWNLOADS = envint("CAMPAIGN_EXPORT_DOWNLOADS", 3)
CAMPAIGN_EXPORT_VALID_HOURS = envint("CAMPAIGN_EXPORT_VALID_HOURS", 24)

# --- Dispatch suggestions and duplicates (gridgov.intelligence, docs/intelligence.md).
# Below this confidence a suggestion is shown as uncertain and never preselected.
SUGGEST_MIN_CONFIDENCE = envfloat("SUGGEST_MIN_CONFIDENCE", 0.6)
# Pairs scoring at least this are offered as likely duplicates.
DUPLICATE_MIN_SCORE = envfloat("DUPLICATE_MIN_SCORE", 0.65)
# The scheduled retraining runs every this many days.
SUGGEST_TRAIN_DAYS = envint("SUGGEST_TRAIN_DAYS", 7)

# --- The district cockpit (gridgov.analytics, docs/cockpit.md): a hotspot is at least this many
# cases of one category around one place within this many days.
HOTSPOT_MIN_CASES = envint("HOTSPOT_MIN_CASES", 3)
HOTSPOT_DAYS = envint("HOTSPOT_DAYS", 30)
# The task worker folds changed cases into the daily figures this often (docs/analytics.md).
AGGREGATE_SECONDS = envint("AGGREGATE_SECONDS", 300)

# --- Patrols, visits and tasks (gridgov.patrol, docs/patrol.md).
# Track points implying a faster move than this between two fixes are refused.
PATROL_MAX_SPEED_KMH = envint("PATROL_MAX_SPEED_KMH", 120)
# Track points farther than this outside the district's bounding box are refused.
PATROL_DISTRICT_MARGIN_M = envint("PATROL_DISTRICT_MARGIN_M", 2000)
PATROL_MAX_POINTS_PER_BATCH = envint("PATROL_MAX_POINTS_PER_BATCH", 2000)
# The coverage page's default "not visited in N days".
PATROL_COVERAGE_DAYS = envint("PATROL_COVERAGE_DAYS", 30)
