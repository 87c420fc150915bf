"""The authentication backend: Django's model backend behind the login rate limiter.

Every login path (our login page, the admin, ``Client.login``) goes through it, so none
bypasses the limiter. A locked login raises ``PermissionDenied``: Django stops trying other
backends and signals a failed login (audited in signals.py). A successful password check is
recorded here: it resets the username's failure count and is audited as ``auth.login``.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from motcua.accounts.ratelimit import client_ip, is_locked, note_attempt
from motcua.audit.log import record


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
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None:
            # Audited here, where the password was checked: sessions opened without one
            # (``force_login`` in tests, a password change) are not logins.
            ip = client_ip(request)
            note_attempt(user.get_username(), ip, succeeded=True)
            record("auth.login", actor=user, object_type="user", object_id=user.pk, ip=ip)
        return user
