"""授牌 (A1–A3, Y4): the award date, the new titles, the one-off rewards and the published holder list.

Once the committee's decision is closed (K4) the supervisor sets the award
date. policy.rewards.award_titles gives every history after the ceremony:
each title held that day ends there with reason 换届 and each holder of the
final list starts a new spell of their level in their job type (A1). This
module writes only the difference (ended spells updated, new spells created,
one query per kind), the Award rows with the A2 reward (policy.rewards.
award_reward: the amount and its 依据, first time or not) and a certificate
number per award (A3; the PDF is cycle.certificates). All in one transaction,
with one audit entry per title that changed.
"""
import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from stardesk.accounts import permissions
from stardesk.audit import services as audit
from stardesk.core.errors import DomainError, NotFound
from stardesk.cycle import steps
from stardesk.cycle.eligibility import cycle_policy
from stardesk.cycle.models import Award, CommitteeCandidate, Cycle, Step
from stardesk.people.models import TitleEndReason, TitleSpell
from stardesk.policy import cycle as rules_cycle
from stardesk.policy import facts
from stardesk.policy.reasons import basis
from stardesk.policy.rewards import Award as RulesAward
from stardesk.policy.rewards import award_reward, award_titles, certificates_due

_END_REASONS = {value: facts.EndReason[TitleEndReason(value).name] for value in TitleEndReason.values}
_MODEL_END_REASONS = {facts.EndReason[TitleEndReason(value).name]: value for value in TitleEndReason.values}


def as_fact(spell: TitleSpell) -> facts.TitleSpell:
    return facts.TitleSpell(spell.level, spell.job_type, spell.start, spell.end,
                            _END_REASONS[spell.end_reason] if spell.end_reason else None)


@dataclass
class AwardOutcome:
    awards: list[Award] = field(default_factory=list)
    ended: int = 0
    skipped: list[CommitteeCandidate] = field(default_factory=list)  # left on or before the award date


def holders_decided(cycle: Cycle) -> QuerySet:
    """K4/Y4: the committee's final list, best level first."""
    return (
        CommitteeCandidate.objects.filter(cycle=cycle, level__gt=0)
        .select_related("person", "person__team")
        .order_by("-level", "list_position", "person__staff_no")
    )


def _check_date(cycle: Cycle, award_date) -> None:
    if not isinstance(award_date, datetime.date):
        raise DomainError("award_date_invalid", details=[{"field": "award_date", "message": _("请填写授牌日期。")}])
    problems = rules_cycle.cycle_problems(rules_cycle.Cycle(cycle.year, cycle.reference_date, award_date))  # Y1
    if problems:
        raise DomainError("award_date_invalid", "；".join(problems),
                          details=[{"field": "award_date", "message": text} for text in problems])


def certificate_number(cycle: Cycle, level: int, sequence: int) -> str:
    """A3: e.g. main-2025-3-001 (hotline code, year, level, order on the list)."""
    return f"{cycle.hotline.code}-{cycle.year}-{level}-{sequence:03d}"


