"""Stale while revalidating (motcua/web/generation.py): after a data change a page's
figures part is served as it was, with a note saying since when, while one background
thread recomputes it; the next request gets the fresh figures. Values computed inside
another never are stale, old values are not served past FIGURES_STALE_SECONDS, and the
default cache is shared by the machine's processes."""

from __future__ import annotations

import re
import subprocess
import sys
import threading
from typing import Any

import pytest
from django.test import Client

from tests.accounts.cast import build_cast
from tests.web.test_pages import _july

UNIT = "/don-vi/H67.30/?period=2024-07"
DUE = '<section aria-labelledby="due-title">'


def figures_part(html: str) -> str:
    """The unit page's cached figures part: main, without the note and the live due lists."""
    main = html.split('id="main"')[1].split(DUE)[0]
    return re.sub(r'<p class="note" role="status" id="stale-note">.*?</p>', "", main, flags=re.S)


def main_part(html: str) -> str:
    return html.split('id="main"')[1].split("</main>")[0]


@pytest.fixture
def stale(settings: Any) -> None:
    settings.FIGURES_STALE_SECONDS = 3600


@pytest.mark.django_db(transaction=True)
def test_a_changed_unit_page_is_served_as_it_was_then_refreshed(client: Client, stale) -> None:
    from motcua.dossiers.workflow import change_status
    from motcua.web.generation import REFRESHER
    from tests.indicators.conftest import at

    cast = build_cast()
    made = _july(cast)
    client.force_login(cast.alice)
    first = client.get(UNIT).content.decode()
    assert 'id="stale-note"' not in first
    # The open dossier of D1's commune (due 10/07) is finished on time.
    change_status(made[2].pk, 9, actor="test", at=at("2024-07-08"))
    response = client.get(UNIT)
    served = response.content.decode()
    assert 'id="stale-note"' in served and "Số liệu tính lúc" in served
    # Two values served stale: the figures part and the due lists (each with its "as of").
    assert "stale=2 age=" in response.headers["Server-Timing"]
    assert figures_part(served) == figures_part(first)
    REFRESHER.drain()
    response = client.get(UNIT)
    fresh = response.content.decode()
    assert 'id="stale-note"' not in fresh
    assert "misses=0" in response.headers["Server-Timing"]
    assert figures_part(fresh) != figures_part(first)
    # The refreshed part is what computing it afresh gives.
    from django.core.cache import cache

    cache.clear()
    assert figures_part(client.get(UNIT).content.decode()) == figures_part(fresh)


@pytest.mark.django_db(transaction=True)
def test_the_refresher_computes_in_the_language_of_the_request(client: Client, stale) -> None:
    from motcua.dossiers.workflow import change_status
    from motcua.web.generation import REFRESHER
    from tests.indicators.conftest import at

    cast = build_cast()
    made = _july(cast)
    client.force_login(cast.alice)
    english = {"HTTP_ACCEPT_LANGUAGE": "en"}
    assert "Total score" in figures_part(client.get(UNIT, **english).content.decode())
    change_status(made[2].pk, 9, actor="test", at=at("2024-07-08"))
    assert "Data as of" in client.get(UNIT, **english).content.decode()
    REFRESHER.drain()
    fresh = client.get(UNIT, **english).content.decode()
    assert "Data as of" not in fresh
    assert "Total score" in figures_part(fresh) and "Tổng điểm" not in figures_part(fresh)


