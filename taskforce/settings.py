"""Settings for taskforce, read from the environment (see README "Settings").

The embedded default (``make run``) is SQLite under ``var/``, eager Celery tasks,
a local-memory cache and console email, with ``TASKFORCE_DEMO=1``. Production
sets ``SECRET_KEY``, ``DATABASE_URL``, ``REDIS_URL``, ``EMAIL_URL`` and
``ALLOWED_HOSTS``; nothing secret has a production default.
"""

from __future__ import annotations

import secrets
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from taskforce.env import env_bool, env_int, env_list, env_str, parse_email_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("TASKFORCE_VAR_DIR", str(BASE_DIR / "var")))

# --- Mode --------------------------------------------------------------------
DEMO = env_bool("TASKFORCE_DEMO", default=False)
DEBUG = env_bool("TASKFORCE_DEBUG", default=False)
# HTTPS-only cookies, HSTS and the SSL redirect are on unless explicitly turned
# off; the local demo serves plain http on 127.0.0.1, so it defaults to off.
HTTPS = env_bool("TASKFORCE_HTTPS", default=not DEMO)
REQUIRE_MFA = env_bool("TASKFORCE_REQUIRE_MFA", default=True)


def _demo_secret_key() -> str:
    """A per-installation key for the demo, kept under var/ so sessions survive restarts."""
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    path = VAR_DIR / "demo-secret-key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


if DEMO:
    SECRET_KEY = env_str("SECRET_KEY", "") or _demo_secret_key()
else:
    SECRET_KEY = env_str("SECRET_KEY", "")
    if not SECRET_KEY:
        raise ImproperlyConfigured(
            "SECRET_KEY is required outside demo mode. Set SECRET_KEY to a long random value "
            "(python -c 'import secrets; print(secrets.token_urlsafe(64))'), or TASKFORCE_DEMO=1 "
            "for the local demo."
        )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEMO or DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

# --- Applications ------------------------------------------------------------
INSTALLED_APPS = [
    "whitenoise.runserver_nostatic",
    "taskforce.admin_site.TaskforceAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "auditlog",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_htmx",
    "bootstrap",
    "taskforce",
    "partners",
    "cases",
    "referrals",
    "reporting",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    # Ends idle (30 min) and old (12 h) sessions before anything else reads the user.
    "partners.middleware.SessionLifetimeMiddleware",
    # A signed-in user without MFA or with an expired password reaches only the pages that fix it.
    "partners.middleware.AccessGateMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "taskforce.middleware.NoStoreMiddleware",
    "taskforce.middleware.AuditlogMiddleware",
    # django-axes must be last: it turns a locked-out sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "taskforce.urls"
WSGI_APPLICATION = "taskforce.wsgi.application"
ASGI_APPLICATION = "taskforce.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "taskforce.context_processors.site",
            ],
        },
    },
]

# --- Database ----------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'taskforce.sqlite3'}")
if DATABASE_URL.startswith("sqlite:///"):
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, broker, Celery ---------------------------------------------------
REDIS_URL = env_str("REDIS_URL", "")
# The cache may live in another Redis database than the broker, so that clearing
# the cache can never drop queued tasks (docker-compose uses /0 and /1).
CACHE_URL = env_str("CACHE_URL", REDIS_URL)
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "taskforce",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
# Without a broker the tasks run in-process, so the demo needs no worker.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Outputs go to our own tables, never to a Celery result backend.
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Above the longest task and the longest countdown, so Redis never redelivers a running task.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 6 * 3600}
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TIMEZONE = "UTC"
# One beat process runs this schedule (docker-compose "beat"); the domain issues fill it in.
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "consents-lapse-sweep": {"task": "cases.consents_lapse_sweep", "schedule": crontab(hour=2, minute=10)},
    "referral-deadlines": {"task": "referrals.deadlines", "schedule": crontab(minute="*/15")},
    # 14:30 UTC: early morning in the task force's time zone, so the email waits at the start of the day.
    "mou-expiry-reminders": {"task": "partners.mou_expiry_reminders", "schedule": crontab(hour=14, minute=30)},
    # The 1st of the month, after midnight in the task force's time zone: the month (and quarter) just closed.
    "reports-schedule-due": {
        "task": "reporting.schedule_due",
        "schedule": crontab(day_of_month="1", hour=8, minute=0),
    },
    "submission-reminders": {"task": "reporting.submission_reminders", "schedule": crontab(hour=15, minute=0)},
}

# --- Email -------------------------------------------------------------------
_email = parse_email_url(env_str("EMAIL_URL", "console://"))
EMAIL_BACKEND = _email.backend
EMAIL_HOST = _email.host
EMAIL_PORT = _email.port
EMAIL_HOST_USER = _email.user
EMAIL_HOST_PASSWORD = _email.password
EMAIL_USE_TLS = _email.use_tls
EMAIL_USE_SSL = _email.use_ssl
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "taskforce <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Authentication ----------------------------------------------------------
AUTH_USER_MODEL = "partners.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first, so a locked username is refused before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# PBKDF2-SHA256 first: FIPS-approved (Argon2 and bcrypt are not).
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
PASSWORD_MIN_LENGTH = 12
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_MAX_AGE_DAYS = env_int("TASKFORCE_PASSWORD_MAX_AGE_DAYS", default=365, minimum=1)

