"""The authentication backend: Django's model backend behind the login rate limiter.

Every login path (our login page, the admin, ``Client.login``) goes through it, so none
bypasses the limiter. A locked login raises ``PermissionDenied``: Django stops trying other
backends and signals a failed login (audited in signals.py).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from motcua.accounts.ratelimit import client_ip, is_locked


class LockedOut(PermissionDenied):
    pass


class RateLimitedModelBackend(ModelBackend):
    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if username is not None and is_locked(username, client_ip(request)):
            if request is not None:
                request.motcua_locked_out = True  # type: ignore[attr-defined]
            raise LockedOut("too many failed logins")
        return super().authenticate(request, username=username, password=password, **kwargs)
