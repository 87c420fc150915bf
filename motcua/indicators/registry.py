"""Indicators as data: each is a numerator and a denominator, both counts defined by a
filter over one source (dossiers or payment transactions) for a period.

Adding an indicator, or a corrected version of a formula, means adding data here (a new
:class:`FormulaSet` with its own ``valid_from``), never touching the engine. The stable
codes are those of INDICATORS.md.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q

from motcua.dossiers.models import FINISHED_STATUSES, Channel, Payment, Status, SyncState
from motcua.indicators.period import Period

Where = Callable[[Period], Q]


@dataclass(frozen=True)
class Count:
    """Rows of ``source`` ("dossier" or "payment") that satisfy ``where(period)``."""

    source: str
    where: Where


@dataclass(frozen=True)
class Indicator:
    code: str
    name_vi: str
    name_en: str
    numerator: Count
    denominator: Count
    formula_en: str
    provisional: bool = False


@dataclass(frozen=True)
class FormulaSet:
    id: str
    valid_from: dt.date
    indicators: tuple[Indicator, ...]

    def get(self, code: str) -> Indicator:
        for indicator in self.indicators:
            if indicator.code == code:
                return indicator
        raise KeyError(f"formula set {self.id!r} has no indicator {code!r}")


# --- dossier filters (each documented by its name; INDICATORS.md gives the rule) ---------


def received(p: Period) -> Q:
    return Q(received_at__gte=p.start_at, received_at__lt=p.end_at)


def received_online(p: Period) -> Q:
    return received(p) & Q(channel=Channel.ONLINE)


def finished(p: Period) -> Q:
    """Processing finished (9, 10, 8, 3 or 7) at a moment inside the period."""
    return Q(status__in=FINISHED_STATUSES, finished_at__gte=p.start_at, finished_at__lt=p.end_at)


def resolved_by_end(p: Period) -> Q:
    """Processed (9) or result returned (10) no later than the period's end."""
    return Q(status__in=[Status.PROCESSED, Status.RETURNED], finished_at__lt=p.end_at)


def digitized_filter(p: Period) -> Q:
    result_ok = Q(has_result_file=True) | Q(procedure__requires_result=False)
    return received(p) & Q(all_components_filed=True) & result_ok


def payments_in(p: Period) -> Q:
    return Q(state=Payment.State.SUCCESS, at__gte=p.start_at, at__lt=p.end_at)


def dossiers(where: Where) -> Count:
    return Count("dossier", where)


def payments(where: Where) -> Count:
    return Count("payment", where)


PLAN_INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "online_received",
        "Tỷ lệ hồ sơ tiếp nhận trực tuyến",
        "Share of dossiers received online",
        dossiers(received_online),
        dossiers(received),
        "dossiers received online in the period / dossiers received in the period",
    ),
    Indicator(
        "online_resolved",
        "Tỷ lệ hồ sơ giải quyết trực tuyến",
        "Share of dossiers resolved online",
        dossiers(lambda p: received_online(p) & resolved_by_end(p)),
        dossiers(received),
        "dossiers received online in the period and processed (status 9 or 10) by its end"
        " / dossiers received in the period",
    ),
    Indicator(
        "online_share_of_resolved",
        "Tỷ lệ hồ sơ nộp trực tuyến trên hồ sơ đã giải quyết",
        "Online share of finished dossiers",
        dossiers(lambda p: finished(p) & Q(channel=Channel.ONLINE)),
        dossiers(finished),
        "dossiers finished in the period that were submitted online"
        " / dossiers finished in the period",
    ),
    Indicator(
        "digitized",
        "Tỷ lệ số hóa hồ sơ, kết quả",
        "Share of dossiers digitized",
        dossiers(digitized_filter),
        dossiers(received),
        "dossiers received in the period whose components all have files and, when the"
        " procedure issues a result, whose result has a file / dossiers received",
    ),
    Indicator(
        "reused",
        "Tỷ lệ khai thác, sử dụng lại dữ liệu số hóa",
        "Share of dossiers reusing digitized data",
        dossiers(lambda p: received(p) & Q(reused=True)),
        dossiers(received),
        "dossiers received in the period with at least one reused component / dossiers received",
    ),
    Indicator(
        "e_result",
        "Tỷ lệ trả kết quả điện tử",
        "Share of electronic results",
        dossiers(lambda p: finished(p) & Q(has_result_file=True)),
        dossiers(lambda p: finished(p) & Q(procedure__requires_result=True)),
        "dossiers finished in the period with an electronic result file"
        " / dossiers finished in the period of procedures that issue a result",
    ),
    Indicator(
        "national_sync",
        "Tỷ lệ đồng bộ lên Cổng DVCQG",
        "Share synced to the National Public Service Portal",
        dossiers(lambda p: received(p) & Q(sync_state=SyncState.ACKNOWLEDGED)),
        dossiers(received),
        "dossiers received in the period acknowledged by DVCQG / dossiers received",
    ),
    Indicator(
        "online_payment_transactions",
        "Tỷ lệ giao dịch thanh toán trực tuyến",
        "Share of online payment transactions",
        payments(lambda p: payments_in(p) & Q(channel=Payment.Channel.ONLINE)),
        payments(payments_in),
        "successful online payment transactions in the period"
        " / all successful payment transactions in the period (online and at the counter)",
    ),
)

FORMULA_SETS: dict[str, FormulaSet] = {
    s.id: s for s in [FormulaSet("plan", dt.date(2022, 1, 1), PLAN_INDICATORS)]
}