# Sessions: 30 minutes idle (the cookie and the database row roll with every request)
# and 12 hours absolute (checked against the sign-in time by SessionLifetimeMiddleware).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_IDLE_SECONDS = env_int("TASKFORCE_SESSION_IDLE_SECONDS", default=30 * 60, minimum=60)
SESSION_ABSOLUTE_SECONDS = env_int("TASKFORCE_SESSION_ABSOLUTE_SECONDS", default=12 * 3600, minimum=300)
# The dashboard's aggregates are computed once for everyone and kept this long (0: never kept).
DASHBOARD_CACHE_SECONDS = env_int("TASKFORCE_DASHBOARD_CACHE_SECONDS", default=300, minimum=0)
SESSION_COOKIE_AGE = SESSION_IDLE_SECONDS
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Strict"

# django-otp
OTP_TOTP_ISSUER = "Taskforce"
OTP_TOTP_THROTTLE_FACTOR = 1
# No drift learning: a code from a neighbouring step must never widen the window (A2).
OTP_TOTP_SYNC = False
OTP_STATIC_THROTTLE_FACTOR = 1
MFA_RECOVERY_CODE_COUNT = 10

# django-axes: 5 consecutive failures per username lock it until an administrator unlocks it.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = None
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_CALLABLE = "partners.views.auth.lockout_response"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# Locking by IP as well would lock out a whole agency office behind one NAT address
# (a denial of service CJIS AC-7 warns about); the sign-in view throttles per IP instead.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
SIGN_IN_IP_THROTTLE = env_int("TASKFORCE_SIGN_IN_IP_THROTTLE", default=30, minimum=1)
SIGN_IN_IP_WINDOW_SECONDS = 15 * 60
AXES_IPWARE_PROXY_COUNT = env_int("TASKFORCE_PROXY_COUNT", default=0, minimum=0) or None

# django-guardian: no anonymous user row; anonymous visitors get nothing.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

# django-auditlog
AUDITLOG_INCLUDE_ALL_MODELS = False

# --- HTTP security -----------------------------------------------------------
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
if HTTPS:
    # The __Host- prefix pins the cookies to this host, https and path /.
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    SECURE_HSTS_SECONDS = 365 * 24 * 3600
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
if env_bool("TASKFORCE_TRUST_X_FORWARDED_PROTO", default=False):
    # Only behind a TLS proxy that overwrites this header.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}

DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

# --- Internationalisation ----------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TASKFORCE_TIME_ZONE", "America/Los_Angeles")
USE_I18N = True
USE_TZ = True

# --- Static files ------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("TASKFORCE_STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "taskforce" / "static"]
# Production runs collectstatic and serves hashed, compressed files; the demo and
# the tests serve straight from the app directories.
STATIC_MANIFEST = env_bool("TASKFORCE_STATIC_MANIFEST", default=not (DEMO or DEBUG))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
if not STATIC_MANIFEST:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise expects it even when serving from finders
MEDIA_ROOT = Path(env_str("TASKFORCE_MEDIA_ROOT", str(VAR_DIR / "media")))
# Signed MOUs and other private documents: never under MEDIA_ROOT, never served by URL,
# read only through views that check who may see them.
TASKFORCE_PRIVATE_ROOT = Path(env_str("TASKFORCE_PRIVATE_ROOT", str(VAR_DIR / "private")))

# --- API ---------------------------------------------------------------------
API_PAGE_SIZE = 50
API_MAX_PAGE_SIZE = 200
REST_FRAMEWORK = {
    # Token first: DRF takes the WWW-Authenticate header from the first class,
    # so a missing or wrong token answers 401 rather than a bare 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "taskforce.api.TokenAuthentication",
        "taskforce.api.SessionAuthentication",
    ],
    # Deny by default: every endpoint needs a signed-in (and, for sessions, MFA-verified) user.
    "DEFAULT_PERMISSION_CLASSES": ["taskforce.api.IsVerifiedUser"],
    "DEFAULT_PAGINATION_CLASS": "taskforce.api.Pagination",
    "PAGE_SIZE": API_PAGE_SIZE,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"user": env_str("TASKFORCE_API_RATE", "2000/hour")},
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "taskforce API",
    "DESCRIPTION": "Case and referral system for multi-agency anti-human-trafficking task forces.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["taskforce.api.IsVerifiedUser"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Survivors and cases both have a "status"; name their enums apart.
    "ENUM_NAME_OVERRIDES": {
        "VictimStatusEnum": "cases.models.VictimStatus",
        "CaseStatusEnum": "cases.models.CaseStatus",
        # Referrals reuse the service types and the consentable groups; name each enum once.
        "ServiceTypeEnum": "cases.catalog.ServiceType",
        "ConsentableFieldGroupEnum": "cases.field_groups.CONSENTABLE_GROUPS",
        "ReferralOutcomeEnum": "referrals.models.Outcome",
        "NotificationKindEnum": "referrals.models.NotificationKind",
        # Trainings and meetings share the topics; outreach and agencies both have a "kind".
        "TrainingTopicEnum": "partners.operations.models.TrainingTopic",
        "OutreachKindEnum": "partners.operations.models.OutreachKind",
        "AgencyKindEnum": "partners.roles.AgencyKind",
        "MOUStatusEnum": "partners.operations.models.MOUStatus",
        "ReportRunStatusEnum": "reporting.models.RunStatus",
    },
}

# --- Logging -----------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("TASKFORCE_LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "django.request": {"level": "WARNING"},
    },
}
