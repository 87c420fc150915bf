"""A report as format-independent blocks: headings, paragraphs, tables, charts.

The data modules (appendices.py, campaign.py, scorecard.py) build a :class:`Document`; the
renderers (render_xlsx, render_docx, render_pdf) only lay it out. The web pages can use
the same documents.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from motcua.reports import numbers

# Column kinds: text; int (18.775); rate (fraction, shown 32%); rate1 (32,4%);
# points (signed percentage points); money (VND, like int).
KINDS = ("text", "int", "rate", "rate1", "points", "money")


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    kind: str = "text"
    width: float = 10  # relative width (characters in a spreadsheet)


@dataclass
class Section:
    label: str  # "A", "B" or ""
    title: str
    rows: list[dict[str, Any]]


@dataclass
class Table:
    title: str
    columns: list[Column]
    sections: list[Section]
    total: dict[str, Any] | None = None
    footnote: str = ""
    numbered: bool = True  # an STT column first
    small: bool = False  # many columns: smaller type in documents


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1


@dataclass(frozen=True)
class Paragraph:
    text: str
    italic: bool = False


@dataclass(frozen=True)
class Chart:
    title: str
    kind: str  # "line" or "barh"
    labels: list[str]
    series: dict[str, list[float | None]]  # name → values (fractions)
    target: float | None = None


Block = Heading | Paragraph | Table | Chart


@dataclass
class Document:
    kind: str
    title: list[str]  # the title lines, first in bold capitals
    blocks: list[Block] = field(default_factory=list)
    motto: bool = False  # the national motto header (full reports, Decree 30/2020)
    issuer: str = ""
    place_date: str = ""


def cell_text(kind: str, value: Any) -> str:
    if value is None:
        return "—" if kind != "text" else ""
    if kind in ("int", "money"):
        return numbers.integer(int(value))
    if kind == "rate":
        return numbers.pct(value, 0)
    if kind == "rate1":
        return numbers.pct(value, 1)
    if kind == "points":
        return numbers.points(value)
    return str(value)
