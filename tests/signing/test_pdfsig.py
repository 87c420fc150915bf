"""Signatures checked by two validators: pyHanko (ours, with the demo CA as trust root) and
poppler's ``pdfsig`` (independent). pdfsig has no NSS database with the demo root, so it
judges the signature itself (integrity, signer, time); trust is checked with pyHanko."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from motcua.signing import credentials, pdf, pki
from motcua.signing.models import SignedResult
from motcua.signing.services import issue_result
from motcua.signing.verify import verify_pdf
from tests.signing.conftest import World

pytestmark = pytest.mark.django_db
PDFSIG = "/usr/bin/pdfsig"


def pdfsig(data: bytes, tmp_path: Path) -> str:
    if not Path(PDFSIG).exists():
        pytest.fail(f"{PDFSIG} is required (apt install poppler-utils)")
    path = tmp_path / "checked.pdf"
    path.write_bytes(data)
    run = subprocess.run(
        [shutil.which("pdfsig") or PDFSIG, "-nocert", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return run.stdout + run.stderr


@pytest.fixture
def result(world: World) -> SignedResult:
    return issue_result(world.dossier, actor=world.erin)


def test_pdfsig_finds_a_valid_pades_signature_by_the_unit(
    result: SignedResult, tmp_path: Path
) -> None:
    report = pdfsig(bytes(result.pdf), tmp_path)
    assert "Signature Validation: Signature is Valid." in report
    assert "Signer Certificate Common Name: Xã Một" in report
    assert "Signature Type: ETSI.CAdES.detached" in report
    assert "Total document signed" in report
    assert f"Signing Time: {result.signed_at:%b %d %Y %H:%M}" in report


def test_one_changed_byte_fails_both_validators(result: SignedResult, tmp_path: Path) -> None:
    data = bytearray(result.pdf)
    position = data.find(b"stream") + 40
    data[position] ^= 0x01
    report = pdfsig(bytes(data), tmp_path)
    assert "Signature is Valid" not in report
    assert "Digest Mismatch" in report
    verdict = verify_pdf(bytes(data))
    assert not verdict.ok and not verdict.intact and verdict.modified_after_signing


def test_a_result_changed_after_signing_is_not_covered(
    result: SignedResult, tmp_path: Path
) -> None:
    """An incremental update appended after the signature (a new page object)."""
    data = bytes(result.pdf) + b"\n99 0 obj\n<< /Type /Page >>\nendobj\n"
    verdict = verify_pdf(data)
    assert verdict.modified_after_signing and not verdict.ok
    assert "Total document signed" not in pdfsig(data, tmp_path)


def test_a_certificate_from_another_authority_is_untrusted(world: World, tmp_path: Path) -> None:
    stranger = pki.issue_signer(pki.new_authority("Some Other CA"), "UBND xã Giả Mạo")
    password = "x"
    archive = pki.to_pkcs12(stranger, password)
    html = pdf.render_html({"title": "Giả", "unit": world.cast.c1, "body": "<p>Giả</p>"})
    forged = pdf.sign(pdf.print_pdf(html), archive, password, reason="x", location="x")

    verdict = verify_pdf(forged.pdf)
    assert verdict.intact and verdict.valid  # the signature itself is fine…
    assert not verdict.trusted and not verdict.ok  # …but nobody we trust vouches for it
    assert verdict.signer == "UBND xã Giả Mạo" and verdict.result is None
    assert "Signature is Valid." in pdfsig(forged.pdf, tmp_path)


def test_configured_trust_roots_are_honoured(world: World, settings, tmp_path: Path) -> None:
    other = pki.new_authority("Root CA của tỉnh")
    signer = pki.issue_signer(other, "Sở Tư pháp")
    root_file = tmp_path / "root.pem"
    root_file.write_bytes(pki.to_pem(other.certificate))
    html = pdf.render_html({"title": "T", "unit": world.cast.agency, "body": "<p>T</p>"})
    signed = pdf.sign(
        pdf.print_pdf(html), pki.to_pkcs12(signer, "p"), "p", reason="r", location="l"
    )
    assert not verify_pdf(signed.pdf).trusted
    settings.SIGNING_TRUST_ROOTS = [str(root_file)]
    assert len(credentials.trust_roots()) == 2
    assert verify_pdf(signed.pdf).ok
