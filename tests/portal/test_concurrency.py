"""The same form sent twice at the same moment makes one dossier (PostgreSQL: SQLite
serialises writers with a database lock, and the sequential repeat is tested elsewhere)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from motcua.dossiers.models import Dossier
from motcua.portal import filing
from motcua.portal.models import OnlineFiling
from tests.files.conftest import MINIMAL_PDF
from tests.onestop.test_concurrency import race
from tests.portal.conftest import build_world


@pytest.mark.django_db(transaction=True)
def test_a_form_sent_twice_at_once_files_one_dossier() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers with a database lock")
    world = build_world()

    def send() -> Dossier:
        upload = SimpleUploadedFile("don.pdf", MINIMAL_PDF)
        dossier, _ = filing.file_online(
            account=world.an,
            procedure=world.full,
            unit=world.commune,
            token="same-form",
            pieces=[filing.Supplied("TP1", "Đơn", upload=upload)],
        )
        return dossier

    results, errors = race(send, send)
    assert errors == []
    assert len(results) == 2 and results[0].pk == results[1].pk
    assert Dossier.objects.count() == OnlineFiling.objects.count() == 1
