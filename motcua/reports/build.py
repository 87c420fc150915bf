"""Which document a report kind builds: the one entry point for the CLI and the web."""

from __future__ import annotations

import datetime as dt

from motcua.campaigns.models import Campaign
from motcua.indicators.period import Period
from motcua.reports import appendices, campaign, scorecard
from motcua.reports.document import Document

KINDS = ("appendix1", "appendix2", "appendix3", "campaign", "scorecard")


class ReportError(ValueError):
    pass


def build(
    kind: str,
    period: Period | None,
    *,
    root_id: int | None = None,
    campaign_obj: Campaign | None = None,
) -> Document:
    if kind == "campaign":
        if campaign_obj is None:
            raise ReportError("báo cáo chiến dịch cần --campaign ID")
        as_of = period.end if period else dt.date.today()
        return campaign.campaign_report(campaign_obj, as_of)
    if period is None:
        if campaign_obj is None:
            raise ReportError(f"{kind} cần --from và --to")
        period = Period(campaign_obj.start, campaign_obj.end)
    if kind == "appendix1":
        return appendices.appendix1(period, root_id)
    if kind == "appendix2":
        return appendices.appendix2(period, root_id)
    if kind == "appendix3":
        return appendices.appendix3(period, root_id)
    if kind == "scorecard":
        return scorecard.scorecard(period, root_id)
    raise ReportError(f"loại báo cáo không có {kind!r} ({', '.join(KINDS)})")
