"""POST /api/sync/dossiers: authenticated, scoped, idempotent, same errors as import, 429."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest
from django.test import Client, override_settings

from motcua.dossiers.models import Dossier
from motcua.sync import inbound
from motcua.sync.models import InboundSource, OutboxEntry
from tests.sync.conftest import HUYEN, hoso

pytestmark = pytest.mark.django_db
URL = "/api/sync/dossiers"


def post(client: Client, body: Any, key: str = "") -> Any:
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"} if key else {}
    return client.post(URL, json.dumps(body), content_type="application/json", **headers)


def test_a_record_is_imported_and_resending_it_changes_nothing(
    client: Client, source: tuple[InboundSource, str]
) -> None:
    _, key = source
    first = post(client, [hoso()], key)
    assert first.status_code == 200, first.content
    assert first.json()["created"] == 1
    again = post(client, {"hoSo": hoso(), "tienTrinhDongBo": []}, key)
    assert again.json() == again.json() | {"created": 0, "updated": 0, "unchanged": 1}
    assert Dossier.objects.count() == 1
    changed = post(client, hoso(TrangThaiHoSo="9", NgayKetThucXuLy="20240802100000"), key)
    assert changed.json()["updated"] == 1
    assert Dossier.objects.get().status == 9


def test_without_a_valid_key_nothing_is_read(client: Client, source: Any) -> None:
    assert post(client, [hoso()]).status_code == 401
    assert post(client, [hoso()], "wrong").status_code == 401
    assert not Dossier.objects.exists()


def test_errors_name_the_record_and_field_and_nothing_is_written(
    client: Client, source: tuple[InboundSource, str]
) -> None:
    _, key = source
    bad = hoso(code="000.00.07.H44-240801-0002", NgayTiepNhan="hôm qua")
    response = post(client, [hoso(), bad], key)
    assert response.status_code == 422
    (error,) = response.json()["errors"]
    assert (error["where"], error["field"], error["MaHoSo"]) == (
        "record 2",
        "NgayTiepNhan",
        "000.00.07.H44-240801-0002",
    )
    assert not Dossier.objects.exists()


def test_another_units_dossier_is_refused(
    client: Client, source: tuple[InboundSource, str]
) -> None:
    _, key = source
    response = post(client, [hoso(MaDonViXuLy=HUYEN, DonViXuLy="UBND huyện Lệ Thủy")], key)
    assert response.status_code == 422
    assert "not one of" in response.json()["errors"][0]["reason"]
    assert not Dossier.objects.exists()


def test_a_malformed_body_is_a_400(client: Client, source: tuple[InboundSource, str]) -> None:
    _, key = source
    response = client.post(
        URL, "{nope", content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {key}"
    )
    assert response.status_code == 400
    assert post(client, [1, 2], key).status_code == 400


def test_at_capacity_the_caller_is_told_to_retry_later(
    client: Client, source: tuple[InboundSource, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _, key = source
    slots = threading.BoundedSemaphore(1)
    monkeypatch.setattr(inbound, "_slots", slots)
    slots.acquire()  # another import is running
    try:
        response = post(client, [hoso()], key)
    finally:
        slots.release()
    assert response.status_code == 429
    assert response["Retry-After"] == "1"
    assert not Dossier.objects.exists()
    assert post(client, [hoso()], key).status_code == 200


@override_settings(DVCQG_SYNC_URL="http://127.0.0.1:9/")
def test_imported_dossiers_are_queued_for_dvcqg(
    client: Client, source: tuple[InboundSource, str]
) -> None:
    _, key = source
    post(client, [hoso(), hoso(code="000.00.07.H44-240801-0002")], key)
    assert sorted(OutboxEntry.objects.values_list("code", flat=True)) == [
        "000.00.07.H44-240801-0001",
        "000.00.07.H44-240801-0002",
    ]
    post(client, [hoso(TrangThaiHoSo="9", NgayKetThucXuLy="20240802100000")], key)
    entry = OutboxEntry.objects.get(code="000.00.07.H44-240801-0001")
    assert (entry.revision, entry.payload["hoSo"]["TrangThaiHoSo"]) == (2, "9")


def test_a_database_refusal_is_a_503_to_retry(
    client: Client, source: tuple[InboundSource, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import OperationalError

    def locked(*args: Any, **kwargs: Any) -> Any:
        raise OperationalError("database is locked")

    monkeypatch.setattr(inbound, "import_records", locked)
    _, key = source
    response = post(client, [hoso()], key)
    assert response.status_code == 503
    assert response["Retry-After"] == "1"
    assert not Dossier.objects.exists()
