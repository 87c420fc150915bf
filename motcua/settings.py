"""Django settings. Every value that varies between deployments comes from motcua.env."""

from __future__ import annotations

from pathlib import Path

import django_stubs_ext
from django.utils.translation import gettext_lazy as _

from motcua import env

# Lets annotations such as ModelAdmin[Unit] work at run time.
django_stubs_ext.monkeypatch()

BASE_DIR = env.BASE_DIR
VAR_DIR = Path(env.get("VAR_DIR"))

DEBUG = env.get_bool("DEBUG")
SECRET_KEY = env.get("SECRET_KEY") or ("insecure-development-key" if DEBUG else "")
if not SECRET_KEY:
    # Tests, `make run` and the CLI run with DEBUG unset; they get a per-checkout key file
    # rather than a well-known constant.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    _key_file = VAR_DIR / "secret_key"
    if not _key_file.exists():
        import secrets

        _key_file.write_text(secrets.token_urlsafe(50))
        _key_file.chmod(0o600)
    SECRET_KEY = _key_file.read_text().strip()
PII_KEY = env.get("PII_KEY") or SECRET_KEY

ALLOWED_HOSTS = [h.strip() for h in env.get("ALLOWED_HOSTS").split(",") if h.strip()]
ALLOWED_HOSTS += ["testserver"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "motcua.core",
    "motcua.audit",
    "motcua.units",
    "motcua.calendar",
    "motcua.procedures",
    "motcua.dossiers",
    "motcua.indicators",
    "motcua.web",
    "ninja",
    "motcua.accounts",
    "motcua.api",
    "django_tasks",
    "django_tasks_db",
    "motcua.campaigns",
    "motcua.reports",
    "motcua.sync",
    "motcua.feedback",
]

MIDDLEWARE = [
    "motcua.web.middleware.ServerTimingMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "motcua.accounts.middleware.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "motcua.urls"
WSGI_APPLICATION = "motcua.wsgi.application"

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
                "motcua.web.nav.navigation",
            ],
        },
    }
]

DATABASES = {"default": env.database_from_url(env.get("DATABASE_URL"), VAR_DIR / "motcua.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Accounts (docs/accounts.md): every login goes through the rate limiter.
AUTHENTICATION_BACKENDS = ["motcua.accounts.backends.RateLimitedModelBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "/"
LOGIN_FAILURE_LIMIT = env.get_int("LOGIN_FAILURE_LIMIT")
LOGIN_IP_FAILURE_LIMIT = env.get_int("LOGIN_IP_FAILURE_LIMIT")
LOGIN_FAILURE_WINDOW = env.get_int("LOGIN_FAILURE_WINDOW")

LANGUAGE_CODE = env.get("LANGUAGE_CODE")
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "motcua" / "locale"]
TIME_ZONE = env.get("TIME_ZONE")
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["motcua.formats"]

OFFICE_HOURS = env.get("OFFICE_HOURS")

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
MEDIA_ROOT = VAR_DIR / "media"

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG and env.get("DATABASE_URL"):
    # Production (PostgreSQL) deployments sit behind TLS.
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.get_int("HSTS_SECONDS")
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True

# Background tasks (django-tasks) stored in the database; `motcua db_worker` runs them.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"motcua": {"handlers": ["console"], "level": env.get("LOG_LEVEL")}},
}

# DVCQG sync (docs/sync.md)
DVCQG_SYNC_URL = env.get("DVCQG_SYNC_URL")
DVCQG_SYNC_TOKEN = env.get("DVCQG_SYNC_TOKEN")
SYNC_TIMEOUT = env.get_int("SYNC_TIMEOUT")
SYNC_BATCH = env.get_int("SYNC_BATCH")
SYNC_LEASE_SECONDS = env.get_int("SYNC_LEASE_SECONDS")
SYNC_RETRY_BASE = env.get_int("SYNC_RETRY_BASE")
SYNC_RETRY_MAX = env.get_int("SYNC_RETRY_MAX")
SYNC_INBOUND_CONCURRENCY = env.get_int("SYNC_INBOUND_CONCURRENCY")
