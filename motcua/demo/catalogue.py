"""The demo procedure catalogue: which procedures exist, at which level, with what facts.

Every provincial agency gets exactly the procedures its appendix-1 row needs (paper /
partial / full, all producing dossiers in the first half of 2024) plus two that produced
none. District and commune procedures form one local pool applied by every district and
commune; each district row uses its own subset of it. On 01/09/2024, the campaign's first
day, some procedures move up one service level and online payment is deployed for most
procedures with fees. Procedure codes are illustrative (``1.0xxxxx``).
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from decimal import Decimal

from motcua.demo import names
from motcua.demo.appendix import ROWS, Row

PAPER, PARTIAL, FULL = "none", "partial", "full"
LEVELS = (PAPER, PARTIAL, FULL)
CAMPAIGN_START = dt.date(2024, 9, 1)
LEVELS_SINCE = dt.date(2023, 1, 1)
EXTRA_PER_AGENCY = 2
LOCAL_DISTRICT_COUNT = 72
LOCAL_LEVEL_COUNTS = {PAPER: 23, PARTIAL: 23, FULL: 72}

# Procedures behind appendix 3: name -> (fee in VND, level in the first half of 2024).
PAID: dict[str, tuple[int, str]] = {
    "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, người nước ngoài đang cư trú": (
        200_000,
        FULL,
    ),
    "Cấp đổi giấy phép lái xe do ngành Giao thông vận tải cấp": (115_000, PARTIAL),
    "Cấp Giấy chứng nhận cơ sở đủ điều kiện an toàn thực phẩm nông lâm thủy sản": (
        700_000,
        FULL,
    ),
    "Cung cấp dữ liệu đất đai": (300_000, PARTIAL),
    names.LAND_TAX_PROCEDURE: (0, FULL),
}
FEE_CHOICES = (0, 0, 0, 0, 0, 0, 0, 20_000, 50_000, 100_000, 150_000, 500_000)
DAY_LIMITS = (1, 3, 3, 5, 5, 7, 10, 10, 15, 20, 30)


@dataclass
class ProcSpec:
    code: str
    name: str
    field: str
    scope: str  # "agency", "district" or "commune"
    agency: str | None
    level: str  # service level until the campaign
    upgraded: str | None = None  # level from CAMPAIGN_START, when it moves up
    time_limit: Decimal = Decimal(5)
    time_unit: str = "working_days"
    fee: int = 0
    financial: bool = False
    payment_since: dt.date | None = None
    weight: float = 1.0
    components: tuple[str, ...] = ()

    def level_on(self, day: dt.date) -> str:
        if self.upgraded and day >= CAMPAIGN_START:
            return self.upgraded
        return self.level

    def online_on(self, day: dt.date) -> bool:
        return self.level_on(day) != PAPER


@dataclass
class Catalogue:
    procedures: list[ProcSpec]
    # Per appendix row: the procedures producing dossiers in the period, by level.
    used: dict[str, dict[str, list[ProcSpec]]]
    # Per appendix row: every procedure its units apply.
    applied: dict[str, list[ProcSpec]]

    def by_name(self, name: str) -> list[ProcSpec]:
        return [p for p in self.procedures if p.name == name]


def build_catalogue(rng: random.Random) -> Catalogue:
    procedures: list[ProcSpec] = []
    used: dict[str, dict[str, list[ProcSpec]]] = {}
    applied: dict[str, list[ProcSpec]] = {}
    for row in ROWS:
        if row.code in names.AGENCY_PROCEDURES:
            specs, by_level = _agency(rng, row, len(procedures))
            procedures += specs
            used[row.code], applied[row.code] = by_level, specs
    local = _local_pool(rng, len(procedures))
    procedures += local
    for row in ROWS:
        if row.code not in names.AGENCY_PROCEDURES:
            used[row.code], applied[row.code] = _district_subset(rng, row, local), local
    for spec in procedures:
        _fill_facts(rng, spec)
    return Catalogue(procedures, used, applied)


def _code(index: int) -> str:
    return f"1.{10000 + index * 7:06d}"


def _agency(rng: random.Random, row: Row, start: int) -> tuple[list[ProcSpec], dict]:
    wanted = {PAPER: row.paper, PARTIAL: row.partial, FULL: row.full}
    total = sum(wanted.values()) + EXTRA_PER_AGENCY
    pairs = names.expand(names.AGENCY_PROCEDURES[row.code], total)
    levels = _levels_for(rng, [n for _f, n in pairs[: total - EXTRA_PER_AGENCY]], wanted)
    levels += [rng.choice(LEVELS) for _ in range(EXTRA_PER_AGENCY)]
    specs = [
        ProcSpec(_code(start + i), name, fld, "agency", row.code, level)
        for i, ((fld, name), level) in enumerate(zip(pairs, levels, strict=True))
    ]
    by_level: dict[str, list[ProcSpec]] = {level: [] for level in LEVELS}
    for spec in specs[: total - EXTRA_PER_AGENCY]:
        by_level[spec.level].append(spec)
    return specs, by_level


def _levels_for(rng: random.Random, chosen: list[str], wanted: dict[str, int]) -> list[str]:
    """Levels for ``chosen`` names matching the ``wanted`` counts; PAID names keep theirs."""
    pool = dict(wanted)
    for name in chosen:
        if name in PAID:
            pool[PAID[name][1]] -= 1
    rest = [level for level in LEVELS for _ in range(pool[level])]
    rng.shuffle(rest)
    it = iter(rest)
    return [PAID[name][1] if name in PAID else next(it) for name in chosen]


def _local_pool(rng: random.Random, start: int) -> list[ProcSpec]:
    district = names.expand(names.DISTRICT_PROCEDURES, LOCAL_DISTRICT_COUNT)
    commune_count = sum(LOCAL_LEVEL_COUNTS.values()) - LOCAL_DISTRICT_COUNT
    commune = names.expand(names.COMMUNE_PROCEDURES, commune_count)
    pairs = [(f, n, "district") for f, n in district] + [(f, n, "commune") for f, n in commune]
    levels = _levels_for(rng, [n for _f, n, _s in pairs], LOCAL_LEVEL_COUNTS)
    return [
        ProcSpec(_code(start + i), name, fld, scope, None, level)
        for i, ((fld, name, scope), level) in enumerate(zip(pairs, levels, strict=True))
    ]


def _district_subset(
    rng: random.Random, row: Row, local: list[ProcSpec]
) -> dict[str, list[ProcSpec]]:
    """The local procedures a district's units used in the period, as many as its row says."""
    wanted = {PAPER: row.paper, PARTIAL: row.partial, FULL: row.full}
    out: dict[str, list[ProcSpec]] = {}
    for level, count in wanted.items():
        candidates = [p for p in local if p.level == level]
        forced = [p for p in candidates if p.name in PAID]
        others = [p for p in candidates if p.name not in PAID]
        out[level] = forced + rng.sample(others, count - len(forced))
    return out


