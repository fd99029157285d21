"""Every write of the yearly cycle: permission check, the step's gate, one transaction, an audit entry.

Who may do what (accounts.permissions):
- an agent applies for themselves and withdraws their own application
  (cycle.apply), while the step is 个人申报;
- a team leader enters an application for a member of their own team, flags
  the E1 exception (表现突出 with a written reason) and reviews the team's
  eligible applications (confirm or withhold with a reason);
- the supervisor opens the cycle, moves its steps, imports 星级申报, corrects
  an application after the application step closed (with a reason) and
  finalises the recommendation list; the committee closes its decision (K4).

`cycle_transition` is the one transition() of the cycle: the table is
steps.MOVES, and STEP_WORK holds what entering a step does. A step's records
are frozen once the next step starts (Y2): every write names the steps it is
allowed in (steps.require_step). `as_system` is the command line and the
demo generator, acting without an account.
"""
import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from stardesk.accounts import permissions
from stardesk.accounts.models import Role
from stardesk.audit import services as audit
from stardesk.core.errors import DomainError, Forbidden, NotFound
from stardesk.cycle import steps
from stardesk.cycle.eligibility import (CHECK_FIELDS, RESULT_FIELDS, active_applicants, check_applications, cycle_policy,
                                       store)
from stardesk.cycle.models import (
    STEP_ORDER,
    Application,
    ApplicationSource,
    ApplicationStatus,
    Cycle,
    CycleHeadcount,
    CycleStage,
    ReviewStatus,
    Step,
)
from stardesk.people.models import Hotline, Person
from stardesk.policy import cycle as rules_cycle
from stardesk.policy.quotas import quotas_for
from stardesk.policy.reasons import basis, failures
from stardesk.yearly_policy import services as policy_services
from stardesk.yearly_policy.models import CyclePolicy

YES, NO = "是", "否"


def _who(actor) -> str:
    return str(actor) if actor is not None else "系统"


def _require(actor, permission: str, hotline, as_system: bool = False) -> None:
    if as_system:
        return
    permissions.require(actor, permission)
    permissions.require_hotline(actor, hotline)


def _yes(value: bool) -> str:
    return YES if value else NO


def _locked_cycle(cycle: Cycle) -> Cycle:
    # Every write of a cycle's records holds its row, so no write slips past a step change.
    return Cycle.objects.select_for_update(of=("self",)).select_related("hotline", "policy").get(pk=cycle.pk)


def _locked_application(application: Application) -> Application:
    found = Application.objects.select_for_update(of=("self",)).select_related("person", "person__team").get(pk=application.pk)
    found.cycle = _locked_cycle(found.cycle)
    return found


# --- opening a cycle ---------------------------------------------------------------------------


def _schedule_problems(reference_date: datetime.date, planned: dict[str, datetime.date]) -> list[dict]:
    problems = []
    leader_check = planned.get(Step.LEADER_CHECK)
    if leader_check is not None and leader_check <= reference_date:
        problems.append({"field": Step.LEADER_CHECK, "message": _("班长推荐须在申报截止（基准日）之后开始。")})
    previous = None
    for step in STEP_ORDER:
        day = planned.get(step)
        if day is None:
            continue
        if previous is not None and day < previous[1]:
            problems.append({"field": step, "message": _("「%(step)s」的计划日期不能早于「%(before)s」（%(day)s）。") % {
                "step": Step(step).label, "before": Step(previous[0]).label, "day": previous[1].isoformat()}})
        previous = (step, day)
    return problems


