"""R3: the month's 奖金计划: every payment of the month (M4 allowances, J2 coefficients, A2 rewards) with its 依据."""
import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from stardesk.cycle import award as award_step
from stardesk.cycle import bonus_plan
from stardesk.exams.models import JuneRanking, JuneStanding
from stardesk.payouts.models import AllowanceLine, LineCause, LineStatus
from stardesk.policy.conventions import Month
from stardesk.policy.reasons import basis
from stardesk.policy.reporting import BonusLineKind
from tests.cycle.committee_scene import (  # noqa: F401  (fixtures)
    assessing,
    close_decision,
    deciding,
    examined,
    twenty,
)
from tests.cycle.conftest import D

pytestmark = pytest.mark.django_db
OCTOBER = Month(2026, 10)
ALLOWANCE_BASIS = "M4: 90.5分, 2星基数200元 × 90.5% = 181.00元"
COEFFICIENT_BASIS = "J2: 年中综合成绩 92分，90分至95分，系数120%"


def allowance(person, month, amount, basis_text, status=LineStatus.DECIDED, level=2):
    return AllowanceLine.objects.create(
        hotline=person.hotline, person=person, team=person.team, month=month.first_day, level=level, treatment_level=level,
        paid_level=level if amount is not None else None, score=Decimal("90.5") if amount is not None else None,
        base=Decimal("200") if amount is not None else None, rate=Decimal("0.905") if amount is not None else None,
        amount=amount, status=status, basis=basis_text, policy_version="2026 第2版", cause=LineCause.ACCEPTED,
        computed_at=timezone.now())


@pytest.fixture
def october(deciding, committee, supervisor, twenty, hotline):
    """October 2026: the award of 23 October (rewards), one decided and one pending allowance line, the June ranking."""
    cycle = close_decision(deciding, committee)
    award_step.award_perform(actor=supervisor, cycle=cycle, award_date=D(2026, 10, 23))
    allowance(twenty["5002"], OCTOBER, Decimal("181.00"), ALLOWANCE_BASIS)
    allowance(twenty["5003"], OCTOBER, None, "M4: 2026-10 月度得分未确认，待定", status=LineStatus.PENDING, level=1)
    allowance(twenty["5004"], Month(2026, 9), Decimal("100.00"), "M4: 96分, 1星基数100元 × 100% = 100.00元", level=1)
    ranking = JuneRanking.objects.create(hotline=hotline, year=2026, ranked_count=2, policy_version="2026 第2版")
    JuneStanding.objects.create(ranking=ranking, person=twenty["5002"], score=Decimal("92"), rank=1, coefficient=Decimal("1.200"),
                                coefficient_basis=COEFFICIENT_BASIS, policy_version="2026 第2版")
    JuneStanding.objects.create(ranking=ranking, person=twenty["5010"], score=None, rank=None, coefficient=None,
                                coefficient_basis="J2: 未参加年中综合考试，无系数", policy_version="2026 第2版")
    return cycle


def test_r3_bonus_plan_lines_with_basis(october):
    plan = bonus_plan.plan_for(october.hotline, OCTOBER)
    lines = [(r.person.staff_no, r.line.kind, r.line.amount, r.line.coefficient, r.line.basis) for r in plan.rows]
    assert lines == [
        # M4: the decided line of the month (the pending one has no amount yet, September's is another month)
        ("5002", BonusLineKind.ALLOWANCE, Decimal("181.00"), None, ALLOWANCE_BASIS),
        # J2 in July–December: everyone with a coefficient
        ("5002", BonusLineKind.COEFFICIENT, None, Decimal("1.200"), COEFFICIENT_BASIS),
        # A2: the awards of the month with a reward (1 star has none)
        ("5001", BonusLineKind.REWARD, Decimal("800.00"), None, "A2: 2026-10-23 授3星，一次性奖励 800.00元"),
        ("5002", BonusLineKind.REWARD, Decimal("500.00"), None, "A2: 2026-10-23 授2星，一次性奖励 500.00元"),
        ("5003", BonusLineKind.REWARD, Decimal("500.00"), None, "A2: 2026-10-23 授2星，一次性奖励 500.00元"),
    ]
    assert plan.amount == Decimal("1981.00")
    assert plan.summary() == [("月度星级待遇", 1, Decimal("181.00")), ("下半年奖金系数", 1, None), ("一次性奖励", 3, Decimal("1800.00"))]


def test_r3_first_half_months_have_no_coefficients_and_other_months_no_rewards(october):
    # September: its own allowance line and the J2 coefficient, but no reward (the award was in October)
    plan = bonus_plan.plan_for(october.hotline, Month(2026, 9))
    assert [(r.person.staff_no, r.line.kind) for r in plan.rows] == [("5004", BonusLineKind.ALLOWANCE), ("5002", BonusLineKind.COEFFICIENT)]
    # June: J2 applies from July only
    assert bonus_plan.plan_for(october.hotline, Month(2026, 6)).rows == ()


def test_r3_stored_basis_reads_back_exactly():
    for text in (ALLOWANCE_BASIS, "M5: 2026-03-02 违章违纪（一般），当月降级；M4: 3星降为2星；基数200元", "A2: x；依据中有分号；K3: y", ""):
        assert basis(bonus_plan.reasons_of(text)) == text


def test_r3_export_has_the_workbook_headers(october, client, supervisor):
    client.force_login(supervisor)
    response = client.get(reverse("cycle:bonus_export", args=["2026-10", "csv"]))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0] == ["工号", "姓名", "班组", "月份", "项目", "金额", "系数", "依据"]
    assert rows[1] == ["5002", "客服5002", "一班", "2026-10", "月度星级待遇", "181.00", "", ALLOWANCE_BASIS]
    assert rows[2][4:7] == ["下半年奖金系数", "", "1.2"]
    xlsx = client.get(reverse("cycle:bonus_export", args=["2026-10", "xlsx"]))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    assert [c.value for c in sheet[1]] == ["工号", "姓名", "班组", "月份", "项目", "金额", "系数", "依据"]
    assert sheet["A2"].value == "5002" and sheet["F6"].value == 500


def test_r3_bonus_plan_by_command(october, tmp_path):
    target = tmp_path / "奖金计划.csv"
    out = io.StringIO()
    call_command("bonus_plan_export", "--hotline", "main", "--month", "2026-10", "-o", str(target), stdout=out)
    rows = list(csv.reader(io.StringIO(target.read_bytes().decode("utf-8-sig"))))
    assert len(rows) == 6 and "5 行" in out.getvalue()


def test_r3_bonus_plan_page(october, client, supervisor, django_assert_max_num_queries):
    client.force_login(supervisor)
    with django_assert_max_num_queries(20):
        page = client.get(reverse("cycle:bonus"), {"month": "2026-10"}).content.decode()
    assert ALLOWANCE_BASIS in page and "1981.00" in page


def test_r3_bad_month_is_a_message_not_an_error(october, client, supervisor):
    client.force_login(supervisor)
    response = client.get(reverse("cycle:bonus"), {"month": "2026-13"})
    assert response.status_code == 200 and "月份格式应为 YYYY-MM" in response.content.decode()


@pytest.mark.parametrize(("role", "status"), [("supervisor", 200), ("committee", 200), ("leader", 403), ("agent", 403)])
def test_r3_who_reads_the_bonus_plan(client, users, role, status):
    client.force_login(users[role])
    assert client.get(reverse("cycle:bonus")).status_code == status
    assert client.get(reverse("cycle:bonus_export", args=["2026-10", "csv"])).status_code == status
