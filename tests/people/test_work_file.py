"""T2: the person's work file holds everything that concerns them, for those who may read it, at a fixed cost."""
import datetime
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from stardesk.assessment.models import MonthlyScore
from stardesk.cycle import services as cycle_services
from stardesk.events.models import Category, Event
from stardesk.exams.models import Sitting, SittingResult, SittingStatus
from stardesk.payouts.models import AllowanceLine, LineCause, LineStatus
from stardesk.policy.conventions import Month
from stardesk.yearly_policy import services as policy_services
from tests.factories import TitleSpellFactory


SECTIONS = ("file-standing", "file-scores", "file-allowance", "person-events", "file-exams", "file-applications")


def section(html: str, testid: str) -> str:
    """The markup of one part of the file (up to the next part)."""
    after = html.split(f'data-testid="{testid}"', 1)[1]
    return re.split(f'data-testid="(?:{"|".join(SECTIONS)})"', after, maxsplit=1)[0]


def months_back(n: int) -> Month:
    return Month.of(timezone.localdate()).plus(-n)


def monthly_score(person, month: Month, score: str, confirmed: bool = True) -> MonthlyScore:
    return MonthlyScore.objects.create(
        person=person, hotline=person.hotline, team=person.team, month=month.first_day, score=Decimal(score),
        confirmed_at=timezone.now() if confirmed else None,
    )


def allowance_line(person, month: Month, amount: str) -> AllowanceLine:
    return AllowanceLine.objects.create(
        hotline=person.hotline, person=person, team=person.team, month=month.first_day, level=1, treatment_level=1,
        paid_level=1, score=Decimal("96"), base=Decimal("100.00"), rate=Decimal("1"), amount=Decimal(amount),
        status=LineStatus.DECIDED, basis=f"M4: 96分 ≥ 95分, 1星基数100元 × 100% = {amount}元", policy_version="测试",
        cause=LineCause.ACCEPTED, computed_at=timezone.now(),
    )


def exam_result(person, name: str, score: str, *, released: bool) -> SittingResult:
    opens = timezone.now() - datetime.timedelta(days=30)
    sitting = Sitting.objects.create(
        hotline=person.hotline, name=name, kind="level1", opens_at=opens, closes_at=opens + datetime.timedelta(hours=2),
        time_limit_minutes=60, status=SittingStatus.RELEASED if released else SittingStatus.CLOSED,
    )
    return SittingResult.objects.create(
        sitting=sitting, person=person, score=Decimal(score), passed=Decimal(score) >= 60, source="offline",
        released_at=timezone.now() if released else None,
    )


@pytest.fixture
def this_year_policy(hotline):
    return policy_services.policy_create_from_defaults(
        actor=None, hotline=hotline, year=timezone.localdate().year, as_system=True
    )


@pytest.fixture
def full_file(this_year_policy, supervisor, agent, agent_person):
    """张三's file with a record of every kind: title, score, allowance, event, exam results, application."""
    TitleSpellFactory(person=agent_person, level=1, start=datetime.date(2024, 10, 18))
    monthly_score(agent_person, months_back(1), "96.5")
    monthly_score(agent_person, months_back(2), "88", confirmed=False)
    allowance_line(agent_person, months_back(1), "100.00")
    Event.objects.create(hotline=agent_person.hotline, person=agent_person, date=timezone.localdate(),
                         category=Category.ADVANCED_INDIVIDUAL, description="年度先进个人")
    exam_result(agent_person, "一星资格考试（公布）", "91", released=True)
    exam_result(agent_person, "一星资格补考（未公布）", "55", released=False)
    today = timezone.localdate()
    cycle = cycle_services.cycle_open(actor=supervisor, hotline=agent_person.hotline, year=today.year, reference_date=today)
    application = cycle_services.application_submit(actor=agent, cycle=cycle, person=agent_person, level=1)
    return {"cycle": cycle, "application": application}


def test_t2_the_file_holds_scores_allowance_events_exams_and_applications(as_user, supervisor, agent_person, full_file):
    html = as_user(supervisor).get(reverse("people:detail", args=[agent_person.pk])).content.decode()
    scores = section(html, "file-scores")
    assert "96.5" in scores and "已确认" in scores and "未确认" in scores
    assert f'data-month="{months_back(1)}"' in scores
    lines = section(html, "file-allowance")
    assert "100.00" in lines and reverse("payouts:person", args=[agent_person.pk]) in lines
    assert "年度先进个人" in section(html, "person-events")
    standing = section(html, "file-standing")
    assert 'data-level="1"' in standing and reverse("yearly_policy:standing", args=[agent_person.pk]) in standing
    applications = section(html, "file-applications")
    application = full_file["application"]
    assert reverse("cycle:application", args=[full_file["cycle"].year, application.pk]) in applications


