"""Checking an upload before it is stored: size from settings, type from the content.

Rule: an upload is accepted when it is at most ``settings.UPLOAD_MAX_BYTES`` long
(``UPLOAD_MAX_MB`` in the environment) and its *content* is a PDF, JPEG or PNG file. The
name and the browser's declared type are never trusted: an executable renamed ``.pdf`` is
refused, and the refusal names the file and says what its content really is.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"
EXTENSIONS = {PDF: "pdf", JPEG: "jpg", PNG: "png"}

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
JPEG_SIGNATURE = b"\xff\xd8\xff"
PDF_SIGNATURE = b"%PDF-"
HEAD = 16
# A PDF ends with %%EOF (possibly followed by a line end and, rarely, some padding).
PDF_TAIL = 2048

# What a refused file really is, for the message (signature -> description).
KNOWN_OTHERS: tuple[tuple[bytes, object], ...] = (
    (b"MZ", gettext_lazy("chương trình chạy được (.exe, .dll)")),
    (b"\x7fELF", gettext_lazy("chương trình chạy được (ELF)")),
    (b"#!", gettext_lazy("tập lệnh (script)")),
    (b"PK\x03\x04", gettext_lazy("tệp nén ZIP (hoặc Word, Excel dạng .docx, .xlsx)")),
    (b"\xd0\xcf\x11\xe0", gettext_lazy("tài liệu Office cũ (.doc, .xls)")),
    (b"Rar!", gettext_lazy("tệp nén RAR")),
    (b"GIF8", gettext_lazy("ảnh GIF")),
    (b"{\\rtf", gettext_lazy("tài liệu RTF")),
    (b"<", gettext_lazy("trang HTML hoặc XML")),
)


@dataclass(frozen=True)
class Checked:
    """An accepted upload: its real content type and the extension that goes with it."""

    content_type: str
    extension: str
    size: int


class UploadRefused(ValidationError):
    """The upload is refused; the message names the file and the reason."""


def max_bytes() -> int:
    return int(settings.UPLOAD_MAX_BYTES)


def _describe(head: bytes) -> str:
    for signature, description in KNOWN_OTHERS:
        if head.startswith(signature):
            return str(description)
    return _("không rõ loại")


def sniff(head: bytes) -> str | None:
    """The content type the first bytes show (PDF, JPEG or PNG), or None."""
    if head.startswith(PDF_SIGNATURE):
        return PDF
    if head.startswith(JPEG_SIGNATURE):
        return JPEG
    if head.startswith(PNG_SIGNATURE):
        return PNG
    return None


def _check_image(stream: IO[bytes], name: str) -> None:
    """Pillow reads the image's structure: a truncated or forged image is refused."""
    from PIL import Image, UnidentifiedImageError

    stream.seek(0)
    try:
        with Image.open(stream) as image:
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise UploadRefused(
            _("Tệp “%(name)s” bị hỏng: không đọc được nội dung ảnh.") % {"name": name},
            code="corrupt",
        ) from None


def _check_pdf(stream: IO[bytes], size: int, name: str) -> None:
    stream.seek(max(0, size - PDF_TAIL))
    if b"%%EOF" not in stream.read(PDF_TAIL):
        raise UploadRefused(
            _("Tệp “%(name)s” không phải tệp PDF hoàn chỉnh (thiếu phần kết thúc %%EOF).")
            % {"name": name},
            code="corrupt",
        )


def check(stream: IO[bytes], name: str, size: int | None = None) -> Checked:
    """Check an upload's size and content; raise :class:`UploadRefused` otherwise."""
    if size is None:
        stream.seek(0, io.SEEK_END)
        size = stream.tell()
    limit = max_bytes()
    if size > limit:
        raise UploadRefused(
            _("Tệp “%(name)s” quá lớn (%(size)s): dung lượng tối đa là %(limit)s.")
            % {"name": name, "size": filesizeformat(size), "limit": filesizeformat(limit)},
            code="too_large",
        )
    if size == 0:
        raise UploadRefused(_("Tệp “%(name)s” rỗng.") % {"name": name}, code="empty")
    stream.seek(0)
    head = stream.read(HEAD)
    content_type = sniff(head)
    if content_type is None:
        raise UploadRefused(
            _(
                "Tệp “%(name)s” không được chấp nhận: nội dung là %(what)s, không phải PDF, "
                "JPEG hay PNG. Chỉ nhận tệp PDF, JPEG, PNG (kiểm tra theo nội dung, không theo "
                "tên tệp)."
            )
            % {"name": name, "what": _describe(head)},
            code="type",
        )
    if content_type == PDF:
        _check_pdf(stream, size, name)
    else:
        _check_image(stream, name)
    stream.seek(0)
    return Checked(content_type, EXTENSIONS[content_type], size)


# Room for the form's other fields and the multipart framing, on top of the files.
FORM_OVERHEAD = 1024 * 1024


def request_too_large(content_length: str | None, files: int) -> bool:
    """Whether a request body cannot fit ``files`` uploads of the allowed size.

    Checked before Django parses the body, so an oversized upload is refused without being
    written to a temporary file first.
    """
    try:
        length = int(content_length or 0)
    except ValueError:
        return False
    return length > files * max_bytes() + FORM_OVERHEAD
