"""The demo's two years of monthly scores, accepted registers, allowance lines and M6 proposals: what a real
close computes from the same records, and October 2026 left open for the leader."""
import datetime
from collections import Counter

import pytest
from django.utils import timezone

from stardesk.assessment.models import MonthlyScore, Register, RegisterState
from stardesk.demo import hotline_builder
from stardesk.payouts import month_close
from stardesk.payouts.models import AllowanceLine, LineCause, LowScoreProposal, ProposalStatus
from stardesk.people.models import Hotline, TitleSpell
from stardesk.policy.conventions import Month


@pytest.fixture
def demo(db):
    return hotline_builder.build_group(hotlines=1, agents_per_hotline=60)


def test_demo_has_two_years_of_accepted_months(demo):
    story = MonthlyScore.objects.filter(month__lte=datetime.date(2026, 9, 1))
    months = sorted(set(story.values_list("month", flat=True)))
    assert (months[0], months[-1], len(months)) == (datetime.date(2024, 10, 1), datetime.date(2026, 9, 1), 24)
    registers = Register.objects.filter(month__lte=datetime.date(2026, 9, 1))
    assert set(registers.values_list("state", flat=True)) == {RegisterState.ACCEPTED}
    assert registers.count() == 24 * len(demo.hotlines[0].teams)
    # after the story, last month is left for the first team's leader to confirm (demo.daily_records)
    last_month = Month.of(timezone.localdate()).prev()
    assert not MonthlyScore.objects.filter(month=last_month.first_day, team=demo.hotlines[0].teams[0]).exists()
    assert not MonthlyScore.objects.filter(confirmed_at__isnull=True).exists()


def test_m4_demo_lines_are_what_a_close_of_the_same_month_computes(demo):
    hotline = Hotline.objects.get()
    for month in (Month(2024, 12), Month(2025, 7), Month(2026, 9)):
        lines = AllowanceLine.objects.filter(month=month.first_day, is_current=True).count()
        result = month_close.close_month(actor=None, hotline=hotline, month=month, cause=LineCause.RECOMPUTED)
        assert lines > 0 and (result.unchanged, result.changed, result.created, result.withdrawn) == (lines, 0, 0, 0)
    # a proportional month and the full rate both occur
    rates = Counter(AllowanceLine.objects.values_list("rate", flat=True))
    assert rates[1] > 0 and any(r is not None and r < 1 for r in rates)


def test_m6_demo_proposals_agree_with_the_title_history(demo):
    proposals = list(LowScoreProposal.objects.select_related("ended_title"))
    pending = [p for p in proposals if p.status == ProposalStatus.PENDING]
    assert len(pending) == 2 and {p.trigger_month for p in pending} == {datetime.date(2026, 9, 1)}
    for p in proposals:
        if p.status == ProposalStatus.CONFIRMED:
            assert p.ended_title.end == p.effective_on and p.ended_title.end_reason == p.end_reason
    # a recomputation of the last month finds nothing new and withdraws nothing
    result = month_close.close_month(actor=None, hotline=Hotline.objects.get(), month=Month(2026, 9), cause=LineCause.RECOMPUTED)
    assert (len(result.proposals), result.withdrawn_proposals) == (0, 0)
    assert TitleSpell.objects.exists()
