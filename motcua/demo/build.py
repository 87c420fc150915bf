"""Load the demo province into the database: units, catalogue, dossiers, events, payments.

Everything happens in one transaction, and only into an empty database (no units, no
dossiers). Units and the catalogue are saved through the ORM; dossiers, events and payments,
a few hundred thousand rows, through :mod:`motcua.core.bulk` in batches, with their tables'
secondary indexes set aside and built once at the end. The indicators' daily aggregates are
rebuilt at the end, in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from motcua.calendar.services import current_calendar
from motcua.core.bulk import (
    Inserter,
    indexes_set_aside,
    large_sqlite_cache,
    next_id,
    reset_sequences,
)
from motcua.core.text import fold
from motcua.demo import names
from motcua.demo.catalogue import CAMPAIGN_START, LEVELS_SINCE, Catalogue
from motcua.demo.plan import NOW, DossierPlan, PaymentPlan, Plan, make_plan
from motcua.demo.units import CENTRE_NAME, create_units
from motcua.dossiers import pii
from motcua.dossiers.flags import derive_flags
from motcua.dossiers.models import ApplicantType, Dossier, DossierEvent, Payment, SyncState
from motcua.procedures.models import (
    PUBLICATION_COMPONENTS,
    Field,
    PaymentDeploymentVersion,
    Procedure,
    ProcedureFee,
    ServiceLevelVersion,
)
from motcua.units.models import Unit

DEFAULT_SEED = 2024
BATCH = 5000
FILES = "https://dichvucong.daknong.gov.vn/files"
BUSINESS_FIELDS = frozenset({"KH-DN", "KH-DT", "CT-LT", "CT-TM", "CT-DL", "CT-HC", "HKD"})


@dataclass
class Summary:
    units: int
    procedures: int
    dossiers: int
    payments: int
    seconds: float
    aggregate_seconds: float
    fingerprint: str
    accounts: tuple[str, ...] = ()


def is_empty() -> bool:
    return not Unit.objects.exists() and not Dossier.objects.exists()


def build_demo(seed: int = DEFAULT_SEED) -> Summary:
    """Build the demo province; the database must be empty (see :func:`is_empty`)."""
    started = time.monotonic()
    with large_sqlite_cache(), transaction.atomic():
        if not is_empty():
            raise RuntimeError("the database already has units or dossiers")
        plan = make_plan(seed, current_calendar())
        units = create_units()
        procedures = create_procedures(plan.catalogue, units)
        with indexes_set_aside(Dossier, DossierEvent, Payment):
            payments = create_dossiers(plan, units, procedures)
        aggregates = _rebuild_aggregates()
        accounts = _demo_accounts()
        _demo_citizen()
        _demo_campaign()
    return Summary(
        units=len(units),
        procedures=len(procedures),
        dossiers=len(plan.dossiers),
        payments=payments,
        seconds=time.monotonic() - started,
        aggregate_seconds=aggregates,
        fingerprint=plan.fingerprint(),
        accounts=accounts,
    )


def _rebuild_aggregates() -> float:
    """The indicators' daily aggregates follow every dossier write; bring them up to date.

    Returns the seconds it took (0 when the indicators app is not installed).
    """
    if not apps.is_installed("motcua.indicators"):
        return 0.0
    from motcua.indicators.facts import rebuild

    started = time.monotonic()
    rebuild()
    return time.monotonic() - started


def _demo_accounts() -> tuple[str, ...]:
    """One account per role (motcua.accounts.demo), when that app is installed."""
    if not apps.is_installed("motcua.accounts"):
        return ()
    from motcua.accounts.demo import create_demo_accounts

    return tuple(create_demo_accounts())


def _demo_citizen() -> None:
    """The demo citizen of the portal (motcua.portal.demo), when that app is installed."""
    if apps.is_installed("motcua.portal"):
        from motcua.portal.demo import create_demo_citizen

        create_demo_citizen()


def _demo_campaign() -> None:
    """Seed 000's 60-day campaign with its weekly snapshots (docs/campaigns.md)."""
    if not apps.is_installed("motcua.campaigns"):
        return
    from motcua.campaigns.demo import create_demo_campaign

    create_demo_campaign()


# -- catalogue ---------------------------------------------------------------------------


