"""The personal data store (kho quản lý dữ liệu điện tử của tổ chức, cá nhân).

An applicant's digitized components and results are kept as :class:`StoreItem` rows so
that a later dossier can reuse them instead of a new upload (TT 01/2023/TT-VPCP). An item
belongs to an :class:`Owner`: the keyed hash of the applicant's ID number
(``dossiers.pii.id_hash``; counter intake finds the store of an applicant without a portal
account this way) and/or a citizen portal account. ``items_for(owner)`` matches either.

Reusing an item in a dossier adds a component with DuocSoHoa = 1, DuocTaiSuDung = 1 and
DuocLayTuKhoDMQG = 1 (a result also gives MaKetQuaThayThe); ``dossiers.flags`` derives the
``reused``, ``from_data_store`` and ``has_digitized_component`` columns from them, which
the digitization indicators count (INDICATORS.md: ``reused``, ``digitized``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Q, QuerySet

from motcua.audit import log as audit
from motcua.audit.log import Actor
from motcua.dossiers import pii, workflow
from motcua.dossiers.models import Dossier, DossierEvent
from motcua.files import services
from motcua.files.models import Attachment, StoredFile, StoreItem

ACCOUNT_TAG = "motcua-"


def account_tag(user_id: int) -> str:
    """The ``Dossier.portal_account_id`` (MaDoiTuong) of a dossier filed by this account."""
    return f"{ACCOUNT_TAG}{user_id}"


def account_of_tag(tag: str) -> int | None:
    if tag.startswith(ACCOUNT_TAG) and tag[len(ACCOUNT_TAG) :].isdigit():
        return int(tag[len(ACCOUNT_TAG) :])
    return None


@dataclass(frozen=True)
class Owner:
    """Whose store: an ID-number hash, a portal account id, or both."""

    id_hash: str = ""
    account_id: int | None = None

    def __bool__(self) -> bool:
        return bool(self.id_hash) or self.account_id is not None


def owner(*, applicant_id: str = "", account: User | None = None, id_hash: str = "") -> Owner:
    """The owner for an applicant's ID number (clear text, hashed here) and/or an account."""
    return Owner(
        id_hash=id_hash or pii.id_hash(applicant_id),
        account_id=account.pk if account is not None else None,
    )


def owner_of(dossier: Dossier) -> Owner:
    """The applicant of ``dossier`` as a store owner (ID hash, and the filing account)."""
    account_id = account_of_tag(dossier.portal_account_id)
    if account_id is not None and not User.objects.filter(pk=account_id).exists():
        account_id = None
    return Owner(dossier.applicant_id_hash, account_id)


def items_for(who: Owner) -> QuerySet[StoreItem]:
    """The owner's items, newest first: matched by ID hash or by account."""
    match = Q(pk__in=[])
    if who.id_hash:
        match |= Q(owner_id_hash=who.id_hash)
    if who.account_id is not None:
        match |= Q(owner_account_id=who.account_id)
    return StoreItem.objects.filter(match).select_related("file")


def _store(
    who: Owner,
    kind: str,
    stored: StoredFile,
    *,
    title: str,
    code: str,
    source_dossier: Dossier | None,
    actor: Actor,
) -> StoreItem:
    if not who:
        raise ValueError("a store item needs an owner (ID number or account)")
    with transaction.atomic():
        existing = items_for(who).filter(kind=kind, file=stored, code=code).first()
        if existing is not None:
            return existing
        item = StoreItem.objects.create(
            owner_id_hash=who.id_hash,
            owner_account_id=who.account_id,
            kind=kind,
            title=title or stored.name,
            code=code,
            file=stored,
            source_dossier=source_dossier,
        )
        audit.record(
            "store.add",
            actor=actor,
            object_type="store_item",
            object_id=item.pk,
            kind=kind,
            file=stored.pk,
            dossier=source_dossier.code if source_dossier else "",
        )
    return item


def store_component(
    who: Owner,
    stored: StoredFile,
    *,
    title: str = "",
    code: str = "",
    source_dossier: Dossier | None = None,
    actor: Actor,
) -> StoreItem:
    """Keep a digitized component in the owner's store (idempotent per file and code)."""
    return _store(
        who,
        StoreItem.Kind.COMPONENT,
        stored,
        title=title,
        code=code,
        source_dossier=source_dossier,
        actor=actor,
    )


def store_result(
    who: Owner,
    stored: StoredFile,
    *,
    title: str = "",
    code: str = "",
    source_dossier: Dossier | None = None,
    actor: Actor,
) -> StoreItem:
    """Keep a result document (e.g. a signed result PDF) in the owner's store."""
    return _store(
        who,
        StoreItem.Kind.RESULT,
        stored,
        title=title,
        code=code,
        source_dossier=source_dossier,
        actor=actor,
    )


def reused_component(item: StoreItem, *, code: str = "") -> dict[str, Any]:
    """The TaiLieuNop item for a new dossier that takes ``item`` from the store.

    ``code`` is the component (MaThanhPhanHoSo) it stands for in the new dossier; it
    defaults to the item's own code for a component.
    """
    is_result = item.kind == StoreItem.Kind.RESULT
    return services.component_record(
        item.file,
        code=code or ("" if is_result else item.code),
        name=item.title,
        reused=True,
        from_store=True,
        replaces_result=item.code if is_result else "",
    )


def belongs_to(item: StoreItem, dossier: Dossier) -> bool:
    """Whether ``item`` is in the store of ``dossier``'s applicant."""
    who = owner_of(dossier)
    return bool(
        (item.owner_id_hash and item.owner_id_hash == who.id_hash)
        or (item.owner_account_id is not None and item.owner_account_id == who.account_id)
    )


class NotOwnersItem(PermissionError):
    """The item is not in the dossier applicant's store."""


def reuse(item: StoreItem, dossier: Dossier, *, actor: Actor, code: str = "") -> Dossier:
    """Add ``item`` to an existing dossier as a reused component, in one transaction.

    Locks the dossier, appends the component record (:func:`reused_component`), recomputes
    the derived columns (``reused``, ``from_data_store``, ``has_digitized_component``…),
    appends an ``updated`` event with their old and new values, refreshes the indicator
    aggregates, attaches the file and writes the audit record. Reusing the same item for
    the same component twice changes nothing the second time.
    """
    if not belongs_to(item, dossier):
        raise NotOwnersItem(f"store item {item.pk} is not in dossier {dossier.code}'s store")
    record = reused_component(item, code=code)
    with transaction.atomic():
        locked = workflow.lock(dossier.pk)
        if record in locked.components:
            return locked
        event = services.append_components(
            locked, [record], kind=DossierEvent.Kind.UPDATED, source="data-store", actor=actor
        )
        services.attach(
            locked,
            item.file,
            role=Attachment.Role.COMPONENT,
            code=record.get("MaThanhPhanHoSo", ""),
        )
        audit.record(
            "store.reuse",
            actor=actor,
            object_type="dossier",
            object_id=locked.pk,
            code=locked.code,
            seq=event.seq,
            item=item.pk,
        )
    return locked


def attach_all(dossier: Dossier, files: Iterable[tuple[StoredFile, str]]) -> None:
    """Attach several component files to a new dossier (``(file, component code)`` pairs)."""
    for stored, code in files:
        services.attach(dossier, stored, role=Attachment.Role.COMPONENT, code=code)
