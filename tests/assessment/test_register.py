"""R1–R2: the team's register — deadline and lateness, review, lock and corrections."""
import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from stardesk.assessment import queries, services
from stardesk.assessment.models import MonthlyScore, Register, RegisterState, RubricItem, ScoreCorrection, ScoreSource, WeeklyEvaluation
from stardesk.assessment.register_workflow import ACCEPT, RETURN, SUBMIT, transition
from stardesk.audit.models import AuditEntry
from stardesk.core.errors import DomainError, Forbidden
from stardesk.policy.conventions import Month
from stardesk.yearly_policy.models import CyclePolicy
from tests.assessment.conftest import enter_week, march_weeks, shanghai
from tests.factories import TitleSpellFactory

D = Decimal


@pytest.fixture
def confirmed_march(leader, team, members, march):
    for week in march_weeks():
        enter_week(leader, team, week, {members[0]: "96", members[1]: "90"})
    services.month_confirm(actor=leader, team=team, month=march, lines=[])
    return march


def submit(leader, team, month, at=None):
    return services.register_submit(actor=leader, team=team, month=month, at=at or shanghai(2025, 4, 2, 9, 0))


def test_r1_handed_in_on_the_5th_at_23_59_shanghai_is_on_time(leader, team, confirmed_march):
    register = submit(leader, team, confirmed_march, shanghai(2025, 4, 5, 23, 59))
    assert register.state == RegisterState.SUBMITTED
    assert register.deadline == datetime.date(2025, 4, 5) and register.late is False


def test_r1_handed_in_on_the_6th_at_00_00_shanghai_is_late(leader, team, confirmed_march):
    register = submit(leader, team, confirmed_march, shanghai(2025, 4, 6, 0, 0))
    assert register.late is True
    entry = AuditEntry.objects.get(action="register.submit")
    assert entry.changes["late"] == [False, True]


def test_r1_lateness_reads_the_shanghai_date_not_utc(leader, team, confirmed_march):
    # 5 April 16:30 UTC is 6 April 00:30 in Shanghai: late
    register = submit(leader, team, confirmed_march, datetime.datetime(2025, 4, 5, 16, 30, tzinfo=datetime.UTC))
    assert register.late is True


def test_r1_the_deadline_day_is_the_years_policy(leader, team, confirmed_march):
    policy = CyclePolicy.objects.get(year=2025)
    policy.data = {**policy.data, "R1_deadline_day": 10}
    policy.save()
    register = submit(leader, team, confirmed_march, shanghai(2025, 4, 9, 12, 0))
    assert register.deadline == datetime.date(2025, 4, 10) and register.late is False


def test_r1_lateness_is_judged_on_the_first_hand_in(leader, supervisor, team, confirmed_march):
    register = submit(leader, team, confirmed_march, shanghai(2025, 4, 3, 10, 0))
    services.register_return(actor=supervisor, register=register, reason="请补充扣分原因")
    again = submit(leader, team, confirmed_march, shanghai(2025, 4, 8, 10, 0))
    assert again.state == RegisterState.SUBMITTED and again.late is False
    assert again.first_submitted_at == shanghai(2025, 4, 3, 10, 0) and again.submitted_at == shanghai(2025, 4, 8, 10, 0)


def test_r1_a_register_not_handed_in_after_the_deadline_shows_as_overdue(leader, supervisor, team, other_team, confirmed_march):
    deadline = datetime.date(2025, 4, 5)
    assert queries.due_status(None, deadline, today=deadline) == queries.DueStatus.NOT_SUBMITTED
    assert queries.due_status(None, deadline, today=datetime.date(2025, 4, 6)) == queries.DueStatus.OVERDUE
    submit(leader, team, confirmed_march, shanghai(2025, 4, 7, 8, 0))
    lines = {line.team.name: line for line in queries.registers_due(supervisor, confirmed_march)}
    assert lines["一班"].status == queries.DueStatus.SUBMITTED and lines["一班"].register.late
    assert lines["二班"].status == queries.DueStatus.OVERDUE  # today is long after 5 April 2025
    assert (lines["一班"].members, lines["一班"].confirmed) == (2, 2)


def test_r1_registers_page_lists_each_team_with_its_status(client, leader, supervisor, team, other_team, confirmed_march):
    submit(leader, team, confirmed_march, shanghai(2025, 4, 7, 8, 0))
    client.force_login(supervisor)
    html = client.get(reverse("assessment:registers") + "?month=2025-03").content.decode()
    assert 'data-team="一班"' in html and 'data-team="二班"' in html
    assert "逾期提交" in html and 'data-status="overdue"' in html and 'data-status="submitted"' in html