@transaction.atomic
def cycle_open(*, actor, hotline: Hotline, year: int, reference_date: datetime.date,
               planned: dict[str, datetime.date] | None = None, as_system: bool = False) -> Cycle:
    """Y1/Y3: the supervisor opens cycle `year` with its reference date R on the year's policy (P2: its current revision)."""
    _require(actor, "cycle.manage", hotline, as_system)
    planned = {step: day for step, day in (planned or {}).items() if day is not None and step in STEP_ORDER}
    record = CyclePolicy.objects.select_for_update().filter(hotline=hotline, year=year).first()
    if record is None:
        raise DomainError("policy_missing", _("该热线还没有 %(year)s 年度政策，请先在“年度政策”中创建该年度的政策。") % {"year": year})
    if record.is_frozen:
        raise DomainError("cycle_policy_frozen")
    if Cycle.objects.filter(hotline=hotline, year=year).exists():
        raise DomainError("cycle_exists")
    details = [{"field": "reference_date", "message": text}
               for text in rules_cycle.cycle_problems(rules_cycle.Cycle(year, reference_date))]
    details += _schedule_problems(reference_date, planned)
    if details:
        raise DomainError("cycle_invalid", "；".join(d["message"] for d in details), details=details)
    now = timezone.now()
    try:
        with transaction.atomic():
            cycle = Cycle.objects.create(
                hotline=hotline, year=year, policy=record, policy_revision=record.revision,
                policy_version=record.version, reference_date=reference_date,
                opened_by=actor, opened_by_name=_who(actor),
            )
    except IntegrityError as exc:  # the same year opened at the same moment
        raise DomainError("cycle_exists") from exc
    CycleStage.objects.bulk_create([
        CycleStage(
            cycle=cycle, step=step, planned_on=planned.get(step),
            started_at=now if step == Step.APPLICATION else None,
            started_by=actor if step == Step.APPLICATION else None,
            started_by_name=_who(actor) if step == Step.APPLICATION else "",
        )
        for step in STEP_ORDER
    ])
    changes = {
        _("评定年度"): [None, year],
        _("资格审核基准日"): [None, reference_date.isoformat()],
        _("政策版本"): [None, record.version],
        **{_("计划开始：%(step)s") % {"step": Step(step).label}: [None, day.isoformat()] for step, day in planned.items()},
    }
    audit.record(actor=actor, action="cycle.open", target=cycle, hotline=hotline, changes=changes)
    return cycle


# --- eligibility, in bulk ------------------------------------------------------------------------


# What the E check reads and writes of an application: 20,000 rows load quickly without their people.
CHECKED_COLUMNS = ("pk", "cycle_id", "person_id", "level", "status", "review_status", "leader_recommended",
                   "recommendation_reason", *CHECK_FIELDS)


def _active_applications(cycle: Cycle) -> list[Application]:
    found = list(
        Application.objects.filter(cycle=cycle, status=ApplicationStatus.ACTIVE).only(*CHECKED_COLUMNS).order_by("pk")
    )
    for application in found:
        application.cycle = cycle
    return found


def _with_people(applications: list[Application]) -> list[Application]:
    """Attach each application's person (with team) in one query, for the texts that name them."""
    people = Person.objects.select_related("team").in_bulk({a.person_id for a in applications})
    for application in applications:
        application.person = people[application.person_id]
    return applications


def _verdict_text(application: Application) -> str:
    if application.eligible:
        return _("符合申报条件")
    return _("不符合申报条件：%(why)s") % {"why": "；".join(f"{r['rule']}: {r['text']}" for r in application.failures())}


def _recheck_all(cycle: Cycle, *, actor, now: datetime.datetime, policy=None) -> tuple[list[Application], list[Application]]:
    """E1–E8 at R for every active application of the cycle, saved; returns (all, those whose result changed).

    Each changed result gets its own audit entry (written in one statement).
    """
    applications = _active_applications(cycle)
    before = {a.pk: (a.eligible, a.eligible_levels) for a in applications}
    policy = policy or cycle_policy(cycle)
    changed = check_applications(cycle, applications, people=active_applicants(cycle), policy=policy, at=now)
    # Every application was checked now, under this version; only the changed results are rewritten.
    Application.objects.filter(cycle=cycle, status=ApplicationStatus.ACTIVE).update(
        checked_at=now, policy_version=policy.version, updated_at=now)
    store(changed, RESULT_FIELDS)
    entries = []
    for application in _with_people(changed):
        old_eligible, old_levels = before[application.pk]
        changes = {}
        if old_eligible != application.eligible:
            changes[_("符合申报条件")] = [_yes(old_eligible), _yes(application.eligible)]
        if old_levels != application.eligible_levels:
            changes[_("符合条件的星级")] = [old_levels or "—", application.eligible_levels or "—"]
        entries.append(audit.entry_for(actor=actor, action="application.recheck", target=application,
                                       changes=changes, hotline=cycle.hotline, note=_verdict_text(application)))
    audit.record_many(entries)
    return applications, changed


