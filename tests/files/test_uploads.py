"""Upload checks: size from settings, type from the content (never from the name)."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from motcua.audit.models import AuditEvent
from motcua.files import services, uploads
from motcua.files.models import StoredFile
from tests.files.conftest import MINIMAL_PDF, image_bytes

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def upload(name: str, content: bytes, declared: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=declared)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (MINIMAL_PDF, "application/pdf"),
        (image_bytes("PNG"), "image/png"),
        (image_bytes("JPEG"), "image/jpeg"),
    ],
)
def test_pdf_png_and_jpeg_are_recognised_by_content(content, expected) -> None:
    checked = uploads.check(io.BytesIO(content), "whatever.bin")
    assert checked.content_type == expected


def test_an_exe_renamed_pdf_is_refused_naming_the_file_and_what_it_is() -> None:
    with pytest.raises(uploads.UploadRefused) as refused:
        uploads.check(io.BytesIO(EXE), "to_khai.pdf")
    message = refused.value.messages[0]
    assert "to_khai.pdf" in message
    assert "chương trình chạy được" in message
    assert refused.value.code == "type"


def test_a_zip_is_refused_whatever_its_name() -> None:
    with pytest.raises(uploads.UploadRefused, match="ZIP"):
        uploads.check(io.BytesIO(b"PK\x03\x04" + b"\x00" * 50), "anh.png")


def test_a_pdf_without_its_end_is_refused_as_incomplete() -> None:
    with pytest.raises(uploads.UploadRefused, match="PDF hoàn chỉnh"):
        uploads.check(io.BytesIO(MINIMAL_PDF[:60]), "cut.pdf")


def test_a_png_header_on_garbage_is_refused() -> None:
    forged = uploads.PNG_SIGNATURE + b"garbage" * 20
    with pytest.raises(uploads.UploadRefused, match="bị hỏng"):
        uploads.check(io.BytesIO(forged), "forged.png")


def test_the_size_limit_comes_from_settings(settings) -> None:
    settings.UPLOAD_MAX_BYTES = len(MINIMAL_PDF) - 1
    with pytest.raises(uploads.UploadRefused) as refused:
        uploads.check(io.BytesIO(MINIMAL_PDF), "big.pdf")
    assert refused.value.code == "too_large"
    assert "big.pdf" in refused.value.messages[0]
    settings.UPLOAD_MAX_BYTES = len(MINIMAL_PDF)
    assert uploads.check(io.BytesIO(MINIMAL_PDF), "big.pdf").size == len(MINIMAL_PDF)


def test_an_empty_file_is_refused() -> None:
    with pytest.raises(uploads.UploadRefused, match="rỗng"):
        uploads.check(io.BytesIO(b""), "empty.pdf")


@pytest.mark.django_db
def test_a_refused_upload_is_audited_and_stores_nothing(media_root) -> None:
    with pytest.raises(uploads.UploadRefused):
        services.store_upload(upload("setup.pdf", EXE), actor="test")
    assert StoredFile.objects.count() == 0
    refusal = AuditEvent.objects.get(action="file.refused")
    assert refusal.data == {"name": "setup.pdf", "reason": "type"}
    assert not media_root.exists() or not any(media_root.rglob("*.*"))


@pytest.mark.django_db
def test_a_stored_file_keeps_hash_type_size_and_a_clean_name(media_root) -> None:
    png = image_bytes("PNG")
    stored = services.store_upload(upload("../../etc/Giấy khai sinh.pdf", png), actor="test")
    assert stored.content_type == "image/png"
    assert stored.name == "Giấy khai sinh.png"
    assert stored.size == len(png)
    assert stored.content.read() == png
    assert (media_root / stored.content.name).is_file()
    assert stored.content.name == f"files/{stored.sha256[:2]}/{stored.sha256}.png"


@pytest.mark.django_db
def test_the_same_content_twice_is_stored_once_on_disk(media_root) -> None:
    first = services.store_bytes(MINIMAL_PDF, "a.pdf", actor="test")
    second = services.store_bytes(MINIMAL_PDF, "b.pdf", actor="test")
    assert first.pk != second.pk
    assert first.content.name == second.content.name
    assert len(list(media_root.rglob("*.pdf"))) == 1
