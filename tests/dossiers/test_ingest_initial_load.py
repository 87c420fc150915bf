"""An initial load (a large import into an empty dossier table, PostgreSQL) sets the tables'
secondary indexes and foreign keys aside while it loads: the result equals an ordinary
import, the indexes and keys come back exactly as they were (also when the import fails),
and nothing is set aside for a table that has dossiers, for a preview, or on SQLite."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from motcua.dossiers.ingest import import_files, service
from motcua.dossiers.models import Dossier, DossierEvent, Payment
from tests.core.test_bulk import indexes
from tests.dossiers.conftest import hoso

pytestmark = pytest.mark.usefixtures("catalogue")
TABLES = [m._meta.db_table for m in (Dossier, DossierEvent, Payment)]


def schema() -> dict[str, Any]:
    """Each table's indexes and constraints (foreign keys included)."""
    with connection.cursor() as cursor:
        found = {t: connection.introspection.get_constraints(cursor, t) for t in TABLES}
    return {
        table: {
            name: (tuple(c["columns"]), c["unique"], c["foreign_key"], c["index"])
            for name, c in constraints.items()
        }
        for table, constraints in found.items()
    }


@pytest.fixture
def set_aside(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, ...]]:
    """The tables each indexes_set_aside call of the importer was given (it still runs)."""
    calls: list[tuple[str, ...]] = []
    real = service.indexes_set_aside

    @contextlib.contextmanager
    def spy(*models: Any, **kwargs: Any) -> Iterator[None]:
        calls.append(tuple(m._meta.db_table for m in models))
        with real(*models, **kwargs):
            yield

    monkeypatch.setattr(service, "indexes_set_aside", spy)
    monkeypatch.setattr(service, "INITIAL_LOAD_BYTES", 1)
    return calls


def write(path: Path, records: list[dict[str, Any]]) -> Path:
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    path.write_text("[\n" + ",\n".join(lines) + "\n]\n", encoding="utf-8")
    return path


def records(count: int, start: int = 1) -> list[dict[str, Any]]:
    return [hoso(f"H44.40-240801-{n:04d}") for n in range(start, start + count)]


def state() -> tuple[Any, ...]:
    dossiers = sorted(Dossier.objects.values_list("code", "content_hash", "status", "unit_id"))
    payments = sorted(Payment.objects.values_list("reference", "dossier__code", "amount"))
    events = sorted(DossierEvent.objects.values_list("dossier__code", "seq", "kind"))
    return dossiers, payments, events


def test_an_initial_load_equals_an_ordinary_import(
    set_aside: list[tuple[str, ...]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = schema()
    path = write(tmp_path / "first.json", records(30))
    monkeypatch.setattr(service, "INITIAL_LOAD_BYTES", 1 << 40)  # the ordinary way first
    ordinary = import_files([path], workers=2)
    expected = state()
    Payment.objects.all().delete()
    DossierEvent.objects.all().delete()
    Dossier.objects.all().delete()
    monkeypatch.setattr(service, "INITIAL_LOAD_BYTES", 1)
    loaded = import_files([path], workers=2)
    postgres = connection.vendor == "postgresql"
    assert set_aside == ([tuple(TABLES)] if postgres else [])
    assert (loaded.ok, loaded.created) == (ordinary.ok, ordinary.created) == (True, 30)
    assert state() == expected
    assert len(expected[1]) == 30  # each sample record has a payment
    assert schema() == before


def test_a_failed_initial_load_writes_nothing_and_keeps_the_indexes(
    set_aside: list[tuple[str, ...]], tmp_path: Path
) -> None:
    before = schema()
    bad = records(20)
    bad[15]["KenhThucHien"] = "9"
    report = import_files([write(tmp_path / "bad.json", bad)])
    assert not report.ok and report.errors[0].field == "KenhThucHien"
    assert len(set_aside) == (1 if connection.vendor == "postgresql" else 0)
    assert state() == ([], [], [])
    assert schema() == before


def test_no_set_aside_for_a_table_with_dossiers_or_a_preview(
    set_aside: list[tuple[str, ...]], tmp_path: Path
) -> None:
    before = {t: indexes(t) for t in TABLES}
    report = import_files([write(tmp_path / "a.json", records(5))], preview=True)
    assert report.ok and report.created == 5 and not Dossier.objects.exists()
    assert set_aside == []
    first = import_files([write(tmp_path / "b.json", records(5))])
    assert first.ok and len(set_aside) == (1 if connection.vendor == "postgresql" else 0)
    set_aside.clear()
    more = import_files([write(tmp_path / "c.json", records(5, start=6))])
    assert more.ok and more.created == 5 and Dossier.objects.count() == 10
    assert set_aside == []  # the table had dossiers
    assert {t: indexes(t) for t in TABLES} == before
