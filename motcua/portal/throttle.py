"""Rate limits for what a stranger can hammer (public status page, sign-up).

Rule: a client (keyed hash of ``REMOTE_ADDR``, the address itself is not stored) may make
``limit`` requests of one scope within ``window`` seconds; the next is refused (HTTP 429)
until older ones age out. Hits are database rows, so every server process shares them.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.utils import timezone

from motcua.feedback.views import client_key
from motcua.portal.models import Hit

# Rows older than this are deleted as new ones come (longer than any window used).
KEEP = dt.timedelta(days=1)


def allow(request: HttpRequest, scope: str, limit: int, window: int) -> bool:
    """Record one hit and say whether it is within the limit."""
    now = timezone.now()
    key = client_key(request)
    Hit.objects.filter(scope=scope, at__lt=now - KEEP).delete()
    recent = Hit.objects.filter(scope=scope, client=key, at__gte=now - dt.timedelta(seconds=window))
    if recent.count() >= limit:
        return False
    Hit.objects.create(scope=scope, client=key, at=now)
    return True
