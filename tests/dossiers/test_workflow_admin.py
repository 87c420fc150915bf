"""The dossier admin is read-only and shows personal data masked only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from motcua.dossiers.workflow import change_status
from tests.factories import DossierFactory

pytestmark = pytest.mark.django_db


def test_the_list_shows_dossiers_and_finds_them_by_code(admin_client):
    dossier = DossierFactory(processing=True)
    other = DossierFactory(processing=True)
    url = reverse("admin:dossiers_dossier_changelist")
    page = admin_client.get(url, {"q": dossier.code})
    assert page.status_code == 200
    assert dossier.code in page.text and other.code not in page.text
    assert admin_client.get(url, {"status__exact": "4"}).status_code == 200


def test_the_dossier_page_shows_events_and_masked_personal_data_only(admin_client):
    dossier = DossierFactory(processing=True, applicant_id="001099012345", phone="0912345678")
    change_status(dossier.pk, 9, actor="chuyenvien")
    page = admin_client.get(reverse("admin:dossiers_dossier_change", args=[dossier.pk]))
    assert page.status_code == 200
    assert "*********345" in page.text
    assert "001099012345" not in page.text and "0912345678" not in page.text
    assert dossier.pii not in page.text
    assert "chuyenvien" in page.text  # the event inline
    assert 'name="_save"' not in page.text


def test_dossiers_cannot_be_added_or_deleted_in_the_admin(admin_client):
    dossier = DossierFactory()
    assert admin_client.get(reverse("admin:dossiers_dossier_add")).status_code == 403
    delete = reverse("admin:dossiers_dossier_delete", args=[dossier.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
