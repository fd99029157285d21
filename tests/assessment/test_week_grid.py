"""M1: the leader's week grid — one POST, one transaction, every bad cell marked, nothing saved if any is bad."""
import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from stardesk.assessment import queries, services
from stardesk.assessment.models import EvaluationMode, MonthlyScore, RubricItem, WeeklyEvaluation
from stardesk.assessment.weeks import IsoWeek
from stardesk.audit.models import AuditEntry
from stardesk.core.errors import DomainError
from tests.assessment.conftest import enter_week, march_weeks
from tests.factories import PersonFactory

D = Decimal
WEEK = IsoWeek(2025, 10)  # Monday 3 – Sunday 9 March 2025


def grid_url(team, week=WEEK):
    return reverse("assessment:week_grid", args=[team.pk, str(week)])


def test_m1_leader_saves_the_whole_week_in_one_go(leader, team, members, march):
    # when the leader saves two totals with a comment
    result = services.week_save(
        actor=leader,
        team=team,
        week=WEEK,
        cells=[services.WeekCell(members[0].pk, "95", "服务热情"), services.WeekCell(members[1].pk, "88.5")],
    )
    # then both are stored for that week, in March, with the evaluator, and logged
    assert (result.created, result.updated, result.deleted) == (2, 0, 0)
    saved = {e.person_id: e for e in WeeklyEvaluation.objects.all()}
    assert saved[members[0].pk].score == D("95.0") and saved[members[0].pk].comment == "服务热情"
    assert saved[members[1].pk].score == D("88.5")
    first = saved[members[0].pk]
    assert (first.week_start, first.iso_year, first.iso_week, first.month) == (
        datetime.date(2025, 3, 3), 2025, 10, datetime.date(2025, 3, 1))
    assert first.evaluator == leader and first.mode == EvaluationMode.TOTAL and first.team == team
    assert AuditEntry.objects.filter(action="weekly.create").count() == 2


def test_c2_every_bad_cell_is_marked_and_nothing_is_saved(leader, team, members, march):
    third = PersonFactory(team=team, staff_no="1003", name="王五")
    fourth = PersonFactory(team=team, staff_no="1004", name="赵六")
    enter_week(leader, team, WEEK, {members[0]: "90"})
    # when one good cell is saved with four bad ones
    cells = [
        services.WeekCell(members[0].pk, "96"),
        services.WeekCell(members[1].pk, "101"),
        services.WeekCell(third.pk, "95.55"),
        services.WeekCell(fourth.pk, "", "有评语没分数"),
    ]
    with pytest.raises(DomainError) as refused:
        services.week_save(actor=leader, team=team, week=WEEK, cells=cells)
    # then every bad cell is named, in Chinese
    errors = {(d["person"], d["field"]): d["message"] for d in refused.value.details}
    assert errors == {
        (members[1].pk, "score"): "得分须为 0–100 之间的数字，最多一位小数",
        (third.pk, "score"): "得分须为 0–100 之间的数字，最多一位小数",
        (fourth.pk, "score"): "填写了评语，请同时填写得分",
    }
    # and nothing changed, not even the good cell
    assert list(WeeklyEvaluation.objects.values_list("person_id", "score")) == [(members[0].pk, D("90.0"))]
    assert AuditEntry.objects.filter(action__startswith="weekly.").count() == 1