@transaction.atomic
def cycle_recheck(*, actor, cycle: Cycle, as_system: bool = False) -> int:
    """E at R again for every application (facts recorded since, e.g. a confirmed sanction); returns how many changed."""
    _require(actor, "cycle.manage", cycle.hotline, as_system)
    cycle = _locked_cycle(cycle)
    steps.require_step(cycle, Step.APPLICATION, Step.LEADER_CHECK, doing=_("重新检查资格"))
    applications, changed = _recheck_all(cycle, actor=actor, now=timezone.now())
    audit.record(actor=actor, action="cycle.recheck", target=cycle,
                 changes={_("检查申报数"): [None, len(applications)], _("结果变化"): [None, len(changed)]})
    return len(changed)


# --- the steps (Y2) --------------------------------------------------------------------------------


def _start_recommendation(cycle: Cycle, actor, now: datetime.datetime) -> dict:
    """Leaving 个人申报: the applications are frozen and checked at R; the quota basis is kept (Q1)."""
    policy = cycle_policy(cycle)
    applications, changed = _recheck_all(cycle, actor=actor, now=now, policy=policy)
    counted = list(
        Person.objects.filter(hotline_id=cycle.hotline_id).active_on(cycle.reference_date)
        .order_by("pk").values_list("pk", "staff_no")
    )
    CycleHeadcount.objects.bulk_create(
        [CycleHeadcount(cycle=cycle, person_id=pk, staff_no=staff_no) for pk, staff_no in counted], batch_size=2000
    )
    quotas = quotas_for(len(counted), policy.policy)
    _keep_quotas(cycle, quotas, now)
    return {
        _("基准日在岗人数"): [None, quotas.headcount],
        _("名额（一星/二星/三星）"): [None, f"{quotas.level1}/{quotas.level2}/{quotas.level3}"],
        _("资格检查"): [None, _("%(n)s 份申报，%(c)s 份结果有变化") % {"n": len(applications), "c": len(changed)}],
    }


def _keep_quotas(cycle: Cycle, quotas, now: datetime.datetime) -> None:
    cycle.headcount = quotas.headcount
    cycle.quota_level1, cycle.quota_level2, cycle.quota_level3 = quotas.level1, quotas.level2, quotas.level3
    cycle.quota_basis = basis(quotas)
    cycle.quota_policy_version = quotas.policy_version
    cycle.quotas_fixed_at = now


def _finalise_recommendation(cycle: Cycle, actor, now: datetime.datetime) -> dict:
    """Leaving 班长推荐: the list is ordered (Q3), overflow placed (Q4), checked against the quotas (Q2) and kept."""
    from stardesk.cycle import recommendation_services

    policy = cycle_policy(cycle)
    applications, _changed = _recheck_all(cycle, actor=actor, now=now, policy=policy)
    result = recommendation_services.finalise_list(cycle, actor, now, applications, policy)
    counts = result.counts()
    return {
        _("推荐人数（一星/二星/三星）"): [None, f"{counts[1]}/{counts[2]}/{counts[3]}"],
        _("未获推荐"): [None, len(result.not_recommended)],
    }


def _start_committee(cycle: Cycle, actor, now: datetime.datetime) -> dict:
    """Leaving 业务考核: the candidates, the proposal (K1, K2) and the seats of each level (cycle.committee)."""
    from stardesk.cycle import committee

    return committee.start_committee(cycle, actor, now)


def _close_decision(cycle: Cycle, actor, now: datetime.datetime) -> dict:
    """Leaving 集中评定: the decision is final (K4) and the cycle's policy is frozen (P1)."""
    from stardesk.cycle import committee

    figures = committee.close_committee(cycle, actor, now)
    record = CyclePolicy.objects.get(pk=cycle.policy_id)
    if record.is_frozen:
        return figures
    policy_services.policy_freeze(
        actor=actor, policy=record, as_system=actor is None,
        reason=_("%(year)s 年度集中评定结束，评定委员会的决定为最终决定（K4）") % {"year": cycle.year},
    )
    return {**figures, _("年度政策"): [_("可编辑"), _("已冻结")]}


