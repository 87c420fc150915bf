"""Failed logins and logouts go to the audit trail (and failures to the rate limiter).

Successful logins are recorded by the backend (backends.py), where the password is checked.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from motcua.accounts.ratelimit import client_ip, note_attempt
from motcua.audit.log import record


@receiver(user_login_failed)
def _login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    username = str(credentials.get("username") or "")
    ip = client_ip(request)
    locked = bool(getattr(request, "motcua_locked_out", False))
    note_attempt(username, ip, succeeded=False)
    record(
        "auth.login_failed",
        actor="anonymous",
        object_type="user",
        object_id=username[:100],
        ip=ip,
        locked=locked,
    )


@receiver(user_logged_out)
def _logged_out(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None:
        ip = client_ip(request)
        record("auth.logout", actor=user, object_type="user", object_id=user.pk, ip=ip)
