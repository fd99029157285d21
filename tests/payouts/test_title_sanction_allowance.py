"""V1 (and the M5 title sanction) → M4: when a title is lowered or revoked mid-year, the allowance lines of the
month it takes effect in and of every later month already computed follow the new level (the level held on the
month's last day, so the month of the sanction counts at the new level); earlier months stay; the old lines are
kept, superseded; the 依据 names the rule that changed the title."""
import datetime

import pytest

from stardesk.cycle import supervision
from stardesk.events import services as event_services
from stardesk.events.models import Category, Severity
from stardesk.payouts.models import AllowanceLine, LineCause
from stardesk.policy.conventions import Month
from tests.payouts.conftest import D, close_month, hold

SEPTEMBER, OCTOBER, NOVEMBER = Month(2026, 9), Month(2026, 10), Month(2026, 11)
EVIDENCE = {"evidence_text": "监听录音 C-2026-1011、C-2026-1015"}


def line_of(person, month: Month) -> AllowanceLine:
    return AllowanceLine.objects.get(person=person, month=month.first_day, is_current=True)


def history_of(person, month: Month) -> list[tuple]:
    lines = AllowanceLine.objects.filter(person=person, month=month.first_day).order_by("computed_at", "pk")
    return [(line.level, line.amount, line.is_current) for line in lines]


@pytest.fixture
def three_months(policies, leader, supervisor, team, agent_person, colleague):
    """张三 holds 2 stars, 李四 1 star; September–November 2026 closed at 96 each (full rate)."""
    hold(agent_person, 2)
    hold(colleague, 1)
    for month in (SEPTEMBER, OCTOBER, NOVEMBER):
        close_month(leader, supervisor, team, month, {agent_person: "96", colleague: "96"})
    assert (line_of(agent_person, OCTOBER).amount, line_of(colleague, OCTOBER).amount) == (D("200.00"), D("100.00"))


def test_v1_lowering_the_month_of_the_decision_counts_at_the_lower_level(three_months, committee, agent_person):
    # when the committee lowers 张三 (不够级) from 20 October
    supervision.supervision_decide(actor=committee, person=agent_person, category=Category.SHORT_OF_LEVEL,
                                   reason="服务用语明显低于二星水平", effective_on=datetime.date(2026, 10, 20), **EVIDENCE)
    # then October, the month of the decision, is paid at 1 star for the whole month (M4: the level on its last day)
    october = line_of(agent_person, OCTOBER)
    assert (october.level, october.treatment_level, october.paid_level, october.amount) == (1, 1, 1, D("100.00"))
    assert october.basis == ("V1: 2026-10-20 起降级：2星 → 1星；本月待遇按月末（2026-10-31）所持星级计（M4）；"
                             "M4: 96分 ≥ 95分, 1星基数100元 × 100% = 100.00元")
    assert october.cause == LineCause.TITLE_CHANGED
    # and November too (the lowering holds until the next award), while September stays at 2 stars
    assert (line_of(agent_person, NOVEMBER).level, line_of(agent_person, NOVEMBER).amount) == (1, D("100.00"))
    assert history_of(agent_person, SEPTEMBER) == [(2, D("200.00"), True)]
    # the lines computed before are kept, superseded
    assert history_of(agent_person, OCTOBER) == [(2, D("200.00"), False), (1, D("100.00"), True)]
    assert AllowanceLine.objects.get(person=agent_person, month=OCTOBER.first_day, is_current=False).superseded_by == october


def test_v1_revocation_leaves_a_line_of_nothing_naming_v1(three_months, committee, colleague):
    # when the committee revokes 李四's 1-star title (不合格) from 2 November
    supervision.supervision_decide(actor=committee, person=colleague, category=Category.UNQUALIFIED,
                                   reason="与用户争吵，造成恶劣影响", effective_on=datetime.date(2026, 11, 2), **EVIDENCE)
    # then November has a line (a title was held on some of its days) paying nothing, with V1 in its basis
    november = line_of(colleague, NOVEMBER)
    assert (november.level, november.amount) == (0, D("0.00"))
    assert november.basis == ("V1: 2026-11-02 起取消星级：1星 → 无星级；本月待遇按月末（2026-11-30）所持星级计（M4）；"
                              "M4: 月末（2026-11-30）未持有星级，金额 0.00元")
    # and October is untouched
    assert history_of(colleague, OCTOBER) == [(1, D("100.00"), True)]


def test_v1_finding_confirmed_later_takes_effect_on_the_decision_date(three_months, leader, committee, agent_person):
    # given a 不够级 finding recorded by the team leader on 3 October, confirmed by the committee for 12 November
    event = event_services.event_record(actor=leader, person=agent_person, date=datetime.date(2026, 10, 3),
                                        category=Category.SHORT_OF_LEVEL, description="业务知识测验两次不合格")
    supervision.supervision_confirm(actor=committee, event=event, reason="委员会确认",
                                    effective_on=datetime.date(2026, 11, 12))
    # then October stays at 2 stars and November follows the lowered title, the basis naming V1 and the decision date
    assert history_of(agent_person, OCTOBER) == [(2, D("200.00"), True)]
    november = line_of(agent_person, NOVEMBER)
    assert (november.level, november.amount) == (1, D("100.00"))
    assert november.basis.startswith("V1: 2026-11-12 起降级：2星 → 1星")


def test_m5_title_sanction_confirmed_by_the_supervisor_recomputes_the_lines(three_months, leader, supervisor, agent_person):
    # given a severe veto on 5 November (M5 default: 取消星级), confirmed by the supervisor for that day
    event = event_services.event_record(actor=leader, person=agent_person, date=datetime.date(2026, 11, 5),
                                        category=Category.VIOLATION, severity=Severity.SEVERE, description="泄露用户信息")
    event_services.sanction_confirm(actor=supervisor, event=event, reason="核实无误", effective_on=datetime.date(2026, 11, 5))
    # then November's line follows: no title on its last day, nothing paid, the basis naming M5
    november = line_of(agent_person, NOVEMBER)
    assert (november.level, november.amount) == (0, D("0.00"))
    assert november.basis.startswith("M5: 2026-11-05 起取消星级：2星 → 无星级")
    assert history_of(agent_person, OCTOBER) == [(2, D("200.00"), True)]
