"""Settings for the Care Capacity Tracker: one module, read from the environment.

Every variable is documented in .env.example. Secure by default: DEBUG is off
unless asked for, and with DEBUG off the portal refuses to start without a
SECRET_KEY.
"""

import datetime
import os
from pathlib import Path

import dj_database_url
import jinja2
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def refuse_to_start(reason: str):
    """Stop with one line on stderr, not a traceback: configuration is wrong."""
    raise SystemExit(f"Care Capacity Tracker will not start: {reason}")


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    refuse_to_start(f"{name} must be true or false, not {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        refuse_to_start(f"{name} must be a whole number, not {value!r}")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        refuse_to_start("SECRET_KEY is not set. Set it (see .env.example), or set DEBUG=true for development.")
    SECRET_KEY = "insecure-development-key-only-used-with-debug-on"  # noqa: S105 - DEBUG only

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Served over HTTPS in production (behind a TLS-terminating proxy). HTTPS=false
# is for a local run over plain http://127.0.0.1 only.
HTTPS = env_bool("HTTPS", not DEBUG)
if HTTPS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^metrics$"]  # the balancer and Prometheus reach app servers directly
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)
# Council and service admins hold more power: their sign-ins expire sooner.
ADMIN_SESSION_COOKIE_AGE = env_int("ADMIN_SESSION_COOKIE_AGE", 2 * 60 * 60)
# Expiry counts from the last activity (accounts.middleware.SessionActivityMiddleware).
CSRF_FAILURE_VIEW = "tracker.views.csrf_failure"

# No inline script anywhere; htmx and NHS.UK frontend come from our own static files.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF, "https://assets.nhs.uk"],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# Our apps, lowest layer first: each imports only those above it in this list
# (tests/test_architecture.py). The project package, tracker/, is not an app.
INSTALLED_APPS = [
    "registers",
    "accounts",
    "homes",
    "vacancies",
    "homecare",
    "enquiries",
    "returns",
    "api",
    "public",
    "demo",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "django.forms",
    "django_htmx",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]

MIDDLEWARE = [
    "tracker.request_id.RequestIdMiddleware",
    "tracker.metrics.MetricsMiddleware",
    "tracker.replicas.ReplicaMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "tracker.middleware.RejectNulBytesMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "tracker.middleware.LoginRequiredMiddleware",
    "accounts.middleware.SessionActivityMiddleware",
    "accounts.two_factor.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "tracker.middleware.PermissionsPolicyMiddleware",
    "accounts.audit.AuditMiddleware",
    "axes.middleware.AxesMiddleware",
    "api.middleware.RateLimitHeadersMiddleware",
]

ROOT_URLCONF = "tracker.urls"
WSGI_APPLICATION = "tracker.wsgi.application"

# What every page's shell reads (the person, the menu, messages, the CSP nonce...), in both
# template languages while pages move to Jinja2 (docs/adr/024-one-template-language.md).
CONTEXT_PROCESSORS = [
    "django.template.context_processors.request",
    "django.contrib.auth.context_processors.auth",
    "django.contrib.messages.context_processors.messages",
    "django.template.context_processors.csp",
    "accounts.navigation.navigation",
]
TEMPLATES = [
    {
        # Our pages (*.jinja; emails *.txt.jinja), the NHS.UK components, our forms' fields. First:
        # it answers for *.jinja names only, so every other name goes on to Django's templates
        # (Django admin's). "page.jinja#block" is one block of a page, drawn alone: its htmx
        # region (docs/adr/024-one-template-language.md).
        "NAME": "jinja2",
        "BACKEND": "tracker.components.Jinja2",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": False,
        "OPTIONS": {
            "environment": "tracker.components.environment",
            "context_processors": CONTEXT_PROCESSORS,
            "undefined": jinja2.StrictUndefined,
            # An email's text is not HTML: nothing in it is escaped.
            "autoescape": jinja2.select_autoescape(disabled_extensions=("txt.jinja",), default=True),
            "auto_reload": DEBUG,
        },
    },
    {
        # Django admin's pages (and Django's own form widgets a field draws alone, such as a
        # hidden version): every page of ours is Jinja2.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": CONTEXT_PROCESSORS},
    },
]

# "default": shared by every app server, in PostgreSQL (a table made by our migrate), for
# anything two app servers must agree on. "local": what each process can make again from
# the code and the database (drawn form fields, reference data, places found for a typed
# postcode); never anything two app servers must agree on (docs/adr/014-replicas-and-stateless-servers.md).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "tracker_cache"},
    "local": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "local",
        "OPTIONS": {"MAX_ENTRIES": 5000},
    },
}

