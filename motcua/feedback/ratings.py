"""Satisfaction ratings (đánh giá mức độ hài lòng) and their response rates by channel.

An applicant rates a dossier once its result has been returned (status 10): a score on the
5-point scale (1 rất không hài lòng … 5 rất hài lòng), optionally like/dislike and a comment.
A kiosk at the counter collects the same anonymously (no dossier, only the unit).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from motcua.audit import log as audit
from motcua.dossiers.models import Channel, Dossier, Status
from motcua.feedback.models import Rating, RatingChannel
from motcua.indicators.period import Period
from motcua.units.models import Unit

SATISFIED_FROM = 4  # 4 hài lòng, 5 rất hài lòng


class RatingError(Exception):
    """A rating the rules refuse; the message is for the applicant."""


def _validate(score: int, comment: str) -> None:
    if score not in range(1, 6):
        raise RatingError(_("Mức độ hài lòng phải từ 1 đến 5."))
    if len(comment) > 2000:
        raise RatingError(_("Góp ý dài quá 2.000 ký tự."))


def rate_dossier(
    dossier: Dossier,
    score: int,
    *,
    liked: bool | None = None,
    comment: str = "",
    channel: str = RatingChannel.ONLINE,
    at: dt.datetime | None = None,
) -> Rating:
    """The applicant's rating of a returned dossier; one per dossier."""
    _validate(score, comment)
    if channel == RatingChannel.KIOSK:
        raise ValueError("kiosk ratings are anonymous: use rate_at_kiosk")
    if dossier.status != Status.RETURNED:
        raise RatingError(_("Chỉ đánh giá được hồ sơ đã trả kết quả."))
    try:
        with transaction.atomic():
            rating = Rating.objects.create(
                unit_id=dossier.unit_id,
                dossier=dossier,
                channel=channel,
                score=score,
                liked=liked,
                comment=comment.strip(),
                at=at or timezone.now(),
            )
            audit.record(
                "rating.create",
                actor="applicant",
                object_type="dossier",
                object_id=dossier.pk,
                code=dossier.code,
                score=score,
            )
    except IntegrityError:
        raise RatingError(_("Hồ sơ này đã được đánh giá.")) from None
    return rating


def rate_at_kiosk(
    unit: Unit,
    score: int,
    *,
    liked: bool | None = None,
    comment: str = "",
    at: dt.datetime | None = None,
) -> Rating:
    """An anonymous rating from the counter's kiosk."""
    _validate(score, comment)
    return Rating.objects.create(
        unit=unit,
        channel=RatingChannel.KIOSK,
        score=score,
        liked=liked,
        comment=comment.strip(),
        at=at or timezone.now(),
    )


# Which returned dossiers each rating channel could have been given for.
CHANNEL_DOSSIERS = {
    RatingChannel.ONLINE: (Channel.ONLINE,),
    RatingChannel.COUNTER: (Channel.COUNTER, Channel.POST),
    RatingChannel.KIOSK: (Channel.COUNTER, Channel.POST),
}


@dataclass(frozen=True)
class ChannelFigures:
    channel: str
    returned: int  # dossiers whose result was returned in the period (denominator)
    ratings: int
    satisfied: int

    @property
    def response_rate(self) -> float | None:
        return self.ratings / self.returned if self.returned else None

    @property
    def satisfaction_rate(self) -> float | None:
        return self.satisfied / self.ratings if self.ratings else None


def by_channel(unit_ids: list[int], period: Period) -> list[ChannelFigures]:
    """Response rate next to satisfaction rate, per rating channel, for these units.

    - ratings: ratings given in the period; satisfied: those scoring 4 or 5;
    - returned: dossiers of the units whose result was returned (status 10) in the period
      through the channels the rating channel serves (online → KenhThucHien 2; counter and
      kiosk → 1 and 3, so the two counter figures share their denominator);
    - response rate = ratings / returned; satisfaction rate = satisfied / ratings.
    """
    ratings = (
        Rating.objects.filter(unit_id__in=unit_ids, at__gte=period.start_at, at__lt=period.end_at)
        .values("channel")
        .annotate(n=Count("pk"), ok=Count("pk", filter=Q(score__gte=SATISFIED_FROM)))
    )
    counted = {r["channel"]: (r["n"], r["ok"]) for r in ratings}
    returned = dict(
        Dossier.objects.filter(
            unit_id__in=unit_ids,
            status=Status.RETURNED,
            returned_at__gte=period.start_at,
            returned_at__lt=period.end_at,
        )
        .values_list("channel")
        .annotate(n=Count("pk"))
        .values_list("channel", "n")
    )
    figures = []
    for channel in RatingChannel:
        n, ok = counted.get(channel.value, (0, 0))
        base = sum(returned.get(c, 0) for c in CHANNEL_DOSSIERS[channel])
        figures.append(ChannelFigures(channel.value, base, n, ok))
    return figures