def create_procedures(catalogue: Catalogue, units: dict[str, Unit]) -> dict[str, Procedure]:
    fields = {
        code: Field(code=code, name=name)
        for code, name in names.FIELDS.items()
        if any(p.field == code for p in catalogue.procedures)
    }
    Field.objects.bulk_create(fields.values())
    rows = [
        Procedure(
            code=p.code,
            name=p.name,
            name_key=fold(p.name),
            field=fields[p.field],
            applies_agency=p.scope == "agency",
            applies_district=p.scope == "district",
            applies_commune=p.scope == "commune",
            time_limit=p.time_limit,
            time_limit_unit=p.time_unit,
            has_financial_obligation=p.financial,
            applicant_types=["business"] if p.field in BUSINESS_FIELDS else ["citizen"],
            essential=p.name == names.LAND_TAX_PROCEDURE or p.name.startswith("Đăng ký khai"),
            decision_number="1256/QĐ-UBND",
            decision_date=dt.date(2023, 8, 15),
            published_date=dt.date(2023, 8, 18),
            published_components=list(PUBLICATION_COMPONENTS),
        )
        for p in catalogue.procedures
    ]
    Procedure.objects.bulk_create(rows, batch_size=BATCH)
    by_code = {p.code: p for p in Procedure.objects.all()}
    _create_procedure_facts(catalogue, units, by_code)
    return by_code


def _create_procedure_facts(
    catalogue: Catalogue, units: dict[str, Unit], by_code: dict[str, Procedure]
) -> None:
    through = Procedure.agencies.through
    links, fees, levels, deployments = [], [], [], []
    for p in catalogue.procedures:
        proc = by_code[p.code]
        if p.agency:
            links.append(through(procedure_id=proc.pk, unit_id=units[p.agency].pk))
        if p.fee or p.financial:
            fee_name = "Lệ phí giải quyết thủ tục" if p.fee else "Thuế, lệ phí theo thông báo thuế"
            fees.append(ProcedureFee(procedure=proc, code="LP01", name=fee_name, amount=p.fee))
        levels.append(ServiceLevelVersion(procedure=proc, level=p.level, valid_from=LEVELS_SINCE))
        if p.upgraded:
            levels.append(
                ServiceLevelVersion(procedure=proc, level=p.upgraded, valid_from=CAMPAIGN_START)
            )
        if p.financial:
            deployments += _deployments(proc, p.payment_since)
    through.objects.bulk_create(links)
    ProcedureFee.objects.bulk_create(fees)
    ServiceLevelVersion.objects.bulk_create(levels)
    PaymentDeploymentVersion.objects.bulk_create(deployments)


def _deployments(proc: Procedure, since: dt.date | None) -> list[PaymentDeploymentVersion]:
    """Not deployed since 2023, then deployed from ``since`` (when it is)."""
    out = []
    if since is None or since > LEVELS_SINCE:
        off = PaymentDeploymentVersion(procedure=proc, deployed=False, valid_from=LEVELS_SINCE)
        out.append(off)
    if since is not None:
        out.append(PaymentDeploymentVersion(procedure=proc, deployed=True, valid_from=since))
    return out


# -- dossiers ---------------------------------------------------------------------------

DOSSIER_COLUMNS = (
    "id", "code", "procedure_id", "unit_id", "channel", "status", "applicant_type",
    "applicant_name", "applicant_id_masked", "applicant_id_hash", "phone_masked", "pii",
    "portal_account_id", "summary", "submitted_at", "received_at", "due_at", "finished_at",
    "refused_at", "returned_at", "result_delivery", "submitted_place", "handling_unit_name",
    "vneid_verified", "online_paid", "national_databases", "components", "fees", "results",
    "supplements", "sync_state", "synced_at", "content_hash", "version", "created_at",
    "updated_at", "applicant_key",
)  # fmt: skip
FLAG_COLUMNS = (
    "has_digitized_component", "all_components_filed", "has_result_file", "reused",
    "from_data_store", "supplement_count", "fee_total",
)  # fmt: skip
EVENT_COLUMNS = (
    "dossier_id", "seq", "kind", "recorded_at", "occurred_at", "actor_label", "source", "changes"
)  # fmt: skip
PAYMENT_COLUMNS = (
    "dossier_id", "reference", "amount", "channel", "gateway", "platform_flag", "state", "at"
)  # fmt: skip
CODE = "{MaHoSo}"  # placeholder for the dossier code in shared JSON
PEOPLE = 30_000  # applicants recur: dossiers draw from a pool of this many people