# PostgreSQL only. Without DATABASE_URL, the project-local cluster in
# var/postgres (started on demand by manage.py, gunicorn and pytest).
if env("DATABASE_URL"):
    DATABASES = {
        "default": dj_database_url.parse(
            env("DATABASE_URL"), conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True
        )
    }
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        refuse_to_start("DATABASE_URL must point at PostgreSQL (postgres://...).")
else:
    from tracker import embedded_postgres

    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": embedded_postgres.DB_NAME,
            "USER": embedded_postgres.DB_USER,
            "HOST": embedded_postgres.socket_dir(),
            "PORT": embedded_postgres.PORT,
            "CONN_MAX_AGE": env_int("DB_CONN_MAX_AGE", 60),
            "CONN_HEALTH_CHECKS": True,
        }
    }
DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env_int("DB_CONNECT_TIMEOUT", 5)
# Parameters sent apart from the query text, so psycopg prepares a query the fifth time
# it runs on a connection and PostgreSQL plans it once, not on every search (planning was
# a third of a search query's time). A pooler in front (PgBouncer) must then run in session
# mode, or with its prepared-statement support on: DB_SERVER_SIDE_BINDING=false turns it off.
if env_bool("DB_SERVER_SIDE_BINDING", True):
    DATABASES["default"]["OPTIONS"] |= {"server_side_binding": True, "prepare_threshold": 5}

# A read replica (a PostgreSQL hot standby): search, public pages, API reads and dashboards
# read from it; everything else, and everyone who just saved something, from the primary
# (tracker/replicas.py, docs/adr/014-replicas-and-stateless-servers.md).
READ_REPLICA = None
if env("DATABASE_REPLICA_URL"):
    READ_REPLICA = "replica"
    DATABASES[READ_REPLICA] = dj_database_url.parse(
        env("DATABASE_REPLICA_URL"), conn_max_age=env_int("DB_CONN_MAX_AGE", 60), conn_health_checks=True
    )
    DATABASES[READ_REPLICA]["OPTIONS"] = {
        **DATABASES["default"]["OPTIONS"],
        **DATABASES[READ_REPLICA].get("OPTIONS", {}),
        "connect_timeout": env_int("REPLICA_CONNECT_TIMEOUT", 2),
    }
    DATABASES[READ_REPLICA]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["tracker.replicas.ReplicaRouter"]
REPLICA_READ_PATHS = env_list("REPLICA_READ_PATHS", "/find-a-bed/,/care-homes/,/api/v1/,/fhir/,/area/,/sitemap")
# Seconds after a person's POST (or other change) during which all their pages read from the primary.
REPLICA_STICKY_SECONDS = env_int("REPLICA_STICKY_SECONDS", 15)
# Beyond this lag, reads go to the primary until the replica catches up.
REPLICA_MAX_LAG_SECONDS = env_int("REPLICA_MAX_LAG_SECONDS", 5)
REPLICA_CHECK_SECONDS = env_int("REPLICA_CHECK_SECONDS", 1)
REPLICA_RETRY_SECONDS = env_int("REPLICA_RETRY_SECONDS", 5)
if READ_REPLICA and REPLICA_STICKY_SECONDS <= REPLICA_MAX_LAG_SECONDS + REPLICA_CHECK_SECONDS:
    refuse_to_start("REPLICA_STICKY_SECONDS must be more than REPLICA_MAX_LAG_SECONDS + REPLICA_CHECK_SECONDS.")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
# django-axes counts failed sign-ins and locks out (see the AXES_ settings below).
# PersonBackend: Django's ModelBackend, loading the person with whether they have a second factor.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "accounts.backends.PersonBackend"]
# Sign-in throttling: after AXES_FAILURE_LIMIT wrong passwords for one email from
# one address, that pair is locked out for AXES_COOLOFF_TIME; service admins can
# unlock it early in Django admin (Axes > Access attempts: delete).
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"  # the sign-in form's field; it holds the email address
AXES_USERNAME_CALLABLE = "accounts.forms.username_for_lockout"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.jinja"
AXES_RESET_ON_SUCCESS = True
# The proxies in front of the app servers (HAProxy: 1), so the client's own address is read
# from X-Forwarded-For: for the lockout, the audit trail and rate limits (tracker/client_address.py).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "tracker.client_address.client_address"

# The public pages (public/): requests one address may make a minute before a polite 429,
# counted in the database so every app server shares the count (accounts/throttle.py).
PUBLIC_REQUESTS_PER_MINUTE = env_int("PUBLIC_REQUESTS_PER_MINUTE", 120)
# Requests a minute each API key may make (api/), shared by every app server.
API_REQUESTS_PER_MINUTE = env_int("API_REQUESTS_PER_MINUTE", 60)
# The largest request body the API reads (a home's figures are well under 5 KB).
API_MAX_BODY_BYTES = env_int("API_MAX_BODY_BYTES", 64 * 1024)
# How long the changes feed keeps changes (manage.py prune_changes): an older cursor gets 410.
API_CHANGES_KEEP_DAYS = env_int("API_CHANGES_KEEP_DAYS", 30)
# What is deployed: part of the public pages' ETags, so a release never serves a stale 304.
RELEASE = env("RELEASE", "dev")
AXES_VERBOSE = False

