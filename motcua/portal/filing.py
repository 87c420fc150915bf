"""Filing a dossier online and answering a supplement request (the citizen's side).

:func:`file_online` creates the dossier through ``dossiers.services.create_dossier``
(channel 2, TT 01/2018 code, status 1 "mới đăng ký") in one transaction with its files,
its data-store entries and the :class:`OnlineFiling` that records who filed it under which
form token: the same token again returns the same dossier (a double-submitted form makes
one dossier). :func:`answer_supplement` adds the supplied files and moves the dossier
5 → 4 through ``dossiers.workflow.change_status`` (the clock restarts).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.audit import log as audit
from motcua.dossiers import workflow
from motcua.dossiers.models import Channel, Dossier, DossierEvent, Status
from motcua.dossiers.services import create_dossier
from motcua.files import services as files
from motcua.files import store
from motcua.files.models import StoredFile, StoreItem
from motcua.portal import catalogue, citizens
from motcua.portal.models import OnlineFiling
from motcua.procedures.models import Procedure
from motcua.units.models import Unit

logger = logging.getLogger(__name__)

PORTAL_PLACE = "Cổng dịch vụ công trực tuyến"


class FilingError(ValueError):
    """A filing the rules refuse; the message is for the citizen."""


@dataclass(frozen=True)
class Supplied:
    """One component of a filing: a new upload or an item from the citizen's data store."""

    code: str
    name: str
    upload: UploadedFile | None = None
    item: StoreItem | None = None


def _component(
    piece: Supplied, account: User, dossier_files: list[tuple[StoredFile, str]]
) -> dict[str, Any]:
    if piece.item is not None:
        dossier_files.append((piece.item.file, piece.code))
        return store.reused_component(piece.item, code=piece.code)
    assert piece.upload is not None
    stored = files.store_upload(piece.upload, actor=account)
    dossier_files.append((stored, piece.code))
    return files.component_record(stored, code=piece.code, name=piece.name)


def _check_items(pieces: Sequence[Supplied], owner: store.Owner) -> None:
    mine = set(store.items_for(owner).values_list("pk", flat=True))
    for piece in pieces:
        if piece.item is not None and piece.item.pk not in mine:
            raise FilingError(_("Giấy tờ đã chọn không có trong kho dữ liệu của bạn."))


def log_refusal(account: Any, action: str, error: Exception, code: str = "") -> None:
    """Every refused filing or supplement is logged and audited (``portal.refused``)."""
    logger.warning("portal %s refused for %s: %s", action, code or "-", error)
    audit.record(
        "portal.refused",
        actor=account,
        object_type="dossier",
        code=code,
        step=action,
        reason=str(error),
    )


def existing(token: str, account: User) -> Dossier | None:
    """The dossier already filed with this form token by this account, if any."""
    filing = OnlineFiling.objects.filter(token=token, account=account).first()
    return filing.dossier if filing is not None else None


