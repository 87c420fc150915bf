"""Navigation entries by capability; the data generation and the figure cache."""

from __future__ import annotations

import pytest

from motcua.web import generation
from motcua.web.nav import NAVIGATION, NavEntry, links_for, safe_reverse
from tests.accounts.cast import build_cast

pytestmark = pytest.mark.django_db


def test_entries_follow_the_capabilities_and_skip_missing_pages(monkeypatch) -> None:
    cast = build_cast()
    monkeypatch.setattr(
        "motcua.web.nav.NAVIGATION", (*NAVIGATION, NavEntry("Nowhere", "nowhere:page", None))
    )
    labels = [str(link.label) for link in links_for(cast.alice, "/")]
    assert labels[0] == "Tổng quan" and "Nowhere" not in labels
    assert "Đồng bộ DVCQG" not in labels  # administrators only
    assert "Đồng bộ DVCQG" in [str(link.label) for link in links_for(cast.root, "/")]
    assert links_for(cast.dave, "/") == []  # no role: no figures, no dossiers
    current = [link for link in links_for(cast.alice, "/phan-anh-kien-nghi/xu-ly/") if link.current]
    assert [str(link.label) for link in current] == ["Phản ánh, kiến nghị"]
    assert safe_reverse("nowhere:page") is None


def test_the_generation_grows_with_a_catalogue_change() -> None:
    from motcua.procedures.models import Procedure

    before = generation.current()
    Procedure.objects.create(code="1.000009", name="Thủ tục mới", time_limit=3)
    assert generation.current() != before


def test_the_cache_computes_once_per_generation() -> None:
    calls = []
    first = generation.FigureCache()
    assert first.get(("x",), lambda: calls.append(1) or "a") == "a"
    assert generation.FigureCache().get(("x",), lambda: calls.append(1) or "b") == "a"
    assert len(calls) == 1
    generation.bump()
    assert generation.FigureCache().get(("x",), lambda: calls.append(1) or "c") == "c"
    assert len(calls) == 2


def test_the_figures_changed_signal_moves_the_generation() -> None:
    from motcua.indicators.signals import figures_changed

    token, value = generation.current().split(":")
    figures_changed.send(sender=None)
    assert generation.current() == f"{token}:{int(value) + 1}"


def test_another_database_at_the_same_value_shares_no_cache_entry() -> None:
    from motcua.web.models import DataGeneration

    generation.FigureCache().get(("y",), lambda: "first database")
    DataGeneration.objects.all().delete()  # as a fresh database (a test's, a restored copy)
    assert generation.FigureCache().get(("y",), lambda: "second database") == "second database"


def test_the_desk_entry_is_for_counter_and_processing_officers() -> None:
    cast = build_cast()
    assert "Một cửa" in [str(link.label) for link in links_for(cast.charlie, "/")]
    assert "Một cửa" not in [str(link.label) for link in links_for(cast.bob, "/")]  # a leader


def test_a_value_over_some_units_follows_only_their_generations() -> None:
    calls: list[str] = []

    def get(units):
        return generation.FigureCache().get(("z",), lambda: calls.append("x") or len(calls), units)

    assert get({1, 2}) == 1
    generation.bump(units={3})  # another unit's dossiers: still warm
    assert get({1, 2}) == 1
    generation.bump(units={2})  # one of its units: cold
    assert get({1, 2}) == 2
    generation.bump()  # anything wider (catalogue, units, full rebuild): cold
    assert get({1, 2}) == 3
    assert get(()) == 4  # depends on no unit's dossiers
    generation.bump(units={1})
    assert get(()) == 4
    assert len(calls) == 4
