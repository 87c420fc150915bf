"""Campaign state changes: each one transaction with its audit record."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from motcua.audit.log import Actor, record
from motcua.campaigns import figures
from motcua.campaigns.models import Campaign, Checkpoint, Phase, Snapshot, SnapshotFigure, Target
from motcua.campaigns.spec import CampaignSpec, TargetSpec
from motcua.indicators.period import Period, local_zone

log = logging.getLogger("motcua.campaigns")


class CampaignError(ValueError):
    pass


def _scope_ids(campaign: Campaign | CampaignSpec) -> set[int]:
    if isinstance(campaign, Campaign):
        period, root, levels = (
            Period(campaign.start, campaign.end),
            campaign.scope_root_id,
            campaign.scope_levels,
        )
    else:
        period, root, levels = (
            Period(campaign.start, campaign.end),
            campaign.root_id,
            campaign.levels,
        )
    return {u.id for u in figures.scope_units(period, root, levels)}


def _check_overlap(spec: CampaignSpec, scope: set[int]) -> None:
    """Two campaigns may not track the same indicator for the same unit at the same time."""
    others = Campaign.objects.filter(start__lte=spec.end, end__gte=spec.start)
    for other in others:
        shared = set(other.indicators) & set(spec.indicators)
        if shared and _scope_ids(other) & scope:
            raise CampaignError(
                f"chiến dịch trùng: «{other.name}» (#{other.pk}, {other.start:%d/%m/%Y}–"
                f"{other.end:%d/%m/%Y}) đã theo dõi {', '.join(sorted(shared))} cho cùng đơn vị"
            )


def _target_units(t: TargetSpec, scope: list[figures.ScopeUnit]) -> list[int]:
    if t.unit_ids:
        return list(t.unit_ids)
    return [u.id for u in scope if u.level == t.level]


def _check_baselines(spec: CampaignSpec, scope: list[figures.ScopeUnit]) -> None:
    """An increase target needs a baseline with data for its units."""
    if spec.baseline is None:
        return
    baseline = Period(*spec.baseline)
    ids = {u.id for u in scope}
    for i, t in enumerate(spec.targets):
        units = _target_units(t, scope)
        if not units:
            raise CampaignError(
                f"targets[{i}]: chỉ tiêu không áp dụng cho đơn vị nào trong phạm vi"
            )
        outside = [uid for uid in units if uid not in ids]
        if outside:
            raise CampaignError(f"targets[{i}]: đơn vị nằm ngoài phạm vi chiến dịch")
        if t.kind != Target.Kind.INCREASE:
            continue
        found = figures.counts(t.formula_set, [t.indicator], baseline, units)
        if sum(a for _, a in found.values()) == 0:
            raise CampaignError(
                f"targets[{i}]: kỳ gốc {baseline} không có số liệu {t.indicator} cho các đơn vị "
                "của chỉ tiêu"
            )


def _save_target(t: TargetSpec, campaign: Campaign | None) -> Target:
    target = Target.objects.create(
        campaign=campaign,
        year=t.year,
        formula_set=t.formula_set,
        indicator=t.indicator,
        level=t.level,
        group_name=t.group_name,
        kind=t.kind,
        value=t.value,
    )
    if t.unit_ids:
        target.units.set(t.unit_ids)
    return target


def create_campaign(spec: CampaignSpec, *, actor: Actor, schedule: bool = True) -> Campaign:
    scope = figures.scope_units(Period(spec.start, spec.end), spec.root_id, spec.levels)
    if not scope:
        raise CampaignError("phạm vi chiến dịch không có đơn vị nào")
    with transaction.atomic():
        _check_overlap(spec, {u.id for u in scope})
        _check_baselines(spec, scope)
        campaign = Campaign.objects.create(
            name=spec.name,
            plan_number=spec.plan_number,
            plan_date=spec.plan_date,
            issuer=spec.issuer,
            start=spec.start,
            end=spec.end,
            baseline_start=spec.baseline[0] if spec.baseline else None,
            baseline_end=spec.baseline[1] if spec.baseline else None,
            scope_root_id=spec.root_id,
            scope_levels=list(spec.levels),
            formula_set=spec.formula_set,
            indicators=list(spec.indicators),
            min_dossiers=spec.min_dossiers,
        )
        for n, p in enumerate(spec.phases, start=1):
            Phase.objects.create(
                campaign=campaign,
                number=n,
                name=p.name,
                start=p.start,
                end=p.end,
                tasks=list(p.tasks),
            )
        Checkpoint.objects.bulk_create(
            Checkpoint(campaign=campaign, due=d) for d in spec.checkpoints
        )
        for t in spec.targets:
            _save_target(t, campaign)
        record(
            "campaign.create",
            actor=actor,
            object_type="campaign",
            object_id=campaign.pk,
            name=campaign.name,
            targets=len(spec.targets),
        )
        if schedule:
            transaction.on_commit(lambda: schedule_snapshots(campaign))
    return campaign


def create_standing_targets(specs: tuple[TargetSpec, ...], *, actor: Actor) -> list[Target]:
    with transaction.atomic():
        targets = [_save_target(t, None) for t in specs]
        record(
            "target.create",
            actor=actor,
            object_type="target",
            object_id=",".join(str(t.pk) for t in targets),
        )
    return targets


def schedule_snapshots(campaign: Campaign) -> None:
    """Enqueue the snapshot task to run just after each checkpoint's day is over."""
    from motcua.campaigns.tasks import snapshot_due_checkpoints

    now = timezone.now()
    for due in campaign.checkpoints.values_list("due", flat=True):
        run_after = dt.datetime.combine(due + dt.timedelta(days=1), dt.time(0, 30), local_zone())
        task = snapshot_due_checkpoints
        if run_after > now:
            task = task.using(run_after=run_after)
        try:
            task.enqueue(campaign_id=campaign.pk)
        except Exception:  # the queue is an optimisation: the command snapshots too
            log.exception("could not enqueue the snapshot task for campaign %s", campaign.pk)


