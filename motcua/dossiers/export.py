"""Dossier export in the formats the importer reads: DVCQG JSON and the flat CSV.

Dossiers received in a date range (local dates, inclusive) are read in id order, one page
of ``PAGE`` at a time, and written as they are read, so memory stays bounded. Every value is
spelled as DVCQG spells it (dates ``yyyyMMddHHmmss``, flags "0"/"1") and the source fields
motcua keeps in ``Dossier.extra`` are written back, so importing an export reproduces it.
Exports contain personal data in clear: each run is recorded in the audit trail.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, TextIO

from django.db.models import Q, QuerySet

from motcua.audit.log import record as audit
from motcua.dossiers import formats as f
from motcua.dossiers import pii
from motcua.dossiers.models import Dossier, Payment
from motcua.procedures.models import Field, Procedure
from motcua.units.codes import normalize_unit_code
from motcua.units.models import Unit

FORMATS = ("dvcqg-json", "csv")
PAGE = 2000
Record = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Exported:
    hoso: Record
    steps: list[Record]


def export_dossiers(
    out: TextIO,
    *,
    start: dt.date,
    end: dt.date,
    fmt: str = "dvcqg-json",
    unit_code: str | None = None,
    actor: str = "export",
) -> int:
    """Write the dossiers received from ``start`` to ``end`` to ``out``; their number."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (expected {' or '.join(FORMATS)})")
    dossiers = _selection(start, end, unit_code)
    records = _records(dossiers)
    count = _write_json(out, records) if fmt == "dvcqg-json" else _write_csv(out, records)
    audit(
        "dossiers.export",
        actor=actor,
        object_type="dossier",
        start=start.isoformat(),
        end=end.isoformat(),
        unit=unit_code or "",
        format=fmt,
        count=count,
    )
    return count


def _selection(start: dt.date, end: dt.date, unit_code: str | None) -> QuerySet[Dossier]:
    zone = f.local_zone()
    since = dt.datetime.combine(start, dt.time(), tzinfo=zone)
    until = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), tzinfo=zone)
    dossiers = Dossier.objects.filter(received_at__gte=since, received_at__lt=until)
    if unit_code:
        code = normalize_unit_code(unit_code)
        if not Unit.objects.filter(code=code).exists():
            raise ValueError(f"no unit has the code {code}")
        dossiers = dossiers.filter(unit__code=code)
    return dossiers


class _Catalogue:
    """Procedure and unit descriptions, loaded once."""

    def __init__(self) -> None:
        rows = Field.objects.values_list("pk", "code", "name")
        fields = {pk: (code, name) for pk, code, name in rows}
        self.procedures: dict[int, Record] = {}
        for pk, code, name, field_id in Procedure.objects.values_list(
            "pk", "code", "name", "field_id"
        ):
            field_code, field_name = fields.get(field_id, ("", "")) if field_id else ("", "")
            self.procedures[pk] = {
                "MaTTHC": code,
                "TenTTHC": name,
                "MaLinhVuc": field_code,
                "TenLinhVuc": field_name,
            }
        self.unit_codes = dict(Unit.objects.filter(code__isnull=False).values_list("pk", "code"))

    @classmethod
    def of(cls, dossier: Dossier) -> _Catalogue:
        """Just the dossier's procedure and unit, from the instance (no catalogue query)."""
        catalogue = cls.__new__(cls)
        procedure, field = dossier.procedure, dossier.procedure.field
        catalogue.procedures = {
            procedure.pk: {
                "MaTTHC": procedure.code,
                "TenTTHC": procedure.name,
                "MaLinhVuc": field.code if field else "",
                "TenLinhVuc": field.name if field else "",
            }
        }
        catalogue.unit_codes = {dossier.unit_id: dossier.unit.code} if dossier.unit.code else {}
        return catalogue