def _finish_award(cycle: Cycle, actor, now: datetime.datetime) -> dict:
    """Leaving 授牌: the ceremony is recorded (cycle.award)."""
    from stardesk.cycle import award

    return award.finish_award(cycle, actor, now)


# What entering a step does, besides recording it. Later steps add their work here (e.g. the sittings
# of 业务考核, the awards of 授牌); a function refuses the move by raising a DomainError.
STEP_WORK = {
    Step.LEADER_CHECK: _start_recommendation,
    Step.ASSESSMENT: _finalise_recommendation,
    Step.COMMITTEE: _start_committee,
    Step.AWARD: _close_decision,
    Step.SUMMARY: _finish_award,
}


@transaction.atomic
def cycle_transition(*, actor, cycle: Cycle, to: str, note: str = "", as_system: bool = False) -> Cycle:
    """Y2: start the next step (the only move the table allows), do its work, log it. Refused: nothing changes."""
    cycle = _locked_cycle(cycle)
    move = steps.check_move(cycle, to)
    _require(actor, move.permission, cycle.hotline, as_system)
    now = timezone.now()
    work = STEP_WORK.get(to)
    figures = work(cycle, actor, now) if work else {}
    before = str(Step(cycle.step).label)
    cycle.step = to
    cycle.save()
    CycleStage.objects.filter(cycle=cycle, step=to).update(
        started_at=now, started_by=actor, started_by_name=_who(actor), note=note.strip()
    )
    audit.record(actor=actor, action="cycle.step", target=cycle,
                 changes={_("当前步骤"): [before, str(Step(to).label)], **figures}, note=note.strip())
    return cycle


@transaction.atomic
def cycle_adopt_policy(*, actor, cycle: Cycle, reason: str, as_system: bool = False) -> Cycle:
    """P2: run the cycle on the policy's newest revision from now on; applications are checked again
    and the kept quotas recomputed from the kept head count. Only before the list is final."""
    _require(actor, "cycle.manage", cycle.hotline, as_system)
    cycle = _locked_cycle(cycle)
    steps.require_step(cycle, Step.APPLICATION, Step.LEADER_CHECK, doing=_("采用新版政策"))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("correction_reason_required", _("请填写采用新版政策的原因。"))
    record = CyclePolicy.objects.get(pk=cycle.policy_id)
    if record.revision == cycle.policy_revision:
        raise DomainError("cycle_policy_current")
    old_version = cycle.policy_version
    cycle.policy_revision, cycle.policy_version = record.revision, record.version
    policy = cycle_policy(cycle)
    now = timezone.now()
    changes = {_("政策版本"): [old_version, cycle.policy_version]}
    if cycle.quotas_fixed:
        old = f"{cycle.quota_level1}/{cycle.quota_level2}/{cycle.quota_level3}"
        quotas = quotas_for(cycle.headcount, policy.policy)
        _keep_quotas(cycle, quotas, now)
        changes[_("名额（一星/二星/三星）")] = [old, f"{quotas.level1}/{quotas.level2}/{quotas.level3}"]
    cycle.save()
    _applications, changed = _recheck_all(cycle, actor=actor, now=now, policy=policy)
    changes[_("资格结果变化")] = [None, len(changed)]
    audit.record(actor=actor, action="cycle.adopt_policy", target=cycle, changes=changes, note=reason)
    return cycle


# --- applications (E) -----------------------------------------------------------------------------


def _source_for(actor, person: Person, cycle: Cycle) -> str:
    """Who may apply for `person`: themselves (agent), their team leader, the supervisor of the hotline."""
    if person.hotline_id != cycle.hotline_id:
        raise NotFound()
    if actor.role == Role.AGENT:
        permissions.require(actor, "cycle.apply")
        if actor.person_id != person.pk:
            raise Forbidden(_("只能为本人申报。"))
        return ApplicationSource.SELF
    permissions.require(actor, "cycle.apply_for_team")
    permissions.require_hotline(actor, cycle.hotline)
    if actor.role == Role.LEADER:
        _require_team_leader(actor, person)
        return ApplicationSource.LEADER
    return ApplicationSource.SUPERVISOR


def _require_team_leader(actor, person: Person) -> None:
    if actor.role == Role.LEADER and not (person.team_id and person.team.leader_id == actor.pk):
        raise Forbidden(_("只能处理本班组成员的申报。"))


