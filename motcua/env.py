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
