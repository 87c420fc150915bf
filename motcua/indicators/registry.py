"""Indicators as data.

An indicator is a numerator and a denominator, each a :class:`Count` from a named source
(sources.py, catalogue.py): dossiers (through the daily aggregates), distinct procedures
among them, payment transactions, the procedures each unit applies (the catalogue), or
units; each selected by a predicate (predicates.py) for a period; plus a scoring rule. A
formula set groups indicators under a versioned id with a valid-from date. Adding an
indicator or a corrected formula means adding data here (a new FormulaSet), never touching
the engine. Codes are those of INDICATORS.md (group 3's, not named there, are ours).
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
    """What to count, from which source (``sources.py``; the name picks a registered
    :class:`~motcua.indicators.sources.Source`):

    - ``dossiers`` (via the daily aggregates) that satisfy ``where``;
    - ``procedures``: distinct procedures with at least one such dossier, per handling unit;
    - ``payments``: transactions satisfying ``payment_where``;
    - ``catalogue``: (unit, procedure) pairs of the procedures each unit applies whose
      catalogue facts (:class:`~motcua.indicators.catalogue.ProcedureFacts`) satisfy
      ``where``, and, when ``having`` is given, with ≥1 dossier of that unit and procedure
      satisfying ``having`` in the period;
    - ``units``: the units themselves (:class:`~motcua.indicators.catalogue.UnitFacts`)
      satisfying ``where``, and, with ``having``, with ≥1 such dossier in the period.
    """

    source: str
    where: Pred | None = None
    payment_where: Callable[[Period], Q] | None = None
    label: str = ""
    having: Pred | None = None


@dataclass(frozen=True)
class Scoring:
    """Score = min(max, max × rate / full_at); ``if_empty`` is the score when a = 0.

    ``full_at`` is the rate that earns full marks (0.8 for 3.1 and REUSED_DIGITIZED_DATA,
    0.5 for 3.3); 3b's min(2, 2.5·B) is ``Scoring(2, full_at=0.8)``.
    """

    max: float
    full_at: float = 1.0
    if_empty: float = 0.0

    def score(self, rate: float | None) -> float:
        if rate is None:
            return self.if_empty
        return min(self.max, self.max * rate / self.full_at)

    def describe(self) -> str:
        """The rule in words, e.g. ``min(2, 2.5 × rate); 6 when a = 0``."""
        slope = self.max / self.full_at
        text = f"min({self.max:g}, {slope:g} × rate)" if self.full_at != 1 else f"{slope:g} × rate"
        if self.if_empty:
            text += f"; {self.if_empty:g} when a = 0"
        return text


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
    # Further (b, a) factors multiplying the rate: rate = b/a × Π bᵢ/aᵢ (766 3.3).
    times: tuple[tuple[Count, Count], ...] = ()

    def counts(self) -> dict[str, Count]:
        """Every count the indicator needs, keyed ``CODE__b``, ``CODE__a``, ``CODE__b1``…"""
        result = {f"{self.code}__b": self.numerator, f"{self.code}__a": self.denominator}
        for i, (b, a) in enumerate(self.times, start=1):
            result[f"{self.code}__b{i}"] = b
            result[f"{self.code}__a{i}"] = a
        return result


@dataclass(frozen=True)
class Group:
    """A scored group: its score is the sum of its indicators' scores, capped at ``max``.

    ``pending`` names what a group still needs (e.g. ``"feedback data"``): such a group is
    listed with no score, and the group and the total stay provisional.
    """

    code: str
    name_vi: str
    max: float
    indicators: tuple[str, ...]
    provisional: bool = False
    pending: str = ""


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

    def group_provisional(self, group: Group) -> bool:
        """A group is provisional when marked so, pending, or any indicator is."""
        codes = set(group.indicators)
        return (
            group.provisional
            or bool(group.pending)
            or any(i.provisional for i in self.indicators if i.code in codes)
        )

    @property
    def total_provisional(self) -> bool:
        return any(self.group_provisional(g) for g in self.groups)


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
certified_copy = Eq("certified_copy", True, "thủ tục chứng thực bản sao")
e_result_if_required = Labelled(
    Not(requires_result) | has_result_file,
    "có kết quả điện tử (thủ tục có kết quả giấy)",
)

# --- catalogue atoms (fields of catalogue.ProcedureFacts, as of the period's last day) ---

offered_online = Eq("online_offered", True, "thủ tục cung cấp DVCTT (một phần, toàn trình)")
offered_full = Eq("service_level", "full", "thủ tục cung cấp DVCTT toàn trình")
payment_deployed = Eq("payment_deployed", True, "đã triển khai thanh toán trực tuyến")
obligation = Eq("financial_obligation", True, "thủ tục có nghĩa vụ tài chính")
with_fee = Eq("has_fee", True, "thủ tục có phí, lệ phí")
publish_due = DayIn("publish_due_day", "phải công bố trong kỳ")
decided_on_time = Eq("decided_on_time", True, "quyết định công bố đúng hạn")
public_in_scope = Labelled(
    DayIn("published_day") | DayIn("public_due_day"), "công khai hoặc đến hạn công khai trong kỳ"
)
published_on_time = Eq("published_on_time", True, "công khai trong 5 ngày làm việc")
published = DayByEnd("published_day", "đã công khai trên CSDLQG")
content_full = Eq("content_full", True, "công khai đủ 7 bộ phận")
commune = Eq("level", "commune", "đơn vị cấp xã")


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


def feedback(name: str) -> Count:
    """A count of the feedback source (motcua/feedback/indicators.py, docs/feedback.md):
    petitions, ratings, and the dossiers group 5 rates, by count name."""
    return Count(name)


def procedures(where: Pred, label: str = "") -> Count:
    return Count("procedures", where=where, label=label)


def catalogue(where: Pred | None = None, having: Pred | None = None, label: str = "") -> Count:
    """Procedures the unit applies (catalogue.py) satisfying ``where``, with ≥1 dossier
    satisfying ``having`` in the period when given."""
    return Count("catalogue", where=where, having=having, label=label)


def units(where: Pred, having: Pred | None = None, label: str = "") -> Count:
    return Count("units", where=where, having=having, label=label)


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
    Indicator(
        "procedures_with_dossiers",
        "TTHC có phát sinh hồ sơ",
        "Online procedures with dossiers",
        catalogue(offered_online, having=received),
        catalogue(offered_online),
        "thủ tục cung cấp DVCTT có ít nhất 1 hồ sơ tiếp nhận trong kỳ tại đơn vị"
        " / thủ tục cung cấp DVCTT đơn vị áp dụng",
    ),
    Indicator(
        "full_online_provision",
        "Tỷ lệ cung cấp DVCTT toàn trình",
        "Full-online provision",
        catalogue(offered_full),
        catalogue(offered_online),
        "thủ tục đơn vị áp dụng cung cấp DVCTT toàn trình / thủ tục đơn vị áp dụng đủ điều"
        " kiện toàn trình (đang cung cấp DVCTT một phần hoặc toàn trình)",
    ),
    Indicator(
        "payment_enabled_procedures",
        "TTHC có nghĩa vụ tài chính được triển khai thanh toán trực tuyến",
        "Procedures with online payment deployed",
        catalogue(obligation & payment_deployed),
        catalogue(obligation),
        "thủ tục có nghĩa vụ tài chính đã triển khai thanh toán trực tuyến"
        " / thủ tục có nghĩa vụ tài chính",
    ),
    Indicator(
        "e_certified_copy",
        "Tỷ lệ chứng thực bản sao điện tử",
        "Electronic certified copies",
        dossiers(received & certified_copy & has_result_file),
        dossiers(received & certified_copy),
        "hồ sơ chứng thực bản sao tiếp nhận trong kỳ có bản sao điện tử (tệp kết quả)"
        " / hồ sơ chứng thực bản sao tiếp nhận trong kỳ",
    ),
    Indicator(
        "feedback_on_time",
        "Tỷ lệ xử lý PAKN đúng hạn",
        "Petitions handled on time",
        feedback("petitions_on_time"),
        feedback("petitions"),
        "PAKN xử lý đúng hạn + đang xử lý trong hạn / PAKN tiếp nhận trong kỳ",
    ),
    Indicator(
        "satisfaction",
        "Tỷ lệ hài lòng",
        "Satisfaction rate",
        feedback("ratings_satisfied"),
        feedback("ratings"),
        "lượt đánh giá hài lòng hoặc rất hài lòng trong kỳ / lượt đánh giá trong kỳ",
    ),
)

QD766_INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "PUBLISH_ON_TIME",
        "Công bố TTHC đúng hạn",
        "Procedures published on time",
        catalogue(publish_due & decided_on_time),
        catalogue(publish_due),
        "thủ tục có quyết định công bố không muộn hơn ngày hiệu lực của văn bản quy định"
        " − 5 ngày làm việc / thủ tục phải công bố trong kỳ",
        Scoring(6),
        group="1",
    ),
    Indicator(
        "PUBLIC_UPDATE_ON_TIME",
        "Công khai TTHC đúng hạn",
        "Procedures made public on time",
        catalogue(public_in_scope & published_on_time),
        catalogue(public_in_scope),
        "thủ tục công khai trên CSDLQG trong 5 ngày làm việc kể từ quyết định công bố"
        " / thủ tục công khai hoặc đến hạn công khai trong kỳ",
        Scoring(4),
        group="1",
    ),
    Indicator(
        "PUBLIC_CONTENT_FULL",
        "Công khai đầy đủ nội dung TTHC",
        "Procedures published in full",
        catalogue(published & content_full),
        catalogue(published),
        "thủ tục công khai đủ 7 bộ phận / thủ tục đã công khai",
        Scoring(2),
        group="1",
    ),
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
        "ONLINE_SERVICE_OFFERED",
        "3.1 Cung cấp DVCTT",
        "3.1 Online services offered",
        catalogue(offered_online),
        catalogue(),
        "thủ tục cung cấp DVCTT (một phần, toàn trình) / thủ tục đơn vị áp dụng;"
        " đủ điểm khi đạt 80%",
        Scoring(2, full_at=0.8),
        group="3",
        provisional=True,
    ),
    Indicator(
        "ONLINE_SERVICE_USED",
        "3.2 DVCTT phát sinh hồ sơ trực tuyến",
        "3.2 Online services used",
        catalogue(offered_online, having=received & online),
        catalogue(offered_online),
        "DVCTT có ít nhất 1 hồ sơ trực tuyến tiếp nhận trong kỳ / DVCTT đơn vị cung cấp",
        Scoring(4),
        group="3",
        provisional=True,
    ),
    Indicator(
        "ONLINE_DOSSIER_SHARE",
        "3.3 Tỷ lệ hồ sơ trực tuyến",
        "3.3 Online dossier share",
        dossiers(received & online & e_result_if_required),
        dossiers(received),
        "(hồ sơ trực tuyến tiếp nhận trong kỳ, thủ tục có kết quả giấy phải có kết quả điện tử"
        " / hồ sơ tiếp nhận trong kỳ) × tỷ lệ đồng bộ DOSSIER_SYNC; đủ điểm khi đạt 50%",
        Scoring(6, full_at=0.5),
        group="3",
        provisional=True,
        times=((dossiers(received & synced), dossiers(received)),),
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
        catalogue(with_fee, having=received & paid_online),
        catalogue(with_fee),
        "thủ tục có phí có ít nhất 1 hồ sơ thanh toán trực tuyến tiếp nhận trong kỳ"
        " / thủ tục có phí, lệ phí; điểm min(2; 2,5 × B)",
        Scoring(2, full_at=0.8),
        group="3b",
    ),
    Indicator(
        "ONLINE_PAYMENT_FEE_DATA",
        "Thủ tục có dữ liệu phí trên hồ sơ (C)",
        "Procedures whose dossiers carry fee data (C)",
        catalogue(with_fee, having=received & has_fee),
        catalogue(with_fee),
        "thủ tục có phí có hồ sơ tiếp nhận trong kỳ mang dữ liệu phí, lệ phí"
        " / thủ tục có phí, lệ phí; điểm 2,5 × C",
        Scoring(2.5),
        group="3b",
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
        "ELECTRONIC_CERTIFIED_COPY",
        "Chứng thực bản sao điện tử",
        "Electronic certified copies",
        units(commune, having=received & certified_copy & has_result_file),
        units(commune),
        "xã có ít nhất 1 hồ sơ chứng thực bản sao điện tử tiếp nhận trong kỳ / số xã",
        Scoring(2),
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
    Indicator(
        "PETITION_PROCESSING_ON_TIME",
        "Xử lý phản ánh, kiến nghị đúng hạn",
        "Petitions handled on time",
        feedback("petitions_on_time"),
        feedback("petitions"),
        "PAKN xử lý đúng hạn + đang xử lý trong hạn / PAKN tiếp nhận trong kỳ;"
        " 6 điểm khi không có PAKN",
        Scoring(6, if_empty=6),
        group="5",
    ),
    Indicator(
        "PETITION_HANDLING_SATISFACTION",
        "Hài lòng về xử lý phản ánh, kiến nghị",
        "Satisfaction with petition handling",
        feedback("petitions_satisfactory"),
        feedback("petitions"),
        "(PAKN − không hài lòng − trễ hạn − lặp lại) / PAKN; 6 điểm khi không có PAKN",
        Scoring(6, if_empty=6),
        group="5",
    ),
    Indicator(
        "DOSSIER_RECEIVING_SATISFACTION",
        "Hài lòng trong tiếp nhận, giải quyết hồ sơ",
        "Satisfaction with dossier handling",
        feedback("dossiers_receiving_satisfied"),
        feedback("dossiers_received"),
        "100% − (tỷ lệ hồ sơ trễ hạn + tỷ lệ hồ sơ bị phản ánh hoặc không thích);"
        " đủ điểm khi đạt 90%",
        Scoring(6, full_at=0.9),
        group="5",
    ),
    Indicator(
        "PETITION_CLASSIFICATION_TTHC",
        "PAKN về quy định hành chính",
        "Petitions about administrative rules",
        feedback("petitions_rules"),
        feedback("petitions"),
        "PAKN về quy định TTHC / PAKN (không tính điểm)",
        group="5",
    ),
    Indicator(
        "PETITION_CLASSIFICATION_STAFF",
        "PAKN về hành vi cán bộ",
        "Petitions about staff behaviour",
        feedback("petitions_staff"),
        feedback("petitions"),
        "PAKN về hành vi, thái độ cán bộ / PAKN (không tính điểm)",
        group="5",
    ),
)

QD766_GROUPS: tuple[Group, ...] = (
    Group(
        "1",
        "Công khai, minh bạch",
        18,
        ("PUBLISH_ON_TIME", "PUBLIC_UPDATE_ON_TIME", "PUBLIC_CONTENT_FULL", "DOSSIER_SYNC"),
    ),
    Group("2", "Tiến độ, kết quả giải quyết", 20, ("PROGRESS_ON_TIME",)),
    Group(
        "3",
        "Dịch vụ công trực tuyến",
        12,
        ("ONLINE_SERVICE_OFFERED", "ONLINE_SERVICE_USED", "ONLINE_DOSSIER_SHARE"),
    ),
    Group(
        "3b",
        "Thanh toán trực tuyến",
        10,
        ("ONLINE_PAYMENT_DOSSIER", "ONLINE_PAYMENT_FORMALITY", "ONLINE_PAYMENT_FEE_DATA"),
    ),
    Group(
        "4",
        "Số hóa hồ sơ",
        22,
        (
            "ORIGINAL_RESULT_AVAILABLE",
            "SO_HOA_GIAY_TO_GIAI_QUYET",
            "ELECTRONIC_CERTIFIED_COPY",
            "REUSED_DIGITIZED_DATA",
            "SYNCED_WITH_DVCQG_PERSONAL_STORAGE",
            "CITIZEN_DATA_CONNECTED_FORMALITY",
            "CITIZEN_DATA_CONNECTED_DOSSIER",
        ),
    ),
    Group(
        "5",
        "Mức độ hài lòng",
        18,
        # The two classification shares are shown with group 5 but carry no points.
        (
            "PETITION_PROCESSING_ON_TIME",
            "PETITION_HANDLING_SATISFACTION",
            "DOSSIER_RECEIVING_SATISFACTION",
        ),
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
