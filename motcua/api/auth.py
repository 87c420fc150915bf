"""How API callers authenticate: an API key (two headers) or the browser session.

API keys come first: a request carrying a valid key is that key's, whatever cookies it
sends. Session callers must send the CSRF token (``X-CSRFToken``) on unsafe methods.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import APIKeyHeader, HttpBearer
from ninja.security.session import SessionAuth

from motcua.accounts.models import ApiKey


def _api_key(value: str | None) -> ApiKey | None:
    if not value:
        return None
    key = ApiKey.find(value.strip())
    if key is not None:
        now = timezone.now()
        if key.last_used_at is None or now - key.last_used_at > dt.timedelta(minutes=1):
            ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    return key


class BearerKey(HttpBearer):
    """``Authorization: Bearer <key>``."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiKey | None:
        return _api_key(token)


class HeaderKey(APIKeyHeader):
    """``X-API-Key: <key>``."""

    param_name = "X-API-Key"

    def authenticate(self, request: HttpRequest, key: str | None) -> ApiKey | None:
        return _api_key(key)


class Session(SessionAuth):
    """The logged-in user of the browser session; CSRF is checked on unsafe methods."""

    def _get_key(self, request: HttpRequest) -> str | None:
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        return user if user.is_authenticated and user.is_active else None


def principal(request: HttpRequest) -> Any:
    """The authenticated caller: a ``User`` or an ``ApiKey``."""
    return getattr(request, "auth", None)


AUTH = [BearerKey(), HeaderKey(), Session()]
