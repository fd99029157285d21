"""The home page's 待办与进度: each role's next things to do, each a link to where it is done, at a fixed cost."""
import datetime
import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from stardesk.assessment.weeks import IsoWeek
from stardesk.cycle import services as cycle_services
from stardesk.cycle.models import Cycle, Step
from stardesk.events.models import Category, Event, SanctionStatus
from stardesk.exams.models import Invitation, Sitting, SittingStatus
from stardesk.policy.conventions import Month
from stardesk.yearly_policy import services as policy_services
from tests.factories import PersonFactory, TeamFactory, UserFactory


def tasks(html: str) -> list[tuple[str, str, str]]:
    """(href, text, badge) of every 待办 line."""
    block = html.split('data-testid="tasks"', 1)[1].split("</div>\n</div>", 1)[0]
    found = []
    for href, body in re.findall(r'<a class="list-group-item[^"]*" href="([^"]+)"[^>]*>(.*?)</a>', block, re.S):
        badge = re.search(r'<span class="badge[^"]*"[^>]*>(.*?)</span>', body, re.S)
        text = re.sub(r"<[^>]+>|\s+", " ", body[: badge.start()] if badge else body).strip()
        found.append((href, text, badge.group(1).strip() if badge else ""))
    return found


def task_to(found, url: str):
    return next(t for t in found if t[0] == url)


def home(client) -> str:
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def open_sitting(hotline, name="一星资格考试") -> Sitting:
    now = timezone.now()
    return Sitting.objects.create(hotline=hotline, name=name, kind="level1", opens_at=now - datetime.timedelta(hours=1),
                                  closes_at=now + datetime.timedelta(hours=3), time_limit_minutes=60, status=SittingStatus.OPEN)


def test_m1_leader_is_sent_to_this_weeks_grid_with_how_many_are_entered(as_user, leader, team, agent_person, colleague):
    found = tasks(home(as_user(leader)))
    week = IsoWeek.of(timezone.localdate())
    href, text, badge = task_to(found, reverse("assessment:week_grid", args=[team.pk, str(week)]))
    assert "一班" in text and f"第{week.week}周" in text
    assert badge == "已录入 0/2"


def test_r1_leader_is_sent_to_last_months_register(as_user, leader, team, agent_person):
    month = Month.of(timezone.localdate()).prev()
    href, text, badge = task_to(tasks(home(as_user(leader))), reverse("assessment:month", args=[team.pk, str(month)]))
    assert f"{month.year}年{month.month}月登记表" in text
    assert badge == "未提交"


def test_r1_supervisor_sees_the_registers_still_due_per_status(as_user, supervisor, team, other_team, agent_person, stranger):
    month = Month.of(timezone.localdate()).prev()
    href, text, badge = task_to(tasks(home(as_user(supervisor))), reverse("assessment:registers") + f"?month={month}")
    assert "登记表未提交" in text and badge == "2 个班组"


def test_e6_supervisor_is_sent_to_pending_title_sanctions(as_user, supervisor, agent_person):
    Event.objects.create(hotline=agent_person.hotline, person=agent_person, date=timezone.localdate(), category=Category.VIOLATION,
                         severity="severe", sanction="lower", sanction_status=SanctionStatus.PENDING, description="严重违纪")
    href, text, badge = task_to(tasks(home(as_user(supervisor))), reverse("events:list") + "?state=pending")
    assert "待确认的星级处分" in text and badge == "1"


def test_y2_supervisor_and_committee_see_where_the_cycle_stands(as_user, supervisor, committee, hotline):
    assert task_to(tasks(home(as_user(supervisor))), reverse("cycle:index"))[1] == "还没有开始年度星级评定"
    year = timezone.localdate().year
    policy_services.policy_create_from_defaults(actor=None, hotline=hotline, year=year, as_system=True)
    cycle_services.cycle_open(actor=supervisor, hotline=hotline, year=year, reference_date=timezone.localdate())
    href, text, _ = task_to(tasks(home(as_user(supervisor))), reverse("cycle:detail", args=[year]))
    assert text == f"{year} 年度评定：个人申报"
    href, text, badge = task_to(tasks(home(as_user(committee))), reverse("cycle:detail", args=[year]))
    assert badge == "集中评定尚未开始"


def test_agent_sees_the_open_application_step_an_open_exam_and_their_standing(as_user, supervisor, agent, agent_person, hotline):
    year = timezone.localdate().year
    policy_services.policy_create_from_defaults(actor=None, hotline=hotline, year=year, as_system=True)
    cycle_services.cycle_open(actor=supervisor, hotline=hotline, year=year, reference_date=timezone.localdate())
    Invitation.objects.create(sitting=open_sitting(hotline), person=agent_person, how="hand")
    html = home(as_user(agent))
    found = tasks(html)
    assert task_to(found, reverse("cycle:mine"))[2] == "未申报"
    assert task_to(found, reverse("exams:mine"))[2] == "1"
    assert task_to(found, reverse("payouts:mine"))
    assert task_to(found, reverse("assessment:me"))
    standing = html.split('data-testid="file-standing"', 1)[1]
    assert 'data-level="1"' in standing and reverse("yearly_policy:standing", args=[agent_person.pk]) in standing


def test_agent_without_an_open_exam_has_no_exam_task(as_user, agent, agent_person, hotline):
    open_sitting(hotline)  # open, but 张三 is not invited
    assert not any(t[0] == reverse("exams:mine") for t in tasks(home(as_user(agent))))


def _count(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        home(client)
    return len(captured.captured_queries)


def test_home_costs_the_same_for_one_team_or_many(as_user, supervisor, leader, committee, hotline, team, agent_person, colleague):
    viewers = (supervisor, leader, committee)
    for viewer in viewers:
        _count(as_user(viewer))  # warm caches (policy lookups, content types)
    before = {viewer.role: _count(as_user(viewer)) for viewer in viewers}
    for n in range(4):
        # The leader leads two more teams, the hotline gains four.
        extra = TeamFactory(hotline=hotline, name=f"加班{n}", leader=leader if n % 2 else UserFactory(role="leader", hotline=hotline))
        for m in range(3):
            PersonFactory(team=extra, staff_no=f"8{n}{m}0")
    after = {viewer.role: _count(as_user(viewer)) for viewer in viewers}
    assert after == before


def test_k_committee_is_sent_to_the_workspace_of_the_last_cycle_that_reached_it(as_user, supervisor, committee, hotline):
    year = timezone.localdate().year
    policy_services.policy_create_from_defaults(actor=None, hotline=hotline, year=year - 1, as_system=True)
    policy_services.policy_copy_forward(actor=None, hotline=hotline, year=year, as_system=True)
    earlier = cycle_services.cycle_open(actor=supervisor, hotline=hotline, year=year - 1, reference_date=datetime.date(year - 1, 9, 30))
    Cycle.objects.filter(pk=earlier.pk).update(step=Step.COMPLETED)  # decided and awarded last year
    cycle_services.cycle_open(actor=supervisor, hotline=hotline, year=year, reference_date=timezone.localdate())
    found = tasks(home(as_user(committee)))
    href, text, badge = task_to(found, reverse("cycle:committee", args=[year - 1]))
    assert text == f"{year - 1} 年度评定 · 集中评定" and badge == "已完成"
    assert task_to(found, reverse("cycle:detail", args=[year]))[2] == "集中评定尚未开始"
