"""Counting the procedure catalogue per unit: "the procedures the unit applies".

Rules (docs/indicators.md, "Catalogue indicators"):

* A unit applies a procedure when it is listed in the procedure's ``agencies``; or, unlisted,
  when its level is one the procedure applies at — ``agency`` (sở, ban, ngành) when
  ``applies_agency`` and the procedure lists no agencies, ``district`` when
  ``applies_district``, ``commune`` when ``applies_commune``. A province (UBND tỉnh) applies
  only the procedures that list it.
* As of the period: only units existing on the period's last day count, and the dated facts
  (service level, online payment deployed) are those in force on that day.
* A unit's figure counts (unit, procedure) pairs and sums them over its members, like every
  other count: a district applying 100 procedures with 3 communes applying 80 each counts 340.
* ``having`` adds a condition on the dossiers: the pair has ≥1 dossier of that unit and
  procedure satisfying it in the period (from the daily aggregates); the dossiers of a unit
  that ended before the period's end count for the unit carrying its history.

The ``units`` source counts units instead (ELECTRONIC_CERTIFIED_COPY: communes).
"""

from __future__ import annotations

import contextlib
import datetime as dt
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from motcua.calendar.services import WorkCalendar, current_calendar
from motcua.core.text import fold
from motcua.indicators.period import Period
from motcua.indicators.predicates import All, Any_, Eq, In, Labelled, Not, Pred
from motcua.indicators.sources import (
    Explained,
    Explanation,
    Source,
    UnitCounts,
    dossier_pairs,
    dossier_pairs_periods,
    paginate,
    register,
)
from motcua.procedures.models import (
    PUBLICATION_COMPONENTS,
    PaymentDeploymentVersion,
    Procedure,
    ProcedureFee,
    ServiceLevel,
    ServiceLevelVersion,
)
from motcua.units.history import History
from motcua.units.models import Level, Unit

if TYPE_CHECKING:
    from motcua.indicators.registry import Count

T = TypeVar("T")

# Certified copies (chứng thực bản sao): identified by name, accent- and case-insensitive.
CERTIFIED_COPY_KEYWORD = "chung thuc ban sao"
# Working days a publication decision must precede its legal basis's effect (province), and
# within which a decided procedure must be made public on the national database.
PUBLISH_LEAD_DAYS = 5
PUBLIC_UPDATE_DAYS = 5


def is_certified_copy(name: str) -> bool:
    """A certified-copy procedure: its name contains "chứng thực bản sao" (any accents or
    case), as the national catalogue names them ("Chứng thực bản sao từ bản chính …",
    "Cấp bản sao có chứng thực …" is not one: that is a copy of a civil-status record)."""
    return CERTIFIED_COPY_KEYWORD in fold(name)


def certified_by_key(name: str, name_key: str) -> bool:
    """:func:`is_certified_copy` from the stored folded name (``Procedure.name_key``)."""
    return CERTIFIED_COPY_KEYWORD in (name_key or fold(name))


def working_days_before(calendar: WorkCalendar, day: dt.date, n: int) -> dt.date:
    """The n-th working day strictly before ``day`` (``day − n working days``)."""
    current, found = day, 0
    while found < n:
        current -= dt.timedelta(days=1)
        if calendar.is_working_day(current):
            found += 1
    return current


class ProcedureFacts(NamedTuple):
    """A procedure as catalogue indicators see it, as of a period's last day."""

    procedure_id: int
    code: str
    service_level: str
    online_offered: bool  # partial or full
    payment_deployed: bool
    has_fee: bool  # declared, or a fee item with an amount > 0
    financial_obligation: bool  # has_fee, or a declared financial obligation
    certified_copy: bool
    requires_result: bool
    decision_day: dt.date | None
    publish_due_day: dt.date | None  # legal basis effective − 5 working days
    decided_on_time: bool
    published_day: dt.date | None
    public_due_day: dt.date | None  # decision + 5 working days
    published_on_time: bool
    content_full: bool  # all 7 components published


class UnitFacts(NamedTuple):
    unit_id: int
    level: str