def file_online(
    *,
    account: User,
    procedure: Procedure,
    unit: Unit,
    token: str,
    pieces: Sequence[Supplied],
    summary: str = "",
) -> tuple[Dossier, bool]:
    """File a dossier; returns ``(dossier, created)``. ``created`` is False for a repeat."""
    profile = citizens.profile_of(account)
    if profile is None:
        raise FilingError(_("Chỉ tài khoản công dân mới nộp hồ sơ trực tuyến."))
    if not token:
        raise FilingError(_("Biểu mẫu không hợp lệ: thiếu mã biểu mẫu. Vui lòng tải lại trang."))
    already = existing(token, account)
    if already is not None:
        return already, False
    if not catalogue.files_online(procedure):
        raise FilingError(
            _("Thủ tục này chưa được cung cấp trực tuyến: vui lòng nộp tại bộ phận một cửa.")
        )
    if not catalogue.handling_units(procedure).filter(pk=unit.pk).exists():
        raise FilingError(_("Đơn vị đã chọn không giải quyết thủ tục này."))
    owner = citizens.store_owner(profile)
    _check_items(pieces, owner)
    clear = citizens.personal(profile)
    try:
        with transaction.atomic():
            filing = OnlineFiling.objects.create(token=token, account=account)
            dossier_files: list[tuple[StoredFile, str]] = []
            components = [_component(p, account, dossier_files) for p in pieces]
            dossier = create_dossier(
                procedure=procedure,
                unit=unit,
                channel=Channel.ONLINE,
                actor=account,
                applicant_name=profile.full_name,
                applicant_id=clear.get("SoGiayToChuHoSo", ""),
                phone=clear.get("SoDienThoai", ""),
                email=clear.get("Email", "") or account.email,
                portal_account_id=store.account_tag(account.pk),
                summary=summary,
                components=components,
                fees=catalogue.fee_records(procedure),
                submitted_at=timezone.now(),
                submitted_place=PORTAL_PLACE,
                vneid_verified=profile.vneid_verified,
            )
            store.attach_all(dossier, dossier_files)
            for piece, (stored, code) in zip(pieces, dossier_files, strict=True):
                if piece.item is None:
                    store.store_component(
                        owner,
                        stored,
                        title=piece.name,
                        code=code,
                        source_dossier=dossier,
                        actor=account,
                    )
            filing.dossier = dossier
            filing.save(update_fields=["dossier"])
            audit.record(
                "portal.file",
                actor=account,
                object_type="dossier",
                object_id=dossier.pk,
                code=dossier.code,
                reused=sum(1 for p in pieces if p.item is not None),
            )
    except IntegrityError:
        # The same form arrived twice at once: the other request claimed the token.
        repeat = existing(token, account)
        if repeat is None:
            raise
        logger.info("double submission of form %s: dossier %s", token[:8], repeat.code)
        return repeat, False
    return dossier, True


def filed_by(account: Any) -> Any:
    """The dossiers this citizen filed on the portal (newest first)."""
    return (
        Dossier.objects.filter(online_filing__account=account)
        .select_related("procedure", "unit")
        .order_by("-submitted_at", "-pk")
    )


def answer_supplement(
    *, account: User, dossier: Dossier, uploads: Sequence[tuple[UploadedFile, str]], note: str = ""
) -> Dossier:
    """The citizen supplies what was requested: files added, then 5 → 4 (clock restarts).

    One transaction: the files are added as digitized components with a ``supplement``
    event, then ``change_status`` records the supplement received and moves the due date
    by the paused time. A dossier not waiting for a supplement is refused (the workflow's
    message), and nothing is stored.
    """
    if not uploads:
        raise FilingError(_("Hãy đính kèm ít nhất một tệp bổ sung."))
    profile = citizens.profile_of(account)
    if profile is None or not filed_by(account).filter(pk=dossier.pk).exists():
        raise FilingError(_("Không tìm thấy hồ sơ."))
    with transaction.atomic():
        locked = workflow.lock(dossier.pk)
        if locked.status != Status.SUPPLEMENT_REQUESTED:
            raise workflow.TransitionNotAllowed(
                locked.code, Status(locked.status), Status.PROCESSING
            )
        added = []
        for upload, code in uploads:
            stored = files.store_upload(upload, actor=account)
            files.attach(locked, stored, code=code)
            store.store_component(
                citizens.store_owner(profile),
                stored,
                title=stored.name,
                code=code,
                source_dossier=locked,
                actor=account,
            )
            added.append(files.component_record(stored, code=code))
        files.append_components(
            locked, added, kind=DossierEvent.Kind.SUPPLEMENT, source="portal", actor=account
        )
        updated = workflow.change_status(
            locked.pk,
            Status.PROCESSING,
            actor=account,
            note=note or _("Công dân bổ sung hồ sơ trực tuyến"),
        )
        audit.record(
            "portal.supplement",
            actor=account,
            object_type="dossier",
            object_id=locked.pk,
            code=locked.code,
            files=len(added),
        )
    return updated
