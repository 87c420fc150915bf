"""``Server-Timing``: how long the server spent on a response (bench/pages_speed.py reads
it), with the figure cache's hits, misses and stale values served when the page used it."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class ServerTimingMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        elapsed = (time.perf_counter() - started) * 1000
        parts = [f"app;dur={elapsed:.1f}"]
        fc = getattr(request, "figure_cache", None)
        if fc is not None:
            desc = f"hits={fc.hits} misses={fc.misses} stale={fc.stale}"
            if fc.stale_since is not None:  # how old the oldest stale value served is
                desc += f" age={time.time() - fc.stale_since:.1f}"
            parts.append(f'cache;desc="{desc}"')
        response.headers["Server-Timing"] = ", ".join(parts)
        return response
