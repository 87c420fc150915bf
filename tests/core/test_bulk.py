"""motcua.core.bulk.indexes_set_aside: secondary indexes go for the block and come back
exactly as they were; unique ones stay; a failure inside leaves them in place."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection, transaction

from motcua.core.bulk import indexes_set_aside
from motcua.dossiers.models import Dossier, DossierEvent
from tests.factories import DossierFactory

pytestmark = pytest.mark.django_db


def indexes(table: str) -> dict[str, tuple[Any, ...]]:
    """Index name -> (columns, unique, orders) of a table, primary key excluded."""
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, table)
    return {
        name: (tuple(c["columns"]), c["unique"], tuple(c.get("orders") or ()))
        for name, c in found.items()
        if c["index"] and not c["primary_key"]
    }


def secondary(table: str) -> set[str]:
    return {name for name, (_cols, unique, _o) in indexes(table).items() if not unique}


def test_secondary_indexes_are_dropped_inside_and_rebuilt_after():
    tables = [Dossier._meta.db_table, DossierEvent._meta.db_table]
    before = {t: indexes(t) for t in tables}
    assert secondary(tables[0])  # the dossier table has several
    with transaction.atomic(), indexes_set_aside(Dossier, DossierEvent):
        for table in tables:
            assert secondary(table) == set()
            kept = {n for n, (_c, unique, _o) in before[table].items() if unique}
            assert set(indexes(table)) == kept  # unique indexes (code, (dossier, seq)) stay
        DossierFactory.create_batch(3)
    assert {t: indexes(t) for t in tables} == before


def test_a_failure_inside_the_block_leaves_the_indexes_in_place():
    table = Dossier._meta.db_table
    before = indexes(table)
    with pytest.raises(RuntimeError), transaction.atomic(), indexes_set_aside(Dossier):
        DossierFactory()
        raise RuntimeError("boom")
    assert indexes(table) == before
