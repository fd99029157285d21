"""M3: the month's score — the mean of its weekly evaluations less month-level deductions, clamped to 0–100."""
from decimal import Decimal

import pytest
from django.urls import reverse

from stardesk.assessment import queries, services
from stardesk.assessment.models import MonthlyScore, ScoreSource
from stardesk.audit.models import AuditEntry
from stardesk.core.errors import DomainError
from tests.assessment.conftest import enter_week, march_weeks

D = Decimal


def enter_march(leader, team, scores_by_person: dict):
    """{person: [score of week 1, week 2, ...]} over March 2025's four weeks (None = not entered)."""
    for i, week in enumerate(march_weeks()):
        cells = {p: s[i] for p, s in scores_by_person.items() if i < len(s) and s[i] is not None}
        if cells:
            enter_week(leader, team, week, cells)


def test_m3_monthly_score_is_the_mean_of_the_weeks_less_the_deduction(leader, team, members, march):
    # given weeks 95, 92, 90.5, 93 (mean 92.625) and a 1.5-point month deduction
    enter_march(leader, team, {members[0]: ["95", "92", "90.5", "93"], members[1]: ["90", "90", "90", "90"]})
    # when the leader confirms the month
    services.month_confirm(
        actor=leader, team=team, month=march,
        lines=[services.MonthLine(members[0].pk, "1.5", "迟到一次"), services.MonthLine(members[1].pk)],
    )
    # then 92.625 − 1.5 = 91.125 → 91.1, with its basis and the policy version
    score = MonthlyScore.objects.get(person=members[0])
    assert score.score == D("91.1") and score.computed_score == D("91.1")
    assert score.weeks_count == 4 and score.deduction == D("1.5") and score.deduction_reason == "迟到一次"
    assert score.source == ScoreSource.COMPUTED and score.is_confirmed and score.confirmed_by == leader
    assert score.basis == "M3: 4 次周考评均分 92.6，扣 1.5 分，月度得分 91.1分"
    assert score.policy_version == "2025 第1版"
    assert MonthlyScore.objects.get(person=members[1]).score == D("90.0")
    assert AuditEntry.objects.filter(action="monthly.confirm").count() == 2


def test_m3_mean_rounds_half_up_to_one_decimal(leader, team, members, march):
    # 90.1 + 90.2 = 180.3 / 2 = 90.15 → 90.2
    enter_march(leader, team, {members[0]: ["90.1", "90.2"], members[1]: ["80"]})
    services.month_confirm(actor=leader, team=team, month=march, lines=[])
    assert MonthlyScore.objects.get(person=members[0]).score == D("90.2")


def test_m3_deductions_never_take_the_score_below_zero(leader, team, members, march):
    enter_march(leader, team, {members[0]: ["10"], members[1]: ["90"]})
    services.month_confirm(actor=leader, team=team, month=march, lines=[services.MonthLine(members[0].pk, "15", "严重违纪")])
    assert MonthlyScore.objects.get(person=members[0]).score == D("0.0")


def test_m3_an_agent_without_weekly_evaluations_needs_a_score_from_the_leader(leader, team, members, march):
    enter_march(leader, team, {members[0]: ["90"]})
    # when the leader confirms without entering one
    with pytest.raises(DomainError) as refused:
        services.month_confirm(actor=leader, team=team, month=march, lines=[])
    assert refused.value.details == [{"person": members[1].pk, "field": "entered_score", "message": "本月没有周考评，请录入月度得分"}]
    assert not MonthlyScore.objects.exists()
    # then with an entered score it is confirmed as 班长录入
    services.month_confirm(actor=leader, team=team, month=march, lines=[services.MonthLine(members[1].pk, entered_score="87")])
    entered = MonthlyScore.objects.get(person=members[1])
    assert entered.score == D("87.0") and entered.source == ScoreSource.ENTERED and entered.computed_score is None


