"""Settings from the environment: the one place that reads ``os.environ``.

Every variable motcua understands is declared in :data:`VARIABLES` with its default and
meaning; docs/CONFIGURATION.md lists them all (a test keeps the two in step).  Read
values with :func:`get`, :func:`get_bool` and :func:`get_int`; a malformed value fails at
start-up with a message naming the variable.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Variable:
    name: str
    default: str
    help: str


VARIABLES: dict[str, Variable] = {
    v.name: v
    for v in [
        Variable("DEBUG", "0", "1 for development: debug pages, no secure cookies."),
        Variable(
            "SECRET_KEY",
            "",
            "Signing key. Required when DEBUG=0; a development key is used otherwise.",
        ),
        Variable(
            "PII_KEY",
            "",
            "Key that encrypts personal identifiers (ID numbers, phones). Defaults to a "
            "key derived from SECRET_KEY; set it separately in production and back it up.",
        ),
        Variable(
            "DATABASE_URL",
            "",
            "postgres://user:pass@host:5432/db for PostgreSQL (production). Empty: SQLite "
            "file var/motcua.sqlite3 in WAL mode.",
        ),
        Variable("ALLOWED_HOSTS", "127.0.0.1,localhost", "Comma-separated host names served."),
        Variable("PORT", "8000", "Port for `make run`."),
        Variable("LANGUAGE_CODE", "vi", "Default interface language (vi or en)."),
        Variable("TIME_ZONE", "Asia/Ho_Chi_Minh", "The province's local time zone."),
        Variable("OFFICE_HOURS", "07:30-11:30,13:00-17:00", "Working hours for deadlines."),
        Variable("VAR_DIR", str(BASE_DIR / "var"), "Where the SQLite file and uploads live."),
        Variable("LOG_LEVEL", "INFO", "Python logging level for motcua's loggers."),
        Variable("LOGIN_FAILURE_LIMIT", "5", "Failed logins per username that lock it."),
        Variable("LOGIN_IP_FAILURE_LIMIT", "20", "Failed logins per client address that lock it."),
        Variable("LOGIN_FAILURE_WINDOW", "15", "Minutes failed logins are counted (and lock)."),
        Variable("HSTS_SECONDS", "31536000", "Strict-Transport-Security max-age in production."),
        Variable(
            "DVCQG_SYNC_URL",
            "",
            "Endpoint that receives dossiers (DVCQG sync JSON, one POST per dossier). Empty: "
            "no sync, nothing is queued.",
        ),
        Variable("DVCQG_SYNC_TOKEN", "", "Bearer token sent to DVCQG_SYNC_URL (optional)."),
        Variable("SYNC_TIMEOUT", "10", "Seconds to wait for the sync endpoint's answer."),
        Variable("SYNC_BATCH", "50", "Outbox rows a sync worker claims at a time."),
        Variable(
            "SYNC_LEASE_SECONDS",
            "120",
            "How long a worker holds claimed rows; after that a dead worker's rows are retried.",
        ),
        Variable("SYNC_RETRY_BASE", "5", "Seconds before the first retry (then doubled)."),
        Variable("SYNC_RETRY_MAX", "3600", "Longest wait between retries, in seconds."),
        Variable(
            "PUBLIC_URL",
            "http://127.0.0.1:8000",
            "The address citizens reach this installation at (links in e-mails).",
        ),
        Variable(
            "EMAIL_HOST",
            "",
            "SMTP server for e-mails to applicants. Empty: e-mails are printed on the console.",
        ),
        Variable("EMAIL_PORT", "587", "SMTP port."),
        Variable("EMAIL_HOST_USER", "", "SMTP user name (empty: no authentication)."),
        Variable("EMAIL_HOST_PASSWORD", "", "SMTP password."),
        Variable("EMAIL_USE_TLS", "1", "1: STARTTLS on the SMTP connection."),
        Variable("EMAIL_USE_SSL", "0", "1: implicit TLS (port 465); excludes EMAIL_USE_TLS."),
        Variable("EMAIL_TIMEOUT", "10", "Seconds to wait for the SMTP server."),
        Variable("DEFAULT_FROM_EMAIL", "motcua <no-reply@localhost>", "Sender of e-mails."),
        Variable(
            "UPLOAD_MAX_MB",
            "10",
            "Largest file a user may upload (dossier components), in megabytes (MiB).",
        ),
        Variable(
            "PUBLIC_LOOKUP_LIMIT",
            "30",
            "Public dossier status look-ups (/tra-cuu/) one client address may make per "
            "10 minutes; more get HTTP 429.",
        ),
        Variable(
            "OIDC_CLIENT_ID",
            "",
            "Client id at the OpenID Connect provider (VNeID) for citizen sign-in. Empty: "
            "citizens sign in with local accounts only.",
        ),
        Variable("OIDC_CLIENT_SECRET", "", "Client secret at the OpenID Connect provider."),
        Variable("OIDC_PROVIDER_NAME", "VNeID", "The provider's name on the sign-in button."),
        Variable("OIDC_AUTHORIZATION_ENDPOINT", "", "The provider's authorization endpoint URL."),
        Variable("OIDC_TOKEN_ENDPOINT", "", "The provider's token endpoint URL."),
        Variable(
            "OIDC_USERINFO_ENDPOINT",
            "",
            "The provider's user-info endpoint URL (empty: claims from the ID token only).",
        ),
        Variable("OIDC_JWKS_ENDPOINT", "", "The provider's JWKS URL (keys of its ID tokens)."),
        Variable("OIDC_SIGN_ALGO", "RS256", "Signature algorithm of the provider's ID tokens."),
        Variable("OIDC_SCOPES", "openid profile", "Scopes asked for (space-separated)."),
        Variable(
            "OIDC_ID_NUMBER_CLAIM",
            "identity_number",
            "Claim carrying the citizen's personal ID number (CCCD); required.",
        ),
        Variable("OIDC_NAME_CLAIM", "name", "Claim carrying the citizen's full name."),
        Variable(
            "PAYMENT_SANDBOX",
            "auto",
            "The built-in sandbox payment gateway (/sandbox/vnpay/): 1 on, 0 off, auto: on "
            "except in production (DEBUG=0 with DATABASE_URL), so on in the demo. Never "
            "enable it where money is real.",
        ),
        Variable(
            "VNPAY_TMN_CODE",
            "",
            "The province's VNPay merchant code (vnp_TmnCode). Empty: no province gateway; "
            "units may still have their own (admin: payment gateways).",
        ),
        Variable("VNPAY_HASH_SECRET", "", "The province's VNPay secret (vnp_HashSecret)."),
        Variable(
            "VNPAY_PAY_URL",
            "https://sandbox.vnpayment.vn/paymentv2/vpcpay.html",
            "VNPay payment page the citizen is redirected to.",
        ),
        Variable(
            "VNPAY_API_URL",
            "https://sandbox.vnpayment.vn/merchant_webapi/api/transaction",
            "VNPay API for querydr and refund.",
        ),
        Variable(
            "PAYMENT_PLATFORM_FLAG",
            "2",
            "DuocThanhToanTrucTuyen reported for payments through the province gateway and "
            "the sandbox: 2 the province's own gateway, 1 the DVCQG payment platform.",
        ),
        Variable(
            "PAYMENT_TIMEOUT", "10", "Seconds to wait for a gateway's server-to-server answer."
        ),
        Variable(
            "IMPORT_UPLOAD_HOURS",
            "24",
            "Hours a file checked on the import page waits for confirmation; then it expires "
            "and the stored file is deleted.",
        ),
        Variable(
            "CACHE",
            "file",
            "Where computed figures are cached: file (VAR_DIR/cache, shared by every server "
            "and worker process of the machine) or memory (per process).",
        ),
        Variable(
            "FIGURES_STALE_SECONDS",
            "3600",
            "A figures page whose data changed since it was computed is shown as it was, if "
            "computed at most this many seconds ago, and recomputed in the background. "
            "0: always recompute before answering.",
        ),
        Variable(
            "PAYMENT_RECONCILE_INTERVAL",
            "600",
            "Seconds between reconciliation retries while payments stay pending.",
        ),
        Variable(
            "PAYMENT_PUBLIC_URL",
            "",
            "Public base URL (https://dichvucong.example.gov.vn) for the return links sent to "
            "gateways and in emails. Empty: taken from the request.",
        ),
        Variable(
            "SYNC_INBOUND_CONCURRENCY",
            "4",
            "Imports POST /api/sync/dossiers runs at once per process; more get HTTP 429.",
        ),
        Variable(
            "SIGNING_DIR",
            "",
            "Where signing keys live (the demo authority and demo unit certificates under "
            "demo/). Empty: VAR_DIR/signing.",
        ),
        Variable(
            "SIGNING_TRUST_ROOTS",
            "",
            "Comma-separated PEM files of root certificates trusted when verifying signed "
            "results, besides the demo authority (docs/signing.md).",
        ),
        Variable(
            "SIGNING_VERIFY_PER_HOUR",
            "30",
            "Verifications one client address may run per hour on /ket-qua/xac-thuc/.",
        ),
        Variable("SIGNING_MAX_UPLOAD_MB", "10", "Largest PDF accepted by the verification page."),
    ]
}


def get(name: str) -> str:
    """The variable's value, or its declared default."""
    return os.environ.get(name, VARIABLES[name].default)