def _may_act_on(actor, application: Application, permission: str) -> None:
    """The person themselves (agent permissions), their team leader, or the hotline's supervisor."""
    permissions.require(actor, permission)
    permissions.require_hotline(actor, application.cycle.hotline)
    if actor.role == Role.AGENT and actor.person_id != application.person_id:
        raise NotFound()
    _require_team_leader(actor, application.person)


def _check_flag(recommended: bool, reason: str) -> str:
    reason = (reason or "").strip()
    if recommended and not reason:
        # E1: the exception needs the leader's written reason; it goes to the committee.
        raise DomainError("application_reason_required", details=[{"field": "recommendation_reason",
                                                                    "message": _("请填写推荐理由。")}])
    return reason if recommended else ""


def _check_level(level) -> int:
    if level not in (1, 2, 3):
        raise DomainError("invalid", _("申报星级须为 1、2 或 3 星。"), details=[{"field": "level", "message": _("请选择申报星级。")}])
    return level


def _checked(cycle: Cycle, application: Application, now: datetime.datetime) -> Application:
    check_applications(cycle, [application], at=now)
    return application


@transaction.atomic
def application_submit(*, actor, cycle: Cycle, person: Person, level: int, leader_recommended: bool = False,
                       recommendation_reason: str = "") -> Application:
    """E: apply for one level in the cycle (one application per person and cycle); checked at once (E1–E8)."""
    source = _source_for(actor, person, cycle)
    cycle = _locked_cycle(cycle)
    steps.require_step(cycle, Step.APPLICATION, doing=_("申报"))
    level = _check_level(level)
    if leader_recommended and source == ApplicationSource.SELF:
        raise Forbidden(_("“表现突出”推荐由班长填写。"))
    reason = _check_flag(leader_recommended, recommendation_reason)
    if Application.objects.filter(cycle=cycle, person=person, status=ApplicationStatus.ACTIVE).exists():
        raise DomainError("application_exists")
    now = timezone.now()
    application = Application(
        cycle=cycle, person=person, level=level, source=source, submitted_by=actor, submitted_by_name=_who(actor),
        leader_recommended=leader_recommended, recommendation_reason=reason,
        flagged_by_name=_who(actor) if leader_recommended else "", flagged_at=now if leader_recommended else None,
    )
    _checked(cycle, application, now)
    try:
        with transaction.atomic():
            application.save()
    except IntegrityError as exc:  # the same person applying twice at the same moment
        raise DomainError("application_exists") from exc
    changes = {_("申报星级"): [None, f"{level}星"], _("申报方式"): [None, str(ApplicationSource(source).label)],
               _("符合申报条件"): [None, _yes(application.eligible)]}
    if leader_recommended:
        changes[_("班长推荐表现突出")] = [None, reason]
    audit.record(actor=actor, action="application.submit", target=application, hotline=cycle.hotline,
                 changes=changes, note=_verdict_text(application))
    return application


@transaction.atomic
def application_withdraw(*, actor, application: Application, reason: str = "") -> Application:
    """E: withdraw an application while the application step is open (the record stays, marked 已撤回)."""
    application = _locked_application(application)
    _may_act_on(actor, application, "cycle.apply" if actor.role == Role.AGENT else "cycle.apply_for_team")
    steps.require_step(application.cycle, Step.APPLICATION, doing=_("撤回申报"))
    if not application.is_active:
        raise DomainError("application_withdrawn")
    application.status = ApplicationStatus.WITHDRAWN
    application.withdrawn_at, application.withdrawn_by_name = timezone.now(), _who(actor)
    application.withdraw_reason = (reason or "").strip()
    application.save()
    audit.record(actor=actor, action="application.withdraw", target=application, hotline=application.cycle.hotline,
                 changes={_("状态"): [str(ApplicationStatus.ACTIVE.label), str(ApplicationStatus.WITHDRAWN.label)]},
                 note=application.withdraw_reason)
    return application