def _fill_facts(rng: random.Random, spec: ProcSpec) -> None:
    """Time limit, fees, payment deployment, upgrade, popularity."""
    if spec.field in ("CTH", "TP-CT") and spec.name.startswith("Chứng thực"):
        spec.time_limit, spec.time_unit = Decimal(4), "hours"
    else:
        spec.time_limit = Decimal(rng.choice(DAY_LIMITS))
    if spec.name in PAID:
        spec.fee = PAID[spec.name][0]
        spec.financial = True
        spec.payment_since = dt.date(2023, 7, 1)
    else:
        spec.fee = rng.choice(FEE_CHOICES)
        spec.financial = spec.fee > 0 or spec.field in ("DD", "TN-DD")
        if spec.financial and rng.random() < 0.75:
            spec.payment_since = CAMPAIGN_START
    if spec.level != FULL and rng.random() < 0.3:
        spec.upgraded = FULL if spec.level == PARTIAL else PARTIAL
    spec.weight = rng.paretovariate(1.2)
    spec.components = _components(spec)


def _components(spec: ProcSpec) -> tuple[str, ...]:
    first = "Tờ khai theo mẫu" if spec.scope != "agency" else "Đơn đề nghị theo mẫu"
    return (first, "Bản sao giấy tờ tùy thân", "Giấy tờ chứng minh theo quy định")
