"""A large synthetic province for the indicator benchmark (not used by the application).

``generate(n, seed)`` writes, into the current (empty) database: one province with 30
provincial agencies and 12 districts of 9 communes each (151 units), 2,000 procedures with
service-level history, fees and time limits, and ``n`` dossiers received over 2024 with the
spread of facts the indicators look at (channels, statuses, late and on-time finishes,
supplement requests, missing due dates, digitization, reuse, payment, sync state).
Dossiers go in with the demo's fast inserter; the aggregates are left to the caller.
"""

from __future__ import annotations

import datetime as dt
import json
import random
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.db import transaction

from motcua.calendar.services import current_calendar
from motcua.core.bulk import Inserter, large_sqlite_cache, reset_sequences
from motcua.core.text import fold
from motcua.dossiers.models import Dossier, SyncState
from motcua.indicators.period import local_zone
from motcua.procedures.models import Procedure, ServiceLevelVersion
from motcua.units.models import Level, Unit, UnitParent

YEAR = 2024
AGENCIES = 30  # each with its own procedures
DISTRICTS = 12
COMMUNES_PER_DISTRICT = 9
PROCEDURES = 2000
NOW = dt.datetime(2025, 1, 20, 12, 0)  # dossiers "finishing" after this are still open
BATCH = 20_000

COLUMNS = (
    "code",
    "procedure_id",
    "unit_id",
    "channel",
    "status",
    "applicant_type",
    "received_at",
    "submitted_at",
    "due_at",
    "finished_at",
    "refused_at",
    "returned_at",
    "supplements",
    "supplement_count",
    "all_components_filed",
    "has_result_file",
    "reused",
    "from_data_store",
    "sync_state",
    "online_paid",
    "fee_total",
    "vneid_verified",
    "national_databases",
    "content_hash",
    "created_at",
    "updated_at",
)


def create_units() -> dict[str, list[int]]:
    """The unit tree; returns unit ids by level."""
    since = dt.date(2020, 1, 1)
    by_level: dict[str, list[int]] = {lv: [] for lv in Level.values}

    def add(code: str, name: str, level: str, parent: Unit | None) -> Unit:
        unit = Unit.objects.create(code=code, name=name, level=level, valid_from=since)
        by_level[level].append(unit.pk)
        if parent is not None:
            UnitParent.objects.create(unit=unit, parent=parent, valid_from=since)
        return unit

    root = add("H99", "UBND tỉnh Thử nghiệm", Level.PROVINCE, None)
    for i in range(1, AGENCIES + 1):
        add(f"H99.{i:02d}", f"Sở thử nghiệm số {i}", Level.AGENCY, root)
    for d in range(DISTRICTS):
        district = add(f"H99.{40 + d}", f"UBND huyện Thử nghiệm {d + 1}", Level.DISTRICT, root)
        for c in range(COMMUNES_PER_DISTRICT):
            add(f"H99.{40 + d}.{c + 1:02d}", f"UBND xã {d + 1}-{c + 1}", Level.COMMUNE, district)
    return by_level


def create_procedures(rng: random.Random) -> dict[str, list[tuple[int, int, int, bool]]]:
    """Procedures per level: (id, time limit in working days, fee, requires result)."""
    levels = ["agency"] * 1400 + ["district"] * 380 + ["commune"] * 220
    procs = []
    for i, level in enumerate(levels[:PROCEDURES]):
        name = f"Thủ tục thử nghiệm số {i + 1}"
        fee = rng.choice([0, 0, 0, 20_000, 50_000, 100_000, 500_000])
        procs.append(
            Procedure(
                code=f"9.{i + 1:06d}",
                name=name,
                name_key=fold(name),
                applies_agency=level == "agency",
                applies_district=level == "district",
                applies_commune=level == "commune",
                time_limit=Decimal(rng.choice([1, 2, 3, 5, 5, 7, 10, 15, 20, 30])),
                has_fee=fee > 0,
                has_financial_obligation=fee > 0,
                requires_result=rng.random() < 0.85,
            )
        )
    Procedure.objects.bulk_create(procs, batch_size=1000)
    created = list(Procedure.objects.order_by("code"))
    versions = []
    by_level: dict[str, list[tuple[int, int, int, bool]]] = {}
    for proc, level in zip(created, levels, strict=True):
        start = rng.choice(["none", "partial", "partial", "full"])
        versions.append(
            ServiceLevelVersion(procedure=proc, level=start, valid_from=dt.date(2023, 1, 1))
        )
        if start != "full" and rng.random() < 0.3:
            versions.append(
                ServiceLevelVersion(procedure=proc, level="full", valid_from=dt.date(YEAR, 7, 1))
            )
        fee = 0 if not proc.has_fee else rng.choice([20_000, 50_000, 100_000, 500_000])
        item = (proc.pk, int(proc.time_limit), fee, proc.requires_result)
        by_level.setdefault(level, []).append(item)
    ServiceLevelVersion.objects.bulk_create(versions, batch_size=2000)
    return by_level


