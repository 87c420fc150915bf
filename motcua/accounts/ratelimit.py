"""Login rate limiting: too many recent failures lock a username, or an address.

Rule: a login is refused, before the password is checked, when the username has had
``LOGIN_FAILURE_LIMIT`` failures within the last ``LOGIN_FAILURE_WINDOW`` minutes (since its
last successful login), or the client address ``LOGIN_IP_FAILURE_LIMIT`` failures in that
window. Attempts are rows in the database (``LoginAttempt``), so every server process
shares them. The address is ``REMOTE_ADDR`` (the proxy in front must set it).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from motcua.accounts.models import LoginAttempt


def client_ip(request: HttpRequest | None) -> str | None:
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def _window() -> dt.timedelta:
    return dt.timedelta(minutes=settings.LOGIN_FAILURE_WINDOW)


def _window_start() -> dt.datetime:
    return timezone.now() - _window()


def is_locked(username: str, ip: str | None) -> bool:
    """True when this username or address must wait before trying again."""
    since = _window_start()
    user_key = username.strip().lower()
    last_success = (
        LoginAttempt.objects.filter(username=user_key, succeeded=True, at__gte=since)
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    failures = LoginAttempt.objects.filter(succeeded=False, at__gte=last_success or since)
    if failures.filter(username=user_key).count() >= settings.LOGIN_FAILURE_LIMIT:
        return True
    if ip is None:
        return False
    by_ip = LoginAttempt.objects.filter(succeeded=False, ip=ip, at__gte=since)
    return by_ip.count() >= settings.LOGIN_IP_FAILURE_LIMIT


KEEP = dt.timedelta(days=1)


def note_attempt(username: str, ip: str | None, succeeded: bool) -> None:
    """Record an attempt; attempts older than a day (long past any window) are dropped.

    The audit trail keeps every login and failure for good; this table only feeds the limiter.
    """
    now = timezone.now()
    LoginAttempt.objects.filter(at__lt=now - max(KEEP, _window())).delete()
    LoginAttempt.objects.create(username=username.strip().lower(), ip=ip, succeeded=succeeded)