def test_m3_month_rows_are_checked_all_or_nothing(leader, team, members, march):
    enter_march(leader, team, {members[0]: ["90"], members[1]: ["90"]})
    with pytest.raises(DomainError) as refused:
        services.month_confirm(
            actor=leader, team=team, month=march,
            lines=[
                services.MonthLine(members[0].pk, "2"),  # no reason
                services.MonthLine(members[1].pk, "0.25", "x"),  # two decimals
            ],
        )
    assert {(d["person"], d["field"], d["message"]) for d in refused.value.details} == {
        (members[0].pk, "deduction_reason", "有月度扣分时须填写扣分原因"),
        (members[1].pk, "deduction", "月度扣分须为 0–100 之间的数字，最多一位小数"),
    }
    assert not MonthlyScore.objects.exists()


def test_m3_entering_a_score_over_computed_weeks_is_refused(leader, team, members, march):
    enter_march(leader, team, {members[0]: ["90"], members[1]: ["90"]})
    with pytest.raises(DomainError) as refused:
        services.month_confirm(actor=leader, team=team, month=march, lines=[services.MonthLine(members[0].pk, entered_score="99")])
    assert refused.value.details[0]["field"] == "entered_score"


def test_m3_month_page_shows_weeks_preview_and_confirms(client, leader, team, members, march):
    enter_march(leader, team, {members[0]: ["95", "92", "90.5", "93"]})
    client.force_login(leader)
    url = reverse("assessment:month", args=[team.pk, "2025-03"])
    html = client.get(url).content.decode()
    assert "一周（周一至周日）归属于其周四所在的月份" in html
    assert "92.6" in html  # the M3 preview before confirmation
    assert "无周考评" in html
    # a bad row is marked inline and nothing saved
    bad = client.post(url, {"action": "confirm", "person": [members[0].pk, members[1].pk], f"deduction-{members[0].pk}": "1"})
    assert bad.status_code == 400
    text = bad.content.decode()
    assert "有月度扣分时须填写扣分原因" in text and "本月没有周考评，请录入月度得分" in text
    assert not MonthlyScore.objects.exists()
    ok = client.post(url, {"action": "confirm", "person": [members[0].pk, members[1].pk],
                           f"deduction-{members[0].pk}": "1", f"reason-{members[0].pk}": "迟到", f"entered-{members[1].pk}": "88"})
    assert ok.status_code == 302
    sheet = queries.month_sheet(team, march)
    assert sheet.complete and [r.monthly.score for r in sheet.rows] == [D("91.6"), D("88.0")]


def test_m3_weekly_scores_of_other_months_do_not_count(leader, team, members, march):
    from stardesk.assessment.weeks import IsoWeek

    # the week of Monday 31 March belongs to April (Thursday 3 April); the week of Monday 24 Feb to February
    enter_week(leader, team, IsoWeek(2025, 14), {members[0]: "50"})
    enter_week(leader, team, IsoWeek(2025, 9), {members[0]: "50"})
    enter_week(leader, team, march_weeks()[3], {members[0]: "90", members[1]: "90"})
    services.month_confirm(actor=leader, team=team, month=march, lines=[])
    assert MonthlyScore.objects.get(person=members[0]).weeks_count == 1
    assert MonthlyScore.objects.get(person=members[0]).score == D("90.0")


def test_m3_only_confirmed_scores_are_read_by_later_rules(leader, team, members, march):
    from stardesk.policy.conventions import Month

    enter_march(leader, team, {members[0]: ["90", "91"], members[1]: ["80"]})
    services.month_confirm(actor=leader, team=team, month=march, lines=[])
    enter_week(leader, team, march_weeks()[0], {members[1]: "85"})  # un-confirms 李四's March
    scores = queries.confirmed_scores([m.pk for m in members], Month(2025, 1), Month(2025, 12))
    assert scores == {members[0].pk: {Month(2025, 3): D("90.5")}}