def create_dossiers(plan: Plan, units: dict[str, Unit], procedures: dict[str, Procedure]) -> int:
    """Write dossiers, one "created" event each, and payments; returns the payment count."""
    dossiers = Inserter(Dossier, DOSSIER_COLUMNS + FLAG_COLUMNS, prepared=True)
    events = Inserter(DossierEvent, EVENT_COLUMNS, prepared=True)
    payments = Inserter(Payment, PAYMENT_COLUMNS, prepared=True)
    writer = _DossierWriter(units, procedures, dossiers)
    paid = 0
    for chunk in _chunks(plan.dossiers, BATCH):
        rows = [writer.dossier(d) for d in chunk]
        dossiers.insert(rows)
        events.insert([writer.event(row) for row in rows])
        pairs = zip(chunk, rows, strict=True)
        payment_rows = [writer.payment(row[0], p) for d, row in pairs for p in d.payments]
        payments.insert(payment_rows)
        paid += len(payment_rows)
    reset_sequences(Dossier)
    return paid


def _chunks(items: Sequence[DossierPlan], size: int) -> Iterator[Sequence[DossierPlan]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class _DossierWriter:
    """Turns planned dossiers into rows for DOSSIER_COLUMNS + FLAG_COLUMNS.

    Dossiers share a few shapes of JSON collections (same procedure, same number of
    components filed, same result state…); each shape is serialized and its flags derived
    once, with a placeholder for the dossier code in the file links.
    """

    def __init__(
        self, units: dict[str, Unit], procedures: dict[str, Procedure], dossiers: Inserter
    ) -> None:
        self.units = units
        self.procedures = procedures
        self.next_id = next_id(Dossier)
        self.people: dict[tuple[int, bool], _Person] = {}
        self.time = dossiers.prepare
        self.stamp = dossiers.prepare(timezone.now())
        self.shapes: dict[tuple[Any, ...], tuple[str, str, str, str, tuple[Any, ...]]] = {}

    def person(self, bits: int, business: bool) -> _Person:
        key = (bits % PEOPLE, business)
        found = self.people.get(key)
        if found is None:
            found = self.people[key] = _Person(key[0] * 7919 + 13, business)
        return found

    def shape(self, d: DossierPlan) -> tuple[str, str, str, str, tuple[Any, ...]]:
        """JSON of components, fees, results, supplements (code left as CODE) and flags."""
        online_paid = any(p.online for p in d.payments)
        key = (d.proc.code, d.person % 2, d.digitized, d.reused, d.from_store, d.fee,
               online_paid, d.status in (9, 10), d.result_file, d.supplement)  # fmt: skip
        found = self.shapes.get(key)
        if found is None:
            components, fees = _components(d), _fees(d, online_paid)
            results, supplements = _results(d), _supplements(d)
            flags = derive_flags(components, fees, results, supplements)
            found = (_json(components), _json(fees), _json(results), _json(supplements),
                     tuple(flags[c] for c in FLAG_COLUMNS))  # fmt: skip
            self.shapes[key] = found
        return found

    def dossier(self, d: DossierPlan) -> tuple[Any, ...]:
        unit, proc = self.units[d.unit], self.procedures[d.proc.code]
        person = self.person(d.person, d.proc.field in BUSINESS_FIELDS)
        components, fees, results, supplements, flags = self.shape(d)
        synced = d.person % 50 != 0
        row_id, self.next_id = self.next_id, self.next_id + 1
        time = self.time
        received = time(d.received_at)
        return (
            row_id,
            d.code,
            proc.pk,
            unit.pk,
            2 if d.online else 1,
            d.status,
            ApplicantType.BUSINESS if person.business else ApplicantType.CITIZEN,
            person.name,
            person.id_masked,
            person.id_hash,
            person.phone_masked,
            person.token,
            f"vneid-{d.person % 10**9:09d}" if d.online else "",
            d.proc.name[:200],
            time(d.received_at - dt.timedelta(minutes=d.person % 2880)) if d.online else received,
            received,
            time(d.due_at) if d.due_at else None,
            time(d.finished_at) if d.finished_at else None,
            time(d.refused_at) if d.refused_at else None,
            time(d.returned_at) if d.returned_at else None,
            "Trả kết quả trực tuyến" if d.online else "Trả trực tiếp",
            "Cổng Dịch vụ công quốc gia" if d.online else _counter(unit),
            unit.name,
            d.vneid,
            max((p.flag for p in d.payments if p.online), default=0),
            '["CSDLQGDC"]' if d.vneid else "[]",
            components.replace(CODE, d.code),
            fees,
            results.replace(CODE, d.code),
            supplements,
            SyncState.ACKNOWLEDGED.value if synced else SyncState.PENDING.value,
            time(d.received_at + dt.timedelta(minutes=5)) if synced else None,
            _content_hash(d),
            1,
            self.stamp,
            self.stamp,
            person.key,
            *flags,
        )

    def event(self, row: tuple[Any, ...]) -> tuple[Any, ...]:
        changes = f'{{"status": [null, {row[5]}]}}'
        created = DossierEvent.Kind.CREATED.value
        return (row[0], 1, created, self.stamp, row[15], "motcua demo", "demo", changes)

    def payment(self, dossier_id: int, p: PaymentPlan) -> tuple[Any, ...]:
        channel = Payment.Channel.ONLINE if p.online else Payment.Channel.COUNTER
        gateway = "DVCQG" if p.flag == 1 else "VNPT Pay" if p.flag == 2 else ""
        at = self.time(p.at)
        return (dossier_id, p.reference, p.amount, channel.value, gateway, p.flag, "success", at)


def _json(value: list[dict[str, Any]]) -> str:
    return json.dumps(value, ensure_ascii=False) if value else "[]"


def _counter(unit: Unit) -> str:
    if unit.level == "agency":
        return CENTRE_NAME
    return f"Bộ phận Một cửa {unit.name}"


class _Person:
    """A deterministic applicant, with the personal data stored as pii.py says."""

    def __init__(self, bits: int, business: bool) -> None:
        self.business = business and bits % 3 == 0
        if self.business:
            self.name = names.BUSINESSES[bits % len(names.BUSINESSES)]
            id_number = f"6400{bits % 10**6:06d}"  # tax code
        else:
            surname = names.SURNAMES[bits % len(names.SURNAMES)]
            middle = names.MIDDLE[(bits >> 2) % len(names.MIDDLE)]
            given = names.GIVEN[(bits >> 5) % len(names.GIVEN)]
            self.name = f"{surname} {middle} {given}"
            year = 60 + bits % 45
            century = bits % 2 + (2 if year >= 100 else 0)
            id_number = f"067{century}{year % 100:02d}{bits * 37 % 10**6:06d}"
        phone = f"09{bits * 7717 % 10**8:08d}"
        self.key = fold(self.name)
        self.id_masked = pii.mask(id_number)
        self.id_hash = pii.id_hash(id_number)
        self.phone_masked = pii.mask(phone)
        self.token = pii.encrypt({"SoGiayTo": id_number, "SoDienThoai": phone})


def _components(d: DossierPlan) -> list[dict[str, Any]]:
    out = []
    for i, name in enumerate(d.proc.components[: 2 + d.person % 2]):
        reused = d.reused and i == 1
        filed = d.digitized or reused
        out.append(
            {
                "TenTepDinhKem": name,
                "MaThanhPhanHoSo": f"TP{i + 1}",
                "DuongDanTaiTepTin": f"{FILES}/{CODE}/tp{i + 1}.pdf" if filed else "",
                "DuocSoHoa": "1" if filed else "0",
                "DuocTaiSuDung": "1" if reused else "0",
                "DuocLayTuKhoDMQG": "1" if reused and d.from_store else "0",
            }
        )
    return out


def _fees(d: DossierPlan, online_paid: bool) -> list[dict[str, Any]]:
    if not d.fee:
        return []
    tax = d.proc.fee == 0
    return [
        {
            "TenPhiLePhi": "Thuế sử dụng đất, lệ phí trước bạ" if tax else "Lệ phí",
            "MaPhiLePhi": "LP01",
            "HinhThucThu": "2" if online_paid else "1",
            "Gia": d.fee,
            "LoaiPhiLePhi": "2" if tax else "1",
        }
    ]


def _results(d: DossierPlan) -> list[dict[str, Any]]:
    if d.status not in (9, 10):
        return []
    link = f"{FILES}/{CODE}/ketqua.pdf" if d.result_file else ""
    return [
        {"TenGiayTo": "Kết quả giải quyết", "MaGiayToKetQua": "KQ01", "DuongDanTepTinKetQua": link}
    ]


def _supplements(d: DossierPlan) -> list[dict[str, Any]]:
    if d.supplement is None:
        return []
    asked, supplied = d.supplement
    done = supplied <= NOW
    return [
        {
            "NgayBoSung": f"{asked:%Y%m%d%H%M%S}",
            "NgayTiepNhanBoSung": f"{supplied:%Y%m%d%H%M%S}" if done else "",
            "TrangThaiBoSung": "2" if done else "1",
        }
    ]


def _content_hash(d: DossierPlan) -> str:
    line = f"{d.code}|{d.proc.code}|{d.unit}|{d.online}|{d.status}|{d.received_at}|{d.due_at}"
    return hashlib.sha256(line.encode()).hexdigest()