def test_r1_the_leaders_month_list_marks_last_month_overdue_once_its_deadline_passed(client, leader, team, hotline):
    from django.utils import timezone

    from stardesk.assessment import monthly_rules
    from stardesk.policy.yearly import YearlyPolicy, policy_to_dict

    today = timezone.localdate()
    current, last = Month.of(today), Month.of(today).plus(-1)
    for year in {current.year, last.year}:
        CyclePolicy.objects.create(hotline=hotline, year=year, data=policy_to_dict(YearlyPolicy()), revision=1)
    client.force_login(leader)
    html = client.get(reverse("assessment:months")).content.decode()
    last_row = html[html.index(f'data-month="{last}"'):]
    last_row = last_row[: last_row.index("</tr>")]
    deadline = monthly_rules.register_deadline(last, monthly_rules.policy_for(team.hotline, last))
    expected = "overdue" if today > deadline else "not_submitted"
    assert f'data-status="{expected}"' in last_row
    current_row = html[html.index(f'data-month="{current}"'):]
    assert 'data-status="not_submitted"' in current_row[: current_row.index("</tr>")]  # not due before next month


def test_r1_a_month_with_unconfirmed_scores_cannot_be_handed_in(leader, team, members, march):
    enter_week(leader, team, march_weeks()[0], {members[0]: "90"})
    with pytest.raises(DomainError) as refused:
        submit(leader, team, march)
    assert refused.value.code == "month_incomplete"
    assert "1001 张三" in refused.value.message and "1002 李四" in refused.value.message
    assert not Register.objects.exclude(state=RegisterState.DRAFT).exists()


def test_r1_without_the_years_policy_the_register_cannot_be_handed_in(leader, team, members, confirmed_march):
    CyclePolicy.objects.filter(year=2025).delete()
    with pytest.raises(DomainError) as refused:
        submit(leader, team, confirmed_march)
    assert refused.value.code == "policy_missing"
    assert Register.objects.get().state == RegisterState.DRAFT


@pytest.mark.parametrize(
    ("state", "action"),
    [
        (RegisterState.DRAFT, ACCEPT),
        (RegisterState.DRAFT, RETURN),
        (RegisterState.SUBMITTED, SUBMIT),
        (RegisterState.RETURNED, ACCEPT),
        (RegisterState.RETURNED, RETURN),
        (RegisterState.ACCEPTED, SUBMIT),
        (RegisterState.ACCEPTED, RETURN),
        (RegisterState.ACCEPTED, ACCEPT),
    ],
)
def test_r2_illegal_register_moves_are_refused_and_change_nothing(leader, supervisor, team, march, state, action):
    register = Register.objects.create(hotline=team.hotline, team=team, month=march.first_day, state=state)
    actor = leader if action == SUBMIT else supervisor
    with pytest.raises(DomainError) as refused:
        transition(register, action, actor=actor, at=shanghai(2025, 4, 2, 9, 0), reason="原因")
    assert refused.value.code == "register_transition"
    register.refresh_from_db()
    assert register.state == state
    assert not AuditEntry.objects.filter(action__startswith="register.").exists()


def test_r2_supervisor_returns_with_a_reason_then_accepts(client, leader, supervisor, team, confirmed_march):
    register = submit(leader, team, confirmed_march)
    with pytest.raises(DomainError):
        services.register_return(actor=supervisor, register=register, reason="  ")
    returned = services.register_return(actor=supervisor, register=register, reason="李四扣分原因不清")
    assert returned.state == RegisterState.RETURNED and returned.return_reason == "李四扣分原因不清"
    client.force_login(leader)
    html = client.get(reverse("assessment:month", args=[team.pk, "2025-03"])).content.decode()
    assert "李四扣分原因不清" in html
    submit(leader, team, confirmed_march)
    accepted = services.register_accept(actor=supervisor, register=register)
    assert accepted.state == RegisterState.ACCEPTED and accepted.accepted_by == supervisor
    moves = list(AuditEntry.objects.filter(action__startswith="register.").order_by("at", "id").values_list("action", "note"))
    assert moves == [("register.submit", ""), ("register.return", "李四扣分原因不清"), ("register.submit", ""), ("register.accept", "")]


def test_r2_leaders_and_committee_do_not_review(leader, committee, team, confirmed_march):
    register = submit(leader, team, confirmed_march)
    for user in (leader, committee):
        with pytest.raises(Forbidden):
            services.register_accept(actor=user, register=register)
        with pytest.raises(Forbidden):
            services.register_return(actor=user, register=register, reason="x")
    assert Register.objects.get().state == RegisterState.SUBMITTED


