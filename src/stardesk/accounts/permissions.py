"""Who may do what: named permissions, checked in one place (services and views).

The matrix (issue: roles and permissions):
- agent: reads only their own records;
- team leader: reads and changes their own team's records;
- supervisor: runs everything of their hotline but committee decisions;
- committee member: reads everything of their hotline and decides;
- group administrator: everything, in every hotline.
"""
from django.db.models import Q, QuerySet

from stardesk.accounts.models import Role
from stardesk.core.errors import Forbidden

# Named permissions → roles that hold them (within their own hotline, or everywhere for ADMIN).
PERMISSIONS: dict[str, set[str]] = {
    "people.view_all": {Role.SUPERVISOR, Role.COMMITTEE, Role.ADMIN},
    "people.view_team": {Role.LEADER},
    "people.list": {Role.LEADER, Role.SUPERVISOR, Role.COMMITTEE, Role.ADMIN},
    "people.edit": {Role.SUPERVISOR, Role.ADMIN},
    "teams.edit": {Role.SUPERVISOR, Role.ADMIN},
    "hotlines.edit": {Role.ADMIN},
    "accounts.manage": {Role.SUPERVISOR, Role.ADMIN},
    "imports.people": {Role.SUPERVISOR, Role.ADMIN},
    "audit.search": {Role.SUPERVISOR, Role.ADMIN},
    "policy.view": {Role.SUPERVISOR, Role.COMMITTEE, Role.ADMIN, Role.LEADER},
    "policy.edit": {Role.SUPERVISOR, Role.ADMIN},
    "policy.freeze": {Role.COMMITTEE, Role.SUPERVISOR, Role.ADMIN},  # P1: when the committee decision closes
    "committee.decide": {Role.COMMITTEE},
    # Reward and sanction events (M5, V1, V2, E4): leaders record for their team, the supervisor decides.
    "events.record": {Role.LEADER, Role.SUPERVISOR, Role.ADMIN},
    "events.correct": {Role.SUPERVISOR, Role.ADMIN},
    "events.appeal": {Role.AGENT, Role.LEADER},
    "events.appeal_decide": {Role.SUPERVISOR, Role.ADMIN},
    "events.sanction_decide": {Role.SUPERVISOR, Role.ADMIN},
    # Daily assessment (M1–M3, R1–R2): leaders write their own team, the supervisor reviews.
    "assessment.view_all": {Role.SUPERVISOR, Role.COMMITTEE, Role.ADMIN},
    "assessment.view_team": {Role.LEADER},
    "assessment.rubric_view": {Role.LEADER, Role.SUPERVISOR, Role.COMMITTEE, Role.ADMIN},
    "assessment.rubric_edit": {Role.SUPERVISOR, Role.ADMIN},
    "assessment.evaluate": {Role.LEADER},
    "assessment.month_confirm": {Role.LEADER},
    "assessment.register_submit": {Role.LEADER},
    "assessment.register_review": {Role.SUPERVISOR, Role.ADMIN},
    "assessment.score_correct": {Role.SUPERVISOR, Role.ADMIN},
    # Exams (X1–X4, J1): the supervisor runs the bank, papers and sittings, the committee reads; people sit them.
    "exams.view": {Role.SUPERVISOR, Role.COMMITTEE, Role.ADMIN},
    "exams.edit": {Role.SUPERVISOR, Role.ADMIN},
    "exams.sit": {Role.AGENT, Role.LEADER},
    # X6: a team leader reads, read-only, the released results of their own team's members.
    "exams.view_team": {Role.LEADER},
    # Grading and results (X2, X3, X6, J1–J3): supervisor and committee grade, the supervisor releases, regrades and confirms J3.
    "exams.grade": {Role.SUPERVISOR, Role.COMMITTEE, Role.ADMIN},
    "exams.results": {Role.SUPERVISOR, Role.ADMIN},
    # A grade corrected after the release, with a reason, through a regrade's dry run and commit: examiners and the supervisor.
    "exams.grade_correct": {Role.SUPERVISOR, Role.COMMITTEE, Role.ADMIN},
    "exams.june_decide": {Role.SUPERVISOR, Role.ADMIN},
    # The yearly star cycle (Y, E, Q): the supervisor runs it, leaders check their team, agents apply for themselves.
    "cycle.view": {Role.LEADER, Role.SUPERVISOR, Role.COMMITTEE, Role.ADMIN},
    "cycle.manage": {Role.SUPERVISOR, Role.ADMIN},
    "cycle.apply": {Role.AGENT},
    "cycle.apply_for_team": {Role.LEADER, Role.SUPERVISOR, Role.ADMIN},
    "cycle.flag": {Role.LEADER, Role.SUPERVISOR, Role.ADMIN},
    "cycle.review": {Role.LEADER, Role.SUPERVISOR, Role.ADMIN},
    "cycle.close_decision": {Role.COMMITTEE, Role.ADMIN},  # K4: the committee closes its decision
    "cycle.export": {Role.SUPERVISOR, Role.COMMITTEE, Role.ADMIN},
    "cycle.import": {Role.SUPERVISOR, Role.ADMIN},
    # The committee step, award and supervision (K, A, V, R3): the committee decides, votes and supervises titles;
    # its votes are seen only by the committee; the supervisor runs the award and the bonus plan.
    "committee.view": {Role.SUPERVISOR, Role.COMMITTEE, Role.ADMIN},
    "committee.votes_view": {Role.COMMITTEE, Role.ADMIN},
    "supervision.view": {Role.SUPERVISOR, Role.COMMITTEE, Role.ADMIN},
    "supervision.decide": {Role.COMMITTEE},  # V1: the committee lowers or revokes a title
    "bonus.view": {Role.SUPERVISOR, Role.COMMITTEE, Role.ADMIN},
    # Monthly allowance, M6 proposals and ratings (M4–M7): leaders read their team, agents their own lines.
    "payouts.view_all": {Role.SUPERVISOR, Role.COMMITTEE, Role.ADMIN},
    "payouts.view_team": {Role.LEADER},
    "payouts.export": {Role.LEADER, Role.SUPERVISOR, Role.COMMITTEE, Role.ADMIN},
    "payouts.recompute": {Role.SUPERVISOR, Role.ADMIN},
    "payouts.low_score_decide": {Role.SUPERVISOR, Role.ADMIN},
    # Imports of monthly scores, call monitoring and events (月度考核, 监听评分, 奖惩事件).
    "imports.assessment": {Role.SUPERVISOR, Role.ADMIN},
}


