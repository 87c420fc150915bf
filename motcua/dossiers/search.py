"""Finding dossiers for the list page: search, filters, sorting, bounded counting.

Search is accent-insensitive ("chung thuc" finds "chứng thực") and answered from indexes:

* procedures (a few thousand) are folded in Python and matched first (their name contains
  the folded text); the dossiers are then filtered by procedure id (indexed);
* the applicant's name is matched by prefix on ``applicant_key`` (the folded name, indexed):
  "nguyen van" finds "Nguyễn Văn An";
* a text without spaces that contains a digit is a dossier code, matched exactly or by
  prefix (the unique index), or an ID number, matched through its keyed hash (indexed).

Counting is bounded: past :data:`COUNT_LIMIT` matches the page says "more than 10.000",
and pages are offset-paginated up to that many rows.

The bounded count also chooses how the page is read (:func:`find`). SQLite's planner
knows how many rows an index holds, not how they are spread over its values (no
histograms): it takes the status index for "status 10" (1.5 million of 2 million rows)
and sorts them all (10 s). At most COUNT_LIMIT matches are few: sorting them is cheap.
More are at least one row in a few hundred: walking the index of the sort order finds a
page quickly, so the filters no index in that order serves are written so that no index
answers them (``status + 0``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection
from dataclasses import dataclass

from django.db import connection
from django.db.models import F, Q, QuerySet
from django.db.models.functions import Coalesce

from motcua.core.text import fold, nfc
from motcua.dossiers import pii
from motcua.dossiers.models import FINISHED_STATUSES, Channel, Dossier
from motcua.procedures.models import Procedure
from motcua.web import generation

COUNT_LIMIT = 10_000
PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
NEARLY_DUE_DAYS = 2  # "sắp đến hạn": due within this many days

SORTS: dict[str, tuple[str, ...]] = {
    "-received": ("-received_at", "-id"),
    "received": ("received_at", "id"),
    "due": ("due_at", "id"),
    "code": ("code",),
}
OPEN_STATUSES = sorted(s for s in range(1, 11) if s not in FINISHED_STATUSES)
_ID_NUMBER = re.compile(r"^\d{9,12}$")


_FOLDED: dict[str, list[tuple[int, str, str]]] = {}


def folded_procedures() -> list[tuple[int, str, str]]:
    """(id, code, folded name) of every procedure, kept per process for the current data
    generation (the catalogue's changes bump it): folding 2,000 names costs ~100 ms."""
    key = generation.current()
    found = _FOLDED.get(key)
    if found is None:
        rows = Procedure.objects.values_list("id", "code", "name")
        found = [(pk, code or "", fold(name)) for pk, code, name in rows]
        _FOLDED.clear()
        _FOLDED[key] = found
    return found


def matching_procedures(text: str) -> list[int]:
    """Ids of procedures whose folded name contains the folded ``text``, or whose code is
    ``text``."""
    needle = fold(text)
    if not needle:
        return []
    return [pk for pk, code, name in folded_procedures() if needle in name or needle == code]


@dataclass(frozen=True)
class Filters:
    """What the list page asks for (already validated by the form)."""

    q: str = ""
    unit_id: int | None = None
    procedure_id: int | None = None
    status: int | None = None
    channel: int | None = None
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    due: str = ""  # "overdue", "nearly_due" or ""
    online: bool = False
    sort: str = "-received"


def looks_like_code(text: str) -> bool:
    return " " not in text and any(c.isdigit() for c in text)


def search_q(text: str) -> Q:
    """The condition for the search box. Every branch is answered from an index:

    * a code-like text (no space, a digit): the dossier code, exactly or as a prefix, and
      an ID number through its keyed hash;
    * other text: the procedures whose folded name contains it (by procedure id), and the
      applicants whose folded name starts with it (``applicant_key``).
    """
    text = nfc(text)
    if looks_like_code(text):
        condition = Q(code=text) | _prefix("code", text)
        if _ID_NUMBER.match(text):
            condition |= Q(applicant_id_hash=pii.id_hash(text))
        return condition
    condition = _prefix("applicant_key", fold(text))
    procedures = matching_procedures(text)
    if procedures:
        condition |= Q(procedure_id__in=procedures)
    return condition


def _prefix(column: str, text: str) -> Q:
    """``column`` starts with ``text``, in a form the database answers from an index: a
    range on SQLite (binary order), LIKE 'text%' on PostgreSQL (pattern_ops index)."""
    if connection.vendor == "postgresql":
        return Q(**{f"{column}__startswith": text})
    return Q(**{f"{column}__gte": text, f"{column}__lt": text + "\U0010ffff"})


# The filter columns whose index serves a sort: (status, received_at), (status, due_at),
# (unit, received_at) (for several units, the scope, it holds what the sort reads: sorting
# 130,000 of its entries takes 30 ms). Any other filter index, used for a large result,
# means reading every row of that result to sort it.
ORDERED_BY = {
    "status": {"-received", "received", "due"},
    "unit_id": {"-received", "received"},
    "scope": {"-received", "received"},
    "procedure_id": set(),
}


def apply(
    queryset: QuerySet[Dossier],
    f: Filters,
    now: dt.datetime,
    *,
    units: Collection[int] | None = None,
    many: bool = False,
    by_status: bool = False,
) -> QuerySet[Dossier]:
    """``queryset`` narrowed to the dossiers of ``units`` (the caller's scope; None: every
    unit) and by the filters, sorted. How SQLite reads it (see the module's text):
    ``many``, the result holds more than COUNT_LIMIT rows: a filter whose index does not
    give the sort's order is kept from the planner; ``by_status``, the status and due
    filters alone match at most COUNT_LIMIT rows: the unit and procedure indexes are kept
    from the planner, so that it starts from the status index."""
    qs = queryset
    if f.q.strip():
        # As a subquery of ids, so that the search's indexes drive the query rather than
        # the scope's or a filter's (a unit has tens of thousands of dossiers).
        matches = Dossier.objects.filter(search_q(f.q)).values("id")
        qs = qs.filter(id__in=matches)
    sqlite = connection.vendor == "sqlite"
    for name, column, lookup, value in (
        ("scope", "unit_id", "in", None if units is None else sorted(units)),
        ("unit_id", "unit_id", "exact", f.unit_id),
        ("procedure_id", "procedure_id", "exact", f.procedure_id),
        ("status", "status", "exact", f.status),
    ):
        if value is None:
            continue
        hidden = (many and f.sort not in ORDERED_BY[name]) or (by_status and name != "status")
        if sqlite and hidden:
            qs = qs.alias(**{f"{column}_noindex": F(column) + 0})
            column = f"{column}_noindex"
        qs = qs.filter(**{f"{column}__{lookup}": value})
    if f.channel is not None:
        qs = qs.filter(channel=f.channel)
    if f.online:
        qs = qs.filter(channel=Channel.ONLINE)
    if f.received_from is not None:
        qs = qs.filter(received_at__gte=_start(f.received_from))
    if f.received_to is not None:
        qs = qs.filter(received_at__lt=_start(f.received_to + dt.timedelta(days=1)))
    qs = qs.filter(_due_q(f, now))
    if f.due == "overdue" and f.sort == "due":
        # Overdue dossiers are few among millions whose due date has passed: sort the ones
        # the (status, due_at) index finds, rather than walk the due_at index over all.
        return qs.order_by(Coalesce("due_at", "due_at"), "id")
    return qs.order_by(*SORTS.get(f.sort, SORTS["-received"]))


def _due_q(f: Filters, now: dt.datetime) -> Q:
    if f.due == "overdue":
        return Q(status__in=OPEN_STATUSES, due_at__lt=now)
    if f.due == "nearly_due":
        soon = now + dt.timedelta(days=NEARLY_DUE_DAYS)
        return Q(status__in=OPEN_STATUSES, due_at__gte=now, due_at__lt=soon)
    return Q()


def _few_by_status(f: Filters, now: dt.datetime) -> bool:
    """Whether the status and due filters alone match at most COUNT_LIMIT dossiers (read
    from the status indexes only; False without such a filter)."""
    if f.status is None and not f.due:
        return False
    condition = _due_q(f, now) & (Q() if f.status is None else Q(status=f.status))
    return Dossier.objects.filter(condition)[: COUNT_LIMIT + 1].count() <= COUNT_LIMIT


def _start(day: dt.date) -> dt.datetime:
    from django.utils import timezone

    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


@dataclass(frozen=True)
class Page:
    rows: list[Dossier]
    number: int
    size: int
    count: int  # capped at COUNT_LIMIT + 1
    has_next: bool

    @property
    def more_than_limit(self) -> bool:
        return self.count > COUNT_LIMIT

    @property
    def last_number(self) -> int:
        shown = min(self.count, COUNT_LIMIT)
        return max(1, -(-shown // self.size))

    @property
    def start_index(self) -> int:
        return (self.number - 1) * self.size + 1 if self.rows else 0

    @property
    def end_index(self) -> int:
        return (self.number - 1) * self.size + len(self.rows)


def find(
    queryset: QuerySet[Dossier],
    f: Filters,
    now: dt.datetime,
    number: int = 1,
    size: int = PAGE_SIZE,
    *,
    units: Collection[int] | None = None,
) -> Page:
    """The page ``number`` of ``queryset`` narrowed to ``units`` (None: every unit) and by
    the filters. On SQLite the plan is chosen from bounded counts (see the module's text):
    whether the status filters alone match few dossiers, then the count itself."""
    by_status = connection.vendor == "sqlite" and _few_by_status(f, now)
    counted = apply(queryset, f, now, units=units, by_status=by_status)
    count = counted.order_by()[: COUNT_LIMIT + 1].count()
    many = count > COUNT_LIMIT
    ordered = apply(queryset, f, now, units=units, many=many, by_status=by_status)
    return page_of(ordered, count, number, size)


def page_of(qs: QuerySet[Dossier], count: int, number: int, size: int = PAGE_SIZE) -> Page:
    """One page of the sorted ``qs`` holding ``count`` rows (capped at COUNT_LIMIT + 1) in
    two queries whatever its size: the page's ids in order (the sort reads index columns
    and ids, not the rows joined to their procedure and unit), then those rows."""
    size = max(1, min(size, MAX_PAGE_SIZE))
    last = max(1, -(-min(count, COUNT_LIMIT) // size))
    number = max(1, min(number, last))
    offset = (number - 1) * size
    ids = list(qs.values_list("id", flat=True)[offset : offset + size + 1])
    found = Dossier.objects.select_related("procedure", "unit").only(*LIST_COLUMNS).in_bulk(ids)
    rows = [found[pk] for pk in ids if pk in found]
    return Page(rows[:size], number, size, count, len(ids) > size)


LIST_COLUMNS = (
    "code",
    "procedure",
    "unit",
    "status",
    "channel",
    "applicant_name",
    "received_at",
    "due_at",
    "finished_at",
    "procedure__code",
    "procedure__name",
    "unit__name",
    "unit__code",
)