@dataclass(frozen=True)
class SnapshotResult:
    campaign_id: int
    due: dt.date
    created: bool


def snapshot_checkpoint(
    checkpoint: Checkpoint,
    baselines: dict[tuple[int, tuple[int, ...]], figures.Counts] | None = None,
) -> bool:
    """Freeze the figures of one checkpoint; False when it already has its snapshot.

    ``baselines`` caches each campaign's baseline figures within one run (they are the
    same for every checkpoint taken at the same moment)."""
    campaign = checkpoint.campaign
    period = Period(campaign.start, checkpoint.due)
    scope = figures.scope_units(period, campaign.scope_root_id, campaign.scope_levels)
    ids = [u.id for u in scope]
    names = {u.id: u.name for u in scope}
    current = figures.counts(campaign.formula_set, campaign.indicators, period, ids)
    baselines = {} if baselines is None else baselines
    key = (campaign.pk, tuple(sorted(ids)))
    if key not in baselines:
        baselines[key] = {}
        if campaign.baseline_start and campaign.baseline_end:
            base_period = Period(campaign.baseline_start, campaign.baseline_end)
            baselines[key] = figures.counts(
                campaign.formula_set, campaign.indicators, base_period, ids
            )
    baseline = baselines[key]
    try:
        with transaction.atomic():
            if Snapshot.objects.filter(checkpoint=checkpoint).exists():
                return False
            snapshot = Snapshot.objects.create(
                campaign=campaign,
                checkpoint=checkpoint,
                taken_at=timezone.now(),
                period_start=period.start,
                period_end=period.end,
            )
            rows = [
                SnapshotFigure(
                    snapshot=snapshot,
                    kind=kind,
                    unit_id=uid,
                    unit_name=names[uid],
                    indicator=code,
                    numerator=b,
                    denominator=a,
                )
                for kind, found in (("current", current), ("baseline", baseline))
                for (uid, code), (b, a) in found.items()
            ]
            SnapshotFigure.objects.bulk_create(rows)
            record(
                "campaign.snapshot",
                actor="system",
                object_type="campaign",
                object_id=campaign.pk,
                checkpoint=f"{checkpoint.due:%Y-%m-%d}",
                figures=len(rows),
            )
    except IntegrityError:  # another worker took the same snapshot first
        return False
    return True


def snapshot_due(at: dt.date, campaign_id: int | None = None) -> list[SnapshotResult]:
    """Snapshot every checkpoint due on or before ``at`` that has none yet (idempotent)."""
    checkpoints = Checkpoint.objects.filter(due__lte=at, snapshot__isnull=True).select_related(
        "campaign"
    )
    if campaign_id is not None:
        checkpoints = checkpoints.filter(campaign_id=campaign_id)
    baselines: dict[tuple[int, tuple[int, ...]], figures.Counts] = {}
    return [
        SnapshotResult(cp.campaign_id, cp.due, snapshot_checkpoint(cp, baselines))
        for cp in checkpoints.order_by("campaign_id", "due")
    ]