def test_c2_grid_page_shows_each_bad_cell_inline_and_keeps_what_was_typed(client, leader, team, members, march):
    client.force_login(leader)
    response = client.post(
        grid_url(team),
        {"person": [members[0].pk, members[1].pk], f"score-{members[0].pk}": "9５", f"score-{members[1].pk}": "abc"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "部分单元格有误，本周考评未保存" in html
    assert html.count("得分须为 0–100 之间的数字，最多一位小数") == 1
    assert 'value="abc"' in html and 'value="9５"' in html
    assert not WeeklyEvaluation.objects.exists()


def test_c2_scores_typed_with_full_width_digits_or_a_trailing_分_are_read(leader, team, members, march):
    enter_week(leader, team, WEEK, {members[0]: "９５．５", members[1]: "88分"})
    assert sorted(WeeklyEvaluation.objects.values_list("score", flat=True)) == [D("88.0"), D("95.5")]


def test_m1_a_blank_cell_clears_an_earlier_total_and_an_unchanged_week_writes_nothing(leader, team, members, march):
    enter_week(leader, team, WEEK, {members[0]: "90", members[1]: "91"})
    result = enter_week(leader, team, WEEK, {members[0]: "90", members[1]: ""})
    assert (result.created, result.updated, result.deleted) == (0, 0, 1)
    assert list(WeeklyEvaluation.objects.values_list("person_id", flat=True)) == [members[0].pk]
    assert AuditEntry.objects.filter(action="weekly.delete").count() == 1
    again = enter_week(leader, team, WEEK, {members[0]: "90.0"})
    assert again.changed == 0


def test_s2_grid_rows_are_the_team_agents_active_during_the_week(leader, team, members, stranger, march):
    gone = PersonFactory(team=team, staff_no="1010", name="已离职", left_on=datetime.date(2025, 3, 3))  # left on Monday
    leaving = PersonFactory(team=team, staff_no="1011", name="周中离职", left_on=datetime.date(2025, 3, 5))
    newcomer = PersonFactory(team=team, staff_no="1012", name="周日入职", hotline_start=datetime.date(2025, 3, 9))
    PersonFactory(team=team, staff_no="1013", name="下周入职", hotline_start=datetime.date(2025, 3, 10))
    rows = [r.person.staff_no for r in queries.week_sheet(team, WEEK).rows]
    assert rows == ["1001", "1002", leaving.staff_no, newcomer.staff_no]
    # someone not in the grid cannot be saved through it
    with pytest.raises(DomainError) as refused:
        enter_week(leader, team, WEEK, {gone: "90", stranger: "90"})
    assert {d["message"] for d in refused.value.details} == {"该人员不在本班组或本周不在岗"}
    assert not WeeklyEvaluation.objects.exists()


def test_m1_a_week_that_has_not_started_is_refused(leader, team, members, policies):
    from django.utils import timezone

    next_week = IsoWeek.of(timezone.localdate()).next()
    with pytest.raises(DomainError):
        enter_week(leader, team, next_week, {members[0]: "90"})
    assert not WeeklyEvaluation.objects.exists()


def test_m1_week_list_shows_not_entered_and_entered_n_of_m(client, leader, team, members, march):
    enter_week(leader, team, march_weeks()[1], {members[0]: "90"})
    enter_week(leader, team, march_weeks()[2], {members[0]: "90", members[1]: "92"})
    statuses = {s.week: s.label for s in queries.team_weeks(team, march)}
    assert statuses == {
        march_weeks()[0]: "未录入",
        march_weeks()[1]: "已录入 1/2",
        march_weeks()[2]: "已录入 2/2",
        march_weeks()[3]: "未录入",
    }
    client.force_login(leader)
    html = client.get(reverse("assessment:weeks") + f"?team={team.pk}&month=2025-03").content.decode()
    assert "已录入 1/2" in html and "已录入 2/2" in html and html.count("未录入") >= 2


def test_m1_a_week_already_entered_shows_its_values(client, leader, team, members, march):
    enter_week(leader, team, WEEK, {members[0]: "93.5", members[1]: "90"}, comment="好")
    client.force_login(leader)
    html = client.get(grid_url(team)).content.decode()
    assert 'value="93.5"' in html and 'value="90"' in html
    assert 'data-testid="week-status">已录入 2/2' in html


def test_m2_per_item_page_scores_one_agent_and_the_grid_shows_it_read_only(client, leader, team, members, march):
    client.force_login(leader)
    url = reverse("assessment:week_items", args=[team.pk, str(WEEK), members[0].pk])
    page = client.get(url)
    assert page.status_code == 200 and "得分 = 100 ×" in page.content.decode()
    rubric = services.rubric_current(hotline=team.hotline)
    items = {i.name: i.pk for i in RubricItem.objects.filter(rubric=rubric)}
    data = {"rubric": rubric.pk, "item": list(items.values()), "comment": "逐项评分",
            f"ded-{items['服务态度']}": "3", f"na-{items['模拟电视业务']}": "1", f"veto-{items['用户有理投诉']}": "1"}
    # a bad deduction is marked and nothing saved
    bad = client.post(url, {**data, f"ded-{items['礼貌用语']}": "11"})
    assert bad.status_code == 400 and "扣分不能超过该项分值 10 分。" in bad.content.decode()
    assert not WeeklyEvaluation.objects.exists()
    assert client.post(url, data).status_code == 302
    evaluation = WeeklyEvaluation.objects.get()
    # 100 × (92 − 3) / 92 = 96.739… → 96.7
    assert evaluation.score == D("96.7") and evaluation.veto_flagged and evaluation.mode == EvaluationMode.ITEMS
    grid = client.get(grid_url(team)).content.decode()
    assert f'name="score-{members[0].pk}"' not in grid and 'data-testid="score-1001">96.7' in grid


def test_m3_changing_a_week_after_the_month_is_confirmed_asks_for_a_new_confirmation(leader, team, members, march):
    for week in march_weeks():
        enter_week(leader, team, week, {members[0]: "90", members[1]: "90"})
    services.month_confirm(actor=leader, team=team, month=march, lines=[])
    assert MonthlyScore.objects.filter(confirmed_at__isnull=False).count() == 2
    enter_week(leader, team, march_weeks()[0], {members[0]: "80", members[1]: "90"})
    unconfirmed = MonthlyScore.objects.get(person=members[0])
    assert unconfirmed.confirmed_at is None and not unconfirmed.is_confirmed
    assert MonthlyScore.objects.get(person=members[1]).is_confirmed