# Two-factor authentication (TOTP): required for council and service admins,
# optional for everyone else (once set up, always asked for).
OTP_TOTP_ISSUER = "Care Capacity Tracker"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "start"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 3

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = False
USE_TZ = True

STATIC_URL = "/assets/"  # NHS.UK frontend's CSS refers to /assets/images/...
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static", BASE_DIR / "var" / "frontend"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "tracker.storage.StaticFilesStorage"},
}
WHITENOISE_MAX_AGE = 60 * 60 * 24 * 365  # hashed names, so cache for a year

# Console by default (emails appear in the server's output); SMTP when EMAIL_HOST is set.
SMTP_HOST = env("EMAIL_HOST")
if SMTP_HOST:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": SMTP_HOST,
                "port": env_int("EMAIL_PORT", 587),
                "username": env("EMAIL_HOST_USER"),
                "password": env("EMAIL_HOST_PASSWORD"),
                "use_tls": env_bool("EMAIL_USE_TLS", True),
                "timeout": 10,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Care Capacity Tracker <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Background work (bulk imports, reminders) through Django's tasks framework,
# stored in PostgreSQL and run by `manage.py db_worker`.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# Uploaded files (bulk CSV imports): refused above this size with a clear message, as they
# arrive, before any of the file is kept (tracker/uploads.py).
UPLOAD_MAX_BYTES = 20 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "tracker.uploads.SizeLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# GOV.UK Notify: when the key is set, reminders go through Notify instead of email.
NOTIFY_API_KEY = env("NOTIFY_API_KEY")
NOTIFY_REMINDER_TEMPLATE_ID = env("NOTIFY_REMINDER_TEMPLATE_ID")
# Enquiries (issue 13): one Notify email template with ((subject)) and ((body)) filled in.
NOTIFY_ENQUIRY_TEMPLATE_ID = env("NOTIFY_ENQUIRY_TEMPLATE_ID")
# A text message template for reminders to homes whose phone number is a mobile: optional.
NOTIFY_REMINDER_SMS_TEMPLATE_ID = env("NOTIFY_REMINDER_SMS_TEMPLATE_ID")
# A text about the monthly return (returns/reminders.py); personalisation: home_name, month, closes, return_link.
NOTIFY_RETURN_SMS_TEMPLATE_ID = env("NOTIFY_RETURN_SMS_TEMPLATE_ID")
if NOTIFY_API_KEY and not (NOTIFY_REMINDER_TEMPLATE_ID and NOTIFY_ENQUIRY_TEMPLATE_ID):
    refuse_to_start("NOTIFY_REMINDER_TEMPLATE_ID and NOTIFY_ENQUIRY_TEMPLATE_ID must be set when NOTIFY_API_KEY is.")

# CQC's public API, read by the daily CQC sync (homes/cqc_sync.py, manage.py sync_cqc).
CQC_API_URL = env("CQC_API_URL", "https://api.service.cqc.org.uk/public/v1")
CQC_API_KEY = env("CQC_API_KEY")  # empty: the sync says so and changes nothing
CQC_PARTNER_CODE = env("CQC_PARTNER_CODE")  # CQC asks consumers to name themselves on each request
# CQC's documented limit for one client; the client never starts more than this in any minute.
CQC_API_REQUESTS_PER_MINUTE = env_int("CQC_API_REQUESTS_PER_MINUTE", 600)
CQC_API_TIMEOUT_SECONDS = env_int("CQC_API_TIMEOUT_SECONDS", 30)
CQC_API_ATTEMPTS = env_int("CQC_API_ATTEMPTS", 5)
# The first wait before trying a failed request again; it grows (with jitter) each time.
CQC_API_BACKOFF_SECONDS = float(env("CQC_API_BACKOFF_SECONDS", "2"))
# When the worker runs the daily sync, local time (HH:MM).
CQC_SYNC_AT = env("CQC_SYNC_AT", "05:30")
try:
    CQC_SYNC_TIME = datetime.time.fromisoformat(CQC_SYNC_AT)
except ValueError:
    refuse_to_start(f"CQC_SYNC_AT must be a time like 05:30, not {CQC_SYNC_AT!r}")

# The portal's public address, for links in emails sent outside a request (reminders).
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000")

SERVICE_NAME = "Care Capacity Tracker"
PHASE = env("PHASE", "beta")

# /metrics (Prometheus) answers only to "Authorization: Bearer <METRICS_TOKEN>"; unset: 404 for everyone.
METRICS_TOKEN = env("METRICS_TOKEN")

# One JSON object a line, each with its request id (tracker/logs.py); "plain" for reading by eye.
LOG_FORMAT = env("LOG_FORMAT", "json")
if LOG_FORMAT not in {"json", "plain"}:
    refuse_to_start(f"LOG_FORMAT must be json or plain, not {LOG_FORMAT!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "tracker.logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "tracker.logs.JsonFormatter"},
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
