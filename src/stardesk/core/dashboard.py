"""What the home page shows each role: an agent their own file, a leader their team,
the supervisor and committee their hotline, the group administrator every hotline;
and for each, the next things to do, each with the page where it is done.

Every figure is one query for all of the user's teams (never one per team or per
person), so the home page costs the same for a team of ten and a hotline of 20,000.
"""
import datetime
from dataclasses import dataclass

from django.db.models import Count, Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from stardesk.accounts import permissions
from stardesk.accounts.models import Role
from stardesk.assessment import queries as assessment_queries
from stardesk.assessment.models import MonthlyScore, WeeklyEvaluation
from stardesk.assessment.weeks import IsoWeek
from stardesk.audit import queries as audit_queries
from stardesk.cycle import queries as cycle_queries
from stardesk.cycle.models import STEP_ORDER, ApplicationStatus, Cycle, ReviewStatus, Step
from stardesk.events import queries as event_queries
from stardesk.exams.models import AttemptStatus, Invitation, Sitting, SittingStatus
from stardesk.payouts import queries as payout_queries
from stardesk.payouts.models import AllowanceLine
from stardesk.people import queries as people_queries
from stardesk.people import work_file
from stardesk.people.models import EmploymentType, Person, TitleSpell
from stardesk.policy.conventions import Month
from stardesk.policy.reasons import num

RECENT_CHANGES = 8
COMMITTEE_REACHED = STEP_ORDER[STEP_ORDER.index(Step.COMMITTEE):]


@dataclass
class Task:
    """One line of 待办: what to do, where, and how urgent (a Bootstrap colour)."""

    label: str
    url: str
    tone: str = "secondary"  # danger: overdue; warning: due; primary: waiting for the user; success: done
    badge: str = ""
    note: str = ""
    icon: str = "arrow-right-circle"


def _url(name: str, *args, query: str = "") -> str:
    url = reverse(name, args=args)
    return f"{url}?{query}" if query else url


# --- daily assessment (M1, R1) -------------------------------------------------------


def _week_tasks(user, today: datetime.date) -> list[Task]:
    """M1: this week's grid of each team the leader leads, with how many members are entered (two queries)."""
    teams = list(permissions.teams_visible_to(user).order_by("name"))
    if not teams:
        return []
    week = IsoWeek.of(today)
    members = dict(
        Person.objects.filter(team__in=teams)
        .filter(assessment_queries.active_during(week.monday, week.sunday))
        .order_by()
        .values("team_id")
        .annotate(n=Count("pk"))
        .values_list("team_id", "n")
    )
    entered = dict(
        WeeklyEvaluation.objects.filter(person__team__in=teams, week_start=week.monday)
        .filter(assessment_queries.active_during(week.monday, week.sunday, "person__"))
        .order_by()
        .values("person__team_id")
        .annotate(n=Count("pk"))
        .values_list("person__team_id", "n")
    )
    tasks = []
    for team in teams:
        expected, done = members.get(team.pk, 0), entered.get(team.pk, 0)
        tasks.append(
            Task(
                _("本周周考评 · %(team)s（%(year)s年第%(week)s周）") % {"team": team.name, "year": week.year, "week": week.week},
                _url("assessment:week_grid", team.pk, str(week)),
                tone="success" if expected and done >= expected else "warning",
                badge=_("已录入 %(n)s/%(m)s") % {"n": done, "m": expected},
                icon="calendar-week",
            )
        )
    return tasks


def _register_tasks(user, today: datetime.date, *, per_team: bool) -> list[Task]:
    """R1: last month's registers (a register is handed in once its month has ended).

    A leader sees one line per team; the supervisor and the committee one line per status with its count.
    """
    month = Month.of(today).prev()
    lines = assessment_queries.registers_due(user, month)
    if not lines:
        return []
    DueStatus = assessment_queries.DueStatus
    tones = {
        DueStatus.OVERDUE: "danger",
        DueStatus.NOT_SUBMITTED: "warning",
        DueStatus.RETURNED: "danger",
        DueStatus.SUBMITTED: "primary" if permissions.has(user, "assessment.register_review") else "secondary",
        DueStatus.ACCEPTED: "success",
    }
    month_label = _("%(year)s年%(month)s月") % {"year": month.year, "month": month.month}
    if per_team:
        return [
            Task(
                _("%(month)s登记表 · %(team)s") % {"month": month_label, "team": line.team.name},
                _url("assessment:month", line.team.pk, str(month)),
                tone=tones[line.status],
                badge=line.status.label,
                note=_("截止 %(day)s") % {"day": line.deadline.strftime("%Y-%m-%d")} if line.deadline else "",
                icon="clipboard-check",
            )
            for line in lines
        ]
    counts: dict[str, int] = {}
    for line in lines:
        counts[line.status] = counts.get(line.status, 0) + 1
    url = _url("assessment:registers", query=f"month={month}")
    texts = {
        DueStatus.OVERDUE: _("%(month)s登记表逾期未交"),
        DueStatus.RETURNED: _("%(month)s登记表已退回待重交"),
        DueStatus.NOT_SUBMITTED: _("%(month)s登记表未提交"),
        DueStatus.SUBMITTED: _("%(month)s登记表待审核接收"),
        DueStatus.ACCEPTED: _("%(month)s登记表已接收"),
    }
    return [
        Task(texts[status] % {"month": month_label}, url, tone=tones[status],
             badge=_("%(n)s 个班组") % {"n": counts[status]}, icon="clipboard-check")
        for status in texts
        if counts.get(status)
    ]


