"""Shared fixtures.

Every database test runs on whatever DATABASE_URL selects: SQLite by default, PostgreSQL in
the second CI pass. Reference data from ../shared is optional: tests that need it use the
``shared_data`` fixture, which skips loudly when it is missing (CI has it).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

SHARED = Path(__file__).resolve().parent.parent.parent / "shared"
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    data = SHARED / "data"
    if not data.is_dir():
        pytest.skip(f"SKIPPED LOUDLY: reference data not found at {data} (CI has it)")
    return data


@pytest.fixture(scope="session")
def shared_seeds() -> Path:
    seeds = SHARED / "seeds"
    if not seeds.is_dir():
        pytest.skip(f"SKIPPED LOUDLY: seed plans not found at {seeds} (CI has it)")
    return seeds


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """A headless Debian Chromium driven by Playwright (never a downloaded browser)."""
    if not (Path(CHROMIUM).exists() or shutil.which("chromium")):
        if os.environ.get("MOTCUA_REQUIRE_BROWSER") == "1":
            pytest.fail(f"Chromium is required here but {CHROMIUM} is missing")
        pytest.skip(f"browser tests need Debian's chromium at {CHROMIUM} (apt install chromium)")
    # Playwright's sync API runs an event loop in this thread; the Django ORM refuses to
    # run inside one unless told that this test process is single-threaded on purpose.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(locale="vi-VN")
    pg = context.new_page()
    yield pg
    context.close()


@pytest.fixture(autouse=True)
def _fresh_caches(settings: Any) -> None:
    """Test databases roll back, so a data generation (motcua/web/generation.py) can repeat
    between tests: the caches keyed by it (figures, the folded catalogue, scope subtrees)
    start empty in every test. Each test process has its own in-memory cache (the file
    cache is shared by the machine's processes, so the two test processes would clear each
    other's), and figures are recomputed before answering unless a test asks for stale ones
    (tests/web/test_stale.py)."""
    from django.core.cache import cache

    from motcua.dossiers import search

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": settings.CACHE_OPTIONS,
        }
    }
    settings.FIGURES_STALE_SECONDS = 0
    search._FOLDED.clear()
    cache.clear()


@pytest.fixture(autouse=True)
def _default_language() -> Iterator[None]:
    """Every test starts in the default language. Django's test client leaves the language
    LocaleMiddleware chose for a request active in the test thread, so a test asking for
    English would otherwise leave the next test in this process speaking English."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()