def get_bool(name: str) -> bool:
    raw = get(name).strip().lower()
    if raw in ("1", "true", "yes", "on"):
        return True
    if raw in ("0", "false", "no", "off", ""):
        return False
    raise ValueError(f"environment variable {name}: expected 0 or 1, got {raw!r}")


def get_int(name: str) -> int:
    raw = get(name)
    try:
        return int(raw)
    except ValueError:
        raise ValueError(f"environment variable {name}: expected an integer, got {raw!r}") from None


def get_choice(name: str, choices: tuple[str, ...]) -> str:
    raw = get(name)
    if raw not in choices:
        expected = ", ".join(choices)
        raise ValueError(f"environment variable {name}: expected one of {expected}, got {raw!r}")
    return raw


def database_from_url(url: str, sqlite_path: Path) -> dict[str, Any]:
    """Django DATABASES['default'] for a URL, or the SQLite file when the URL is empty."""
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(sqlite_path),
            "OPTIONS": {
                # WAL lets readers work while the importer writes; IMMEDIATE takes the write
                # lock at BEGIN so concurrent writers queue instead of failing mid-transaction.
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
            },
        }
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        raise ValueError(f"DATABASE_URL: unsupported scheme {parts.scheme!r} (use postgres://)")
    options = dict(parse_qsl(parts.query))
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")) or "postgres",
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        "CONN_MAX_AGE": 60,
        "OPTIONS": options,
    }
