"""``POST /api/apikeys/{name}/revoke``: administrators revoke a key (the one unsafe call)."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router
from ninja.errors import HttpError

from motcua.accounts.roles import Capability
from motcua.accounts.services import ApiKeyError, revoke_api_key
from motcua.api.indicators import require_capability
from motcua.api.schemas import Error, RevokedKey

router = Router(tags=["api keys"])


@router.post(
    "/apikeys/{name}/revoke", response={200: RevokedKey, 401: Error, 403: Error, 404: Error}
)
def revoke(request: HttpRequest, name: str) -> RevokedKey:
    caller = require_capability(request, Capability.MANAGE_API_KEYS)
    try:
        key = revoke_api_key(name, actor=caller)
    except ApiKeyError:
        raise HttpError(404, f"name: no API key named {name!r}") from None
    assert key.revoked_at is not None
    return RevokedKey(name=key.name, revoked_at=key.revoked_at)
