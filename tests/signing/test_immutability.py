"""A signed result cannot be changed or deleted: not by the ORM, not by SQL."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from motcua.signing.models import ImmutableResult, SignedResult
from motcua.signing.services import issue_result
from tests.signing.conftest import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def result(world: World) -> SignedResult:
    return issue_result(world.dossier, actor=world.erin)


def test_saving_an_existing_result_is_refused(result: SignedResult) -> None:
    result.title = "Khác"
    with pytest.raises(ImmutableResult):
        result.save()


def test_deleting_is_refused(result: SignedResult) -> None:
    with pytest.raises(ImmutableResult):
        result.delete()
    with pytest.raises(ImmutableResult):
        SignedResult.objects.filter(pk=result.pk).delete()


def test_queryset_update_is_refused(result: SignedResult) -> None:
    with pytest.raises(ImmutableResult):
        SignedResult.objects.filter(pk=result.pk).update(title="Khác")


def test_the_database_refuses_an_update(result: SignedResult) -> None:
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE signing_signedresult SET sha256 = %s WHERE id = %s", ["0" * 64, result.pk]
        )
    stored = SignedResult.objects.get(pk=result.pk)
    assert stored.sha256 == result.sha256 and stored.title == result.title


@pytest.mark.skipif(connection.vendor != "postgresql", reason="DELETE trigger: PostgreSQL")
def test_postgresql_refuses_a_delete(result: SignedResult) -> None:
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM signing_signedresult WHERE id = %s", [result.pk])
    assert SignedResult.objects.filter(pk=result.pk).exists()
