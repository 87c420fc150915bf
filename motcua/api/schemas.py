"""Response shapes of the JSON API (published in the OpenAPI schema)."""

from __future__ import annotations

import datetime as dt

from ninja import Schema


class IndicatorRow(Schema):
    """One figure: the same fields as ``motcua indicators show --format json``."""

    unit_code: str
    unit_name: str
    level: str
    indicator: str
    numerator: int | None
    denominator: int | None
    rate: float | None
    score: float | None
    max_score: float | None
    provisional: bool


class ExplainedItem(Schema):
    """A dossier behind a figure (``kind`` "dossier"); sources that count something else
    (procedures, units) list their own items, with their own kind."""

    kind: str
    code: str
    reason: str


class ExplainedList(Schema):
    total: int
    items: list[ExplainedItem]


class Explanation(Schema):
    indicator: str
    name: str
    formula: str
    provisional: bool
    unit_code: str
    unit_name: str
    date_from: dt.date
    date_to: dt.date
    numerator: int
    denominator: int
    rate: float | None
    page: int
    page_size: int
    pages: int
    in_numerator: ExplainedList
    not_in_numerator: ExplainedList


class IndicatorDef(Schema):
    code: str
    name_vi: str
    name_en: str
    formula: str
    group: str
    max_score: float | None
    provisional: bool


class GroupDef(Schema):
    code: str
    name_vi: str
    max_score: float
    indicators: list[str]
    provisional: bool


class FormulaSetOut(Schema):
    id: str
    valid_from: dt.date
    max_score: float | None
    indicators: list[IndicatorDef]
    groups: list[GroupDef]


class UnitOut(Schema):
    code: str
    gso_code: str
    name: str
    level: str
    parent_code: str | None
    valid_from: dt.date | None
    valid_to: dt.date | None


class Error(Schema):
    detail: str


class RevokedKey(Schema):
    name: str
    revoked_at: dt.datetime
