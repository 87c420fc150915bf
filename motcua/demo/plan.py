"""The demo's dossiers as plain data, drawn from one seeded random generator.

Nothing here touches the database except through the working-day calendar, so the same
seed always gives the same plan. Two parts:

* 01/01–16/07/2024 (the appendices' period) is built row by row to hit appendix 2 and 3
  exactly: each row's dossiers are allocated to its procedures (every procedure of its
  appendix-1 row gets at least one), exactly ``received_online`` of them online, exactly
  ``resolved_online`` of those processed (status 9/10) by 16/07, and the appendix-3
  payments on dedicated online dossiers.
* 17/07–31/12/2024 continues at the same daily volume; the 60-day campaign
  (01/09–31/10) raises the online share, digitization and online payment.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from typing import Protocol
from zoneinfo import ZoneInfo

from motcua.demo import units as demo_units
from motcua.demo.appendix import PERIOD_END, PERIOD_START, ROWS, Row, payment_rows
from motcua.demo.catalogue import FULL, PAID, PAPER, PARTIAL, Catalogue, ProcSpec, build_catalogue
from motcua.units.codes import to_identifier

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = dt.datetime(2024, 12, 31, 17, 0, tzinfo=TZ)  # the demo's fixed "now"
PERIOD_CLOSE = dt.datetime.combine(PERIOD_END, dt.time(23, 59, 59), tzinfo=TZ)
YEAR_END = dt.date(2024, 12, 31)
# Receipt moments: 15-minute slots of the office hours.
SLOTS = tuple(
    dt.time(h, m)
    for h in (7, 8, 9, 10, 11, 13, 14, 15, 16)
    for m in (0, 15, 30, 45)
    if (7, 30) <= (h, m) < (11, 30) or (13, 0) <= (h, m) < (17, 0)
)


@dataclass(frozen=True)
class Segment:
    """A stretch of 2024 after the appendices' period, with its behaviour."""

    name: str
    start: dt.date
    end: dt.date
    volume: float  # daily volume relative to the first half-year
    agency_boost: float  # online share added to the first half-year's rate
    district_boost: float
    digitized: float  # share of counter dossiers with files attached
    reused: float
    result_file: float
    online_payment: float  # share of payable online dossiers paid online


FIRST_HALF = Segment(
    "first_half",
    PERIOD_START,
    PERIOD_END,
    volume=1.0,
    agency_boost=0,
    district_boost=0,
    digitized=0.35,
    reused=0.08,
    result_file=0.6,
    online_payment=0,
)
SEGMENTS = (
    Segment(
        "before", dt.date(2024, 7, 17), dt.date(2024, 8, 31), volume=0.85, agency_boost=0.02,
        district_boost=0.02, digitized=0.4, reused=0.1, result_file=0.65, online_payment=0.3,
    ),
    Segment(
        "campaign", dt.date(2024, 9, 1), dt.date(2024, 10, 31), volume=0.95, agency_boost=0.25,
        district_boost=0.16, digitized=0.75, reused=0.25, result_file=0.9, online_payment=0.65,
    ),
    Segment(
        "after", dt.date(2024, 11, 1), YEAR_END, volume=0.85, agency_boost=0.2,
        district_boost=0.12, digitized=0.7, reused=0.22, result_file=0.85, online_payment=0.55,
    ),
)  # fmt: skip


class Calendar(Protocol):
    """The part of the working-day calendar the demo uses (motcua.calendar.services)."""

    def due_at(
        self, received_at: dt.datetime, limit: Decimal | int, unit: str = ...
    ) -> dt.datetime: ...

    def is_working_day(self, day: dt.date) -> bool: ...


@dataclass(slots=True)
class PaymentPlan:
    reference: str
    amount: int
    online: bool
    flag: int  # OnlinePaid: 0 counter, 1 DVCQG, 2 own gateway
    at: dt.datetime


@dataclass(slots=True)
class DossierPlan:
    index: int
    proc: ProcSpec
    unit: str
    online: bool
    segment: Segment
    received_at: dt.datetime
    kind: str = "free"  # "resolve", "unresolved" (first half, online) or "free"
    code: str = ""
    due_at: dt.datetime | None = None
    status: int = 10
    finished_at: dt.datetime | None = None
    refused_at: dt.datetime | None = None
    returned_at: dt.datetime | None = None
    supplement: tuple[dt.datetime, dt.datetime] | None = None
    digitized: bool = False
    reused: bool = False
    from_store: bool = False
    result_file: bool = False
    vneid: bool = False
    person: int = 0
    fee: int = 0
    payments: list[PaymentPlan] = field(default_factory=list)


