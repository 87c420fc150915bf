"""Storing uploads and attaching files to dossiers (tệp đính kèm).

Every upload goes through :func:`store_upload` (checks in ``uploads.py``, then written
once into Django's storage under its SHA-256: the same content is stored once and never
overwritten). A refusal is logged and audited (``file.refused``) and raises
:class:`~motcua.files.uploads.UploadRefused` with a message for the user.

A dossier's component (TaiLieuNop item) points at its file through
``DuongDanTaiTepTin`` = :func:`file_link`; :func:`attach` records the link in
:class:`~motcua.files.models.Attachment`, which is what the download view checks.
"""

from __future__ import annotations

import hashlib
import logging
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from typing import IO, Any

from django.contrib.auth.models import User
from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse

from motcua.audit import log as audit
from motcua.audit.log import Actor
from motcua.dossiers import history
from motcua.dossiers.flags import derive_flags
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.files import uploads
from motcua.files.models import Attachment, StoredFile
from motcua.indicators.facts import bucket_of, refresh_buckets

logger = logging.getLogger(__name__)

CHUNK = 64 * 1024
_UNSAFE = re.compile(r"[^\w.\- ()]+", re.UNICODE)


def clean_name(name: str, extension: str) -> str:
    """A display name without path parts or control characters, ending in ``extension``."""
    base = unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1])
    stem = _UNSAFE.sub("_", base.rsplit(".", 1)[0] if "." in base else base).strip(" ._")
    return f"{(stem or 'tep')[:200]}.{extension}"


def _chunks(stream: IO[bytes]) -> Iterator[bytes]:
    stream.seek(0)
    while chunk := stream.read(CHUNK):
        yield chunk


def _sha256(stream: IO[bytes]) -> str:
    digest = hashlib.sha256()
    for chunk in _chunks(stream):
        digest.update(chunk)
    return digest.hexdigest()


def _user(actor: Actor) -> User | None:
    return actor if isinstance(actor, User) and actor.is_authenticated else None


def check_stream(
    stream: IO[bytes], name: str, *, actor: Actor, size: int | None = None
) -> uploads.Checked:
    """:func:`uploads.check`, with a refusal logged and audited (``file.refused``).

    Forms call it to put the refusal on the field before anything is stored; the audit
    record is written in the caller's transaction (autocommit in a form's validation).
    """
    try:
        return uploads.check(stream, name, size)
    except uploads.UploadRefused as refused:
        logger.warning("upload refused: %s (%s): %s", name, refused.code, refused.messages[0])
        audit.record(
            "file.refused",
            actor=actor,
            object_type="file",
            name=name[:255],
            reason=refused.code or "",
        )
        raise


def check_upload(upload: UploadedFile, *, actor: Actor) -> uploads.Checked:
    """:func:`check_stream` for a form's uploaded file."""
    upload.open("rb")
    return check_stream(upload, upload.name or "tep", actor=actor, size=upload.size)


def store_stream(
    stream: IO[bytes], name: str, *, actor: Actor, size: int | None = None
) -> StoredFile:
    """Check and store a file; the row is saved in the caller's transaction (if any)."""
    checked = check_stream(stream, name, actor=actor, size=size)
    sha = _sha256(stream)
    storage_name = f"files/{sha[:2]}/{sha}.{checked.extension}"
    if not default_storage.exists(storage_name):
        stream.seek(0)
        saved = default_storage.save(storage_name, File(stream, name=storage_name))
        if saved != storage_name:  # a concurrent writer stored the same content first
            default_storage.delete(saved)
    stored = StoredFile(
        sha256=sha,
        name=clean_name(name, checked.extension),
        content_type=checked.content_type,
        size=checked.size,
        uploaded_by=_user(actor),
    )
    stored.content.name = storage_name
    stored.save()
    audit.record(
        "file.store",
        actor=actor,
        object_type="file",
        object_id=stored.pk,
        sha256=sha,
        size=checked.size,
        content_type=checked.content_type,
    )
    return stored


def store_upload(upload: UploadedFile, *, actor: Actor) -> StoredFile:
    """Check and store a file a user uploaded (a form's ``request.FILES`` item)."""
    upload.open("rb")
    return store_stream(upload, upload.name or "tep", actor=actor, size=upload.size)


def store_bytes(content: bytes, name: str, *, actor: Actor) -> StoredFile:
    """Check and store a file made by the system (a generated or signed PDF)."""
    return store_stream(ContentFile(content), name, actor=actor, size=len(content))


def file_link(stored: StoredFile) -> str:
    """The path a component or result record points at (DuongDanTaiTepTin)."""
    return reverse("files:download", args=[stored.pk])


def component_record(
    stored: StoredFile,
    *,
    code: str = "",
    name: str = "",
    reused: bool = False,
    from_store: bool = False,
    replaces_result: str = "",
) -> dict[str, Any]:
    """A TaiLieuNop item for a component with this file: digitized (DuocSoHoa = 1).

    ``reused``/``from_store``/``replaces_result`` set DuocTaiSuDung, DuocLayTuKhoDMQG and
    MaKetQuaThayThe (motcua.dossiers.flags derives the dossier's reuse columns from them).
    Empty values are left out, as in DVCQG's canonical form.
    """
    record = {
        "TenTepDinhKem": name or stored.name,
        "MaThanhPhanHoSo": code,
        "DuongDanTaiTepTin": file_link(stored),
        "DuocSoHoa": "1",
        "DuocTaiSuDung": "1" if reused else "0",
        "DuocLayTuKhoDMQG": "1" if from_store else "0",
        "MaKetQuaThayThe": replaces_result,
        "IsDeleted": "0",
    }
    return {key: value for key, value in record.items() if value}


def attach(
    dossier: Dossier, stored: StoredFile, *, role: str = Attachment.Role.COMPONENT, code: str = ""
) -> Attachment:
    """Record that ``stored`` belongs to ``dossier`` (idempotent)."""
    with transaction.atomic():
        attachment, _ = Attachment.objects.get_or_create(
            dossier=dossier, file=stored, role=role, code=code
        )
    return attachment


# The columns derive_flags computes; an event that adds components records each one's change.
FLAG_FIELDS = tuple(derive_flags([], [], [], []))


def append_components(
    locked: Dossier,
    records: Sequence[Mapping[str, Any]],
    *,
    kind: str,
    source: str,
    actor: Actor,
) -> DossierEvent:
    """Add component records to a dossier the caller has locked (``workflow.lock``).

    Recomputes the derived columns, appends one event (``kind``: ``updated`` for a reuse,
    ``supplement`` for supplied papers) with the old and new value of each changed field,
    saves, and refreshes the indicator aggregates, all in the caller's transaction.
    """
    fields = ("components", *FLAG_FIELDS)
    before = {name: getattr(locked, name) for name in fields}
    locked.components = [*locked.components, *(dict(r) for r in records)]
    flags = derive_flags(locked.components, locked.fees, locked.results, locked.supplements)
    for name, value in flags.items():
        setattr(locked, name, value)
    changes = history.diff(before, {name: getattr(locked, name) for name in fields})
    locked.content_hash = history.content_hash(locked)
    event = history.append_event(locked, kind, actor=actor, changes=changes, source=source)
    locked.save(update_fields=[*changes, "content_hash", "updated_at"])
    refresh_buckets([bucket_of(locked.unit_id, locked.received_at)])
    return event
