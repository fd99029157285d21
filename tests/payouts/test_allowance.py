"""M4–M5 and C3 end to end: a month accepted through the register workflow writes every holder's line,
with the exact amount and 依据 of policy.md's examples; a correction (R2) writes a new line and keeps the old."""
import datetime
from decimal import Decimal as D

import pytest

from stardesk.assessment import services as assessment
from stardesk.assessment.models import MonthlyScore
from stardesk.audit.models import AuditEntry
from stardesk.payouts.models import AllowanceLine, LineCause, LineStatus
from stardesk.people.models import TitleEndReason
from stardesk.policy.conventions import Month
from stardesk.policy.june_exam import JuneResult
from stardesk.yearly_policy import person_facts
from tests.factories import PersonFactory
from tests.payouts.conftest import close_month, hold, set_policy, veto

pytestmark = pytest.mark.django_db


def line_of(person, month: Month) -> AllowanceLine:
    return AllowanceLine.objects.get(person=person, month=month.first_day, is_current=True)


def test_m4_every_holder_of_an_accepted_team_gets_a_line_with_amount_and_basis(leader, supervisor, team, agent_person, colleague, march):
    # given 张三 holds 2 stars and 李四 none
    hold(agent_person, 2)
    # when the team's March register is accepted with 张三 at 90.5
    close_month(leader, supervisor, team, march, {agent_person: "90.5", colleague: "97"})
    # then only the holder has a line: B(2) × 90.5% = 181.00 (M4 step 4)
    line = line_of(agent_person, march)
    assert (line.level, line.treatment_level, line.score, line.rate, line.amount) == (2, 2, D("90.5"), D("0.905"), D("181.00"))
    assert line.status == LineStatus.DECIDED and line.cause == LineCause.ACCEPTED
    assert line.basis == "M4: 90.5分, 2星基数200元 × 90.5% = 181.00元"
    assert line.policy_version == "2025 第1版" and line.team == team
    assert not AllowanceLine.objects.filter(person=colleague).exists()


def test_m4_full_rate_from_95_and_one_level_lower_below_85(leader, supervisor, team, agent_person, colleague, march):
    hold(agent_person, 3)
    hold(colleague, 1)
    close_month(leader, supervisor, team, march, {agent_person: "95", colleague: "84.9"})
    # 3 stars at 95 (C1 "95分以上" includes 95): B(3) × 100%
    assert line_of(agent_person, march).amount == D("300.00")
    # 1 star below 85: one more level down, B(0) = 0
    low = line_of(colleague, march)
    assert (low.treatment_level, low.paid_level, low.amount) == (1, None, D("0.00"))
    assert low.basis == "M4: 84.9分 < 85分，再降一级，待遇等级为无星级，金额 0.00元"


def test_m5_three_star_with_a_month_lowering_and_score_80_is_paid_one_star(leader, supervisor, team, agent_person, colleague, march):
    # given a 3-star holder with a 一般 violation in March (M5 default: 当月降级)
    hold(agent_person, 3)
    veto(leader, agent_person, datetime.date(2025, 3, 12))
    # when March is accepted with 80
    close_month(leader, supervisor, team, march, {agent_person: "80", colleague: "96"})
    # then L' = 2 and s < 85 lowers once more: B(1) = 100.00 (policy.md's example)
    line = line_of(agent_person, march)
    assert (line.level, line.treatment_level, line.paid_level, line.amount) == (3, 2, 1, D("100.00"))
    assert line.basis == (
        "M5: 2025-03-12 违章违纪（一般），当月降级；M4: 持有3星，当月待遇按2星；"
        "M4: 80分 < 85分，再降一级, 1星基数100元 × 100% = 100.00元"
    )


def test_m5_a_month_cancel_pays_nothing(leader, supervisor, team, agent_person, colleague, march):
    hold(agent_person, 2)
    veto(leader, agent_person, datetime.date(2025, 3, 3), severity="serious")  # 较重 → 当月取消
    close_month(leader, supervisor, team, march, {agent_person: "99", colleague: "96"})
    line = line_of(agent_person, march)
    assert (line.amount, line.rate) == (D("0.00"), None)
    assert line.basis.endswith("M4: 2星，当月待遇取消，金额 0.00元")


def test_m4_j3_lowered_two_star_at_90_is_paid_90(monkeypatch, hotline, leader, supervisor, team, agent_person, colleague, policies):
    # given 张三, 2 stars, scored 60 in the June comprehensive exam (J3: <= 65 lowers July–December)
    hold(agent_person, 2)
    september = Month(2025, 9)
    monkeypatch.setattr(
        person_facts, "june_results_of",
        lambda h, year: {"1001": JuneResult("1001", 2025, D("60"), 30, 30, datetime.date(2025, 6, 20))} if year == 2025 else {},
    )
    # when September is accepted with 90
    close_month(leader, supervisor, team, september, {agent_person: "90", colleague: "96"})
    # then B(1) × 90% = 90.00 (policy.md's example)
    line = line_of(agent_person, september)
    assert (line.treatment_level, line.amount) == (1, D("90.00"))
    assert "J3: 年中综合考试 60分 ≤ 65分，7–12月星级待遇降一级" in line.basis
    assert line.basis.endswith("M4: 90分, 1星基数100元 × 90% = 90.00元")