def test_t2_supervisor_sees_provisional_results_an_agent_only_released_ones(as_user, supervisor, agent, agent_person, full_file):
    supervisor_view = section(as_user(supervisor).get(reverse("people:detail", args=[agent_person.pk])).content.decode(), "file-exams")
    assert "一星资格考试（公布）" in supervisor_view and "一星资格补考（未公布）" in supervisor_view and "未公布" in supervisor_view
    own_view = section(as_user(agent).get(reverse("people:detail", args=[agent_person.pk])).content.decode(), "file-exams")
    assert "一星资格考试（公布）" in own_view
    assert "一星资格补考" not in own_view
    released = SittingResult.objects.get(released_at__isnull=False)
    assert reverse("exams:result", args=[released.pk]) in own_view


def test_t2_the_agent_reaches_their_own_pages_from_the_file(as_user, agent, agent_person, full_file):
    html = as_user(agent).get(reverse("people:detail", args=[agent_person.pk])).content.decode()
    assert reverse("cycle:mine") in section(html, "file-applications")
    assert reverse("exams:my_results") in section(html, "file-exams")
    # An agent does not read the cycle's pages: no link into them.
    assert reverse("cycle:application", args=[full_file["cycle"].year, full_file["application"].pk]) not in html


def test_t2_the_team_leader_reads_the_whole_file_of_a_member(as_user, leader, agent_person, full_file):
    html = as_user(leader).get(reverse("people:detail", args=[agent_person.pk])).content.decode()
    assert "96.5" in section(html, "file-scores")
    assert "100.00" in section(html, "file-allowance")
    assert "年度先进个人" in section(html, "person-events")
    exams = section(html, "file-exams")
    assert "一星资格考试（公布）" in exams and "一星资格补考" not in exams


def test_linked_login_account_is_shown_to_the_supervisor_only(as_user, supervisor, leader, committee, agent, agent_person):
    html = as_user(supervisor).get(reverse("people:detail", args=[agent_person.pk])).content.decode()
    account = html.split('data-testid="linked-account">', 1)[1].split("</dd>", 1)[0]
    assert agent.username in account and reverse("accounts:edit", args=[agent.pk]) in account
    for viewer in (leader, committee, agent):
        assert 'data-testid="linked-account"' not in as_user(viewer).get(reverse("people:detail", args=[agent_person.pk])).content.decode()


def test_a_person_without_an_account_says_so(as_user, supervisor, colleague):
    html = as_user(supervisor).get(reverse("people:detail", args=[colleague.pk])).content.decode()
    assert "未关联登录账号" in html.split('data-testid="linked-account">', 1)[1].split("</dd>", 1)[0]


def test_an_empty_file_says_what_each_part_will_hold(as_user, supervisor, colleague):
    html = as_user(supervisor).get(reverse("people:detail", args=[colleague.pk])).content.decode()
    assert "近 12 个月没有月度考核得分" in html
    assert "近 12 个月没有月度星级待遇" in html
    assert "暂无奖惩事件" in html
    assert "还没有已公布的考试成绩" in html
    assert "没有星级申报记录" in html
    assert "暂无法判断申报条件" in html  # no yearly policy in this hotline


def test_t2_file_of_another_hotline_stays_not_found(as_user, supervisor, foreigner):
    assert as_user(supervisor).get(reverse("people:detail", args=[foreigner.pk])).status_code == 404


def queries_for(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_t2_the_file_costs_the_same_number_of_queries_however_long_the_history(
    as_user, supervisor, agent_person, full_file, django_assert_max_num_queries
):
    client = as_user(supervisor)
    url = reverse("people:detail", args=[agent_person.pk])
    queries_for(client, url)  # warm caches (policy lookups, content types)
    few = queries_for(client, url)
    for n in range(3, 12):
        monthly_score(agent_person, months_back(n), "97")
        allowance_line(agent_person, months_back(n), "100.00")
        Event.objects.create(hotline=agent_person.hotline, person=agent_person, date=timezone.localdate() - datetime.timedelta(days=n),
                             category=Category.ADVANCED_INDIVIDUAL, description=f"表扬 {n}")
        exam_result(agent_person, f"考试 {n}", "80", released=True)
        TitleSpellFactory(person=agent_person, level=1, start=datetime.date(2010 + n, 1, 1), end=datetime.date(2010 + n, 6, 1),
                          end_reason="renewal")
    assert queries_for(client, url) == few
    with django_assert_max_num_queries(30):
        client.get(url)