def test_r2_a_handed_in_month_waits_for_review_and_an_accepted_one_is_locked(leader, supervisor, team, members, confirmed_march):
    register = submit(leader, team, confirmed_march)
    with pytest.raises(DomainError) as pending:
        enter_week(leader, team, march_weeks()[0], {members[0]: "60"})
    assert pending.value.code == "register_pending"
    services.register_accept(actor=supervisor, register=register)
    with pytest.raises(DomainError) as locked:
        enter_week(leader, team, march_weeks()[0], {members[0]: "60"})
    assert locked.value.code == "register_locked"
    with pytest.raises(DomainError) as locked:
        services.month_confirm(actor=leader, team=team, month=confirmed_march, lines=[services.MonthLine(members[0].pk, "5", "x")])
    assert locked.value.code == "register_locked"
    assert set(WeeklyEvaluation.objects.values_list("score", flat=True)) == {D("96.0"), D("90.0")}
    assert MonthlyScore.objects.get(person=members[0]).score == D("96.0")


def test_r2_a_locked_score_changes_only_by_a_correction_with_reason_author_and_time(client, leader, supervisor, team, members, confirmed_march):
    register = submit(leader, team, confirmed_march)
    score = MonthlyScore.objects.get(person=members[1])
    # before acceptance there is nothing to correct: the leader changes and confirms again
    with pytest.raises(DomainError) as early:
        services.score_correct(actor=supervisor, monthly_score=score, new_score="92", reason="复核")
    assert early.value.code == "register_not_locked"
    services.register_accept(actor=supervisor, register=register)
    with pytest.raises(Forbidden):
        services.score_correct(actor=leader, monthly_score=score, new_score="92", reason="复核")
    with pytest.raises(DomainError) as no_reason:
        services.score_correct(actor=supervisor, monthly_score=score, new_score="92", reason="")
    assert no_reason.value.details == [{"field": "reason", "message": "请填写更正原因"}]
    # when the supervisor corrects it
    correction = services.score_correct(actor=supervisor, monthly_score=score, new_score="92", reason="复核录音后更正")
    # then the new value, the old one, the reason, the author and the time are kept
    score.refresh_from_db()
    assert score.score == D("92.0") and score.source == ScoreSource.CORRECTED
    assert (correction.old_score, correction.new_score, correction.author, correction.reason) == (D("90.0"), D("92.0"), supervisor, "复核录音后更正")
    assert correction.at is not None
    entry = AuditEntry.objects.get(action="monthly.correct")
    assert entry.changes["score"] == ["90.0", "92.0"] and entry.note == "复核录音后更正" and entry.actor == supervisor
    # and it is shown on the month page
    client.force_login(leader)
    html = client.get(reverse("assessment:month", args=[team.pk, "2025-03"])).content.decode()
    assert "更正 90 → 92" in html and "复核录音后更正" in html


def test_r2_correction_page_for_the_supervisor(client, leader, supervisor, team, members, confirmed_march):
    services.register_accept(actor=supervisor, register=submit(leader, team, confirmed_march))
    score = MonthlyScore.objects.get(person=members[0])
    client.force_login(supervisor)
    url = reverse("assessment:score_correct", args=[score.pk])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"new_score": "101", "reason": "x"})
    assert bad.status_code == 400 and "得分须为 0–100 之间的数字，最多一位小数" in bad.content.decode()
    assert client.post(url, {"new_score": "95.5", "reason": "申诉成立"}).status_code == 302
    assert ScoreCorrection.objects.get().new_score == D("95.5")


def test_r2_changing_the_rubric_after_the_month_is_locked_changes_nothing_in_that_month(leader, supervisor, team, members, march):
    rubric = services.rubric_current(hotline=team.hotline)
    items = {i.name: i.pk for i in RubricItem.objects.filter(rubric=rubric)}
    for week in march_weeks():
        services.week_save(actor=leader, team=team, week=week, cells=[
            services.WeekCell(members[0].pk, marks={items["工单及时处理"]: services.MarkInput(items["工单及时处理"], "4")}),
            services.WeekCell(members[1].pk, "90"),
        ])
    services.month_confirm(actor=leader, team=team, month=march, lines=[])
    services.register_accept(actor=supervisor, register=submit(leader, team, march))
    before = [(r.person.pk, [e.score for e in r.weekly if e], r.monthly.score) for r in queries.month_sheet(team, march).rows]
    # when the supervisor makes 工单及时处理 worth 20 and drops 出勤 in a new version
    from tests.assessment.test_rubric import _inputs

    v2 = services.rubric_new_version(actor=supervisor, hotline=team.hotline)
    sections = _inputs(v2)
    order = sections[3].items[1]
    sections[3].items[1] = services.ItemInput(order.key, order.name, "15", order.item_id)
    sections[4] = services.SectionInput(sections[4].key, sections[4].name, [sections[4].items[1]], sections[4].section_id)
    services.rubric_save(actor=supervisor, rubric=v2, name=v2.name, sections=sections)
    # then March reads exactly as it was accepted
    after = [(r.person.pk, [e.score for e in r.weekly if e], r.monthly.score) for r in queries.month_sheet(team, march).rows]
    assert after == before == [(members[0].pk, [D("96.0")] * 4, D("96.0")), (members[1].pk, [D("90.0")] * 4, D("90.0"))]
    assert set(WeeklyEvaluation.objects.filter(person=members[0]).values_list("rubric", flat=True)) == {rubric.pk}


