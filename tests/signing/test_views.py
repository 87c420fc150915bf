"""Download scope (staff of the unit, the owner citizen, the public token; others 404)
and the verification page (upload, look-up by code, bad input, rate limit)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from motcua.audit.models import AuditEvent
from motcua.signing.access import can_download
from motcua.signing.models import SignedResult, Verification
from motcua.signing.services import correct_result, issue_result
from tests.signing.conftest import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def result(world: World) -> SignedResult:
    return issue_result(world.dossier, actor=world.erin)


def _get(user: Any, url: str) -> Any:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client.get(url)


def by_id(result: SignedResult) -> str:
    return reverse("signing:download", args=[result.pk])


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("erin", True),  # processing officer of the district above the commune
        ("bob", True),  # unit leader of the district
        ("alice", True),  # province monitor
        ("root", True),  # superuser
        ("citizen", True),  # the dossier's owner
        ("frank", False),  # officer of another district
        ("charlie", False),  # officer of the agency
        ("dave", False),  # no role, no unit
        (None, False),  # anonymous
    ],
)
def test_download_by_id_follows_scope(
    world: World, result: SignedResult, who: str | None, allowed: bool
) -> None:
    users = {
        "erin": world.erin,
        "frank": world.frank,
        "citizen": world.citizen,
        **{n: getattr(world.cast, n) for n in ("alice", "bob", "charlie", "dave", "root")},
    }
    user = users[who] if who else None
    response = _get(user, by_id(result))
    assert response.status_code == (200 if allowed else 404)
    if user is not None:
        assert can_download(user, result) is allowed
    if allowed:
        assert response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content if response.streaming else [response.content])[
            :5
        ] == (b"%PDF-")
        assert AuditEvent.objects.filter(action="signing.download", object_id=result.pk).exists()


def test_another_units_result_is_a_404_for_its_officer(world: World) -> None:
    theirs = issue_result(world.other, actor=world.frank)
    assert _get(world.erin, by_id(theirs)).status_code == 404
    assert _get(world.frank, by_id(theirs)).status_code == 200


def test_the_public_token_downloads_without_an_account(world: World, result: SignedResult) -> None:
    response = _get(None, reverse("signing:download", args=[result.public_token]))
    assert response.status_code == 200
    assert response.content == bytes(result.pdf)
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("key", ["k" + "A" * 43, "not-a-token", "999999"])
def test_unknown_keys_are_404(world: World, result: SignedResult, key: str) -> None:
    assert _get(world.cast.root, reverse("signing:download", args=[key])).status_code == 404


def _upload(data: bytes, name: str = "ket-qua.pdf") -> Any:
    upload = SimpleUploadedFile(name, data, content_type="application/pdf")
    return Client().post(reverse("signing:verify"), {"tep": upload})


def test_uploading_a_signed_result_shows_it_valid(world: World, result: SignedResult) -> None:
    response = _upload(bytes(result.pdf))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Chữ ký số hợp lệ" in page
    assert "Xã Một" in page
    assert result.code in page
    assert "là phiên bản hiện hành" in page
    # No personal data on the public page.
    assert "Nguyễn Thị Ánh Tuyết" not in page
    assert Verification.objects.get().outcome == "valid"


def test_a_tampered_upload_is_reported_modified(world: World, result: SignedResult) -> None:
    data = bytearray(result.pdf)
    position = data.find(b"stream") + 40  # inside the first content stream
    data[position] ^= 0x01
    page = _upload(bytes(data)).content.decode()
    assert "văn bản đã bị thay đổi" in page
    assert result.code in page  # still recognised by its signature
    assert Verification.objects.get().outcome == "modified"


def test_a_superseded_version_says_which_replaced_it(world: World, result: SignedResult) -> None:
    newer = correct_result(result, actor=world.erin, reason="Sai địa chỉ")
    page = _upload(bytes(result.pdf)).content.decode()
    assert f"đã được thay thế bằng {newer.code}" in page


def test_look_up_by_code(world: World, result: SignedResult) -> None:
    response = Client().get(reverse("signing:verify"), {"ma": result.code})
    assert response.status_code == 200
    assert "Chữ ký số hợp lệ" in response.content.decode()
    missing = Client().get(reverse("signing:verify"), {"ma": "KHONG-CO"})
    assert missing.status_code == 404
    assert "Không tìm thấy kết quả có mã “KHONG-CO”" in missing.content.decode()


def test_a_file_that_is_not_a_pdf_is_refused(world: World) -> None:
    response = _upload(b"MZ\x90\x00 an executable", name="ket-qua.pdf")
    assert response.status_code == 400
    assert "không phải tệp PDF" in response.content.decode()


def test_a_pdf_without_signature_is_reported(world: World) -> None:
    page = _upload(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n").content.decode()
    assert "Không có chữ ký số" in page


@pytest.mark.parametrize("cut", [0.5, 0.97])
def test_a_truncated_signed_pdf_gets_an_answer_not_an_error(
    world: World, result: SignedResult, cut: float
) -> None:
    data = bytes(result.pdf)
    response = _upload(data[: int(len(data) * cut)])
    assert response.status_code == 200
    assert "Chữ ký số hợp lệ" not in response.content.decode()


def test_an_oversized_file_is_refused(world: World, settings: Any) -> None:
    settings.SIGNING_MAX_UPLOAD_MB = 1
    response = _upload(b"%PDF-" + b"0" * (1024 * 1024 + 1))
    assert response.status_code == 400
    assert "lớn hơn 1 MB" in response.content.decode()


def test_verification_is_rate_limited_per_client(world: World, settings: Any) -> None:
    settings.SIGNING_VERIFY_PER_HOUR = 2
    client = Client()
    for _ in range(2):
        assert client.get(reverse("signing:verify"), {"ma": "X"}).status_code == 404
    limited = client.get(reverse("signing:verify"), {"ma": "X"})
    assert limited.status_code == 429 and limited["Retry-After"] == "3600"


def test_the_form_page_needs_no_account(world: World) -> None:
    response = Client().get(reverse("signing:verify"))
    assert response.status_code == 200
    assert "Xác thực kết quả điện tử" in response.content.decode()
