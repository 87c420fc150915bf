"""Targets, projections and status: pure functions (docs/campaigns.md).

Rates are fractions (0.35 = 35%); a target value is in percent or percentage points.

* Required rate: an absolute target of v% requires v/100; an increase target of +v points
  requires baseline + v/100, capped at 100% (a unit already at 95% with +20 points must
  reach 100%). Without a baseline rate (no dossiers in the baseline period) an increase
  target cannot be evaluated.
* Projection: the ordinary least-squares line through the snapshot points (day of the
  checkpoint counted from the campaign's start, rate frozen then), read at the end date and
  clipped to [0, 1]. Never from fewer than two points, nor when all points fall on one day.
* Status: ``met`` when the current rate reaches the required one; after the end date
  anything else is ``off_track``; before it ``on_track`` when the projection reaches the
  required rate, ``at_risk`` when it falls short by less than AT_RISK_MARGIN (or when
  there are fewer than two snapshots to project from), ``off_track`` otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

AT_RISK_MARGIN = 0.05  # five percentage points


class Status(StrEnum):
    MET = "met"
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    OFF_TRACK = "off_track"
    NOT_EVALUABLE = "not_evaluable"


STATUS_LABELS_VI = {
    Status.MET: "Đạt",
    Status.ON_TRACK: "Đúng hướng",
    Status.AT_RISK: "Có nguy cơ không đạt",
    Status.OFF_TRACK: "Không đạt",
    Status.NOT_EVALUABLE: "Chưa đánh giá được",
}


def required_rate(kind: str, value: Decimal | float, baseline: float | None) -> float | None:
    """The rate a target requires; None when an increase target has no baseline."""
    points = float(value) / 100
    if kind == "absolute":
        return points
    if baseline is None:
        return None
    return min(1.0, baseline + points)


@dataclass(frozen=True)
class Line:
    intercept: float
    slope: float

    def at(self, x: float) -> float:
        return self.intercept + self.slope * x


def least_squares(points: Sequence[tuple[float, float]]) -> Line | None:
    """The OLS line through ``(x, y)`` points; None for < 2 points or a single x."""
    n = len(points)
    if n < 2:
        return None
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    sxx = sum((x - mean_x) ** 2 for x, _ in points)
    if sxx == 0:
        return None
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in points)
    slope = sxy / sxx
    return Line(mean_y - slope * mean_x, slope)


def project(points: Sequence[tuple[float, float]], end_x: float) -> float | None:
    """The rate the trend reaches at ``end_x``, clipped to [0, 1]."""
    line = least_squares(points)
    if line is None:
        return None
    return max(0.0, min(1.0, line.at(end_x)))


def status(
    current: float | None,
    required: float | None,
    projection: float | None,
    *,
    ended: bool,
) -> Status:
    if current is None or required is None:
        return Status.NOT_EVALUABLE
    if current >= required:
        return Status.MET
    if ended:
        return Status.OFF_TRACK
    if projection is None:
        return Status.AT_RISK
    if projection >= required:
        return Status.ON_TRACK
    if projection >= required - AT_RISK_MARGIN:
        return Status.AT_RISK
    return Status.OFF_TRACK