def _as_of(rows: Sequence[tuple[int, dt.date, object]], day: dt.date) -> dict[int, object]:
    """The value in force on ``day`` per procedure, from (procedure, valid_from, value)."""
    result: dict[int, object] = {}
    for pid, valid_from, value in sorted(rows, key=lambda r: (r[0], r[1])):
        if valid_from <= day:
            result[pid] = value
    return result


_reused: ContextVar[dict[str, Any] | None] = ContextVar("catalogue_reused", default=None)


@contextlib.contextmanager
def reuse() -> Iterator[None]:
    """Within this block, the catalogue's period-independent part (procedures, their
    calendar-derived due days, the version rows, applicability) is read once and reused by
    every count: a page computing several periods (a 12-week trend) reads it once. Only for
    a reader: the catalogue must not change inside the block."""
    if _reused.get() is not None:
        yield
        return
    token = _reused.set({})
    try:
        yield
    finally:
        _reused.reset(token)


def _once(name: str, load: Callable[[], T]) -> T:
    store = _reused.get()
    if store is None:
        return load()
    if name not in store:
        store[name] = load()
    return store[name]


Base = list[tuple[dict[str, Any], dt.date | None, dt.date | None]]


def _procedure_base(cal: WorkCalendar) -> Base:
    """Every procedure's row with its publication due days (independent of the period)."""
    rows: Base = []
    for p in Procedure.objects.values(
        "pk",
        "code",
        "name",
        "name_key",
        "has_fee",
        "has_financial_obligation",
        "requires_result",
        "decision_date",
        "published_date",
        "legal_basis_effective_date",
        "published_components",
    ):
        decision = p["decision_date"]
        effective = p["legal_basis_effective_date"]
        publish_due = working_days_before(cal, effective, PUBLISH_LEAD_DAYS) if effective else None
        public_due = cal.add_working_days(decision, PUBLIC_UPDATE_DAYS) if decision else None
        row: dict[str, Any] = dict(p)
        row["certified"] = certified_by_key(p["name"], p["name_key"])
        rows.append((row, publish_due, public_due))
    return rows


def _level_rows() -> list[tuple[int, dt.date, object]]:
    return _once(
        "levels",
        lambda: list(
            ServiceLevelVersion.objects.values_list("procedure_id", "valid_from", "level")
        ),
    )


def _payment_rows() -> list[tuple[int, dt.date, object]]:
    return _once(
        "payments",
        lambda: list(
            PaymentDeploymentVersion.objects.values_list("procedure_id", "valid_from", "deployed")
        ),
    )


def _as_of_key(period: Period) -> tuple[int, int]:
    """How many version rows are in force by the period's last day: periods with the same
    key have the same catalogue facts (``catalogue_facts`` depends on the period only
    through the versions in force on its last day)."""
    level_days = _once("level_days", lambda: sorted(row[1] for row in _level_rows()))
    payment_days = _once("payment_days", lambda: sorted(row[1] for row in _payment_rows()))
    return bisect_right(level_days, period.end), bisect_right(payment_days, period.end)


def period_free(pred: Pred) -> bool:
    """Whether the predicate tests facts only, never the period (so its result on the same
    facts is the same for every period)."""
    if isinstance(pred, Eq | In):
        return True
    if isinstance(pred, All | Any_):
        return all(period_free(p) for p in pred.parts)
    if isinstance(pred, Not | Labelled):
        return period_free(pred.part)
    return False


