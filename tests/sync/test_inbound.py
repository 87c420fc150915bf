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


def test_no_database_connection_is_a_503_too(
    client: Client, source: tuple[InboundSource, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import OperationalError

    def refused(key: str) -> Any:
        raise OperationalError("too many clients already")

    monkeypatch.setattr(inbound, "authenticate", refused)
    response = post(client, [hoso()], source[1])
    assert (response.status_code, response["Retry-After"]) == (503, "1")


@pytest.mark.django_db(transaction=True)
def test_concurrent_imports_keep_the_indicator_aggregates_exact(
    source: tuple[InboundSource, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Three requests for the same unit and day at once: each dossier is counted once in the
    aggregates (inbound imports take turns; see inbound._serialise)."""
    import time

    from django.db import connection
    from django.db.models import Sum

    from motcua.indicators.models import DailyFact

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: SQLite serialises writers with a database lock")
    src, _ = source
    from motcua.indicators import facts

    assert inbound.receive(src, [hoso()]).created == 1  # the bucket has rows already
    real_recount = facts._recount

    def slow_recount(*args: Any, **kwargs: Any) -> Any:
        time.sleep(0.5)  # the bucket's old rows are deleted, its recount not yet written
        return real_recount(*args, **kwargs)

    monkeypatch.setattr(facts, "_recount", slow_recount)
    outcomes: list[Any] = []

    def send(n: int) -> None:
        try:
            records = [hoso(code=f"000.00.07.H44-240801-{n}{i:03d}") for i in range(5)]
            outcomes.append(inbound.receive(src, records))
        finally:
            connection.close()

    threads = [threading.Thread(target=send, args=(n,)) for n in (1, 2, 3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert [o.created for o in outcomes] == [5, 5, 5]
    assert Dossier.objects.count() == 16
    assert DailyFact.objects.aggregate(n=Sum("n"))["n"] == 16
