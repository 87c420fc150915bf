"""Counter intake with files: scanned components and documents reused from the store.

The uploads are checked and stored first (motcua.files: by content and size; a refusal
is audited and raises ``UploadRefused`` naming the file), each in its own short
transaction so that the refusal's audit record survives. Then, in one transaction: the
dossier is created (:func:`motcua.onestop.services.receive_at_counter`, idempotent on the
form's key), the files are attached, the new scans are kept in the applicant's personal
data store (owned by the keyed hash of the ID number), and the reused store items become
components with the reuse flags (DuocTaiSuDung, DuocLayTuKhoDMQG) the digitization
indicators count.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from motcua.dossiers.models import Dossier
from motcua.files import services as files
from motcua.files import store
from motcua.files.models import StoredFile, StoreItem
from motcua.onestop.services import DeskError, receive_at_counter
from motcua.procedures.models import Procedure
from motcua.units.models import Unit


def store_items(applicant_id: str) -> QuerySet[StoreItem]:
    """The documents in the store of the applicant with this ID number (newest first)."""
    who = store.owner(applicant_id=applicant_id)
    if not who:
        return StoreItem.objects.none()
    return store.items_for(who).order_by("-id")


def counter_intake(
    *,
    key: str,
    officer: User,
    unit: Unit,
    procedure: Procedure,
    channel: int,
    applicant: Mapping[str, Any],
    scans: Sequence[tuple[str, UploadedFile]] = (),
    paper: Sequence[str] = (),
    reused_item_ids: Sequence[int] = (),
) -> tuple[Dossier, bool]:
    """Receive a dossier at the counter: ``scans`` are (component name, upload) pairs,
    ``paper`` names components received on paper only, ``reused_item_ids`` are items of
    the applicant's store. Returns the dossier and whether this call created it."""
    stored: list[tuple[str, StoredFile]] = [
        (name, files.store_upload(upload, actor=officer)) for name, upload in scans
    ]
    who = store.owner(applicant_id=str(applicant.get("applicant_id") or ""))
    with transaction.atomic():
        items = (
            list(
                store_items(str(applicant.get("applicant_id") or "")).filter(
                    pk__in=list(reused_item_ids)
                )
            )
            if reused_item_ids
            else []
        )
        if len(items) != len(set(reused_item_ids)):
            raise DeskError(_("Giấy tờ chọn từ kho dữ liệu không thuộc người nộp hồ sơ này."))
        components = [files.component_record(f, name=name) for name, f in stored]
        components += [{"TenThanhPhanHoSo": name, "DuocSoHoa": "0"} for name in paper]
        components += [store.reused_component(item) for item in items]
        dossier, created = receive_at_counter(
            key=key,
            officer=officer,
            unit=unit,
            procedure=procedure,
            channel=channel,
            applicant=applicant,
            components=components,
        )
        if created:
            store.attach_all(
                dossier, [(f, "") for _name, f in stored] + [(i.file, i.code) for i in items]
            )
            if who:
                for name, f in stored:
                    store.store_component(who, f, title=name, source_dossier=dossier, actor=officer)
    return dossier, created