def test_r1_register_marks_the_star_holders_on_the_last_day_of_the_month(client, leader, team, members, confirmed_march):
    TitleSpellFactory(person=members[0], level=2, start=datetime.date(2024, 10, 20))
    TitleSpellFactory(person=members[1], level=1, start=datetime.date(2024, 10, 20), end=datetime.date(2025, 3, 31), end_reason="lowered")
    client.force_login(leader)
    html = client.get(reverse("assessment:register_print", args=[team.pk, "2025-03"])).content.decode()
    assert '<td class="text-center" data-testid="level-1001"><span class="star">★★</span></td>' in html
    assert '<td class="text-center" data-testid="level-1002"></td>' in html
    assert "星级客服人员绩效考核登记表" in html


def test_r2_the_register_lists_scores_confirmed_here_after_someone_moves_team(leader, supervisor, team, other_team, members, confirmed_march):
    # given March confirmed in 一班, then 李四 moves to 二班
    members[1].team = other_team
    members[1].save()
    rows = [r.person.staff_no for r in queries.month_sheet(team, confirmed_march).rows]
    assert rows == ["1001", "1002"]
    register = submit(leader, team, confirmed_march)
    assert register.state == RegisterState.SUBMITTED
    # and in 二班's month 李四 shows as settled by 一班
    moved = next(r for r in queries.month_sheet(other_team, Month(2025, 3)).rows if r.person == members[1])
    assert moved.settled_elsewhere == team and moved.confirmed


def test_r1_supervisor_sees_each_teams_status_for_each_of_six_months(supervisor, leader, team, other_team, confirmed_march):
    services.register_accept(actor=supervisor, register=submit(leader, team, confirmed_march, shanghai(2025, 4, 4, 9, 0)))
    months = [Month(2025, m) for m in range(1, 7)]
    rows = {t.name: [(str(c.month), c.status) for c in cells] for t, cells in queries.registers_matrix(supervisor, months)}
    assert rows["一班"][2] == ("2025-03", queries.DueStatus.ACCEPTED)
    # every other month of both teams is overdue today (their deadlines passed long ago)
    assert {status for name, cells in rows.items() for month, status in cells if (name, month) != ("一班", "2025-03")} == {
        queries.DueStatus.OVERDUE
    }


def test_r1_a_month_is_handed_in_only_after_it_has_ended(leader, team, confirmed_march):
    with pytest.raises(DomainError) as refused:
        submit(leader, team, confirmed_march, shanghai(2025, 3, 31, 23, 59))
    assert refused.value.message == "本月尚未结束，月底之后才能提交登记表。"
    assert submit(leader, team, confirmed_march, shanghai(2025, 4, 1, 0, 0)).state == RegisterState.SUBMITTED


def test_r1_a_score_confirmed_in_another_teams_open_month_does_not_complete_this_register(leader, other_leader, team, other_team, members, march):
    # given 李四 scored and confirmed in 一班's March (not handed in), then moved to 二班
    for week in march_weeks():
        enter_week(leader, team, week, {members[0]: "90", members[1]: "90"})
    services.month_confirm(actor=leader, team=team, month=march, lines=[])
    members[1].team = other_team
    members[1].save()
    # then 二班 cannot hand in March on that score: its leader confirms it (moving it to 二班) first
    with pytest.raises(DomainError) as refused:
        submit(other_leader, other_team, march)
    assert refused.value.code == "month_incomplete"
    services.month_confirm(actor=other_leader, team=other_team, month=march, lines=[])
    assert MonthlyScore.objects.get(person=members[1]).team == other_team
    assert submit(other_leader, other_team, march).state == RegisterState.SUBMITTED
    # and 一班's March no longer lists 李四
    assert [r.person for r in queries.month_sheet(team, march).rows] == [members[0]]