@transaction.atomic
def award_perform(*, actor, cycle: Cycle, award_date: datetime.date, as_system: bool = False) -> AwardOutcome:
    """A1–A3: on `award_date` every title of the hotline held that day ends (换届) and the committee's
    holders start their new titles; each award gets its A2 reward and a certificate number."""
    if not as_system:
        permissions.require(actor, "cycle.manage")
        permissions.require_hotline(actor, cycle.hotline)
    cycle = Cycle.objects.select_for_update(of=("self",)).select_related("hotline", "policy").get(pk=cycle.pk)
    steps.require_step(cycle, Step.AWARD, doing=_("授牌"))
    if cycle.award_date is not None or Award.objects.filter(cycle=cycle).exists():
        raise DomainError("award_done")
    _check_date(cycle, award_date)
    policy = cycle_policy(cycle)
    outcome = AwardOutcome()
    holders = []
    for candidate in holders_decided(cycle):
        left = candidate.person.left_on
        (outcome.skipped if left is not None and left <= award_date else holders).append(candidate)
    held = list(
        TitleSpell.objects.select_for_update()
        .filter(person__hotline_id=cycle.hotline_id, start__lte=award_date)
        .filter(Q(end__isnull=True) | Q(end__gt=award_date))
        .order_by("pk")
    )
    person_ids = {s.person_id for s in held} | {c.person_id for c in holders}
    spells = list(TitleSpell.objects.select_for_update(of=("self",)).filter(person_id__in=person_ids).select_related("person").order_by("start", "pk"))
    clash = [s for s in spells if s.start == award_date]
    if clash:
        shown = "、".join(f"{s.person.staff_no} {s.person.name}" for s in clash[:10])
        raise DomainError("award_same_day", _("%(who)s 已有自 %(day)s 起的星级记录，不能在同一天再授牌。") % {
            "who": shown, "day": award_date.isoformat()})
    by_person: dict[int, list[TitleSpell]] = defaultdict(list)
    for spell in spells:
        by_person[spell.person_id].append(spell)
    staff_no = {}
    for spell in spells:
        staff_no[spell.person_id] = spell.person.staff_no
    for candidate in holders:
        staff_no[candidate.person_id] = candidate.person.staff_no
    person_of = {no: pk for pk, no in staff_no.items()}
    wanted = [RulesAward(c.person.staff_no, c.level, c.person.job_type) for c in holders]
    before = {staff_no[pk]: tuple(as_fact(s) for s in rows) for pk, rows in by_person.items()}
    after = award_titles(before, wanted, award_date)  # A1/Y4

    now, who = timezone.now(), str(actor) if actor is not None else "系统"
    changed, created, entries = [], [], []
    for no, history in after.items():
        pk = person_of[no]
        stored = {(s.job_type, s.start): s for s in by_person.get(pk, [])}
        for fact in history:
            spell = stored.get((fact.job_type, fact.start))
            if spell is None:
                created.append(TitleSpell(person_id=pk, level=fact.level, job_type=fact.job_type, start=fact.start))
                continue
            reason = _MODEL_END_REASONS[fact.end_reason] if fact.end_reason else ""
            if spell.end != fact.end or spell.end_reason != reason:
                old = audit.snapshot(spell)
                spell.end, spell.end_reason = fact.end, reason
                changed.append(spell)
                entries.append(audit.entry_for(actor=actor, action="title.end", target=spell, hotline=cycle.hotline,
                                               changes=audit.changes_between(old, audit.snapshot(spell)),
                                               note=_("A1：%(year)s 年度授牌，原星级换届") % {"year": cycle.year}))
    TitleSpell.objects.bulk_update(changed, ["end", "end_reason"], batch_size=2000)
    TitleSpell.objects.bulk_create(created, batch_size=2000)
    outcome.ended = len(changed)
    new_title = {s.person_id: s for s in created}
    sequence: dict[int, int] = defaultdict(int)
    due = certificates_due(wanted, award_date)  # A3: one certificate per award
    rows = []
    for candidate, certificate in zip(holders, due):
        pk = candidate.person_id
        reward = award_reward(certificate.staff_no, certificate.level, award_date, before.get(certificate.staff_no, ()),
                              policy.policy)  # A2
        sequence[certificate.level] += 1
        title = new_title[pk]
        title.person = candidate.person
        rows.append(Award(
            cycle=cycle, candidate=candidate, person=candidate.person, level=certificate.level, job_type=certificate.job_type,
            award_date=award_date, title=title, certificate_no=certificate_number(cycle, certificate.level, sequence[certificate.level]),
            reward_amount=reward.amount, reward_first_time=reward.first_time, reward_basis=basis(reward),
            policy_version=reward.policy_version, awarded_at=now, awarded_by_name=who,
        ))
        entries.append(audit.entry_for(actor=actor, action="title.add", target=title, hotline=cycle.hotline,
                                       changes=audit.changes_between({}, audit.snapshot(title)),
                                       note=_("A1：%(year)s 年度授牌") % {"year": cycle.year}))
    outcome.awards = Award.objects.bulk_create(rows, batch_size=2000)
    cycle.award_date = award_date
    cycle.save(update_fields=["award_date", "updated_at"])
    audit.record_many(entries)
    counts = {L: sum(1 for a in rows if a.level == L) for L in (1, 2, 3)}
    changes = {
        _("授牌日期"): [None, award_date.isoformat()],
        _("授牌（一星/二星/三星）"): [None, f"{counts[1]}/{counts[2]}/{counts[3]}"],
        _("原星级换届"): [None, outcome.ended],
        _("一次性奖励合计（元）"): [None, str(sum((a.reward_amount for a in rows), start=0))],
    }
    note = ""
    if outcome.skipped:
        note = _("已离职，未授牌：%(who)s") % {"who": "、".join(f"{c.person.staff_no} {c.person.name}" for c in outcome.skipped)}
    audit.record(actor=actor, action="cycle.award", target=cycle, hotline=cycle.hotline, changes=changes, note=note)
    return outcome


def finish_award(cycle: Cycle, actor, now) -> dict:
    """Leaving 授牌 (STEP_WORK): the ceremony must have been recorded, unless it has nothing to do
    (no holder on the final list and no title in force to end, A1)."""
    if cycle.award_date is None:
        today = timezone.localdate()
        in_force = TitleSpell.objects.filter(person__hotline_id=cycle.hotline_id, start__lte=today).filter(
            Q(end__isnull=True) | Q(end__gt=today))
        if holders_decided(cycle).exists() or in_force.exists():
            raise DomainError("award_not_done")
    return {_("授牌人数"): [None, Award.objects.filter(cycle=cycle).count()]}


# --- reading ---------------------------------------------------------------------------------------------


def awards_of(cycle: Cycle) -> QuerySet:
    return Award.objects.filter(cycle=cycle).select_related("person", "person__team").order_by("-level", "certificate_no")


def award_for(user, cycle: Cycle, pk) -> Award:
    """One award the user may read: their own, their team's, or the hotline's."""
    found = (
        Award.objects.filter(cycle=cycle, person__in=permissions.people_visible_to(user))
        .select_related("person", "person__team", "cycle", "cycle__hotline")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise NotFound()
    return found
