"""Finding dossiers for the list page: search, filters, sorting, bounded counting.

Search is accent-insensitive ("chung thuc" finds "chứng thực") without a folded copy of
every row:

* procedures (a few thousand) are folded in Python and matched first; the dossiers are
  then filtered by procedure id (indexed);
* a dossier code matches exactly or by prefix (a range on the unique index);
* an ID number matches through its keyed hash (``pii.id_hash``, indexed);
* the applicant's name is matched by a pattern in which every letter stands for all its
  accented and upper-case forms (``[aàáảãạăằ…]``): SQLite's ``GLOB``, PostgreSQL's ``~``.
  Names are not indexed: that part scans, but the page stops at its first rows in
  received order and counting stops at :data:`COUNT_LIMIT`.

Counting is bounded: past :data:`COUNT_LIMIT` matches the page says "more than 10.000",
and pages are offset-paginated up to that many rows.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass
from typing import Any

from django.db.models import CharField, Lookup, Q, QuerySet
from django.db.models.sql.compiler import SQLCompiler

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


@functools.cache
def _letter_forms() -> dict[str, str]:
    """Each ASCII letter -> every character that folds to it (accents, both cases)."""
    forms: dict[str, set[str]] = {}
    ranges = [(0x41, 0x5B), (0x61, 0x7B), (0xC0, 0x250), (0x1EA0, 0x1F00)]
    for start, end in ranges:
        for code in range(start, end):
            char = chr(code)
            key = fold(char)
            if len(key) == 1 and "a" <= key <= "z":
                forms.setdefault(key, set()).add(char)
    return {key: "".join(sorted(chars)) for key, chars in forms.items()}


def glob_pattern(text: str) -> str:
    """SQLite GLOB pattern matching ``text`` anywhere, whatever the accents and case."""
    forms = _letter_forms()
    parts = []
    for char in fold(text):
        if char in forms:
            parts.append(f"[{forms[char]}]")
        elif char in "*?[]":
            parts.append(f"[{char}]")
        else:
            parts.append(char)
    return "*" + "".join(parts) + "*"


def regex_pattern(text: str) -> str:
    """PostgreSQL regular expression with the same meaning as :func:`glob_pattern`."""
    forms = _letter_forms()
    parts = []
    for char in fold(text):
        if char in forms:
            parts.append(f"[{forms[char]}]")
        elif char.isalnum() or char == " ":
            parts.append(char)
        else:
            parts.append("\\" + char)
    return "".join(parts)


@CharField.register_lookup
class FoldedContains(Lookup[bool]):
    """``name__folded_contains="nguyen van"`` matches "Nguyễn Văn A" (no index)."""

    lookup_name = "folded_contains"

    def as_sql(self, compiler: SQLCompiler, connection: Any) -> tuple[str, tuple[Any, ...]]:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        text = str(self.rhs)
        if connection.vendor == "postgresql":
            return f"{lhs} ~ %s", (*lhs_params, regex_pattern(text))
        return f"{lhs} GLOB %s", (*lhs_params, glob_pattern(text))


_FOLDED: dict[int, list[tuple[int, str, str]]] = {}


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


def search_q(text: str) -> Q:
    """The condition for the search box: code, ID number, procedure, applicant name."""
    text = nfc(text)
    condition = Q(applicant_name__folded_contains=text)
    if " " not in text and any(c.isdigit() for c in text):
        condition |= Q(code=text) | Q(code__gt=text, code__lt=text + "\U0010ffff")
    if _ID_NUMBER.match(text):
        condition |= Q(applicant_id_hash=pii.id_hash(text))
    procedures = matching_procedures(text)
    if procedures:
        condition |= Q(procedure_id__in=procedures)
    return condition


def apply(queryset: QuerySet[Dossier], f: Filters, now: dt.datetime) -> QuerySet[Dossier]:
    """``queryset`` (already scoped) narrowed by the filters and sorted."""
    qs = queryset
    if f.q.strip():
        qs = qs.filter(search_q(f.q))
    if f.unit_id is not None:
        qs = qs.filter(unit_id=f.unit_id)
    if f.procedure_id is not None:
        qs = qs.filter(procedure_id=f.procedure_id)
    if f.status is not None:
        qs = qs.filter(status=f.status)
    if f.channel is not None:
        qs = qs.filter(channel=f.channel)
    if f.online:
        qs = qs.filter(channel=Channel.ONLINE)
    if f.received_from is not None:
        qs = qs.filter(received_at__gte=_start(f.received_from))
    if f.received_to is not None:
        qs = qs.filter(received_at__lt=_start(f.received_to + dt.timedelta(days=1)))
    if f.due == "overdue":
        qs = qs.filter(status__in=OPEN_STATUSES, due_at__lt=now)
    elif f.due == "nearly_due":
        soon = now + dt.timedelta(days=NEARLY_DUE_DAYS)
        qs = qs.filter(status__in=OPEN_STATUSES, due_at__gte=now, due_at__lt=soon)
    return qs.order_by(*SORTS.get(f.sort, SORTS["-received"]))


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


def page_of(qs: QuerySet[Dossier], number: int, size: int = PAGE_SIZE) -> Page:
    """One page in two queries: a count that stops after COUNT_LIMIT rows, and the rows
    (with their procedure and unit) — whatever the page size."""
    size = max(1, min(size, MAX_PAGE_SIZE))
    count = qs.order_by()[: COUNT_LIMIT + 1].count()
    last = max(1, -(-min(count, COUNT_LIMIT) // size))
    number = max(1, min(number, last))
    offset = (number - 1) * size
    rows = list(
        qs.select_related("procedure", "unit").only(*LIST_COLUMNS)[offset : offset + size + 1]
    )
    return Page(rows[:size], number, size, count, len(rows) > size)


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
