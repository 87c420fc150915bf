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
    "motcua.onestop",
    "motcua.files",
    "motcua.portal",
    "motcua.signing",
    "motcua.payments",
    "motcua.sandboxgateway",
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
AUTHENTICATION_BACKENDS = [
    "motcua.accounts.backends.RateLimitedModelBackend",
    # Citizens through an OpenID Connect provider (VNeID), when configured (docs/portal.md).
    "motcua.portal.oidc.CitizenOIDCBackend",
]
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
# Uploads (docs/portal.md): checked by content, at most this many bytes.
UPLOAD_MAX_BYTES = env.get_int("UPLOAD_MAX_MB") * 1024 * 1024

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

# Computed figures (motcua/web/generation.py): shared by the machine's processes by default.
# A page computes tens of values (a cold dashboard about 50): Django's default of 300
# entries would cull a warmed cache.
CACHE_OPTIONS = {"MAX_ENTRIES": 20_000, "CULL_FREQUENCY": 4}
CACHES: dict[str, dict[str, object]]
if env.get_choice("CACHE", ("file", "memory")) == "memory":
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": CACHE_OPTIONS,
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "motcua.web.filecache.FileCache",
            "LOCATION": str(VAR_DIR / "cache"),
            "OPTIONS": CACHE_OPTIONS,
        }
    }
FIGURES_STALE_SECONDS = env.get_int("FIGURES_STALE_SECONDS")

# Background tasks (django-tasks) stored in the database; `motcua db_worker` runs them.
IMPORT_UPLOAD_HOURS = env.get_int("IMPORT_UPLOAD_HOURS")  # staged import files (dossiers)

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"motcua": {"handlers": ["console"], "level": env.get("LOG_LEVEL")}},
}

# Citizen portal (docs/portal.md): public look-up limit, OpenID Connect (mozilla-django-oidc).
PUBLIC_LOOKUP_LIMIT = env.get_int("PUBLIC_LOOKUP_LIMIT")
OIDC_RP_CLIENT_ID = env.get("OIDC_CLIENT_ID")
OIDC_RP_CLIENT_SECRET = env.get("OIDC_CLIENT_SECRET")
OIDC_PROVIDER_NAME = env.get("OIDC_PROVIDER_NAME")
OIDC_OP_AUTHORIZATION_ENDPOINT = env.get("OIDC_AUTHORIZATION_ENDPOINT")
OIDC_OP_TOKEN_ENDPOINT = env.get("OIDC_TOKEN_ENDPOINT")
OIDC_OP_USER_ENDPOINT = env.get("OIDC_USERINFO_ENDPOINT")
OIDC_OP_JWKS_ENDPOINT = env.get("OIDC_JWKS_ENDPOINT")
OIDC_RP_SIGN_ALGO = env.get("OIDC_SIGN_ALGO")
OIDC_RP_SCOPES = env.get("OIDC_SCOPES")
OIDC_ID_NUMBER_CLAIM = env.get("OIDC_ID_NUMBER_CLAIM")
OIDC_NAME_CLAIM = env.get("OIDC_NAME_CLAIM")
OIDC_AUTHENTICATION_CALLBACK_URL = "portal:oidc_callback"
OIDC_USE_PKCE = True
OIDC_TIMEOUT = 10

# DVCQG sync (docs/sync.md)
DVCQG_SYNC_URL = env.get("DVCQG_SYNC_URL")
DVCQG_SYNC_TOKEN = env.get("DVCQG_SYNC_TOKEN")
SYNC_TIMEOUT = env.get_int("SYNC_TIMEOUT")
SYNC_BATCH = env.get_int("SYNC_BATCH")
SYNC_LEASE_SECONDS = env.get_int("SYNC_LEASE_SECONDS")
SYNC_RETRY_BASE = env.get_int("SYNC_RETRY_BASE")
SYNC_RETRY_MAX = env.get_int("SYNC_RETRY_MAX")
SYNC_INBOUND_CONCURRENCY = env.get_int("SYNC_INBOUND_CONCURRENCY")

# E-mails to applicants (docs/onestop.md): SMTP when EMAIL_HOST is set, else the console.
PUBLIC_URL = env.get("PUBLIC_URL")
EMAIL_HOST = env.get("EMAIL_HOST")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = env.get_int("EMAIL_PORT")
EMAIL_HOST_USER = env.get("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env.get("EMAIL_HOST_PASSWORD")
EMAIL_USE_SSL = env.get_bool("EMAIL_USE_SSL")
EMAIL_USE_TLS = env.get_bool("EMAIL_USE_TLS") and not EMAIL_USE_SSL
EMAIL_TIMEOUT = env.get_int("EMAIL_TIMEOUT")
DEFAULT_FROM_EMAIL = env.get("DEFAULT_FROM_EMAIL")
# Signed electronic results (docs/signing.md)
SIGNING_DIR = Path(env.get("SIGNING_DIR") or VAR_DIR / "signing")
SIGNING_TRUST_ROOTS = [p.strip() for p in env.get("SIGNING_TRUST_ROOTS").split(",") if p.strip()]
SIGNING_VERIFY_PER_HOUR = env.get_int("SIGNING_VERIFY_PER_HOUR")
SIGNING_MAX_UPLOAD_MB = env.get_int("SIGNING_MAX_UPLOAD_MB")
# Payments (docs/payments.md).
# The sandbox gateway: "auto" is on except in production (DEBUG=0 with DATABASE_URL).
_SANDBOX = env.get("PAYMENT_SANDBOX").strip().lower()
PAYMENT_SANDBOX = (
    (DEBUG or not env.get("DATABASE_URL"))
    if _SANDBOX == "auto"
    else env.get_bool("PAYMENT_SANDBOX")
)
VNPAY_TMN_CODE = env.get("VNPAY_TMN_CODE")
VNPAY_HASH_SECRET = env.get("VNPAY_HASH_SECRET")
VNPAY_PAY_URL = env.get("VNPAY_PAY_URL")
VNPAY_API_URL = env.get("VNPAY_API_URL")
PAYMENT_PLATFORM_FLAG = env.get_int("PAYMENT_PLATFORM_FLAG")
PAYMENT_TIMEOUT = env.get_int("PAYMENT_TIMEOUT")
PAYMENT_RECONCILE_INTERVAL = env.get_int("PAYMENT_RECONCILE_INTERVAL")
PAYMENT_PUBLIC_URL = env.get("PAYMENT_PUBLIC_URL").rstrip("/")