def _records(dossiers: QuerySet[Dossier]) -> Iterator[Exported]:
    catalogue = _Catalogue()
    last = 0
    while True:
        page = list(dossiers.filter(id__gt=last).order_by("id")[:PAGE])
        if not page:
            return
        payments = _payments(page)
        for dossier in page:
            yield exported(dossier, catalogue, payments.get(dossier.pk, []))
        last = page[-1].pk


def _payments(page: list[Dossier]) -> dict[int, list[Record]]:
    found: dict[int, list[Record]] = {}
    rows = Payment.objects.filter(Q(dossier__in=[d.pk for d in page])).order_by("id")
    for p in rows:
        item = f.payment_item(
            p.reference, p.amount, p.channel, p.gateway, p.platform_flag, p.state, p.at
        )
        found.setdefault(p.dossier_id, []).append(item)
    return found


def exported(dossier: Dossier, catalogue: _Catalogue, payments: list[Record]) -> Exported:
    """One dossier as a DVCQG HoSo (every field present; "" / [] for empty) and its steps."""
    hoso: Record = {"MaHoSo": dossier.code, **catalogue.procedures[dossier.procedure_id]}
    hoso[f.UNIT_CODE] = catalogue.unit_codes.get(dossier.unit_id, "")
    for key, (column, kind) in f.SCALARS.items():
        hoso[key] = _spell(kind, getattr(dossier, column))
    personal = pii.reveal(dossier.pii)
    for key in f.PII_TEXT:
        hoso[key] = personal.get(key, "")
    hoso[f.PII_LIST] = personal.get(f.PII_LIST, [])
    for key, (column, *_rest) in f.COLLECTIONS.items():
        if key != f.STEPS:
            hoso[key] = getattr(dossier, column)
    hoso.update(dossier.extra)
    hoso[f.PAYMENTS] = payments
    steps = [{"MaHoSo": dossier.code, **step} for step in dossier.steps]
    return Exported(hoso, steps)


def exported_one(dossier: Dossier) -> Exported:
    """One dossier as export writes it, from the instance in memory (its unsaved values
    included); its payments are read from the database."""
    payments = _payments([dossier]).get(dossier.pk, []) if dossier.pk else []
    return exported(dossier, _Catalogue.of(dossier), payments)


def records(dossiers: QuerySet[Dossier]) -> Iterator[Exported]:
    """The exported form of ``dossiers``, read in id order one page at a time."""
    return _records(dossiers)


def _spell(kind: str, value: Any) -> str:
    if value is None:
        return ""
    if kind == "date":
        return f.format_datetime(value)
    if kind == "flag":
        return "1" if value else "0"
    return str(value)


def _write_json(out: TextIO, records: Iterator[Exported]) -> int:
    count = 0
    out.write("[")
    for item in records:
        out.write(",\n" if count else "\n")
        wrapper = {"hoSo": item.hoso, "tienTrinhDongBo": item.steps}
        out.write(json.dumps(wrapper, ensure_ascii=False))
        count += 1
    out.write("\n]\n")
    return count


def _write_csv(out: TextIO, records: Iterator[Exported]) -> int:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(f.CSV_COLUMNS)
    count = 0
    for item in records:
        writer.writerow(csv_row(item))
        count += 1
    return count


def csv_row(item: Exported) -> list[str]:
    """The flat CSV cells of one exported dossier (collections as JSON in a cell)."""
    hoso = item.hoso
    cells = [str(hoso.get(key, "")) for key in f.CSV_SCALARS]
    for key in f.CSV_LISTS:
        values = item.steps if key == f.STEPS else hoso.get(key, [])
        if key == f.STEPS:
            values = [{k: v for k, v in step.items() if k != "MaHoSo"} for step in values]
        cells.append(json.dumps(values, ensure_ascii=False) if values else "")
    known = set(f.CSV_COLUMNS)
    extra = {k: v for k, v in hoso.items() if k not in known and k not in f.PROCEDURE_FIELDS}
    cells.append(json.dumps(extra, ensure_ascii=False) if extra else "")
    return cells