def catalogue_facts(period: Period, calendar: WorkCalendar | None = None) -> list[ProcedureFacts]:
    """Every procedure's facts as of the period's last day."""
    end = period.end
    levels = _as_of(_level_rows(), end)
    deployed = _as_of(_payment_rows(), end)
    priced = _once(
        "priced",
        lambda: set(
            ProcedureFee.objects.filter(amount__gt=0).values_list("procedure_id", flat=True)
        ),
    )
    if calendar is None:
        base = _once("procedures", lambda: _procedure_base(current_calendar()))
    else:
        base = _procedure_base(calendar)
    facts = []
    for p, publish_due, public_due in base:
        level = str(levels.get(p["pk"], ServiceLevel.NONE))
        has_fee = p["has_fee"] or p["pk"] in priced
        decision = p["decision_date"]
        published = p["published_date"]
        components = set(p["published_components"] or [])
        facts.append(
            ProcedureFacts(
                procedure_id=p["pk"],
                code=p["code"],
                service_level=level,
                online_offered=level in (ServiceLevel.PARTIAL, ServiceLevel.FULL),
                payment_deployed=bool(deployed.get(p["pk"], False)),
                has_fee=has_fee,
                financial_obligation=has_fee or p["has_financial_obligation"],
                certified_copy=p["certified"],
                requires_result=p["requires_result"],
                decision_day=decision,
                publish_due_day=publish_due,
                decided_on_time=bool(decision and publish_due and decision <= publish_due),
                published_day=published,
                public_due_day=public_due,
                published_on_time=_on_time(published, public_due),
                content_full=set(PUBLICATION_COMPONENTS) <= components,
            )
        )
    return facts


def _on_time(done: dt.date | None, due: dt.date | None) -> bool:
    """Done, and not after the due day (no due day: nothing to be late for)."""
    return done is not None and (due is None or done <= due)


class Applicability:
    """Which procedures each unit applies (see the module docstring)."""

    def __init__(self, procedure_ids: set[int]) -> None:
        flags = Procedure.objects.filter(pk__in=procedure_ids).values_list(
            "pk", "applies_agency", "applies_district", "applies_commune"
        )
        through = Procedure.agencies.through
        self.listed: dict[int, set[int]] = defaultdict(set)  # unit -> procedures
        restricted: set[int] = set()
        for pid, unit_id in through.objects.values_list("procedure_id", "unit_id"):
            self.listed[unit_id].add(pid)
            restricted.add(pid)
        self.by_level: dict[str, set[int]] = {level: set() for level in Level}
        for pid, agency, district, commune in flags:
            if agency and pid not in restricted:
                self.by_level[Level.AGENCY].add(pid)
            if district:
                self.by_level[Level.DISTRICT].add(pid)
            if commune:
                self.by_level[Level.COMMUNE].add(pid)

    def of(self, unit_id: int, level: str) -> set[int]:
        return self.by_level.get(level, set()) | self.listed.get(unit_id, set())


def existing_units(unit_ids: Sequence[int], day: dt.date) -> dict[int, str]:
    """``{unit_id: level}`` for the units existing on ``day``."""
    return dict(Unit.objects.filter(pk__in=unit_ids).valid_on(day).values_list("pk", "level"))


def _existing_by_day(unit_ids: Sequence[int], days: set[dt.date]) -> dict[dt.date, dict[int, str]]:
    """:func:`existing_units` on each day: one query when there are several days."""
    if len(days) == 1:
        (day,) = days
        return {day: existing_units(unit_ids, day)}
    rows = list(
        Unit.objects.filter(pk__in=unit_ids).values_list("pk", "level", "valid_from", "valid_to")
    )
    return {
        day: {
            pk: level
            for pk, level, first, last in rows
            if (first is None or first <= day) and (last is None or last >= day)
        }
        for day in days
    }


def describe(pred: Pred) -> str:
    """A predicate in words: its label, or its parts' labels."""
    if pred.label:
        return pred.label
    if isinstance(pred, All):
        return ", ".join(describe(part) for part in pred.parts)
    return "điều kiện"


def _test(
    c: Count, facts: object, period: Period, found: set[int] | None, item: int
) -> tuple[bool, str]:
    """Does ``facts`` (with ``item`` among those having dossiers) satisfy the count; why not."""
    if c.where is not None and not c.where.test(facts, period):
        return False, c.where.why_not(facts, period)
    if c.having is not None and (found is None or item not in found):
        return False, f"không có hồ sơ: {describe(c.having)}"
    return True, c.label or "✓"


def _credit_heirs(
    pairs: dict[str, dict[int, set[int]]],
    gone: Sequence[int],
    units: Mapping[int, str],
    period: Period,
    history: History | None = None,
) -> None:
    """Dossiers of units that ended before the period's end count for the unit carrying
    their history (``units.history``): a commune merged into another makes the merged
    commune's procedures "have dossiers" for the period."""
    if not gone or not pairs:
        return
    history = history or History()
    for unit_id in gone:
        heir = history.anchor_on(unit_id, period.end)
        if heir is None or heir not in units:
            continue
        for found in pairs.values():
            if unit_id in found:
                found[heir] = found.get(heir, set()) | found[unit_id]