# --- events, low scores, exams, the cycle -------------------------------------------------


def _decision_tasks(user) -> list[Task]:
    """The supervisor's decisions: title sanctions to confirm (E6), appeals (M5), M6 proposals (two queries)."""
    States = event_queries.State
    waiting = event_queries.events_visible_to(user).aggregate(
        pending=Count("pk", filter=event_queries.STATE_FILTERS[States.PENDING]),
        appealing=Count("pk", filter=event_queries.STATE_FILTERS[States.APPEALING]),
    )
    proposals = payout_queries.proposals_visible_to(user).filter(status="pending").count()
    tasks = []
    if waiting["pending"]:
        tasks.append(Task(_("待确认的星级处分"), _url("events:list", query=f"state={States.PENDING}"), "primary",
                          str(waiting["pending"]), icon="flag"))
    if waiting["appealing"]:
        tasks.append(Task(_("待处理的申诉"), _url("events:list", query=f"state={States.APPEALING}"), "primary",
                          str(waiting["appealing"]), icon="chat-left-text"))
    if proposals:
        tasks.append(Task(_("持续低分降级建议待决定"), _url("payouts:proposals"), "primary", str(proposals), icon="graph-down-arrow"))
    return tasks


def _sitting_tasks(user, hotline_id) -> list[Task]:
    """Exams whose window has closed and whose results are not yet released (X6): graded, then released."""
    closed = Sitting.objects.filter(hotline_id=hotline_id, status=SittingStatus.CLOSED).count()
    if not closed:
        return []
    if permissions.has(user, "exams.results"):
        return [Task(_("已结束、成绩待公布的考试场次"), _url("exams:results"), "primary", str(closed), icon="bar-chart")]
    return [Task(_("已结束、待阅卷的考试场次"), _url("exams:grading"), "primary", str(closed), icon="check2-square")]


def _cycle_task(user, today: datetime.date) -> list[Task]:
    """Y2: where the hotline's latest cycle stands, and the step that waits for this role."""
    cycle = cycle_queries.latest_cycle(user.hotline_id)
    if cycle is None:
        if permissions.has(user, "cycle.manage"):
            return [Task(_("还没有开始年度星级评定"), _url("cycle:index"), "secondary", icon="award")]
        return []
    step = Step(cycle.step)
    label = _("%(year)s 年度评定：%(step)s") % {"year": cycle.year, "step": step.label}
    if user.role == Role.COMMITTEE:
        # K: the workspace of the latest cycle that has reached the committee; a later cycle still
        # before it is shown as not started yet.
        tasks = []
        decided = cycle
        if not cycle.reached(Step.COMMITTEE):
            tasks.append(Task(label, _url("cycle:detail", cycle.year), "secondary", _("集中评定尚未开始"), icon="award"))
            decided = (
                Cycle.objects.filter(hotline_id=user.hotline_id, step__in=COMMITTEE_REACHED).order_by("-year").first()
            )
        if decided is not None:
            tasks.insert(0, Task(_("%(year)s 年度评定 · 集中评定") % {"year": decided.year}, _url("cycle:committee", decided.year),
                                 "primary" if decided.step == Step.COMMITTEE else "secondary", Step(decided.step).label,
                                 icon="people"))
        return tasks
    if user.role == Role.LEADER and step == Step.LEADER_CHECK:
        pending = (
            cycle_queries.applications_visible_to(user, cycle)
            .filter(status=ApplicationStatus.ACTIVE, eligible=True, review_status=ReviewStatus.PENDING)
            .count()
        )
        return [Task(_("审核本班组的星级申报"), _url("cycle:applications", cycle.year),
                     "primary" if pending else "success", _("待审核 %(n)s") % {"n": pending}, icon="award")]
    tone = "secondary" if step == Step.COMPLETED else "primary" if permissions.has(user, "cycle.manage") else "secondary"
    return [Task(label, _url("cycle:detail", cycle.year), tone, icon="award")]


def _own_exam_tasks(person_id) -> list[Task]:
    """Open exams the person is invited to and has not handed in (one query)."""
    waiting = (
        Invitation.objects.filter(person_id=person_id, sitting__status=SittingStatus.OPEN)
        .exclude(attempt__status=AttemptStatus.SUBMITTED)
        .count()
    )
    if not waiting:
        return []
    return [Task(_("待参加的考试"), _url("exams:mine"), "primary", str(waiting), icon="pencil-square")]