@transaction.atomic
def application_flag(*, actor, application: Application, recommended: bool, reason: str = "") -> Application:
    """E1: the team leader's "表现突出" recommendation with its written reason (or taking it back); checked again."""
    application = _locked_application(application)
    _may_act_on(actor, application, "cycle.flag")
    steps.require_step(application.cycle, Step.APPLICATION, Step.LEADER_CHECK, doing=_("班长推荐“表现突出”"))
    if not application.is_active:
        raise DomainError("application_withdrawn")
    reason = _check_flag(recommended, reason)
    before = (application.leader_recommended, application.recommendation_reason, application.eligible)
    if before[:2] == (recommended, reason):
        return application
    now = timezone.now()
    application.leader_recommended, application.recommendation_reason = recommended, reason
    application.flagged_by_name, application.flagged_at = _who(actor), now
    _checked(application.cycle, application, now)
    application.save()
    changes = {_("班长推荐表现突出"): [_yes(before[0]), _yes(recommended)]}
    if before[1] != reason:
        changes[_("推荐理由")] = [before[1], reason]
    if before[2] != application.eligible:
        changes[_("符合申报条件")] = [_yes(before[2]), _yes(application.eligible)]
    audit.record(actor=actor, action="application.flag", target=application, hotline=application.cycle.hotline,
                 changes=changes, note=_verdict_text(application))
    return application


@transaction.atomic
def application_review(*, actor, application: Application, confirm: bool, reason: str = "") -> Application:
    """Y2 班长自审、初评推荐: the team leader confirms an eligible application or withholds it with a reason."""
    application = _locked_application(application)
    _may_act_on(actor, application, "cycle.review")
    steps.require_step(application.cycle, Step.LEADER_CHECK, doing=_("审核申报"))
    if not application.is_active:
        raise DomainError("application_withdrawn")
    if not application.eligible:
        raise DomainError("application_not_eligible")
    reason = (reason or "").strip()
    if not confirm and not reason:
        raise DomainError("review_reason_required", details=[{"field": "reason", "message": _("请填写不推荐的理由。")}])
    status = ReviewStatus.CONFIRMED if confirm else ReviewStatus.WITHHELD
    before = (application.review_status, application.review_reason)
    application.review_status, application.review_reason = status, reason
    application.reviewed_by_name, application.reviewed_at = _who(actor), timezone.now()
    application.save()
    changes = {_("班长审核"): [str(ReviewStatus(before[0]).label), str(status.label)]}
    if before[1] != reason:
        changes[_("审核意见")] = [before[1], reason]
    audit.record(actor=actor, action="application.review", target=application, hotline=application.cycle.hotline,
                 changes=changes, note=reason)
    return application


@transaction.atomic
def application_correct(*, actor, application: Application, reason: str, level: int | None = None,
                        withdraw: bool = False) -> Application:
    """Y2: after the application step closed, the supervisor corrects an application explicitly, with a reason
    (another level, or withdrawing it); the correction is logged and the application checked again."""
    application = _locked_application(application)
    _require(actor, "cycle.manage", application.cycle.hotline)
    steps.require_step(application.cycle, Step.LEADER_CHECK, doing=_("更正申报"))
    if not application.is_active:
        raise DomainError("application_withdrawn")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("correction_reason_required", details=[{"field": "reason", "message": _("请填写更正理由。")}])
    now = timezone.now()
    if withdraw:
        changes = {_("状态"): [str(ApplicationStatus.ACTIVE.label), str(ApplicationStatus.WITHDRAWN.label)]}
        application.status = ApplicationStatus.WITHDRAWN
        application.withdrawn_at, application.withdrawn_by_name, application.withdraw_reason = now, _who(actor), reason
    else:
        level = _check_level(level)
        if level == application.level:
            raise DomainError("correction_unchanged")
        changes = {_("申报星级"): [f"{application.level}星", f"{level}星"]}
        before = application.eligible
        application.level = level
        # A new level is a new question for the team leader.
        application.review_status, application.review_reason = ReviewStatus.PENDING, ""
        _checked(application.cycle, application, now)
        if before != application.eligible:
            changes[_("符合申报条件")] = [_yes(before), _yes(application.eligible)]
    application.corrected_at, application.corrected_by_name, application.correction_reason = now, _who(actor), reason
    application.save()
    audit.record(actor=actor, action="application.correct", target=application, hotline=application.cycle.hotline,
                 changes=changes, note=reason)
    return application