def _count_pairs(
    counts: Mapping[str, Count],
    units: Mapping[int, str],
    period: Period,
    pairs: Mapping[str, Mapping[int, set[int]]],
    result: UnitCounts,
    memo: dict[Any, Any] | None = None,
) -> None:
    """``memo`` (several periods counted together): the facts, and what a period-free
    condition selects, kept for the next period with the same versions in force."""
    as_of = _as_of_key(period) if memo is not None else None
    store: dict[Any, Any] = memo if memo is not None else {}

    def kept(name: Any, load: Callable[[], T], free: bool = True) -> T:
        if memo is None or not free:
            return load()
        if (as_of, name) not in store:
            store[(as_of, name)] = load()
        value: T = store[(as_of, name)]
        return value

    facts = kept("facts", lambda: {f.procedure_id: f for f in catalogue_facts(period)})
    applies = _once("applies", lambda: Applicability(set(facts)))
    # Each procedure is tested once per count, then intersected per unit.
    passing: dict[str, set[int]] = {}
    free: dict[str, bool] = {}
    for key, c in counts.items():
        free[key] = c.where is None or period_free(c.where)

        def select(c: Count = c) -> set[int]:
            return {pid for pid, f in facts.items() if c.where is None or c.where.test(f, period)}

        passing[key] = kept(("passing", c.where), select, free[key])

    # Per level and count, the level's procedures that pass: most units apply exactly their
    # level's, so most figures are a set size, not an intersection per unit.
    def of_level(level: str, key: str) -> Callable[[], set[int]]:
        return lambda: applies.by_level.get(level, set()) & passing[key]

    by_level = {
        (level, key): kept(("level", level, c.where), of_level(level, key), free[key])
        for level in set(units.values())
        for key, c in counts.items()
    }
    for unit_id, level in units.items():
        listed = applies.listed.get(unit_id, set())
        for key, c in counts.items():
            common = by_level[(level, key)]
            extra = {pid for pid in listed if pid in passing[key] and pid not in common}
            if c.having is None:
                result[unit_id][key] = len(common) + len(extra)
            else:
                found = pairs[key].get(unit_id, set())
                result[unit_id][key] = sum(1 for pid in found if pid in common or pid in extra)


def _count_units(
    counts: Mapping[str, Count],
    units: Mapping[int, str],
    period: Period,
    pairs: Mapping[str, Mapping[int, set[int]]],
    result: UnitCounts,
) -> None:
    for unit_id, level in units.items():
        facts = UnitFacts(unit_id, level)
        for key, c in counts.items():
            ok = c.where is None or c.where.test(facts, period)
            if c.having is not None:
                ok = ok and bool(pairs[key].get(unit_id))
            result[unit_id][key] = int(ok)