class _Dossiers:
    def __init__(self, rng: random.Random, units: dict[str, list[int]], procs: Any) -> None:
        self.rng = rng
        self.calendar = current_calendar()
        self.zone = local_zone()
        self.due_cache: dict[tuple[dt.datetime, int], dt.datetime] = {}
        # Heavier units first: agencies and districts receive most dossiers.
        self.units: list[tuple[int, str]] = []
        weights: list[float] = []
        for level, weight in (("agency", 4.0), ("district", 3.0), ("commune", 1.0)):
            for uid in units[level]:
                self.units.append((uid, level))
                weights.append(weight * rng.uniform(0.2, 1.8))
        self.unit_cum = _cumulative(weights)
        # Each agency handles its own procedures (Sở Tư pháp its justice procedures...);
        # districts and communes share their level's. A skewed (Zipf-like) choice within.
        agencies = units["agency"]
        agency_procs = procs["agency"]
        self.procs = {uid: agency_procs[i :: len(agencies)] for i, uid in enumerate(agencies)} | {
            "district": procs["district"],
            "commune": procs["commune"],
        }
        self.proc_cum = {
            key: _cumulative([1 / (r + 1) for r in range(len(items))])
            for key, items in self.procs.items()
        }
        days = [dt.date(YEAR, 1, 1) + dt.timedelta(days=i) for i in range(366)]
        self.days = [d for d in days if d.year == YEAR and self.calendar.is_working_day(d)]

    def due(self, received: dt.datetime, limit: int) -> dt.datetime:
        key = (received.replace(minute=0, second=0), limit)
        found = self.due_cache.get(key)
        if found is None:
            found = self.due_cache[key] = self.calendar.due_at(key[0], limit)
        return found + (received - key[0])

    def row(self, n: int) -> tuple[Any, ...]:
        rng = self.rng
        unit_id, level = self.units[_pick(self.unit_cum, rng.random())]
        pool = unit_id if level == "agency" else level
        items = self.procs[pool]
        proc_id, limit, fee, requires_result = items[_pick(self.proc_cum[pool], rng.random())]
        day = self.days[rng.randrange(len(self.days))]
        received = dt.datetime.combine(day, dt.time(7, 30), self.zone) + dt.timedelta(
            minutes=rng.randrange(0, 540)
        )
        channel = 2 if rng.random() < 0.45 else (3 if rng.random() < 0.05 else 1)
        due = self.due(received, limit)
        supplements: list[dict[str, str]] = []
        r = rng.random()
        if r < 0.06:
            asked = received + dt.timedelta(days=1)
            for _ in range(1 if r < 0.05 else 2):
                supplied = asked + dt.timedelta(days=rng.randint(1, 6))
                supplements.append(
                    {
                        "NgayBoSung": f"{asked:%Y%m%d%H%M%S}",
                        "NgayTiepNhanBoSung": f"{supplied:%Y%m%d%H%M%S}",
                    }
                )
                asked = supplied + dt.timedelta(days=1)
        lag = dt.timedelta(days=rng.uniform(0.1, 1.35 * limit * 7 / 5 + 1))
        finished: dt.datetime | None = received + lag
        status, refused, returned = 10, None, None
        if finished is not None and finished.replace(tzinfo=None) > NOW:
            finished, status = None, rng.choice([2, 4, 4, 5, 6])
        else:
            s = rng.random()
            if s < 0.03:
                status, refused = 3, finished
            elif s < 0.04:
                status = 7
            elif s < 0.05:
                status = 8
            elif s < 0.25:
                status = 9
            else:
                returned = finished + dt.timedelta(hours=rng.randint(1, 30)) if finished else None
        done = status in (9, 10)
        online = channel == 2
        paid = 0
        if fee and done and rng.random() < (0.6 if online else 0.1):
            paid = 1 if rng.random() < 0.7 else 2
        vneid = online and rng.random() < 0.6
        return (
            f"B{n:09d}",
            proc_id,
            unit_id,
            channel,
            status,
            1 if rng.random() < 0.85 else 2,
            received,
            received - dt.timedelta(hours=3) if online else received,
            None if rng.random() < 0.08 else due,
            finished,
            refused,
            returned,
            json.dumps(supplements) if supplements else "[]",
            len(supplements),
            rng.random() < 0.8,
            done and requires_result and rng.random() < 0.7,
            rng.random() < 0.2,
            rng.random() < 0.15,
            SyncState.ACKNOWLEDGED.value if rng.random() < 0.95 else SyncState.PENDING.value,
            paid,
            fee,
            vneid,
            '[{"MaCSDL": "CSDLQGDC"}]' if rng.random() < 0.3 else "[]",
            "bench",
            NOW.replace(tzinfo=self.zone),
            NOW.replace(tzinfo=self.zone),
        )


def _cumulative(weights: list[float]) -> list[float]:
    total, out = 0.0, []
    for w in weights:
        total += w
        out.append(total)
    return [x / total for x in out]


def _pick(cum: list[float], u: float) -> int:
    import bisect

    return min(bisect.bisect_left(cum, u), len(cum) - 1)


def _batches(rows: Iterator[tuple[Any, ...]], size: int) -> Iterator[list[tuple[Any, ...]]]:
    batch: list[tuple[Any, ...]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def generate(n: int, seed: int = 766) -> None:
    rng = random.Random(seed)
    with transaction.atomic(), large_sqlite_cache():
        units = create_units()
        procs = create_procedures(rng)
        maker = _Dossiers(rng, units, procs)
        inserter = Inserter(Dossier, COLUMNS)
        for batch in _batches((maker.row(i) for i in range(n)), BATCH):
            inserter.insert(batch)
        reset_sequences(Dossier)
