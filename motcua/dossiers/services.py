"""Creating dossiers locally (tiếp nhận hồ sơ at the counter or from the province's portal).

Imported dossiers come through motcua.dossiers.ingest; status changes through
motcua.dossiers.workflow. Everything here owns its transaction.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models.functions import Length
from django.utils import timezone

from motcua.audit import log as audit
from motcua.dossiers import history, pii, workflow
from motcua.dossiers.flags import derive_flags
from motcua.dossiers.history import Actor, content_hash
from motcua.dossiers.models import ApplicantType, Channel, Dossier, DossierEvent, Status
from motcua.indicators.facts import bucket_of, refresh_buckets
from motcua.procedures.models import Procedure
from motcua.units.codes import to_identifier
from motcua.units.models import Unit

__all__ = ["CODE_PATTERN", "content_hash", "create_dossier", "dossier_code_prefix"]

# TT 01/2018/TT-VPCP: <unit identifier>-YYMMDD-XXXX, e.g. 000.00.07.H44-240801-0001.
CODE_PATTERN = re.compile(r"^(?P<unit>[0-9A-Z.]+)-(?P<day>\d{6})-(?P<seq>\d{4,})$")
CODE_ATTEMPTS = 5


class DossierCodeError(RuntimeError):
    """No free dossier code after several attempts (imports racing with intake)."""


def dossier_code_prefix(unit: Unit, day: dt.date) -> str:
    """``<TT 10/2016 identifier>-YYMMDD-`` for a unit's dossiers received on ``day``."""
    if not unit.code:
        raise ValueError(f"unit {unit.pk} has no DVCQG code: it cannot receive dossiers")
    return f"{to_identifier(unit.code)}-{day:%y%m%d}-"


def next_sequence(prefix: str) -> int:
    """One more than the highest sequence number used with ``prefix`` (1 on a new day).

    The caller holds the unit's row lock, so two intakes at one unit never read the same
    maximum. Longer codes sort first so that 10000 follows 9999.
    """
    last = (
        Dossier.objects.filter(code__startswith=prefix)
        .order_by(Length("code").desc(), "-code")
        .values_list("code", flat=True)
        .first()
    )
    if last is None:
        return 1
    match = CODE_PATTERN.match(last)
    return int(match["seq"]) + 1 if match else 1


def _personal_data(
    applicant_id: str,
    phone: str,
    email: str,
    identifiers: Sequence[Mapping[str, str]],
    address: str = "",
) -> dict[str, Any]:
    """The fields that go into the encrypted blob, under DVCQG's names (the address, which
    DVCQG does not sync, under motcua's ``DiaChiChuHoSo`` and only when given)."""
    data: dict[str, Any] = {
        "SoGiayToChuHoSo": applicant_id,
        "SoDienThoai": phone,
        "Email": email,
        "DinhDanhCHS": [dict(i) for i in identifiers],
    }
    if address:
        data["DiaChiChuHoSo"] = address
    return data


def _insert_with_code(dossier: Dossier, prefix: str) -> None:
    """Save ``dossier`` under the next free code; retry if an import took the number."""
    number = next_sequence(prefix)
    for _attempt in range(CODE_ATTEMPTS):
        dossier.code = f"{prefix}{number:04d}"
        dossier.content_hash = content_hash(dossier)
        try:
            with transaction.atomic():
                dossier.save(force_insert=True)
        except IntegrityError:
            if not Dossier.objects.filter(code=dossier.code).exists():
                raise
            dossier.pk = None
            number = next_sequence(prefix)
            continue
        return
    raise DossierCodeError(f"no free dossier code with prefix {prefix}")


def create_dossier(
    *,
    procedure: Procedure,
    unit: Unit,
    channel: int,
    actor: Actor,
    applicant_name: str = "",
    applicant_type: int = ApplicantType.CITIZEN,
    applicant_id: str = "",
    phone: str = "",
    email: str = "",
    address: str = "",
    identifiers: Sequence[Mapping[str, str]] = (),
    portal_account_id: str = "",
    summary: str = "",
    components: Sequence[Mapping[str, Any]] = (),
    fees: Sequence[Mapping[str, Any]] = (),
    submitted_at: dt.datetime | None = None,
    received_at: dt.datetime | None = None,
    result_delivery: str = "",
    submitted_place: str = "",
    vneid_verified: bool = False,
) -> Dossier:
    """Create a dossier: version 1, one ``created`` event, one audit record.

    - With ``received_at`` (counter intake) the dossier starts received (2) with its due
      date from the calendar; without it, submitted (1), waiting for an officer.
    - The code is ``<unit identifier>-YYMMDD-XXXX`` with the local date of receipt (or of
      submission), numbered per unit and day without gaps or duplicates.
    - Personal data (ID number, phone, e-mail, address) is stored encrypted (pii) with
      masked copies and a keyed ID hash.
    """
    channel = Channel(channel)
    submitted_at = submitted_at or received_at or timezone.now()
    day = (received_at or submitted_at).astimezone(ZoneInfo(settings.TIME_ZONE)).date()
    components, fees = [dict(c) for c in components], [dict(f) for f in fees]
    dossier = Dossier(
        procedure=procedure,
        unit=unit,
        channel=channel,
        status=Status.RECEIVED if received_at else Status.SUBMITTED,
        applicant_type=ApplicantType(applicant_type),
        applicant_name=applicant_name,
        applicant_id_masked=pii.mask(applicant_id),
        applicant_id_hash=pii.id_hash(applicant_id),
        phone_masked=pii.mask(phone),
        pii=pii.encrypt(_personal_data(applicant_id, phone, email, identifiers, address)),
        portal_account_id=portal_account_id,
        summary=summary,
        submitted_at=submitted_at,
        received_at=received_at,
        result_delivery=result_delivery,
        submitted_place=submitted_place,
        vneid_verified=vneid_verified,
        components=components,
        fees=fees,
        version=1,
        **derive_flags(components, fees, [], []),
    )
    if received_at is not None:
        dossier.due_at = workflow.due_for(dossier, received_at)
    with transaction.atomic():
        Unit.objects.select_for_update().get(pk=unit.pk)
        _insert_with_code(dossier, dossier_code_prefix(unit, day))
        fields = history.content_fields(dossier)
        history.append_event(
            dossier,
            DossierEvent.Kind.CREATED,
            actor=actor,
            changes=history.diff({}, fields),
            occurred_at=received_at or submitted_at,
            source="intake",
        )
        refresh_buckets([bucket_of(dossier.unit_id, dossier.received_at)])
        audit.record(
            "dossier.create",
            actor=actor,
            object_type="dossier",
            object_id=dossier.pk,
            code=dossier.code,
            status=dossier.status,
        )
    return dossier
