"""Indicators as data.

An indicator is a numerator and a denominator, each a count of dossiers (through the daily
aggregates), of distinct procedures among them, or of payment transactions, selected by a
predicate (predicates.py) for a period; plus a scoring rule. A formula set groups
indicators under a versioned id with a valid-from date. Adding an indicator or a corrected
formula means adding data here (a new FormulaSet), never touching the engine. Codes are
those of INDICATORS.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Q

from motcua.dossiers.models import Payment
from motcua.indicators.period import Period
from motcua.indicators.predicates import (
    DayAfterEnd,
    DayBeforeStart,
    DayByEnd,
    DayIn,
    Eq,
    In,
    Labelled,
    Not,
    Pred,
)


@dataclass(frozen=True)
class Count:
    """What to count: ``dossiers`` (via the daily aggregates) that satisfy ``where``,
    ``procedures`` with at least one such dossier (per handling unit), or ``payments``
    whose transactions satisfy ``payment_where``."""

    source: str
    where: Pred | None = None
    payment_where: Callable[[Period], Q] | None = None
    label: str = ""


@dataclass(frozen=True)
class Scoring:
    """Score = min(max, max × rate / full_at); ``if_empty`` is the score when a = 0."""

    max: float
    full_at: float = 1.0
    if_empty: float = 0.0

    def score(self, rate: float | None) -> float:
        if rate is None:
            return self.if_empty
        return min(self.max, self.max * rate / self.full_at)


NO_SCORE = Scoring(0.0)


@dataclass(frozen=True)
class Indicator:
    code: str
    name_vi: str
    name_en: str
    numerator: Count
    denominator: Count
    formula: str
    scoring: Scoring = NO_SCORE
    group: str = ""
    provisional: bool = False


@dataclass(frozen=True)
class Group:
    code: str
    name_vi: str
    max: float
    indicators: tuple[str, ...]
    provisional: bool = False


@dataclass(frozen=True)
class FormulaSet:
    id: str
    valid_from: dt.date
    indicators: tuple[Indicator, ...]
    groups: tuple[Group, ...] = field(default=())

    def get(self, code: str) -> Indicator:
        for indicator in self.indicators:
            if indicator.code == code:
                return indicator
        known = ", ".join(i.code for i in self.indicators)
        raise KeyError(f"formula set {self.id!r} has no indicator {code!r} (known: {known})")

    @property
    def max_score(self) -> float:
        return sum(g.max for g in self.groups)


# --- atoms (field names of DailyFact / Facts) ------------------------------------------

received = DayIn("received_day", "tiếp nhận trong kỳ")
online = Eq("channel", 2, "nộp trực tuyến")
finished = DayIn("finished_day", "kết thúc xử lý trong kỳ")
processed_by_end = In("status", (9, 10), "đã xử lý xong (trạng thái 9, 10)") & DayByEnd(
    "finished_day", "kết thúc xử lý trước cuối kỳ"
)
full_online = Eq("service_level", "full", "thủ tục trực tuyến toàn trình")
requires_result = Eq("requires_result", True, "thủ tục có kết quả giải quyết")
has_result_file = Eq("has_result_file", True, "có tệp kết quả điện tử")
digitized = Eq("digitized", True, "thành phần hồ sơ và kết quả đều có tệp")
components_filed = Eq("components_filed", True, "mọi thành phần hồ sơ đều có tệp")
reused = Eq("reused", True, "có thành phần tái sử dụng dữ liệu số")
data_store = Eq("from_data_store", True, "có tệp lấy từ kho dữ liệu cá nhân")
synced = Eq("synced", True, "đã đồng bộ lên Cổng DVCQG")
paid_online = In("online_paid", (1, 2), "đã thanh toán trực tuyến")
has_fee = Eq("has_fee", True, "hồ sơ có phí, lệ phí")
citizen = Eq("applicant_type", 1, "chủ hồ sơ là công dân")
citizen_data = Eq("citizen_data", True, "khai thác CSDL dân cư hoặc tài khoản VNeID")


def _late_reason(facts: object, p: Period) -> str:
    if getattr(facts, "multi_supplement", False):
        return "yêu cầu bổ sung hơn một lần (tính là trễ hạn)"
    finished_day = getattr(facts, "finished_day", None)
    due_day = getattr(facts, "due_day", None)
    if finished_day is not None and finished_day <= p.end:
        if due_day is not None and finished_day > due_day:
            return f"kết thúc xử lý {(finished_day - due_day).days} ngày sau hạn {due_day:%d/%m/%Y}"
        return "kết thúc xử lý sau thời điểm hẹn trả"
    return f"chưa xong đến cuối kỳ và đã quá hạn {due_day:%d/%m/%Y}" if due_day else "quá hạn"


# 766 group 2: dossiers received in the period plus those still being processed in it.
in_progress_at_start = DayBeforeStart("received_day", "tiếp nhận trước kỳ") & Not(
    DayBeforeStart("finished_day", "kết thúc trước kỳ"), "đã kết thúc trước kỳ"
)
progress_scope = Labelled(received | in_progress_at_start, "tiếp nhận hoặc đang xử lý trong kỳ")
on_time = Labelled(
    Not(Eq("multi_supplement", True, "yêu cầu bổ sung hơn một lần"))
    & (
        (DayByEnd("finished_day") & Eq("on_time", True))
        | (DayAfterEnd("finished_day") & DayAfterEnd("due_day"))
    ),
    "đúng hạn",
    _late_reason,
)


def dossiers(where: Pred, label: str = "") -> Count:
    return Count("dossiers", where=where, label=label)


def procedures(where: Pred, label: str = "") -> Count:
    return Count("procedures", where=where, label=label)


def _payments_in(p: Period) -> Q:
    return Q(state=Payment.State.SUCCESS, at__gte=p.start_at, at__lt=p.end_at)


def _online_payments_in(p: Period) -> Q:
    return _payments_in(p) & Q(channel=Payment.Channel.ONLINE)


PLAN_INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "online_received",
        "Tỷ lệ hồ sơ tiếp nhận trực tuyến",
        "Share of dossiers received online",
        dossiers(received & online),
        dossiers(received),
        "hồ sơ tiếp nhận trực tuyến trong kỳ / hồ sơ tiếp nhận trong kỳ",
    ),
    Indicator(
        "online_resolved",
        "Tỷ lệ hồ sơ giải quyết trực tuyến",
        "Share of dossiers resolved online",
        dossiers(received & online & processed_by_end),
        dossiers(received),
        "hồ sơ tiếp nhận trực tuyến trong kỳ đã xử lý xong (trạng thái 9, 10) đến cuối kỳ"
        " / hồ sơ tiếp nhận trong kỳ",
    ),
    Indicator(
        "online_share_of_resolved",
        "Tỷ lệ hồ sơ nộp trực tuyến trên hồ sơ đã giải quyết",
        "Online share of finished dossiers",
        dossiers(finished & online),
        dossiers(finished),
        "hồ sơ kết thúc xử lý trong kỳ được nộp trực tuyến / hồ sơ kết thúc xử lý trong kỳ",
    ),
    Indicator(
        "full_online_share",
        "Tỷ lệ nộp hồ sơ trực tuyến toàn trình",
        "Online share for full-online procedures",
        dossiers(received & full_online & online),
        dossiers(received & full_online),
        "hồ sơ trực tuyến của thủ tục toàn trình tiếp nhận trong kỳ"
        " / hồ sơ của thủ tục toàn trình tiếp nhận trong kỳ",
    ),
    Indicator(
        "on_time",
        "Tỷ lệ giải quyết đúng hạn",
        "Share handled on time",
        dossiers(progress_scope & on_time),
        dossiers(progress_scope),
        "(hồ sơ đã xong đúng hạn + hồ sơ đang xử lý chưa đến hạn) / (hồ sơ tiếp nhận trong kỳ"
        " + hồ sơ kỳ trước chuyển sang)",
    ),
    Indicator(
        "online_paid_dossiers",
        "Tỷ lệ hồ sơ thanh toán trực tuyến",
        "Share of dossiers paid online",
        dossiers(finished & has_fee & paid_online),
        dossiers(finished & has_fee),
        "hồ sơ kết thúc trong kỳ đã thanh toán trực tuyến / hồ sơ kết thúc trong kỳ có phí",
    ),
    Indicator(
        "online_payment_transactions",
        "Tỷ lệ giao dịch thanh toán trực tuyến",
        "Share of online payment transactions",
        Count("payments", payment_where=_online_payments_in, label="giao dịch trực tuyến"),
        Count("payments", payment_where=_payments_in, label="giao dịch thành công"),
        "giao dịch thanh toán trực tuyến thành công trong kỳ / mọi giao dịch thành công"
        " trong kỳ (trực tuyến và tại quầy)",
    ),
    Indicator(
        "digitized",
        "Tỷ lệ số hóa hồ sơ, kết quả",
        "Share of dossiers digitized",
        dossiers(received & digitized),
        dossiers(received),
        "hồ sơ tiếp nhận trong kỳ có tệp cho mọi thành phần và (nếu có) kết quả"
        " / hồ sơ tiếp nhận trong kỳ",
    ),
    Indicator(
        "reused",
        "Tỷ lệ khai thác, sử dụng lại dữ liệu số hóa",
        "Share of dossiers reusing digitized data",
        dossiers(received & reused),
        dossiers(received),
        "hồ sơ tiếp nhận trong kỳ có thành phần tái sử dụng / hồ sơ tiếp nhận trong kỳ",
    ),
    Indicator(
        "e_result",
        "Tỷ lệ trả kết quả điện tử",
        "Share of electronic results",
        dossiers(finished & requires_result & has_result_file),
        dossiers(finished & requires_result),
        "hồ sơ kết thúc trong kỳ có kết quả điện tử / hồ sơ kết thúc trong kỳ của thủ tục có"
        " kết quả",
    ),
    Indicator(
        "national_sync",
        "Tỷ lệ đồng bộ lên Cổng DVCQG",
        "Share synced to the National Public Service Portal",
        dossiers(received & synced),
        dossiers(received),
        "hồ sơ tiếp nhận trong kỳ đã đồng bộ lên Cổng DVCQG / hồ sơ tiếp nhận trong kỳ",
    ),
)

QD766_INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "DOSSIER_SYNC",
        "Đồng bộ hồ sơ lên Cổng DVCQG",
        "Dossiers synced to DVCQG",
        dossiers(received & synced),
        dossiers(received),
        "hồ sơ tiếp nhận trong kỳ đã đồng bộ / hồ sơ tiếp nhận trong kỳ",
        Scoring(6),
        group="1",
    ),
    Indicator(
        "PROGRESS_ON_TIME",
        "Tiến độ giải quyết đúng hạn",
        "Handled on time",
        dossiers(progress_scope & on_time),
        dossiers(progress_scope),
        "(hồ sơ đã xong đúng hạn + hồ sơ đang xử lý chưa đến hạn) / (hồ sơ tiếp nhận trong kỳ"
        " + hồ sơ đang xử lý trong kỳ); thời gian bổ sung không tính; bổ sung hơn 1 lần là trễ",
        Scoring(20),
        group="2",
    ),
    Indicator(
        "ONLINE_PAYMENT_DOSSIER",
        "Hồ sơ thanh toán trực tuyến (A)",
        "Dossiers paid online (A)",
        dossiers(received & has_fee & paid_online),
        dossiers(received & has_fee),
        "hồ sơ tiếp nhận trong kỳ đã thanh toán trực tuyến / hồ sơ có nghĩa vụ tài chính",
        Scoring(6),
        group="3b",
    ),
    Indicator(
        "ONLINE_PAYMENT_FORMALITY",
        "Thủ tục phát sinh thanh toán trực tuyến (B)",
        "Procedures with an online payment (B)",
        procedures(received & has_fee & paid_online),
        procedures(received & has_fee),
        "thủ tục có ít nhất 1 hồ sơ thanh toán trực tuyến / thủ tục có hồ sơ có phí",
        Scoring(2, full_at=0.8),
        group="3b",
        provisional=True,
    ),
    Indicator(
        "ORIGINAL_RESULT_AVAILABLE",
        "Kết quả giải quyết bản điện tử",
        "Electronic original results",
        dossiers(received & requires_result & has_result_file),
        dossiers(received & requires_result),
        "hồ sơ có tệp kết quả / hồ sơ của thủ tục có kết quả",
        Scoring(6),
        group="4",
    ),
    Indicator(
        "SO_HOA_GIAY_TO_GIAI_QUYET",
        "Số hóa hồ sơ, giấy tờ",
        "Digitized dossiers",
        dossiers(received & digitized),
        dossiers(received),
        "hồ sơ có tệp cho thành phần và (nếu có) kết quả / hồ sơ tiếp nhận",
        Scoring(4),
        group="4",
    ),
    Indicator(
        "REUSED_DIGITIZED_DATA",
        "Tái sử dụng dữ liệu số hóa",
        "Reused digitized data",
        dossiers(received & reused),
        dossiers(received),
        "hồ sơ có thành phần tái sử dụng / hồ sơ tiếp nhận; đủ điểm khi đạt 80%",
        Scoring(2, full_at=0.8),
        group="4",
    ),
    Indicator(
        "SYNCED_WITH_DVCQG_PERSONAL_STORAGE",
        "Kết nối kho dữ liệu cá nhân",
        "Personal data store used",
        dossiers(received & data_store),
        dossiers(received),
        "hồ sơ có tệp lấy từ kho dữ liệu cá nhân / hồ sơ tiếp nhận",
        Scoring(4),
        group="4",
    ),
    Indicator(
        "CITIZEN_DATA_CONNECTED_FORMALITY",
        "Thủ tục khai thác dữ liệu dân cư",
        "Procedures using population data",
        procedures(received & citizen & citizen_data),
        procedures(received & citizen),
        "thủ tục (công dân) có hồ sơ khai thác CSDL dân cư hoặc VNeID / thủ tục như vậy",
        Scoring(2),
        group="4",
    ),
    Indicator(
        "CITIZEN_DATA_CONNECTED_DOSSIER",
        "Hồ sơ khai thác dữ liệu dân cư",
        "Dossiers using population data",
        dossiers(received & citizen & citizen_data),
        dossiers(received & citizen),
        "hồ sơ khai thác CSDL dân cư hoặc VNeID / hồ sơ của công dân",
        Scoring(2),
        group="4",
    ),
)

QD766_GROUPS: tuple[Group, ...] = (
    Group("1", "Công khai, minh bạch", 18, ("DOSSIER_SYNC",), provisional=True),
    Group("2", "Tiến độ, kết quả giải quyết", 20, ("PROGRESS_ON_TIME",)),
    Group(
        "3b",
        "Thanh toán trực tuyến",
        10,
        ("ONLINE_PAYMENT_DOSSIER", "ONLINE_PAYMENT_FORMALITY"),
        provisional=True,
    ),
    Group(
        "4",
        "Số hóa hồ sơ",
        22,
        (
            "ORIGINAL_RESULT_AVAILABLE",
            "SO_HOA_GIAY_TO_GIAI_QUYET",
            "REUSED_DIGITIZED_DATA",
            "SYNCED_WITH_DVCQG_PERSONAL_STORAGE",
            "CITIZEN_DATA_CONNECTED_FORMALITY",
            "CITIZEN_DATA_CONNECTED_DOSSIER",
        ),
        provisional=True,
    ),
)

FORMULA_SETS: dict[str, FormulaSet] = {
    s.id: s
    for s in [
        FormulaSet("plan", dt.date(2022, 1, 1), PLAN_INDICATORS),
        FormulaSet("qd766-2025", dt.date(2025, 7, 1), QD766_INDICATORS, QD766_GROUPS),
    ]
}


def formula_set(set_id: str) -> FormulaSet:
    try:
        return FORMULA_SETS[set_id]
    except KeyError:
        known = ", ".join(FORMULA_SETS)
        raise KeyError(f"unknown formula set {set_id!r} (known: {known})") from None
