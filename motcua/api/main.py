"""The JSON API, mounted at ``/api/`` (docs/api.md; schema in docs/openapi.json)."""

from __future__ import annotations

from ninja import NinjaAPI

from motcua.api import apikeys, indicators, units
from motcua.api.auth import AUTH

api = NinjaAPI(
    title="motcua API",
    version="1",
    description=(
        "Indicator figures and their explanation, formula sets and units, scoped to the "
        "caller's units. Authenticate with an API key (`Authorization: Bearer <key>` or "
        "`X-API-Key`) or the browser session (send `X-CSRFToken` on unsafe methods)."
    ),
    auth=AUTH,
    urls_namespace="api",
)
api.add_router("", indicators.router)
api.add_router("", units.router)
api.add_router("", apikeys.router)