def tasks_for(user, today: datetime.date) -> list[Task]:
    if user.role == Role.LEADER:
        tasks = _week_tasks(user, today) + _register_tasks(user, today, per_team=True) + _cycle_task(user, today)
        if user.person_id:  # a leader who is also on the roster sits exams and has a file of their own
            tasks += _own_exam_tasks(user.person_id)
            tasks.append(Task(_("我的档案"), _url("people:detail", user.person_id), icon="folder2-open"))
        return tasks
    if user.role == Role.SUPERVISOR:
        return (
            _register_tasks(user, today, per_team=False)
            + _decision_tasks(user)
            + _sitting_tasks(user, user.hotline_id)
            + _cycle_task(user, today)
        )
    if user.role == Role.COMMITTEE:
        return _cycle_task(user, today) + _register_tasks(user, today, per_team=False) + _sitting_tasks(user, user.hotline_id)
    return []


# --- the agent's own file ------------------------------------------------------------


def _agent_tasks(user, person, today: datetime.date) -> list[Task]:
    """The agent's next things: apply while the cycle takes applications, sit an open exam; then the latest figures."""
    tasks = []
    cycle = cycle_queries.open_cycle(user.hotline_id)
    if cycle is not None:
        applied = cycle_queries.active_application(cycle, person)
        tasks.append(
            Task(
                _("%(year)s 年度星级申报进行中") % {"year": cycle.year},
                _url("cycle:mine"),
                "success" if applied else "primary",
                _("已申报 %(level)s 星") % {"level": applied.level} if applied else _("未申报"),
                icon="star-half",
            )
        )
    tasks += _own_exam_tasks(person.pk)
    score = (
        MonthlyScore.objects.filter(person=person, confirmed_at__isnull=False, score__isnull=False).order_by("-month").first()
    )
    tasks.append(
        Task(
            _("我的考核"),
            _url("assessment:me"),
            "secondary",
            _("%(month)s 得分 %(score)s") % {"month": score.month.strftime("%Y-%m"), "score": num(score.score)} if score else "",
            note="" if score else _("还没有确认的月度得分"),
            icon="clipboard-data",
        )
    )
    line = AllowanceLine.objects.filter(person=person, is_current=True).order_by("-month").first()
    if line is not None:
        amount = _("待定") if line.amount is None else _("%(amount)s 元") % {"amount": f"{line.amount:.2f}"}
        badge = _("%(month)s %(amount)s") % {"month": line.month.strftime("%Y-%m"), "amount": amount}
    else:
        badge = ""
    tasks.append(Task(_("我的星级待遇"), _url("payouts:mine"), "secondary", badge,
                      note="" if line else _("持有星级的月份才有待遇"), icon="cash-coin"))
    tasks.append(Task(_("我的成绩"), _url("exams:my_results"), "secondary", icon="bar-chart"))
    return tasks


def _own_file(user, today) -> dict:
    person = user.person
    if person is None:
        return {"person": None}
    history = people_queries.title_history(person)
    return {
        "person": person,
        "held": [spell for spell in history if spell.held_on(today)],
        "titles": history[:5],
        "standing": work_file.standing_of(person, today),
        "tasks": _agent_tasks(user, person, today),
    }


def _figures(user, today) -> dict:
    people = permissions.people_visible_to(user)
    active = people.filter(people_queries.not_left_on(today))
    counts = people.aggregate(
        total=Count("id"),
        active=Count("id", filter=people_queries.not_left_on(today)),
        **{
            f"type_{value}": Count("id", filter=people_queries.not_left_on(today) & Q(employment_type=value))
            for value in EmploymentType.values
        },
    )
    # S4: holders on today's date, counted once per person at their highest level.
    held = (
        TitleSpell.objects.filter(people_queries.held_on(today), person__in=active)
        .order_by()
        .values("person")
        .annotate(top=Max("level"))
    )
    by_level = {1: 0, 2: 0, 3: 0}
    for row in held:
        by_level[row["top"]] += 1
    return {
        "counts": counts,
        "employment": [(label, counts[f"type_{value}"]) for value, label in EmploymentType.choices],
        "stars": [(level, by_level[level]) for level in (3, 2, 1)],
        "holders": sum(by_level.values()),
        "teams": people_queries.teams(user, day=today)[:50],
    }


def for_user(user) -> dict:
    today = timezone.localdate()
    context = {"today": today, "role": user.role}
    if user.role == Role.AGENT:
        context.update(_own_file(user, today))
        return context
    context.update(_figures(user, today))
    context["tasks"] = tasks_for(user, today)
    if user.role == Role.LEADER and user.person_id:
        context["person"] = user.person
    if permissions.has(user, "audit.search"):
        recent = audit_queries.entries_visible_to(user).order_by("-at", "-id")[:RECENT_CHANGES]
        context["recent"] = audit_queries.describe(recent)
    if user.role == Role.ADMIN:
        context["hotlines"] = people_queries.hotlines(day=today)
    return context
