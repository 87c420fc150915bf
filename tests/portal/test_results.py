"""A signed result reaches the citizen: a download link on the portal, a copy in the data
store, reusable in a later dossier (MaKetQuaThayThe)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from motcua.dossiers import workflow
from motcua.dossiers.models import Dossier, Status
from motcua.files import store
from motcua.files.models import StoreItem
from motcua.portal import filing
from motcua.signing.credentials import demo_pki
from motcua.signing.services import issue_result
from tests.portal.test_filing import post_filing


@pytest.fixture
def signed(client, world, settings, tmp_path):
    settings.SIGNING_DIR = tmp_path / "signing"
    settings.SIGNING_TRUST_ROOTS = []
    demo_pki([world.district, world.commune])
    client.force_login(world.an)
    post_filing(client, world)
    dossier = Dossier.objects.get()
    for status in (Status.RECEIVED, Status.PROCESSING):
        workflow.change_status(dossier.pk, status, actor="officer")
    dossier.refresh_from_db()
    result = issue_result(dossier, actor="officer")
    dossier.refresh_from_db()
    return dossier, result


def test_the_citizen_downloads_the_signed_result(client, world, signed) -> None:
    dossier, result = signed
    page = client.get(reverse("portal:dossier", args=[dossier.code])).content.decode()
    link = reverse("signing:download", args=[result.public_token])
    assert link in page
    response = client.get(link)
    assert response.status_code == 200
    assert response.content == bytes(result.pdf)


def test_the_signed_result_is_kept_in_the_applicants_store(client, world, signed) -> None:
    dossier, result = signed
    item = StoreItem.objects.get(kind=StoreItem.Kind.RESULT)
    assert (item.owner_account, item.source_dossier, item.code) == (
        world.an,
        dossier,
        result.document_code,
    )
    assert item.file.sha256 == result.sha256
    assert item.owner_id_hash == dossier.applicant_id_hash
    page = client.get(reverse("portal:store")).content.decode()
    assert result.title in page


def test_a_later_dossier_reuses_the_result(world, signed) -> None:
    _, result = signed
    item = StoreItem.objects.get(kind=StoreItem.Kind.RESULT)
    later, created = filing.file_online(
        account=world.an,
        procedure=world.full,
        unit=world.commune,
        token="later",
        pieces=[filing.Supplied("TP1", "Đơn", item=item), filing.Supplied("TP2", "KQ", item=item)],
    )
    assert created and later.reused and later.from_data_store
    assert later.components[0]["MaKetQuaThayThe"] == result.document_code
    assert store.belongs_to(item, later)
