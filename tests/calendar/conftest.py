from __future__ import annotations

from collections.abc import Iterator

import pytest

from motcua.calendar.services import reset_calendar_cache


@pytest.fixture(autouse=True)
def fresh_calendar_cache() -> Iterator[None]:
    """Overrides made inside a rolled-back test must not leak into the next test."""
    reset_calendar_cache()
    yield
    reset_calendar_cache()
