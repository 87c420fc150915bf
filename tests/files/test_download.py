"""Who may open a stored file: officers in scope of an attached dossier, the citizen who
owns it; everyone else gets a 404."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User

from motcua.audit.models import AuditEvent
from motcua.dossiers.models import Channel
from motcua.dossiers.services import create_dossier
from motcua.files import services, store
from tests.accounts.cast import build_cast
from tests.factories import BASE, ProcedureFactory
from tests.files.conftest import MINIMAL_PDF


@pytest.fixture
def setup(db):
    cast = build_cast()
    pdf = services.store_bytes(MINIMAL_PDF, "to_khai.pdf", actor="test")
    citizen = User.objects.create_user("citizen.an")
    dossier = create_dossier(
        procedure=ProcedureFactory(),
        unit=cast.c1,
        channel=Channel.ONLINE,
        actor="test",
        portal_account_id=store.account_tag(citizen.pk),
        components=[services.component_record(pdf, code="TP01")],
        received_at=BASE,
    )
    services.attach(dossier, pdf, code="TP01")
    return cast, pdf, citizen


def fetch(client, user, pdf):
    if user is not None:
        client.force_login(user)
    return client.get(services.file_link(pdf))


def test_an_officer_whose_scope_holds_the_dossier_opens_the_file(client, setup) -> None:
    cast, pdf, _ = setup
    response = fetch(client, cast.bob, pdf)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == MINIMAL_PDF
    assert response["Content-Type"] == "application/pdf"
    assert AuditEvent.objects.filter(action="file.open", actor=cast.bob).exists()


@pytest.mark.parametrize("who", ["charlie", "dave", None])
def test_anyone_outside_gets_a_404(client, setup, who) -> None:
    cast, pdf, _ = setup
    assert fetch(client, getattr(cast, who) if who else None, pdf).status_code == 404


def test_the_filing_citizen_opens_it_and_another_citizen_does_not(client, setup) -> None:
    _, pdf, citizen = setup
    assert fetch(client, citizen, pdf).status_code == 200
    client.logout()
    assert fetch(client, User.objects.create_user("citizen.binh"), pdf).status_code == 404
