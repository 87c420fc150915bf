"""The import page's two steps: stage and check an uploaded file, then apply it once.

Both steps go through the one importer (``motcua.dossiers.ingest.import_files``): the check
is its preview (the same validation and writes, rolled back), the confirmation its real
run. Records for units outside the user's scope are rejected. Files live under
``VAR_DIR/imports/<token>/`` (size-limited, random directory, the original name
sanitised) and are deleted once applied.
"""

from __future__ import annotations

import hashlib
import secrets
import shutil
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from motcua.accounts.scope import scope_of
from motcua.audit import log as audit
from motcua.dossiers.ingest import ImportReport, import_files
from motcua.dossiers.models import ImportUpload

MAX_UPLOAD_BYTES = 20 << 20  # 20 MiB: larger files go through `motcua dossiers import`
SUFFIXES = (".json", ".jsonl", ".csv", ".xlsx")
SHOWN_ERRORS = 200


class UploadError(ValueError):
    pass


def directory(token: str) -> Path:
    return Path(settings.VAR_DIR) / "imports" / token


def _stored_file(upload: ImportUpload) -> Path:
    return directory(upload.token) / upload.filename


def _summary(report: ImportReport) -> dict[str, Any]:
    return {
        "ok": report.ok,
        "created": report.created,
        "updated": report.updated,
        "unchanged": report.unchanged,
        "rejected": report.rejected,
        "error_count": report.error_count,
        "errors": [
            {
                "where": e.where,
                "code": e.code,
                "field": e.field,
                "value": e.value,
                "reason": e.reason,
            }
            for e in report.errors[:SHOWN_ERRORS]
        ],
    }


def _run(upload: ImportUpload, user: User, *, preview: bool) -> ImportReport:
    scope = scope_of(user)
    return import_files(
        [_stored_file(upload)],
        actor=user.get_username(),
        workers=1,  # never fork worker processes inside a web request
        preview=preview,
        unit_ids=None if scope.unrestricted else scope.unit_ids,
    )


def stage(file: UploadedFile, user: User) -> ImportUpload:
    """Keep the uploaded file and check it (a preview); nothing is imported yet."""
    name = get_valid_filename(Path(file.name or "").name) if file.name else ""
    if not name.lower().endswith(SUFFIXES):
        raise UploadError(
            _("Tệp %(name)s không được hỗ trợ: chỉ nhận %(kinds)s.")
            % {"name": file.name, "kinds": ", ".join(SUFFIXES)}
        )
    if file.size is not None and file.size > MAX_UPLOAD_BYTES:
        raise UploadError(_too_large(file.name or name))
    token = secrets.token_hex(16)
    target = directory(token)
    target.mkdir(parents=True)
    digest = hashlib.sha256()
    size = 0
    try:
        with (target / name).open("xb") as out:
            for chunk in file.chunks():
                size += len(chunk)
                if size > MAX_UPLOAD_BYTES:
                    raise UploadError(_too_large(file.name or name))
                digest.update(chunk)
                out.write(chunk)
    except UploadError:
        shutil.rmtree(target, ignore_errors=True)
        raise
    upload = ImportUpload(
        token=token,
        user=user,
        filename=name,
        size=size,
        sha256=digest.hexdigest(),
        state=ImportUpload.State.CHECKED,
    )
    report = _run(upload, user, preview=True)
    upload.preview = _summary(report)
    with transaction.atomic():
        upload.save()
        audit.record(
            "dossier.import_check",
            actor=user,
            object_type="import_upload",
            object_id=upload.pk,
            filename=name,
            sha256=upload.sha256,
            created=report.created,
            updated=report.updated,
            rejected=report.rejected,
            errors=report.error_count,
        )
    return upload


def _too_large(name: str) -> str:
    return _("Tệp %(name)s lớn hơn %(limit)s MB.") % {
        "name": name,
        "limit": MAX_UPLOAD_BYTES >> 20,
    }


def confirm(upload_id: int, user: User) -> ImportUpload:
    """Apply a checked upload, all or nothing; an applied one is returned unchanged."""
    with transaction.atomic():
        upload = ImportUpload.objects.select_for_update().get(pk=upload_id, user=user)
        if upload.state == ImportUpload.State.APPLIED:
            return upload
        report = _run(upload, user, preview=False)
        upload.result = _summary(report)
        if report.ok:
            upload.state = ImportUpload.State.APPLIED
            upload.applied_at = timezone.now()
        upload.save()
        audit.record(
            "dossier.import" if report.ok else "dossier.import_refused",
            actor=user,
            object_type="import_upload",
            object_id=upload.pk,
            filename=upload.filename,
            sha256=upload.sha256,
            created=report.created,
            updated=report.updated,
            unchanged=report.unchanged,
            errors=report.error_count,
        )
    if upload.state == ImportUpload.State.APPLIED:
        transaction.on_commit(lambda: shutil.rmtree(directory(upload.token), ignore_errors=True))
    return upload
