"""M6 end to end: persistent low scores found when a month is accepted, proposed with the months that
triggered them, confirmed (title history changes, E6 ban) or rejected by the supervisor."""
import datetime
from decimal import Decimal as D

import pytest

from stardesk.assessment import services as assessment
from stardesk.assessment.models import MonthlyScore
from stardesk.audit.models import AuditEntry
from stardesk.core.errors import DomainError, Forbidden
from stardesk.payouts import services
from stardesk.payouts.models import AllowanceLine, LineCause, LowScoreProposal, ProposalStatus
from stardesk.people.models import TitleEndReason, TitleSpell
from stardesk.policy.bans import active_ban
from stardesk.policy.conventions import Month
from stardesk.policy.yearly import YearlyPolicy
from stardesk.yearly_policy.person_facts import title_spells
from tests.payouts.conftest import close_month, hold

pytestmark = pytest.mark.django_db


def run_months(leader, supervisor, team, person, colleague, scores: dict):
    """Accept each month of {Month: score of `person`} in order (the colleague scores 96)."""
    for month, score in scores.items():
        close_month(leader, supervisor, team, month, {person: score, colleague: "96"})


@pytest.fixture
def low_quarter(leader, supervisor, team, agent_person, colleague, policies):
    """张三 holds 2 stars and scores 94, 93.5, 92 in January–March 2025."""
    hold(agent_person, 2)
    run_months(leader, supervisor, team, agent_person, colleague, {Month(2025, 1): "94", Month(2025, 2): "93.5", Month(2025, 3): "92"})
    return LowScoreProposal.objects.get(person=agent_person)


def test_m6_three_consecutive_low_months_are_proposed_with_their_months(low_quarter, team):
    p = low_quarter
    assert (p.status, p.kind, p.months, p.scores) == (ProposalStatus.PENDING, "连续3个月", ["2025-01", "2025-02", "2025-03"], ["94", "93.5", "92"])
    assert (p.trigger_month, p.effective_on) == (datetime.date(2025, 3, 1), datetime.date(2025, 4, 1))
    assert (p.level_before, p.level_after, p.end_reason, p.team) == (2, 1, TitleEndReason.LOWERED, team)
    assert p.basis == (
        "M6: 2025年连续3个月月度得分低于 95分（2025-01、2025-02、2025-03），2025-04-01 起话务员2星→1星（降级），至下次授牌；"
        "E6: 属处分，一年内不得申报"
    )
    assert AuditEntry.objects.filter(action="low_score.propose", target_id=str(p.pk)).exists()


def test_m6_a_title_sanction_waits_for_the_supervisor(low_quarter, agent_person):
    # nothing changes in the title history before a decision
    assert list(TitleSpell.objects.filter(person=agent_person).values_list("level", "end")) == [(2, None)]


def test_m6_confirmation_lowers_from_the_next_month_sets_the_e6_ban_and_recomputes_lines(
    low_quarter, leader, supervisor, team, agent_person, colleague
):
    # given April was accepted (96) before the supervisor decided: paid on 2 stars
    close_month(leader, supervisor, team, Month(2025, 4), {agent_person: "96", colleague: "96"})
    april = AllowanceLine.objects.get(person=agent_person, month=datetime.date(2025, 4, 1), is_current=True)
    assert april.amount == D("200.00")
    # when the supervisor confirms
    services.low_score_confirm(actor=supervisor, proposal=low_quarter, reason="三个月均未达标")
    # then 2 stars end on 1 April with 降级 and 1 star holds from that day until the next award
    spells = list(TitleSpell.objects.filter(person=agent_person).order_by("start").values_list("level", "start", "end", "end_reason"))
    assert spells == [
        (2, datetime.date(2024, 10, 18), datetime.date(2025, 4, 1), TitleEndReason.LOWERED),
        (1, datetime.date(2025, 4, 1), None, ""),
    ]
    # and it is a sanction: no application for a year (E6)
    ban = active_ban(title_spells(agent_person), datetime.date(2025, 9, 30), YearlyPolicy())
    assert ban is not None and (ban.start, ban.until) == (datetime.date(2025, 4, 1), datetime.date(2026, 4, 1))
    # and April is recomputed on 1 star, the 2-star line kept
    new_april = AllowanceLine.objects.get(person=agent_person, month=datetime.date(2025, 4, 1), is_current=True)
    assert (new_april.level, new_april.amount, new_april.cause) == (1, D("100.00"), LineCause.TITLE_CHANGED)
    april.refresh_from_db()
    assert april.superseded_by == new_april
    p = LowScoreProposal.objects.get(pk=low_quarter.pk)
    assert (p.status, p.decided_by, p.decision_reason) == (ProposalStatus.CONFIRMED, supervisor, "三个月均未达标")
    assert p.ended_title.end == datetime.date(2025, 4, 1) and p.started_title.level == 1
    # and the proposal is not made again when the next month is accepted
    close_month(leader, supervisor, team, Month(2025, 5), {agent_person: "96", colleague: "96"})
    assert LowScoreProposal.objects.filter(person=agent_person).count() == 1