@pytest.mark.django_db
def test_values_older_than_the_limit_are_recomputed_before_answering(
    client: Client, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from motcua.dossiers.workflow import change_status
    from motcua.web import generation
    from tests.indicators.conftest import at

    settings.FIGURES_STALE_SECONDS = 60
    cast = build_cast()
    made = _july(cast)
    client.force_login(cast.alice)
    first = client.get(UNIT).content.decode()
    change_status(made[2].pk, 9, actor="test", at=at("2024-07-08"))
    later = generation._now() + 61
    monkeypatch.setattr(generation, "_now", lambda: later)
    monkeypatch.setattr(
        generation.REFRESHER, "submit", lambda *a: pytest.fail("an old value was served")
    )
    response = client.get(UNIT)
    assert 'id="stale-note"' not in response.content.decode()
    assert "stale=0" in response.headers["Server-Timing"]
    assert figures_part(response.content.decode()) != figures_part(first)


@pytest.mark.django_db
def test_a_value_computed_inside_another_is_never_stale(settings: Any, monkeypatch) -> None:
    from motcua.web import generation

    settings.FIGURES_STALE_SECONDS = 3600
    submitted: list[str] = []
    monkeypatch.setattr(generation.REFRESHER, "submit", lambda key, *a: submitted.append(key))
    data = {"inner": 1}

    def outer(fc: generation.FigureCache) -> int:
        return fc.get(("inner",), lambda: data["inner"], refresh=True) * 10

    fc = generation.FigureCache()
    assert fc.get(("outer",), lambda: outer(fc), refresh=True) == 10
    generation.bump()
    data["inner"] = 2
    # The outer value is served stale (and queued); asked alone, so is the inner one.
    fc = generation.FigureCache()
    assert fc.get(("outer",), lambda: outer(fc), refresh=True) == 10
    assert fc.get(("inner",), lambda: data["inner"], refresh=True) == 1
    assert len(submitted) == 2 and fc.stale == 2
    # Computing the outer value afresh (what the refresher does) reads the inner one fresh.
    generation.bump()
    fc = generation.FigureCache()
    fresh = fc.get(("outer",), lambda: outer(fc), refresh=False)
    assert fresh == 20 and fc.stale == 0


@pytest.mark.django_db(transaction=True)
def test_the_refresher_queues_a_question_once_and_survives_a_failure(caplog) -> None:
    from motcua.web.generation import Refresher

    refresher = Refresher()
    gate = threading.Event()
    ran: list[str] = []

    def slow() -> str:
        gate.wait(5)
        ran.append("slow")
        return "value"

    def broken() -> str:
        raise RuntimeError("boom")

    assert refresher.submit("k1", "latest-k1", slow)
    assert not refresher.submit("k1", "latest-k1", slow)  # already queued
    assert refresher.submit("k2", "latest-k2", broken)
    gate.set()
    refresher.drain()
    assert ran == ["slow"]
    assert "refreshing a stale value failed" in caplog.text
    # Done: the same question can be queued again.
    assert refresher.submit("k1", "latest-k1", lambda: "again")
    refresher.drain()

    from django.core.cache import cache

    assert cache.get("k1") == "again"
    assert cache.get("latest-k1").value == "again"


def test_the_default_cache_is_files_shared_by_processes(tmp_path) -> None:
    """Two processes with the default settings (CACHE=file) see each other's entries."""
    script = (
        "import django, sys; django.setup(); from django.core.cache import cache;"
        "from django.conf import settings;"
        "assert settings.CACHES['default']['BACKEND'].endswith('FileCache');"
        "cache.set('k', 'v') if sys.argv[1] == 'set' else print(cache.get('k'))"
    )
    env = {
        "DJANGO_SETTINGS_MODULE": "motcua.settings",
        "VAR_DIR": str(tmp_path),
        "DATABASE_URL": "",
        "PATH": "/usr/bin:/bin",
    }
    subprocess.run([sys.executable, "-c", script, "set"], env=env, check=True)
    read = subprocess.run(
        [sys.executable, "-c", script, "get"], env=env, check=True, capture_output=True, text=True
    )
    assert read.stdout.strip() == "v"
    assert (tmp_path / "cache").is_dir()


def test_a_wrong_cache_setting_names_the_variable(tmp_path) -> None:
    env = {
        "DJANGO_SETTINGS_MODULE": "motcua.settings",
        "VAR_DIR": str(tmp_path),
        "CACHE": "redis",
        "PATH": "/usr/bin:/bin",
    }
    found = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert found.returncode != 0
    assert "CACHE: expected one of file, memory, got 'redis'" in found.stderr


@pytest.mark.django_db
def test_an_earlier_days_answer_to_the_same_question_is_served_stale(settings: Any) -> None:
    from motcua.web import generation

    settings.FIGURES_STALE_SECONDS = 3600

    def ask(week: str, day: str) -> tuple[str, int]:
        """A body of ``week`` asked on ``day`` (the day is not part of the question)."""
        fc = generation.FigureCache()
        found = fc.get(
            ("body", week, day), lambda: f"{week} {day}", refresh=True, same_as=("body", week)
        )
        return found, fc.stale

    assert ask("2024-W48", "monday") == ("2024-W48 monday", 0)
    generation.bump()
    # Another day, same question: served as it was (and recomputed in the background).
    assert ask("2024-W48", "tuesday") == ("2024-W48 monday", 1)
    generation.REFRESHER.drain()
    assert ask("2024-W48", "tuesday") == ("2024-W48 tuesday", 0)
    # Another question (another week) is never served another's answer.
    assert ask("2024-W49", "tuesday") == ("2024-W49 tuesday", 0)


@pytest.mark.django_db
def test_warming_computes_each_scopes_first_pages_so_the_first_request_hits(
    client: Client,
) -> None:
    from django.core.management import call_command

    cast = build_cast()
    _july(cast)
    from motcua.web import warm

    users = [u.username for u in warm.scopes()]
    # One account per scope: the monitor's province, each leader's unit; none without figures.
    assert cast.alice.username in users and cast.bob.username in users
    assert cast.dave.username not in users
    out = __import__("io").StringIO()
    call_command("figures_warm", "-v", "2", stdout=out)
    text = out.getvalue()
    assert "/don-vi/H67/" in text and "/don-vi/H67.30/" in text and "period=year" in text
    for user, path in [
        (cast.alice, "/?period=month"),
        (cast.bob, "/"),
        (cast.bob, "/don-vi/H67.30/"),
    ]:
        client.force_login(user)
        response = client.get(path)
        assert response.status_code == 200
        timing = response.headers["Server-Timing"]
        assert "misses=0" in timing and "stale=0" in timing
    # The warmed part is the one a request computes.
    client.force_login(cast.alice)
    warmed = client.get("/?period=month").content.decode()
    from django.core.cache import cache

    cache.clear()
    computed = client.get("/?period=month").content.decode()
    assert main_part(computed) == main_part(warmed)


@pytest.mark.django_db
def test_warming_covers_the_campaigns_running_or_recently_ended(client: Client) -> None:
    import datetime as dt

    from motcua.campaigns.models import Campaign
    from motcua.web import warm

    cast = build_cast()
    _july(cast)  # dossiers received 01/07/2024, the reference day: spring ended > 90 days before
    fields = {
        "scope_root": cast.province,
        "scope_levels": ["district"],
        "indicators": ["online_received"],
        "min_dossiers": 1,
    }
    spring = Campaign.objects.create(
        name="Mùa xuân", start=dt.date(2024, 1, 1), end=dt.date(2024, 2, 28), **fields
    )
    summer = Campaign.objects.create(
        name="Mùa hè", start=dt.date(2024, 6, 1), end=dt.date(2024, 8, 31), **fields
    )
    assert warm.campaign_periods() == [f"campaign:{summer.pk}"]
    assert f"campaign:{spring.pk}" not in warm.campaign_periods()
    warm.warm()
    client.force_login(cast.alice)
    response = client.get(f"/?period=campaign:{summer.pk}")
    assert response.status_code == 200
    assert "misses=0" in response.headers["Server-Timing"]


@pytest.mark.django_db
def test_one_process_at_a_time_recomputes_a_question(settings: Any, monkeypatch) -> None:
    """Another process (here: a lease already in the shared cache) recomputing the question:
    this one serves the stale value without queueing it; once the lease is gone, it does."""
    from django.core.cache import cache

    from motcua.web import generation

    settings.FIGURES_STALE_SECONDS = 3600
    submitted: list[str] = []
    monkeypatch.setattr(generation.REFRESHER, "submit", lambda key, *a: submitted.append(key))
    generation.FigureCache().get(("q",), lambda: "old", refresh=True)
    generation.bump()
    fc = generation.FigureCache()
    assert fc.get(("q",), lambda: "new", refresh=True) == "old"
    assert len(submitted) == 1
    lease = f"{submitted[0]}:refreshing"
    assert cache.get(lease) is True  # taken by this process for its refresher
    assert generation.FigureCache().get(("q",), lambda: "new", refresh=True) == "old"
    assert len(submitted) == 1  # the lease is held: not queued again
    cache.delete(lease)
    assert generation.FigureCache().get(("q",), lambda: "new", refresh=True) == "old"
    assert len(submitted) == 2


def test_the_file_cache_culls_every_so_many_writes(tmp_path) -> None:
    """Bounded: past MAX_ENTRIES the directory is culled, though only every CULL_EVERY
    writes (Django lists it on every write)."""
    from motcua.web.filecache import CULL_EVERY, FileCache

    cache = FileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 50, "CULL_FREQUENCY": 2}})
    listed = 0
    real = cache._list_cache_files

    def counted() -> list[str]:
        nonlocal listed
        listed += 1
        return real()

    cache._list_cache_files = counted  # type: ignore[method-assign]
    for i in range(3 * CULL_EVERY):
        cache.set(f"k{i}", i)
    assert listed == 3  # once every CULL_EVERY writes, not 300 times
    assert len(real()) <= 50 + CULL_EVERY  # culled, within one interval's overshoot
    assert cache.get(f"k{3 * CULL_EVERY - 1}") == 3 * CULL_EVERY - 1