def test_c3_amount_rounds_half_up_once_at_the_end(hotline, leader, supervisor, team, agent_person, colleague, policies):
    # given a policy whose 1-star base is 133 yuan: 133 × 90.5% = 120.365
    set_policy(hotline, 2025, m4_base_level1=D("133"))
    hold(agent_person, 1)
    close_month(leader, supervisor, team, Month(2025, 4), {agent_person: "90.5", colleague: "96"})
    # then 120.37 (half up), not the banker's 120.36
    assert line_of(agent_person, Month(2025, 4)).amount == D("120.37")


def test_m4_a_title_held_on_some_day_of_the_month_gives_a_line_even_if_gone_by_its_end(leader, supervisor, team, agent_person, colleague, march):
    # given 张三's title was revoked on 15 March and 李四's started on 20 March
    hold(agent_person, 2, end=datetime.date(2025, 3, 15), end_reason=TitleEndReason.REVOKED)
    hold(colleague, 1, start=datetime.date(2025, 3, 20))
    close_month(leader, supervisor, team, march, {agent_person: "99", colleague: "96"})
    # then both have a line: L is read on 31 March
    gone = line_of(agent_person, march)
    assert (gone.level, gone.amount) == (0, D("0.00"))
    assert gone.basis == "M4: 月末（2025-03-31）未持有星级，金额 0.00元"
    assert line_of(colleague, march).amount == D("100.00")


def test_m4_a_holder_without_a_score_is_pending(hotline, leader, supervisor, team, agent_person, colleague, march):
    # given a holder in no team (no register holds their score), closed with the team's month
    loner = PersonFactory(team=None, hotline=hotline, staff_no="1009", name="赵九")
    hold(loner, 2)
    hold(agent_person, 1)
    close_month(leader, supervisor, team, march, {agent_person: "96", colleague: "96"})
    line = line_of(loner, march)
    assert (line.status, line.amount, line.score, line.rate) == (LineStatus.PENDING, None, None, None)
    assert line.basis == "M4: 2星，2025-03 月度得分未确认，待定"


def test_m4_lines_wait_for_their_team_and_another_team_is_not_touched(leader, other_leader, supervisor, team, other_team, agent_person, colleague, stranger, march):
    hold(agent_person, 1)
    hold(stranger, 2)
    close_month(leader, supervisor, team, march, {agent_person: "96", colleague: "96"})
    assert AllowanceLine.objects.filter(person=agent_person).exists()
    assert not AllowanceLine.objects.filter(person=stranger).exists()  # 二班 not accepted yet
    close_month(other_leader, supervisor, other_team, march, {stranger: "88"})
    assert line_of(stranger, march).amount == D("176.00")
    assert AllowanceLine.objects.filter(person=agent_person).count() == 1  # unchanged, not written again


def test_r2_correction_recomputes_allowance_keeps_old_line(leader, supervisor, team, agent_person, colleague, march):
    # given March accepted with 张三 (2 stars) at 90
    hold(agent_person, 2)
    close_month(leader, supervisor, team, march, {agent_person: "90", colleague: "96"})
    old = line_of(agent_person, march)
    assert old.amount == D("180.00")
    # when the supervisor corrects the locked score to 96
    score = MonthlyScore.objects.get(person=agent_person, month=march.first_day)
    assessment.score_correct(actor=supervisor, monthly_score=score, new_score="96", reason="复核录音后更正")
    # then a new line pays the full base, and the old one is kept, pointing to it
    new = line_of(agent_person, march)
    old.refresh_from_db()
    assert (new.amount, new.cause, new.score) == (D("200.00"), LineCause.CORRECTED, D("96"))
    assert new.cause_note == "R2 更正 90→96：复核录音后更正"
    assert (old.is_current, old.superseded_by, old.amount) == (False, new, D("180.00"))
    assert old.superseded_at is not None
    entry = AuditEntry.objects.get(action="allowance.supersede")
    assert entry.changes["amount"] == ["180.00", "200.00"] and entry.actor == supervisor
    # and a colleague's line is not rewritten
    assert AllowanceLine.objects.filter(month=march.first_day).count() == 2


def test_m4_a_month_without_a_policy_computes_nothing_and_says_so(hotline, leader, supervisor, team, agent_person, colleague, march, client):
    from stardesk.payouts import month_close

    result = month_close.close_month(actor=supervisor, hotline=hotline, month=Month(2023, 5), cause=LineCause.RECOMPUTED)
    assert result.policy_missing and not AllowanceLine.objects.exists()