@dataclass
class Plan:
    catalogue: Catalogue
    dossiers: list[DossierPlan]

    def fingerprint(self) -> str:
        """A hash of every dossier's code, procedure, channel, status and dates."""
        digest = hashlib.sha256()
        for d in self.dossiers:
            line = f"{d.code}|{d.proc.code}|{d.online}|{d.status}|{d.received_at}|{d.finished_at}"
            digest.update(line.encode())
        return digest.hexdigest()


def make_plan(seed: int, calendar: Calendar) -> Plan:
    return Planner(seed, calendar).plan()


class Planner:
    def __init__(self, seed: int, calendar: Calendar) -> None:
        self.rng = random.Random(seed)
        self.cal = calendar
        self.catalogue = build_catalogue(self.rng)
        self.due: Callable[[dt.datetime, Decimal, str], dt.datetime] = lru_cache(maxsize=None)(
            calendar.due_at
        )
        self.dossiers: list[DossierPlan] = []
        self.mix: dict[str, list[ProcSpec]] = {}  # first-half procedures per row, repeated
        self.used: dict[str, set[str]] = {}
        self.payments = 0

    # -- the whole plan ------------------------------------------------------------------

    def plan(self) -> Plan:
        first_days = self.working_days(PERIOD_START, PERIOD_END)
        for row in ROWS:
            self.first_half(row, first_days)
        for row in ROWS:
            for segment in SEGMENTS:
                self.later(row, segment, len(first_days))
        for d in self.dossiers:
            self.finish(d)
        self.assign_codes()
        return Plan(self.catalogue, self.dossiers)

    def working_days(self, start: dt.date, end: dt.date) -> list[dt.date]:
        days = (start + dt.timedelta(n) for n in range((end - start).days + 1))
        return [d for d in days if self.cal.is_working_day(d)]

    def moment(self, days: Sequence[dt.date]) -> dt.datetime:
        day = days[self.rng.randrange(len(days))]
        return dt.datetime.combine(day, SLOTS[self.rng.randrange(len(SLOTS))], tzinfo=TZ)

    def add(
        self, proc: ProcSpec, row: Row, online: bool, seg: Segment, at: dt.datetime
    ) -> DossierPlan:
        plan = DossierPlan(len(self.dossiers), proc, self.unit_for(row, proc), online, seg, at)
        self.dossiers.append(plan)
        return plan

    def unit_for(self, row: Row, proc: ProcSpec) -> str:
        """Agency rows handle their own; a district's commune procedures go to a commune."""
        if proc.scope != "commune":
            return row.code
        district = next(d for d in demo_units.DISTRICTS if d.code == row.code)
        return demo_units.commune_code(district, self.rng.randrange(len(district.communes)))

    # -- 01/01–16/07: the appendices -----------------------------------------------------

    def first_half(self, row: Row, days: list[dt.date]) -> None:
        used = self.catalogue.used[row.code]
        pay = payment_rows().get(row.code)
        reserved: list[tuple[ProcSpec, int]] = []
        amounts: list[int] = []
        if pay is not None:
            proc = next(p for lv in used.values() for p in lv if p.name in PAID)
            reserved, amounts = [(proc, pay.count)], self.split(proc, pay.count, pay.amount)
        drafts = allocate(self.rng, used, row.received, row.received_online, reserved)
        self.mix[row.code] = [proc for proc, _on in drafts]
        self.used[row.code] = {proc.code for proc in self.mix[row.code]}
        online = [i for i, (_p, on) in enumerate(drafts) if on]
        resolved = set(self.rng.sample(online, row.resolved_online))
        early = days[:-3]  # payments must fall inside the period
        for i, (proc, on) in enumerate(drafts):
            at = self.moment(early if i < len(amounts) else days)
            d = self.add(proc, row, on, FIRST_HALF, at)
            d.kind = "free" if not on else "resolve" if i in resolved else "unresolved"
            if i < len(amounts):
                d.fee = amounts[i]
                paid_at = min(at + dt.timedelta(hours=self.rng.randint(1, 30)), PERIOD_CLOSE)
                d.payments.append(self.payment(amounts[i], True, 1, paid_at))

    def split(self, proc: ProcSpec, count: int, amount: int) -> list[int]:
        """``count`` positive amounts summing to ``amount``: the fee, or shares of the tax."""
        if proc.fee:
            if proc.fee * count != amount:
                raise ValueError(f"{proc.name}: {count} × {proc.fee} ≠ {amount}")
            return [proc.fee] * count
        weights = [self.rng.uniform(0.2, 3.0) for _ in range(count)]
        total = sum(weights)
        parts = [max(1000, int(amount * w / total) // 1000 * 1000) for w in weights]
        parts[-1] += amount - sum(parts)
        if parts[-1] <= 0:
            raise ValueError("could not split the amount")
        return parts

    def payment(self, amount: int, online: bool, flag: int, at: dt.datetime) -> PaymentPlan:
        self.payments += 1
        prefix = "DVCQG" if flag == 1 else "DNO" if flag == 2 else "QUAY"
        return PaymentPlan(f"{prefix}-2024-{self.payments:07d}", amount, online, flag, at)

    # -- 17/07–31/12: the trend and the campaign -----------------------------------------

    def later(self, row: Row, seg: Segment, first_half_days: int) -> None:
        """The same daily volume and procedure mix as in the first half, more of it online.

        Each dossier takes the procedure of a random first-half dossier of the row (or,
        rarely, one of the row's procedures that had none); it is online with the
        probability that gives the segment's target share.
        """
        days = self.working_days(seg.start, seg.end)
        count = round(row.received / first_half_days * len(days) * seg.volume)
        mix = self.mix[row.code]
        idle = [p for p in self.catalogue.applied[row.code] if p.code not in self.used[row.code]]
        boost = seg.agency_boost if row.code in _AGENCY_ROWS else seg.district_boost
        target = min(0.995, row.received_online / row.received + boost)
        online_share = sum(1 for p in mix if p.online_on(seg.start)) / len(mix)
        chance = min(1.0, target / online_share) if online_share else 0.0
        rng = self.rng
        for _ in range(count):
            if idle and rng.random() < 0.01:
                proc = idle[rng.randrange(len(idle))]
            else:
                proc = mix[rng.randrange(len(mix))]
            at = self.moment(days)
            self.add(proc, row, proc.online_on(at.date()) and rng.random() < chance, seg, at)

    # -- outcomes -----------------------------------------------------------------------

    def finish(self, d: DossierPlan) -> None:
        """Due date, status and dates, documents and payments of one dossier."""
        rng, seg = self.rng, d.segment
        d.due_at = self.due(d.received_at, d.proc.time_limit, d.proc.time_unit)
        if d.kind == "resolve":
            self.resolve(d)
        elif d.kind == "unresolved":
            self.unresolved(d)
        else:
            self.usual(d)
        d.digitized = d.online or rng.random() < seg.digitized
        d.reused = rng.random() < seg.reused
        d.from_store = d.reused and rng.random() < 0.5
        d.result_file = d.status in (9, 10) and rng.random() < seg.result_file
        d.vneid = d.online and rng.random() < 0.5
        d.person = rng.getrandbits(40)
        if seg is not FIRST_HALF:
            self.later_payment(d)
        if d.fee == 0 and d.proc.fee:
            d.fee = d.proc.fee
        if d.fee and not d.payments and d.status in (9, 10) and d.finished_at:
            d.payments.append(self.payment(d.fee, False, 0, d.finished_at))

    def resolve(self, d: DossierPlan) -> None:
        """Processed (9/10) no later than the end of the appendices' period."""
        assert d.due_at is not None
        bound = min(d.due_at, PERIOD_CLOSE)
        if bound <= d.received_at:
            bound = d.received_at + dt.timedelta(hours=1)
        self.done(d, d.received_at + (bound - d.received_at) * self.rng.uniform(0.15, 1.0))

    def unresolved(self, d: DossierPlan) -> None:
        """Received online in the period but not processed in it.

        Most were processed and only closed in the system after 16/07, during the
        campaign's clean-up (task 1 of the plan); some were refused, withdrawn or stopped;
        a few are still open at the end of 2024.
        """
        rng = self.rng
        u = rng.random()
        if u < 0.12:
            status = rng.choice((3, 3, 7, 8))
            at = d.received_at + dt.timedelta(hours=rng.randint(1, 72))
            self.end(d, status, at)
        elif u < 0.15:
            d.status = 4
        else:
            start = max(PERIOD_CLOSE, d.received_at + dt.timedelta(days=1))
            self.done(d, start + dt.timedelta(hours=rng.randint(1, 24 * 100)))

    def usual(self, d: DossierPlan) -> None:
        rng = self.rng
        assert d.due_at is not None
        u = rng.random()
        if u < 0.025:
            self.end(d, 3, d.received_at + dt.timedelta(minutes=rng.randint(20, 600)))
            return
        if u < 0.04:
            self.end(d, 7, d.received_at + dt.timedelta(hours=rng.randint(4, 120)))
            return
        if u < 0.045:
            self.end(d, 8, d.received_at + dt.timedelta(hours=rng.randint(4, 240)))
            return
        span = max(d.due_at - d.received_at, dt.timedelta(hours=1))
        if rng.random() < (0.05 if d.segment.name in ("campaign", "after") else 0.08):
            finished = d.due_at + dt.timedelta(hours=rng.randint(2, 240))
        else:
            finished = d.received_at + span * rng.uniform(0.2, 0.98)
        if rng.random() < 0.04:
            asked = d.received_at + span * 0.2
            supplied = asked + dt.timedelta(hours=rng.randint(24, 120))
            d.supplement = (asked, supplied)
            finished += supplied - asked
        if finished > NOW:
            d.status = 5 if d.supplement and d.supplement[1] > NOW else rng.choice((2, 4, 4, 4, 6))
        else:
            self.done(d, finished)

    def done(self, d: DossierPlan, at: dt.datetime) -> None:
        if at > NOW:
            d.status = 4
            return
        d.status = 10 if self.rng.random() < 0.85 else 9
        d.finished_at = at
        if d.status == 10:
            d.returned_at = min(NOW, at + dt.timedelta(minutes=self.rng.randint(5, 600)))

    def end(self, d: DossierPlan, status: int, at: dt.datetime) -> None:
        """Refused (3), withdrawn (7) or stopped (8)."""
        d.status, d.finished_at = status, min(at, NOW)
        if status == 3:
            d.refused_at = d.finished_at

    def later_payment(self, d: DossierPlan) -> None:
        proc = d.proc
        payable = proc.fee > 0 or proc.financial
        if not payable or d.status in (3, 7, 8):
            return
        amount = proc.fee or self.rng.randint(300, 25_000) * 1000
        deployed = proc.payment_since is not None and proc.payment_since <= d.received_at.date()
        if d.online and deployed and self.rng.random() < d.segment.online_payment:
            d.fee = amount
            flag = 1 if self.rng.random() < 0.8 else 2
            at = min(NOW, d.received_at + dt.timedelta(hours=self.rng.randint(1, 30)))
            d.payments.append(self.payment(amount, True, flag, at))
        elif proc.fee:
            d.fee = amount

    # -- codes ---------------------------------------------------------------------------

    def assign_codes(self) -> None:
        """``<unit identifier>-YYMMDD-NNNN``, numbered by receipt within unit and day."""
        identifiers = {code: to_identifier(code) for code in {d.unit for d in self.dossiers}}
        counters: dict[tuple[str, dt.date], int] = {}
        for d in sorted(self.dossiers, key=lambda d: (d.unit, d.received_at, d.index)):
            key = (d.unit, d.received_at.date())
            counters[key] = counters.get(key, 0) + 1
            d.code = f"{identifiers[d.unit]}-{d.received_at:%y%m%d}-{counters[key]:04d}"


_AGENCY_ROWS = frozenset(code for code, _name in demo_units.AGENCIES)


def allocate(
    rng: random.Random,
    used: dict[str, list[ProcSpec]],
    total: int,
    online: int,
    reserved: Sequence[tuple[ProcSpec, int]] = (),
) -> list[tuple[ProcSpec, bool]]:
    """``total`` (procedure, online?) pairs, ``online`` of them online, every procedure used.

    Reserved online dossiers come first. Paper-only procedures get counter dossiers (an
    online one only when the row has no counter dossier left, see docs/demo.md); every
    online procedure gets one dossier, then the rest follow the procedures' popularity.
    """
    paper, on_procs = used[PAPER], used[PARTIAL] + used[FULL]
    out: list[tuple[ProcSpec, bool]] = [(p, True) for p, n in reserved for _ in range(n)]
    on_left, off_left = online - len(out), total - online
    covered = {p.code for p, _n in reserved}
    for p in paper:
        if off_left:
            out.append((p, False))
            off_left -= 1
        else:
            out.append((p, True))
            on_left -= 1
    for p in on_procs:
        if p.code in covered:
            continue
        if on_left > 0:
            out.append((p, True))
            on_left -= 1
        elif off_left > 0:
            out.append((p, False))
            off_left -= 1
        else:
            raise ValueError("more procedures than dossiers")
    if on_left < 0 or off_left < 0:
        raise ValueError("the reserved and covering dossiers exceed the row's counts")
    every = paper + on_procs
    out += [(p, True) for p in _draw(rng, on_procs or paper, on_left)]
    out += [(p, False) for p in _draw(rng, every, off_left)]
    return out


def _draw(rng: random.Random, procs: list[ProcSpec], k: int) -> list[ProcSpec]:
    if k == 0:
        return []
    return rng.choices(procs, weights=[p.weight for p in procs], k=k)


__all__ = ["FULL", "NOW", "PAPER", "PARTIAL", "Plan", "allocate", "make_plan"]
