"""The import page's two steps: stage and check an uploaded file, then apply it once.

Both steps go through the one importer (``motcua.dossiers.ingest.import_files``): the check
is its preview (the same validation and writes, rolled back), the confirmation its real
run. Records for units outside the user's scope are rejected. Files live under
``VAR_DIR/imports/<token>/`` (size-limited, random directory, the original name
sanitised) and are deleted once applied, or once they expire unconfirmed
(``IMPORT_UPLOAD_HOURS``): :func:`expire` runs as a background task scheduled at each
upload's expiry and as ``motcua dossiers purge`` (cron); a confirmation that comes too late
expires the upload instead of applying it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
import shutil
from dataclasses import dataclass
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

log = logging.getLogger("motcua.dossiers")
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
    try:
        report = _run(upload, user, preview=True)
    except BaseException:
        shutil.rmtree(target, ignore_errors=True)  # no row points at it: never left behind
        raise
    upload.preview = _summary(report)
    with transaction.atomic():
        upload.save()
        transaction.on_commit(lambda: _schedule_expiry(upload))
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
        if upload.state != ImportUpload.State.CHECKED:
            return upload  # applied already, or expired: nothing to apply
        if timezone.now() >= expires_at(upload):
            _expire(upload, actor=user)
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


def lifetime() -> dt.timedelta:
    return dt.timedelta(hours=settings.IMPORT_UPLOAD_HOURS)


def expires_at(upload: ImportUpload) -> dt.datetime:
    """When a checked upload stops being confirmable (its file is deleted then)."""
    return upload.created_at + lifetime()


def _expire(upload: ImportUpload, actor: User | str) -> None:
    """Mark a checked upload expired and delete its file after commit (in a transaction,
    the row locked by the caller)."""
    upload.state = ImportUpload.State.EXPIRED
    upload.save(update_fields=["state"])
    audit.record(
        "dossier.import_expired",
        actor=actor,
        object_type="import_upload",
        object_id=upload.pk,
        filename=upload.filename,
        sha256=upload.sha256,
        checked_at=upload.created_at.isoformat(),
    )
    token = upload.token
    transaction.on_commit(lambda: shutil.rmtree(directory(token), ignore_errors=True))


@dataclass(frozen=True)
class Expired:
    uploads: int  # checked uploads expired by this run
    orphans: int  # directories under VAR_DIR/imports/ that no upload row points at


def expire(now: dt.datetime | None = None) -> Expired:
    """Expire every checked upload older than ``IMPORT_UPLOAD_HOURS`` (one transaction
    each, idempotent) and delete the leftover directories no upload points at (a process
    killed while checking a file) once they are as old."""
    now = now or timezone.now()
    cutoff = now - lifetime()
    count = 0
    stale = ImportUpload.objects.filter(state=ImportUpload.State.CHECKED, created_at__lte=cutoff)
    for pk in stale.values_list("pk", flat=True):
        with transaction.atomic():
            upload = ImportUpload.objects.select_for_update().get(pk=pk)
            if upload.state == ImportUpload.State.CHECKED:  # not confirmed meanwhile
                _expire(upload, actor="system")
                count += 1
    return Expired(count, _remove_orphans(cutoff))


def _remove_orphans(cutoff: dt.datetime) -> int:
    root = Path(settings.VAR_DIR) / "imports"
    if not root.is_dir():
        return 0
    known = set(ImportUpload.objects.values_list("token", flat=True))
    removed = 0
    for path in root.iterdir():
        if not path.is_dir() or path.name in known:
            continue
        if path.stat().st_mtime <= cutoff.timestamp():
            shutil.rmtree(path, ignore_errors=True)
            removed += 1
    return removed


def _schedule_expiry(upload: ImportUpload) -> None:
    """Enqueue :func:`expire` for when this upload expires (an optimisation: the cron
    command does the same, and a confirmation after expiry is refused anyway)."""
    from motcua.dossiers.tasks import expire_import_uploads

    try:
        run_after = expires_at(upload) + dt.timedelta(seconds=1)
        expire_import_uploads.using(run_after=run_after).enqueue()
    except Exception:
        log.exception("could not enqueue the expiry of import upload %s", upload.pk)
