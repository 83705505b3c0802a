"""Parcours settings: one module, everything overridable by environment variables."""

import base64
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url

from parcours.core.env import envbool, envint, envlist, envstr, random_secret, secret_from_file

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = Path(envstr("PARCOURS_HOME", str(Path.cwd())))
VAR_DIR = Path(envstr("PARCOURS_VAR_DIR", str(PROJECT_DIR / "var")))

DEBUG = envbool("DEBUG", False)
SECRET_KEY = envstr("SECRET_KEY") or secret_from_file(VAR_DIR / "secret_key", random_secret)
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

# Key that encrypts documents at rest (Fernet, 32 url-safe base64 bytes).
DOCUMENT_KEY = envstr("DOCUMENT_KEY") or secret_from_file(
    VAR_DIR / "document_key", lambda: base64.urlsafe_b64encode(os.urandom(32)).decode()
)
# Previous keys, still accepted for reading while `parcours rotate_document_key` re-encrypts with
# DOCUMENT_KEY (comma-separated; empty once the rotation is done).
DOCUMENT_OLD_KEYS = envlist("DOCUMENT_OLD_KEYS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "dsfr",
    "widget_tweaks",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "parcours.core",
    "parcours.access",
    "parcours.directory",
    "parcours.people",
    "parcours.pathways",
    "parcours.admissions",
    "parcours.plans",
    "parcours.assessments",
    "parcours.steering",
    "parcours.steering.incidents",
    "parcours.steering.meetings",
    "parcours.steering.quality",
    "parcours.steering.cpom",
    "parcours.api",
    "django_tasks",
    "django_tasks_db",
    "parcours.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "parcours.core.middleware.BadInputMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "parcours.core.middleware.NoStoreMiddleware",
    "parcours.access.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # last: turns a login refused by django-axes (too many failures) into the lockout answer
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "parcours.urls"
WSGI_APPLICATION = "parcours.wsgi.application"

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
                "dsfr.context_processors.site_config",
                "parcours.access.context_processors.access",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'parcours.sqlite3'}",
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Short analytical queries (indicators) pay more for JIT compilation than they gain from it.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = envstr("PG_OPTIONS", "-c jit=off")
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "access.User"
LOGIN_URL = "access:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "access:login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Every login door (login page, POST /api/v1/auth/token, the Django admin) authenticates through
# django.contrib.auth.authenticate(request, ...): django-axes counts the failures and refuses a
# username after LOGIN_MAX_FAILURES failures, an address after LOGIN_MAX_FAILURES_PER_IP (any
# usernames), for LOGIN_LOCKOUT_MINUTES after the last counted failure (access/login_doors.py).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_MAX_FAILURES = envint("LOGIN_MAX_FAILURES", 5)
LOGIN_MAX_FAILURES_PER_IP = envint("LOGIN_MAX_FAILURES_PER_IP", 20)
LOGIN_LOCKOUT_MINUTES = envint("LOGIN_LOCKOUT_MINUTES", 15)
AXES_HANDLER = "parcours.access.login_doors.LoginThrottle"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # LoginThrottle reads them in this order
AXES_FAILURE_LIMIT = LOGIN_MAX_FAILURES
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_LOCKOUT_MINUTES)
# attempts during a lockout do not prolong it: it ends LOGIN_LOCKOUT_MINUTES after it started
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# a success does not clear the failures: axes would clear the address's too (the per-address
# limit would then be reset by anyone holding one valid account)
AXES_RESET_ON_SUCCESS = False
AXES_CLIENT_IP_CALLABLE = "parcours.access.context.ip_of"  # the address the audit log records
AXES_LOCKOUT_CALLABLE = "parcours.access.login_doors.lockout_response"
AXES_DISABLE_ACCESS_LOG = True  # successful logins are in the audit log
AXES_VERBOSE = False
# Two-factor: django-otp's TOTP devices (throttled after a wrong code, a code is used once).
OTP_TOTP_ISSUER = "Parcours"
# API tokens expire API_TOKEN_DAYS days after they are issued.
API_TOKEN_DAYS = envint("API_TOKEN_DAYS", 30)

SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", False)
# Behind one HTTPS reverse proxy: the scheme and the client's address (the last X-Forwarded-For
# entry, the one the proxy appended) come from the proxy's headers (access/context.py).
BEHIND_PROXY = envbool("BEHIND_PROXY", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
SECURE_HSTS_SECONDS = 0 if DEBUG else envint("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SILENCED_SYSTEM_CHECKS = envlist("SILENCED_SYSTEM_CHECKS", [])

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(envstr("STATIC_ROOT", str(VAR_DIR / "static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"
        if envbool("COLLECTSTATIC", False)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = True
# Uploaded documents live outside the static root and are only served through an audited view.
MEDIA_ROOT = Path(envstr("MEDIA_ROOT", str(VAR_DIR / "media")))
MEDIA_URL = "/media-not-served/"
DOCUMENT_MAX_BYTES = envint("DOCUMENT_MAX_BYTES", 20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = DOCUMENT_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Retention of active records (CNIL 2022-008: 2 years after the last contact), then archiving.
RETENTION_YEARS = envint("RETENTION_YEARS", 2)
# Retention of documents after the end of the support, in years (convention, configurable).
DOCUMENT_RETENTION_YEARS = envint("DOCUMENT_RETENTION_YEARS", 5)

EMAIL_BACKEND = envstr("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = envstr("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = envstr("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "parcours@localhost")

NINJA_PAGINATION_MAX_LIMIT = 500

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "WARNING")},
}

# Background work (deadline reminders, reports): Django's tasks framework with a database-backed
# worker (`parcours db_worker`); PARCOURS_TASKS_IMMEDIATE=1 runs tasks inline (tests, demo).
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if envbool("PARCOURS_TASKS_IMMEDIATE", False)
            else "django_tasks_db.DatabaseBackend"
        ),
        "QUEUES": ["default", "reports"],
        # inline runs happen at once (tests run inside a transaction that never commits)
        "ENQUEUE_ON_COMMIT": not envbool("PARCOURS_TASKS_IMMEDIATE", False),
    }
}
