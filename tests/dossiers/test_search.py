"""The list's reading plans (search.find): the bounded count chooses how a page is read,
never which rows it holds or in what order."""

from __future__ import annotations

import datetime as dt
import itertools
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from motcua.dossiers import search
from motcua.dossiers.models import Dossier, Status
from tests.accounts.cast import Cast, build_cast
from tests.factories import DossierFactory, ProcedureFactory

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2024, 9, 30, 12, tzinfo=dt.UTC)


@pytest.fixture
def data(db: None) -> tuple[Cast, list[int]]:
    cast = build_cast()
    procedures = [ProcedureFactory(), ProcedureFactory()]
    rnd = random.Random(7)
    for _ in range(40):
        received = NOW - dt.timedelta(days=rnd.choice([1, 2, 3, 10, 40]))  # many ties
        due = rnd.choice([None, received + dt.timedelta(days=rnd.choice([2, 5, 30]))])
        DossierFactory(
            unit=rnd.choice([cast.d1, cast.c1, cast.d2]),
            procedure=rnd.choice(procedures),
            status=rnd.choice([Status.RECEIVED, Status.PROCESSING, Status.RETURNED]),
            received_at=received,
            due_at=due,
        )
    return cast, [p.pk for p in procedures]


def combinations(cast: Cast, procedures: list[int]) -> list[search.Filters]:
    return [
        search.Filters(unit_id=unit, procedure_id=procedure, status=status, due=due, sort=sort)
        for unit, procedure, status, due, sort in itertools.product(
            [None, cast.d1.pk],
            [None, procedures[0]],
            [None, Status.PROCESSING, Status.RETURNED],
            ["", "overdue"],
            list(search.SORTS),
        )
    ]


def test_the_hints_change_how_rows_are_read_never_which_or_in_what_order(data) -> None:
    cast, procedures = data
    for f, units in itertools.product(combinations(cast, procedures), scopes(cast)):
        plain = search.apply(Dossier.objects.all(), f, NOW, units=units)
        expected = list(plain.values_list("code", flat=True))
        for many, by_status in [(True, False), (False, True), (True, True)]:
            hinted = search.apply(
                Dossier.objects.all(), f, NOW, units=units, many=many, by_status=by_status
            )
            assert list(hinted.values_list("code", flat=True)) == expected, (f, units, many)


def scopes(cast: Cast) -> list[set[int] | None]:
    return [None, {cast.d1.pk, cast.c1.pk}, set()]


def test_every_page_holds_the_next_rows_in_order(data, monkeypatch) -> None:
    cast, procedures = data
    monkeypatch.setattr(search, "COUNT_LIMIT", 6)  # most combinations count as "many"
    for f, units in itertools.product(combinations(cast, procedures), scopes(cast)):
        plain = search.apply(Dossier.objects.all(), f, NOW, units=units)
        expected = list(plain.values_list("id", flat=True))
        shown: list[int] = []
        for number in itertools.count(1):
            page = search.find(Dossier.objects.all(), f, NOW, number, size=4, units=units)
            assert page.count == min(len(expected), 7)
            shown += [d.pk for d in page.rows]
            if not page.has_next or number == page.last_number:
                break
        # The pages stop at the last one holding the COUNT_LIMIT-th row (8 rows of 4).
        assert shown == expected[: -(-min(len(expected), 6) // 4) * 4], (f, units)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the planner hint is SQLite's")
def test_a_large_status_is_read_in_code_order_not_from_the_status_index(data, monkeypatch) -> None:
    monkeypatch.setattr(search, "COUNT_LIMIT", 3)
    f = search.Filters(status=Status.RETURNED, sort="code")
    with CaptureQueriesContext(connection) as queries:
        search.find(Dossier.objects.all(), f, timezone.now())
    ids_query = queries.captured_queries[-2]["sql"]  # probe, count, ids, rows
    assert '("dossiers_dossier"."status" + 0) = 10' in ids_query
    f = search.Filters(status=Status.RETURNED)  # newest first: (status, received_at) serves
    with CaptureQueriesContext(connection) as queries:
        search.find(Dossier.objects.all(), f, timezone.now())
    assert '"dossiers_dossier"."status" = 10' in queries.captured_queries[-2]["sql"]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the planner hint is SQLite's")
def test_a_rare_status_is_read_from_the_status_index_not_the_scopes(data) -> None:
    cast, _ = data
    f = search.Filters(status=Status.PROCESSING)
    with CaptureQueriesContext(connection) as queries:
        search.find(Dossier.objects.all(), f, timezone.now(), units={cast.d1.pk, cast.c1.pk})
    count, ids = queries.captured_queries[-3]["sql"], queries.captured_queries[-2]["sql"]
    for sql in (count, ids):
        assert '("dossiers_dossier"."unit_id" + 0) IN' in sql, sql
