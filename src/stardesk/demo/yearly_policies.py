"""The demo's yearly policies (P1): the closed cycles frozen, the next one copied forward and open.

For each hotline: 2024 from the defaults of policy.md, 2025 copied from it,
both frozen on their award day (their committee decisions are closed), and
2026 copied from 2025, still editable, so the supervisor can try a change;
a demo built in a later year also has that year's (and any between), each
copied from the one before, so its months can be scored and closed.
Written in bulk, one query per kind of row for the whole group; the demo's
own audit entry per hotline stands for them.
"""
import dataclasses
import datetime

from django.utils import timezone

from stardesk.demo.title_history import CYCLES
from stardesk.people.models import Hotline
from stardesk.policy.yearly import YearlyPolicy, next_cycle_policy, policy_to_dict
from stardesk.yearly_policy.models import CyclePolicy, CyclePolicyRevision, RevisionSource, version_label

CLOSED_YEARS = tuple(cycle.year for cycle in CYCLES)
OPEN_YEAR = CLOSED_YEARS[-1] + 1
AWARD_DAYS = {cycle.year: cycle.award_day for cycle in CYCLES}


def _frozen_at(year: int) -> datetime.datetime:
    # The committee's decision is closed by the award ceremony (K4, A1).
    day = AWARD_DAYS[year]
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9, 0)), timezone.get_default_timezone())


def create_policies(hotlines: list[Hotline]) -> int:
    """2024 and 2025 frozen, 2026 (and any later year up to today's) open, for each of `hotlines`;
    returns the number of policies written."""
    records, revisions = [], []
    for hotline in hotlines:
        policy = YearlyPolicy.defaults()
        later = range(OPEN_YEAR + 1, timezone.localdate().year + 1)
        for position, year in enumerate((*CLOSED_YEARS, OPEN_YEAR, *later)):
            if position:
                policy = next_cycle_policy(policy, version_label(year, 1))  # P1: a copy of the last one
            data = policy_to_dict(dataclasses.replace(policy, p2_version=version_label(year, 1)))
            frozen = year in AWARD_DAYS
            record = CyclePolicy(
                hotline=hotline, year=year, data=data, revision=1,
                frozen_at=_frozen_at(year) if frozen else None,
                frozen_by_name="评定委员会" if frozen else "",
                freeze_reason=f"{year} 年度集中评定已结束" if frozen else "",
            )
            records.append(record)
            source, note = (RevisionSource.DEFAULTS, "按政策默认值创建") if not position else \
                (RevisionSource.COPIED, f"沿用 {version_label(year - 1, 1)}")
            revisions.append((record, CyclePolicyRevision(number=1, data=data, source=source, reason=note, author_name="系统")))
    CyclePolicy.objects.bulk_create(records)
    for record, revision in revisions:
        revision.policy = record
    CyclePolicyRevision.objects.bulk_create([revision for _record, revision in revisions])
    return len(records)


def build_yearly_policies(group) -> None:
    """The demo generator's builder (hotline_builder.BUILDERS)."""
    group.counts["policies"] = create_policies([demo.hotline for demo in group.hotlines])
