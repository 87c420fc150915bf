"""``motcua signing demo-pki`` and ``motcua signing load-p12``."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from motcua.audit.models import AuditEvent
from motcua.signing import credentials, pki
from motcua.signing.models import SigningCredential
from motcua.units.models import Level, Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def units() -> list[Unit]:
    province = Unit.objects.create(code="H99", name="Tỉnh Thử", level=Level.PROVINCE)
    commune = Unit.objects.create(code="H99.01.01", name="Xã Thử", level=Level.COMMUNE)
    return [province, commune]


def test_demo_pki_gives_every_unit_and_the_province_a_certificate(
    units: list[Unit], signing_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("signing_demo_pki")
    assert "3 certificates issued" in capsys.readouterr().out
    assert SigningCredential.objects.count() == 3
    fallback = SigningCredential.objects.get(unit__isnull=True)
    assert fallback.subject == "Tỉnh Thử" and fallback.is_demo
    assert (signing_dir / "demo" / "ca.pem").exists()
    assert oct((signing_dir / "demo").stat().st_mode & 0o777) == "0o700"
    # The archive on disk opens only with the password stored (encrypted) in the row.
    row = SigningCredential.objects.get(unit=units[1])
    archive, password = credentials.load_row(row)
    assert pki.from_pkcs12(archive, password).subject == "Xã Thử"
    assert password not in row.password_encrypted
    with pytest.raises(pki.CredentialError):
        pki.from_pkcs12(archive, "wrong")


def test_demo_pki_is_idempotent_and_keeps_its_authority(
    units: list[Unit], signing_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("signing_demo_pki")
    ca = (signing_dir / "demo" / "ca.pem").read_bytes()
    fingerprints = set(SigningCredential.objects.values_list("fingerprint", flat=True))
    Unit.objects.create(code="H99.01.02", name="Xã Mới", level=Level.COMMUNE)
    capsys.readouterr()
    call_command("signing_demo_pki")
    assert "1 certificates issued, 3 kept" in capsys.readouterr().out
    assert (signing_dir / "demo" / "ca.pem").read_bytes() == ca
    assert fingerprints < set(SigningCredential.objects.values_list("fingerprint", flat=True))


def test_load_p12_stores_a_real_certificate_encrypted(
    units: list[Unit], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    authority = pki.new_authority("CA thật")
    archive = pki.to_pkcs12(pki.issue_signer(authority, "UBND xã Thử"), "mat-khau")
    path = tmp_path / "xa.p12"
    path.write_bytes(archive)
    monkeypatch.setenv("MOTCUA_P12_PASSWORD", "mat-khau")
    call_command("signing_load_p12", "H99.01.01", str(path))
    row = SigningCredential.objects.get(unit=units[1])
    assert (row.subject, row.issuer, row.is_demo, row.p12_path) == (
        "UBND xã Thử",
        "CA thật",
        False,
        "",
    )
    path.unlink()  # stored in the database: the file is no longer needed
    assert credentials.load_row(row) == (archive, "mat-khau")
    audit = AuditEvent.objects.get(action="signing.credential")
    assert audit.actor_label == "cli" and audit.data["subject"] == "UBND xã Thử"


def test_load_p12_names_what_is_wrong(
    units: list[Unit], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "xa.p12"
    path.write_bytes(pki.to_pkcs12(pki.issue_signer(pki.new_authority(), "X"), "right"))
    monkeypatch.setenv("MOTCUA_P12_PASSWORD", "wrong")
    with pytest.raises(CommandError, match="sai mật khẩu"):
        call_command("signing_load_p12", "H99.01.01", str(path))
    with pytest.raises(CommandError, match="no unit with this DVCQG code"):
        call_command("signing_load_p12", "H00.99", str(path))
    with pytest.raises(CommandError, match=r"missing\.p12"):
        call_command("signing_load_p12", "*", str(tmp_path / "missing.p12"))
    assert not SigningCredential.objects.exists()


def test_there_is_one_province_wide_credential_at_most(units: list[Unit]) -> None:
    from django.db import IntegrityError, transaction

    call_command("signing_demo_pki")
    row = SigningCredential.objects.get(unit__isnull=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        SigningCredential.objects.create(
            unit=None,
            password_encrypted=row.password_encrypted,
            subject="Thứ hai",
            issuer="x",
            fingerprint="0" * 64,
            not_after=row.not_after,
        )