def test_m6_reject_needs_a_reason_leaves_the_title_and_is_not_proposed_again(low_quarter, leader, supervisor, team, agent_person, colleague):
    with pytest.raises(DomainError) as missing:
        services.low_score_reject(actor=supervisor, proposal=low_quarter, reason=" ")
    assert missing.value.code == "low_score_reason_required"
    services.low_score_reject(actor=supervisor, proposal=low_quarter, reason="三月份系统故障导致扣分")
    assert list(TitleSpell.objects.filter(person=agent_person).values_list("level", "end")) == [(2, None)]
    # the rejected trigger stands; April scored low again starts a new run (the counts began afresh)
    close_month(leader, supervisor, team, Month(2025, 4), {agent_person: "90", colleague: "96"})
    assert LowScoreProposal.objects.filter(person=agent_person).count() == 1
    with pytest.raises(DomainError) as twice:
        services.low_score_confirm(actor=supervisor, proposal=low_quarter)
    assert twice.value.code == "low_score_not_pending"


def test_m6_only_the_supervisor_decides(low_quarter, users):
    for role in ("agent", "leader", "committee"):
        with pytest.raises((Forbidden, DomainError)):
            services.low_score_confirm(actor=users[role], proposal=low_quarter)
    assert LowScoreProposal.objects.get().status == ProposalStatus.PENDING


def test_m6_a_correction_that_lifts_a_month_to_95_withdraws_the_pending_proposal(low_quarter, supervisor, agent_person):
    february = MonthlyScore.objects.get(person=agent_person, month=datetime.date(2025, 2, 1))
    assessment.score_correct(actor=supervisor, monthly_score=february, new_score="95", reason="复核后更正")
    assert LowScoreProposal.objects.get(pk=low_quarter.pk).status == ProposalStatus.WITHDRAWN
    assert AuditEntry.objects.filter(action="low_score.withdraw").count() == 1


def test_m6_six_low_months_in_a_year_trigger_even_when_runs_are_broken(leader, supervisor, team, agent_person, colleague, policies):
    hold(agent_person, 1)
    run_months(leader, supervisor, team, agent_person, colleague, {
        Month(2025, 1): "94", Month(2025, 2): "94", Month(2025, 3): "96",
        Month(2025, 4): "94", Month(2025, 5): "94", Month(2025, 6): "96",
        Month(2025, 7): "94", Month(2025, 8): "96", Month(2025, 9): "94",
    })
    p = LowScoreProposal.objects.get(person=agent_person)
    assert (p.kind, p.trigger_month, p.effective_on) == ("累计6个月", datetime.date(2025, 9, 1), datetime.date(2025, 10, 1))
    assert p.months == ["2025-01", "2025-02", "2025-04", "2025-05", "2025-07", "2025-09"]
    # a 1-star title lowered is revoked
    assert (p.level_before, p.level_after, p.end_reason) == (1, 0, TitleEndReason.REVOKED)
    services.low_score_confirm(actor=supervisor, proposal=p)
    assert list(TitleSpell.objects.filter(person=agent_person).values_list("end", "end_reason")) == [
        (datetime.date(2025, 10, 1), TitleEndReason.REVOKED)
    ]


def test_m6_a_december_trigger_takes_effect_on_first_january(leader, supervisor, team, agent_person, colleague, policies):
    hold(agent_person, 3)
    run_months(leader, supervisor, team, agent_person, colleague, {Month(2025, 10): "90", Month(2025, 11): "90", Month(2025, 12): "90"})
    p = LowScoreProposal.objects.get(person=agent_person)
    assert (p.year, p.trigger_month, p.effective_on) == (2025, datetime.date(2025, 12, 1), datetime.date(2026, 1, 1))