def has(user, permission: str) -> bool:
    if not user or not user.is_authenticated or not user.is_active:
        return False
    return user.role in PERMISSIONS[permission]


def require(user, permission: str) -> None:
    if not has(user, permission):
        raise Forbidden()


def require_hotline(user, hotline) -> None:
    """Everyone but a group administrator acts only within their own hotline (S1)."""
    if user.role == Role.ADMIN:
        return
    if hotline is None or user.hotline_id != getattr(hotline, "pk", hotline):
        raise Forbidden()


def hotlines_visible_to(user) -> QuerySet:
    from stardesk.people.models import Hotline

    if user.role == Role.ADMIN:
        return Hotline.objects.all()
    return Hotline.objects.filter(pk=user.hotline_id)


def teams_visible_to(user) -> QuerySet:
    from stardesk.people.models import Team

    teams = Team.objects.all()
    if user.role == Role.ADMIN:
        return teams
    teams = teams.filter(hotline_id=user.hotline_id)
    if user.role in (Role.SUPERVISOR, Role.COMMITTEE):
        return teams
    if user.role == Role.LEADER:
        return teams.filter(leader=user)
    if user.person_id:
        return teams.filter(members=user.person_id)
    return teams.none()


def people_visible_to(user) -> QuerySet:
    """The people a user may read: the restriction every list and lookup starts from."""
    from stardesk.people.models import Person

    people = Person.objects.all()
    if not user or not user.is_authenticated:
        return people.none()
    if user.role == Role.ADMIN:
        return people
    people = people.filter(hotline_id=user.hotline_id)
    if user.role in (Role.SUPERVISOR, Role.COMMITTEE):
        return people
    if user.role == Role.LEADER:
        mine = Q(team__leader=user)
        if user.person_id:
            mine |= Q(pk=user.person_id)
        return people.filter(mine)
    if user.person_id:
        return people.filter(pk=user.person_id)
    return people.none()


def can_view_person(user, person) -> bool:
    return people_visible_to(user).filter(pk=person.pk).exists()
