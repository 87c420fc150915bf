"""API keys (hashed, scoped, revocable), the CLI that makes them, and CSRF on session POSTs."""

import hashlib

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client

from motcua.accounts.models import ApiKey
from motcua.accounts.services import create_api_key
from motcua.audit.models import AuditEvent
from tests.accounts.cast import Cast

JULY = {"from": "2024-07-01", "to": "2024-07-31"}


def test_the_cli_prints_the_key_once_and_stores_only_its_hash(cast: Cast, capsys) -> None:
    call_command("apikeys_create", "--name", "kho-du-lieu", "--units", "H67.30, H67.11")
    out = capsys.readouterr()
    key = out.out.strip()
    assert key.startswith("mck_") and len(key) > 40
    assert "store it now" in out.err
    stored = ApiKey.objects.get(name="kho-du-lieu")
    assert stored.key_hash == hashlib.sha256(key.encode()).hexdigest()
    assert key not in {stored.prefix, stored.key_hash, stored.name}
    assert set(stored.units.values_list("code", flat=True)) == {"H67.30", "H67.11"}
    assert AuditEvent.objects.filter(action="apikey.create", object_id=str(stored.pk)).exists()
    call_command("apikeys_list")
    listing = capsys.readouterr().out
    assert "kho-du-lieu" in listing and key not in listing


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--name", "x", "--units", "H67.99"], "--units: no unit with code H67.99"),
        (["--name", "x", "--units", ","], "--units: give at least one unit code"),
        (["--name", " ", "--units", "H67"], "--name: must not be empty"),
    ],
)
def test_the_cli_refuses_bad_input_with_status_2(cast: Cast, args: list, message: str) -> None:
    with pytest.raises(CommandError) as error:
        call_command("apikeys_create", *args)
    assert message in str(error.value)
    assert error.value.returncode == 2
    assert not ApiKey.objects.exists()


def test_a_duplicate_name_is_refused(cast: Cast) -> None:
    create_api_key("kho", [cast.d1], actor="test")
    with pytest.raises(CommandError, match="already exists"):
        call_command("apikeys_create", "--name", "kho", "--units", "H67")


def test_both_headers_carry_a_key_scoped_to_its_units(cast: Cast) -> None:
    _, key = create_api_key("kho", [cast.d2], actor="test")
    bearer = {"Authorization": f"Bearer {key}"}
    header = {"X-API-Key": key}
    client = Client()
    for headers in (bearer, header):
        rows = client.get("/api/units", headers=headers).json()
        assert [r["code"] for r in rows] == ["H67.31", "H67.31.01"]
        ok = client.get("/api/indicators", {**JULY, "unit": "H67.31"}, headers=headers)
        assert ok.status_code == 200
        hidden = client.get("/api/indicators", {**JULY, "unit": "H67.30"}, headers=headers)
        assert hidden.status_code == 404
    assert ApiKey.objects.get(name="kho").last_used_at is not None


def test_a_wrong_or_revoked_key_is_refused(cast: Cast) -> None:
    _, key = create_api_key("kho", [cast.d2], actor="test")
    client = Client()
    assert client.get("/api/units", headers={"X-API-Key": key + "x"}).status_code == 401
    assert client.get("/api/units", headers={"Authorization": "Bearer nope"}).status_code == 401
    call_command("apikeys_revoke", "--name", "kho")
    assert client.get("/api/units", headers={"X-API-Key": key}).status_code == 401
    assert AuditEvent.objects.filter(action="apikey.revoke").count() == 1


def test_a_key_may_only_read_indicators_and_units(cast: Cast) -> None:
    create_api_key("victim", [cast.d1], actor="test")
    _, key = create_api_key("kho", [cast.province], actor="test")
    response = Client().post("/api/apikeys/victim/revoke", headers={"X-API-Key": key})
    assert response.status_code == 403
    assert ApiKey.objects.get(name="victim").revoked_at is None


def test_session_posts_need_the_csrf_token(cast: Cast) -> None:
    create_api_key("kho", [cast.d1], actor="test")
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.root)
    refused = client.post("/api/apikeys/kho/revoke")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    assert ApiKey.objects.get(name="kho").revoked_at is None
    client.get("/")  # any page with a form sets the CSRF cookie
    csrf = client.cookies["csrftoken"].value
    accepted = client.post("/api/apikeys/kho/revoke", headers={"X-CSRFToken": csrf})
    assert accepted.status_code == 200, accepted.content
    assert ApiKey.objects.get(name="kho").revoked_at is not None


def test_revoking_needs_the_capability_and_an_existing_key(cast: Cast) -> None:
    create_api_key("kho", [cast.d1], actor="test")
    alice = Client()
    alice.force_login(cast.alice)
    assert alice.post("/api/apikeys/kho/revoke").status_code == 403
    root = Client()
    root.force_login(cast.root)
    assert root.post("/api/apikeys/nope/revoke").status_code == 404
