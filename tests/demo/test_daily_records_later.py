"""The demo built on a later day than today (demo.daily_records, demo.yearly_policies): the months between the
story's end and last month are handed in, accepted and closed like the story's; last month is left for leader1.

A module of its own: the other demo tests share one demo built for their module."""
import datetime

from stardesk.assessment.models import MonthlyScore, Register, RegisterState, WeeklyEvaluation
from stardesk.assessment.weeks import IsoWeek
from stardesk.demo import hotline_builder
from stardesk.payouts.models import AllowanceLine
from stardesk.policy.conventions import Month
from stardesk.yearly_policy.models import CyclePolicy


def test_a_demo_built_months_after_the_story_closes_the_months_between_and_leaves_the_last_one(db, monkeypatch):
    # built on 10 February 2027: October to December 2026 were handed in and accepted, January is being handed in
    later = datetime.datetime(2027, 2, 10, 3, 0, tzinfo=datetime.timezone.utc)
    monkeypatch.setattr("django.utils.timezone.now", lambda: later)
    group = hotline_builder.build_group(hotlines=1, agents_per_hotline=40)
    teams = len(group.hotlines[0].teams)

    for month in (Month(2026, 10), Month(2026, 11), Month(2026, 12)):
        registers = Register.objects.filter(month=month.first_day)
        assert registers.count() == teams and {r.state for r in registers} == {RegisterState.ACCEPTED}
        assert AllowanceLine.objects.filter(month=month.first_day, is_current=True).exists()
        assert not MonthlyScore.objects.filter(month=month.first_day, confirmed_at__isnull=True).exists()
    assert CyclePolicy.objects.filter(year=2027).exists()  # P1: the year's policy, copied from 2026
    january = Month(2027, 1)
    assert not Register.objects.filter(month=january.first_day, team=group.hotlines[0].teams[0]).exists()
    assert not WeeklyEvaluation.objects.filter(team=group.hotlines[0].teams[0], week_start=IsoWeek(2027, 6).monday).exists()
