"""The demo's 2025 cycle: decided and awarded, agreeing with the title story; the 2026 cycle stays open."""
import datetime
from decimal import Decimal

import pytest

from stardesk.cycle import bonus_plan, certificates, committee
from stardesk.cycle.models import Application, Award, CommitteeCandidate, CommitteeDecision, Cycle, CycleSeat, Step
from stardesk.demo import hotline_builder
from stardesk.people.models import TitleSpell
from stardesk.policy.conventions import Month

AWARD_DAY = datetime.date(2025, 10, 17)


@pytest.fixture
def demo(db):
    return hotline_builder.build_group(agents_per_hotline=80)


def test_demo_2025_cycle_is_completed_and_2026_open(demo):
    assert dict(Cycle.objects.values_list("year", "step")) == {2025: Step.COMPLETED, 2026: Step.APPLICATION}
    cycle = Cycle.objects.get(year=2025)
    assert cycle.award_date == AWARD_DAY and cycle.policy.is_frozen


def test_demo_awards_are_the_story_titles_of_the_2025_ceremony(demo):
    cycle = Cycle.objects.get(year=2025)
    story = {(s.person_id, s.level) for s in TitleSpell.objects.filter(start=AWARD_DAY)}
    awards = {(a.person_id, a.level) for a in Award.objects.filter(cycle=cycle)}
    assert awards == story and awards
    assert all(a.title.start == AWARD_DAY and a.title.person_id == a.person_id for a in Award.objects.select_related("title"))


def test_demo_every_application_passes_the_products_own_check_and_every_level_is_within_quota(demo):
    cycle = Cycle.objects.get(year=2025)
    assert all(a.eligible for a in Application.objects.filter(cycle=cycle))
    for seat in CycleSeat.objects.filter(cycle=cycle):
        assert seat.filled == CommitteeCandidate.objects.filter(cycle=cycle, level=seat.level).count() <= seat.quota
    # K4: the stored result is what the rules give from the proposal and the decisions
    assert committee.close_committee(cycle, None, None)
    assert CommitteeDecision.objects.filter(cycle=cycle).count() == CommitteeCandidate.objects.filter(cycle=cycle).count()
    # X5: the composite scores are whole (exams, monthly scores and monitored calls all recorded)
    assert not CommitteeCandidate.objects.filter(cycle=cycle, composite__isnull=True).exists()


def test_demo_rewards_reach_the_october_bonus_plan_and_certificates_print(demo):
    cycle = Cycle.objects.get(year=2025)
    awards = list(Award.objects.filter(cycle=cycle).select_related("person", "cycle__hotline"))
    expected = sum((a.reward_amount for a in awards), Decimal("0.00"))
    plan = bonus_plan.plan_for(cycle.hotline, Month(2025, 10))
    rewards = sum((r.line.amount for r in plan.rows if r.line.kind == "一次性奖励"), Decimal("0.00"))
    assert expected > 0 and rewards == expected
    assert certificates.certificates_pdf(awards[:2]).startswith(b"%PDF")