class CatalogueSource(Source):
    """(unit, procedure) pairs of the procedures each unit applies (``catalogue``), and the
    units themselves (``units``): one source, so both share one query over the dossiers."""

    def count(
        self, counts: Mapping[str, Count], unit_ids: Sequence[int], period: Period
    ) -> UnitCounts:
        units = existing_units(unit_ids, period.end)
        result: UnitCounts = defaultdict(dict)
        if not units or not counts:
            return result
        having = {key: c.having for key, c in counts.items() if c.having is not None}
        pairs = dossier_pairs(having, list(unit_ids), period)
        _credit_heirs(pairs, [u for u in unit_ids if u not in units], units, period)
        pair_counts = {k: c for k, c in counts.items() if c.source != "units"}
        if pair_counts:
            _count_pairs(pair_counts, units, period, pairs, result)
        unit_counts = {k: c for k, c in counts.items() if c.source == "units"}
        _count_units(unit_counts, units, period, pairs, result)
        return result

    def count_periods(
        self, counts: Mapping[str, Count], unit_ids: Sequence[int], periods: Sequence[Period]
    ) -> dict[Period, UnitCounts]:
        """:meth:`count` for each period: the procedure activity read once for all (the
        ``having`` pairs), the unit history and the catalogue's period-independent part
        (``reuse``) once; only the as-of-the-period's-end part is done per period."""
        ordered = list(dict.fromkeys(periods))
        results: dict[Period, UnitCounts] = {p: defaultdict(dict) for p in ordered}
        if not counts or not ordered:
            return results
        having = {key: c.having for key, c in counts.items() if c.having is not None}
        found = dossier_pairs_periods(having, list(unit_ids), ordered)
        pair_counts = {k: c for k, c in counts.items() if c.source != "units"}
        unit_counts = {k: c for k, c in counts.items() if c.source == "units"}
        existing = _existing_by_day(unit_ids, {p.end for p in ordered})
        history: History | None = None
        memo: dict[Any, Any] = {}
        with reuse():
            for p in ordered:
                units = existing[p.end]
                if not units:
                    continue
                pairs = found[p]
                gone = [u for u in unit_ids if u not in units]
                if gone and pairs:
                    history = history or History()
                    _credit_heirs(pairs, gone, units, p, history)
                if pair_counts:
                    _count_pairs(pair_counts, units, p, pairs, results[p], memo)
                _count_units(unit_counts, units, p, pairs, results[p])
        return results

    def explain(
        self,
        numerator: Count,
        denominator: Count,
        unit_ids: Sequence[int],
        period: Period,
        offset: int,
        limit: int,
    ) -> Explanation:
        """The (unit, procedure) pairs, or the units, in b and in a−b, by code."""
        units = existing_units(unit_ids, period.end)
        having = {k: c.having for k, c in (("b", numerator), ("a", denominator)) if c.having}
        pairs = dossier_pairs(having, list(unit_ids), period)
        _credit_heirs(pairs, [u for u in unit_ids if u not in units], units, period)
        codes = dict(Unit.objects.filter(pk__in=list(units)).values_list("pk", "code"))
        ordered = sorted(units, key=lambda u: codes.get(u) or "")
        if denominator.source == "units":
            items = _unit_items(numerator, denominator, ordered, units, codes, period, pairs)
        else:
            items = _pair_items(numerator, denominator, ordered, units, period, pairs)
        return paginate(items, offset, limit)


def _pair_items(
    numerator: Count,
    denominator: Count,
    ordered: list[int],
    units: Mapping[int, str],
    period: Period,
    pairs: Mapping[str, Mapping[int, set[int]]],
) -> Iterator[tuple[bool, Explained]]:
    facts = {f.procedure_id: f for f in catalogue_facts(period)}
    applies = _once("applies", lambda: Applicability(set(facts)))
    for unit_id in ordered:
        found_a = pairs["a"].get(unit_id) if "a" in pairs else None
        found_b = pairs["b"].get(unit_id) if "b" in pairs else None
        for pid in sorted(applies.of(unit_id, units[unit_id]), key=lambda p: facts[p].code):
            f = facts[pid]
            if not _test(denominator, f, period, found_a, pid)[0]:
                continue
            ok, reason = _test(numerator, f, period, found_b, pid)
            yield ok, Explained(pid, f.code, reason, "procedure", unit_id)


def _unit_items(
    numerator: Count,
    denominator: Count,
    ordered: list[int],
    units: Mapping[int, str],
    codes: Mapping[int, str | None],
    period: Period,
    pairs: Mapping[str, Mapping[int, set[int]]],
) -> Iterator[tuple[bool, Explained]]:
    with_dossiers = {key: set(found) for key, found in pairs.items()}
    for unit_id in ordered:
        facts = UnitFacts(unit_id, units[unit_id])
        if not _test(denominator, facts, period, with_dossiers.get("a"), unit_id)[0]:
            continue
        ok, reason = _test(numerator, facts, period, with_dossiers.get("b"), unit_id)
        yield ok, Explained(unit_id, codes.get(unit_id) or "", reason, "unit", unit_id)


_catalogue = CatalogueSource()
register("catalogue", _catalogue)
register("units", _catalogue)
