"""集中评定 (K1–K4): the committee's candidates, the proposal within quotas, votes, decisions and the close.

When the cycle enters 集中评定, `start_committee` keeps every recommended
candidate as the committee sees them (cycle.assessment_step: X3/X4, X5, the
K1 flags), orders them per level (K1) and fills each level from the top up to
its quota, overflow moving down (K2), all by the rulebook (policy.committee).
One CycleSeat row per level holds the quota and the count.

A member then votes (their own record, seen only by the committee) and the
committee decides one person at a time (K3: approve, reject or change the
level, each with member, time and reason). Every decision locks the cycle's
seat rows first (SELECT … FOR UPDATE, in level order), so two members deciding
at the same moment take turns, and the second sees the first's count: the
system refuses a level over its quota, it does not warn. The seat row's
CHECK (filled <= quota) is the database's own refusal behind it.

Closing the decision (the move 集中评定 → 授牌, services.cycle_transition)
replays the proposal and every decision through policy.committee.apply_action
and close_result: the stored result must be exactly what the rules give (K4),
and the cycle's policy is frozen (P1).
"""
import copy
import dataclasses
from collections import Counter
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from stardesk.accounts import permissions
from stardesk.accounts.models import Role
from stardesk.audit import services as audit
from stardesk.core.errors import DomainError, NotFound
from stardesk.cycle import steps
from stardesk.cycle.assessment_step import Assessed, assess
from stardesk.cycle.eligibility import check_applications, cycle_policy
from stardesk.cycle.models import (
    CommitteeCandidate,
    CommitteeDecision,
    CommitteeVote,
    Cycle,
    CycleSeat,
    DecisionAction,
    Step,
)
from stardesk.cycle.recommendation_list import cycle_quotas
from stardesk.cycle.what_if import WHAT_IF_FIELDS, _Version
from stardesk.policy import committee as rules
from stardesk.policy.errors import PolicyError
from stardesk.policy.facts import LEVELS
from stardesk.policy.quotas import Quotas, quotas_for
from stardesk.policy.reasons import basis
from stardesk.policy.yearly import PolicyProblem, validate_policy

# --- the exact composite (X5) kept as text ------------------------------------------------------------


def fraction_text(value: Fraction | None) -> str:
    return "" if value is None else f"{value.numerator}/{value.denominator}"


def fraction_of(text: str) -> Fraction | None:
    return Fraction(text) if text else None


def reasons_json(reasons) -> list[dict]:
    return [{"rule": r.rule, "text": r.text, "passed": r.passed} for r in reasons]


def as_rules_candidate(candidate: CommitteeCandidate, eligible_levels: frozenset[int] | None = None) -> rules.Candidate:
    """K1: a stored candidate as policy.committee reads it."""
    return rules.Candidate(
        staff_no=candidate.person.staff_no,
        recommended_level=candidate.recommended_level,
        qualified_level=candidate.qualified_level,
        eligible_levels=candidate.levels_eligible() if eligible_levels is None else eligible_levels,
        hotline_start=candidate.person.hotline_start,
        composite=fraction_of(candidate.composite_exact),
        flags=tuple(candidate.flags),
    )


def _rules_candidate(found: Assessed) -> rules.Candidate:
    return rules.Candidate(
        staff_no=found.person.staff_no,
        recommended_level=found.recommended_level,
        qualified_level=found.qualification.level,
        eligible_levels=found.eligible_levels,
        hotline_start=found.person.hotline_start,
        composite=found.composite.value,
        flags=found.flags,
    )


def _parts(found: Assessed) -> list[dict]:
    return [
        {"key": p.key, "label": p.label, "weight": str(p.weight), "value": None if p.shown is None else str(p.shown),
         "count": p.count}
        for p in found.composite.parts
    ]


# --- entering 集中评定 (STEP_WORK) ------------------------------------------------------------------------


def start_committee(cycle: Cycle, actor, now) -> dict:
    """Leaving 业务考核: the assessment is kept as the committee's candidates (K1), the proposal fills
    each level up to its quota (K2), and the seats of each level are set up."""
    policy = cycle_policy(cycle)
    on = timezone.localdate(now)
    assessed = assess(cycle, on=on, policy=policy.policy)
    by_staff_no = {a.person.staff_no: a for a in assessed}
    candidates = [_rules_candidate(a) for a in assessed]
    quotas = cycle_quotas(cycle, policy.policy)
    lists = rules.committee_lists(candidates)  # K1
    positions = {c.staff_no: n for level_list in lists.values() for n, c in enumerate(level_list, start=1)}
    proposal = rules.propose(candidates, quotas, policy.policy)  # K2
    proposed = {e.staff_no: e for e in proposal.entries}
    left_out = {n.staff_no: n for n in proposal.not_proposed}
    rows = []
    for c in candidates:
        found = by_staff_no[c.staff_no]
        entry = proposed.get(c.staff_no)
        proposal_reasons = entry.reasons if entry is not None else left_out[c.staff_no].reasons
        level = entry.level if entry is not None else 0
        rows.append(CommitteeCandidate(
            cycle=cycle, recommendation=found.recommendation, person=found.person,
            recommended_level=c.recommended_level, eligible_levels="".join(str(L) for L in sorted(c.eligible_levels)),
            qualified_level=c.qualified_level, exam_score=found.qualification.score, exam_on=found.qualification.exam_on,
            composite=found.composite.shown, composite_exact=fraction_text(c.composite),
            composite_parts=_parts(found), flags=list(c.flags), start_level=c.start_level,
            list_position=positions.get(c.staff_no), proposed_level=level,
            proposed_position=entry.position if entry is not None else None, level=level,
            reasons=reasons_json(found.reasons + tuple(proposal_reasons)),
            policy_version=policy.version, assessed_on=on,
        ))
    CommitteeCandidate.objects.bulk_create(rows, batch_size=2000)
    counts = proposal.counts()
    CycleSeat.objects.bulk_create([CycleSeat(cycle=cycle, level=L, quota=quotas.for_level(L), filled=counts[L]) for L in LEVELS])
    missing = sum(1 for a in assessed if a.composite.value is None)
    return {
        _("评定候选人"): [None, len(rows)],
        _("建议名单（一星/二星/三星）"): [None, f"{counts[1]}/{counts[2]}/{counts[3]}"],
        _("综合得分暂缺"): [None, missing],
    }


# --- votes and decisions (K3) ---------------------------------------------------------------------------


def _locked_seats(cycle_id: int) -> dict[int, CycleSeat]:
    # Always in level order, so two deciders never wait on each other crosswise.
    return {s.level: s for s in CycleSeat.objects.select_for_update().filter(cycle_id=cycle_id).order_by("level")}


def seat_quotas(cycle: Cycle, seats: dict[int, CycleSeat]) -> Quotas:
    """Q2 as kept in the seats (made from the cycle's kept quotas when 集中评定 started)."""
    policy = cycle_policy(cycle)
    kept = cycle_quotas(cycle, policy.policy)
    return dataclasses.replace(kept, level1=seats[1].quota, level2=seats[2].quota, level3=seats[3].quota)


def _member_scope(actor, candidate: CommitteeCandidate) -> None:
    permissions.require(actor, "committee.decide")
    if actor.role != Role.ADMIN and actor.hotline_id != candidate.cycle.hotline_id:
        raise NotFound()


def _level(value) -> int:
    if value not in (0, 1, 2, 3):
        raise DomainError("invalid", _("评定星级须为 0（不予评定）、1、2 或 3 星。"),
                          details=[{"field": "level", "message": _("请选择星级。")}])
    return value


@transaction.atomic
def committee_vote(*, actor, candidate: CommitteeCandidate, level: int, comment: str = "") -> CommitteeVote:
    """K: a member's own vote on one candidate (0 = not to be awarded); voting again replaces their vote."""
    candidate = CommitteeCandidate.objects.select_related("cycle", "cycle__hotline", "person").get(pk=candidate.pk)
    _member_scope(actor, candidate)
    cycle = Cycle.objects.select_for_update().get(pk=candidate.cycle_id)
    steps.require_step(cycle, Step.COMMITTEE, doing=_("投票"))
    level = _level(level)
    comment = (comment or "").strip()
    vote = CommitteeVote.objects.select_for_update().filter(candidate=candidate, member=actor).first()
    before = vote.level if vote is not None else None
    if vote is None:
        vote = CommitteeVote(candidate=candidate, member=actor)
    vote.member_name, vote.level, vote.comment, vote.cast_at = str(actor), level, comment, timezone.now()
    vote.save()
    audit.record(actor=actor, action="committee.vote", target=candidate, hotline=cycle.hotline,
                 changes={_("投票星级"): [before, level]}, note=comment)
    return vote


def _action(from_level: int, to_level: int) -> str:
    if to_level == 0:
        return DecisionAction.REJECT
    return DecisionAction.APPROVE if to_level == from_level else DecisionAction.CHANGE


@transaction.atomic
def committee_decide(*, actor, candidate: CommitteeCandidate, to_level: int, reason: str) -> CommitteeDecision:
    """K3: approve, reject or change one person's level, with the member, time and reason recorded.

    Refused over quota (Q2), above the level the exams qualify for (X3/X4), at a level the person is not
    eligible for (E), without a reason, or once the decision is closed (K4).
    """
    candidate = CommitteeCandidate.objects.select_related("cycle", "cycle__hotline").get(pk=candidate.pk)
    _member_scope(actor, candidate)
    seats = _locked_seats(candidate.cycle_id)
    # Read after the seats are held: a close or another decision that committed meanwhile is seen.
    cycle = Cycle.objects.select_related("hotline", "policy").get(pk=candidate.cycle_id)
    steps.require_step(cycle, Step.COMMITTEE, doing=_("评定"))
    candidate = CommitteeCandidate.objects.select_for_update(of=("self",)).select_related("person", "cycle").get(pk=candidate.pk)
    to_level = _level(to_level)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("committee_reason_required", details=[{"field": "reason", "message": _("请填写评定理由。")}])
    if to_level > candidate.qualified_level:
        raise DomainError("committee_not_qualified", _("%(person)s 的资格考试合格星级为%(q)s，不能评为%(to)s星（X3）。") % {
            "person": candidate.person, "q": f"{candidate.qualified_level}星" if candidate.qualified_level else _("无"),
            "to": to_level})
    if to_level and to_level not in candidate.levels_eligible():
        raise DomainError("committee_not_eligible", _("%(person)s 不符合%(to)s星的申报条件（E），不能评为%(to)s星。") % {
            "person": candidate.person, "to": to_level})
    from_level = candidate.level
    check = rules.can_set_level({L: seats[L].filled for L in LEVELS}, seat_quotas(cycle, seats),
                                to_level=to_level, from_level=from_level)
    if not check.allowed:
        raise DomainError("committee_quota_full", check.reasons[0].text)
    if from_level:
        seats[from_level].filled -= 1
    if to_level:
        seats[to_level].filled += 1
    try:
        with transaction.atomic():
            CycleSeat.objects.bulk_update([seats[L] for L in LEVELS], ["filled"])
    except IntegrityError as exc:  # seat_within_quota: the database's refusal behind the check
        raise DomainError("committee_quota_full") from exc
    candidate.level, candidate.decided = to_level, True
    candidate.save(update_fields=["level", "decided", "updated_at"])
    now = timezone.now()
    decision = CommitteeDecision.objects.create(
        cycle=cycle, candidate=candidate, action=_action(from_level, to_level), from_level=from_level, to_level=to_level,
        member=actor, member_name=str(actor), decided_at=now, reason=reason, basis=basis(check),
    )
    audit.record(actor=actor, action="committee.decide", target=candidate, hotline=cycle.hotline,
                 changes={_("评定星级"): [from_level, to_level], _("评定"): [None, str(decision.get_action_display())]},
                 note=reason)
    return decision


# --- closing the decision (K4) ----------------------------------------------------------------------------


def replayed_result(cycle: Cycle, candidates: list[CommitteeCandidate], quotas: Quotas) -> rules.CommitteeResult:
    """K3/K4: the proposal and every decision since, in order, through the rulebook."""
    staff_no = {c.pk: c.person.staff_no for c in candidates}
    result = rules.CommitteeResult(tuple((c.person.staff_no, c.proposed_level) for c in candidates if c.proposed_level), ())
    decisions = CommitteeDecision.objects.filter(cycle=cycle).order_by("decided_at", "pk")
    for d in decisions:
        action = rules.CommitteeAction(staff_no[d.candidate_id], d.to_level, d.member_name, d.decided_at, d.reason)
        result = rules.apply_action(result, action, quotas)
    return result


def _undecided_refusal(undecided: list[CommitteeCandidate]) -> DomainError:
    """K3/K4: the result is the committee's decisions, one person at a time with member, time and reason;
    a proposal nobody decided on is not a decision. Names the first ten of those left."""
    undecided = sorted(undecided, key=lambda c: (-c.start_level, c.list_position or 0, c.person.staff_no))
    def shown(c):
        proposal = _("建议%(level)s星") % {"level": c.proposed_level} if c.proposed_level else _("未列入建议名单")
        return f"{c.person.staff_no} {c.person.name}（{proposal}）"
    more = _("等 %(n)s 人") % {"n": len(undecided)} if len(undecided) > 10 else ""
    return DomainError(
        "committee_undecided",
        _("还有 %(n)s 名候选人没有逐人评定（K3）：%(who)s%(more)s。请对每人作出同意、调整星级或不予评定的决定并写明理由，"
          "再结束集中评定。") % {"n": len(undecided), "who": "、".join(shown(c) for c in undecided[:10]), "more": more},
        details=[{"staff_no": c.person.staff_no, "name": c.person.name, "proposed_level": c.proposed_level}
                 for c in undecided],
    )


def close_committee(cycle: Cycle, actor, now) -> dict:
    """Leaving 集中评定: the result is replayed through the rules and must match what is stored; it is final (K4)."""
    seats = _locked_seats(cycle.pk)
    if not seats:
        raise DomainError("committee_not_started")
    candidates = list(CommitteeCandidate.objects.filter(cycle=cycle).select_related("person").order_by("pk"))
    undecided = [c for c in candidates if not c.decided]
    if undecided:
        raise _undecided_refusal(undecided)
    quotas = seat_quotas(cycle, seats)
    try:
        result = rules.close_result(replayed_result(cycle, candidates, quotas))
    except PolicyError as exc:
        raise DomainError("committee_result_mismatch", exc.message_zh) from exc
    stored = {c.person.staff_no: c.level for c in candidates if c.level}
    if dict(result.holders) != stored:
        raise DomainError("committee_result_mismatch")
    counts = result.counts()
    return {
        _("评定结果（一星/二星/三星）"): [None, f"{counts[1]}/{counts[2]}/{counts[3]}"],
        _("逐人评定"): [None, len(candidates)],
    }


def is_closed(cycle: Cycle) -> bool:
    """K4: the committee's decision is final once the cycle moved past 集中评定."""
    return cycle.reached(Step.AWARD)


# --- what-if before the committee closes (item 9) ---------------------------------------------------------


@dataclass(frozen=True)
class ProposalChange:
    level: int
    quota_before: int
    quota_after: int
    moved_in: tuple  # CommitteeCandidate rows proposed here under the tried values only
    moved_out: tuple  # rows proposed here under the cycle's policy only

    @property
    def changed(self) -> bool:
        return bool(self.moved_in or self.moved_out) or self.quota_before != self.quota_after


@dataclass(frozen=True)
class CommitteeWhatIf:
    changes: dict[str, tuple[Any, Any]]
    problems: tuple[PolicyProblem, ...]
    levels: tuple[ProposalChange, ...] = ()

    @property
    def valid(self) -> bool:
        return not self.problems

    def shown_changes(self):
        from stardesk.cycle.what_if import WhatIf

        return WhatIf(self.changes, self.problems).shown_changes()


def committee_what_if(cycle: Cycle, tried: dict[str, Any]) -> CommitteeWhatIf:
    """K2 under the cycle's policy and under `tried` quota ratios or rank limits: who moves in or out at
    each level. The eligibility (E, the rank gate E7 included) is checked again on copies; nothing is saved."""
    in_force = cycle_policy(cycle)
    base = in_force.policy
    unknown = set(tried) - set(WHAT_IF_FIELDS)
    if unknown:
        raise ValueError(f"not a what-if field: {sorted(unknown)}")
    changes = {name: (getattr(base, name), value) for name, value in tried.items() if getattr(base, name) != value}
    alternative = dataclasses.replace(base, p2_version=f"{in_force.version}（假设）", **{k: v for k, (_o, v) in changes.items()})
    problems = tuple(validate_policy(alternative))
    if problems:
        return CommitteeWhatIf(changes, problems)
    candidates = list(CommitteeCandidate.objects.filter(cycle=cycle).select_related("person", "recommendation__application")
                      .order_by("pk"))
    # E at R under the tried policy on copies of the applications: the stored rows are never touched.
    applications = [copy.copy(c.recommendation.application) for c in candidates]
    check_applications(cycle, applications, policy=_Version(alternative, alternative.p2_version))
    levels_under = {a.pk: a.levels_eligible() for a in applications}
    headcount = cycle.headcount or 0
    current = rules.propose([as_rules_candidate(c) for c in candidates], cycle_quotas(cycle, base), base)
    other_quotas = quotas_for(headcount, alternative)
    other = rules.propose([as_rules_candidate(c, levels_under[c.recommendation.application_id]) for c in candidates],
                          other_quotas, alternative)
    by_staff_no = {c.person.staff_no: c for c in candidates}
    out = []
    for L in sorted(LEVELS, reverse=True):
        before = {e.staff_no for e in current.at_level(L)}
        after = {e.staff_no for e in other.at_level(L)}
        out.append(ProposalChange(
            L, current.quotas.for_level(L), other.quotas.for_level(L),
            tuple(by_staff_no[s] for s in sorted(after - before)), tuple(by_staff_no[s] for s in sorted(before - after)),
        ))
    return CommitteeWhatIf(changes, (), tuple(out))


def vote_tally(votes) -> dict[int, int]:
    """How many members voted for each level (0 = not to be awarded)."""
    return dict(Counter(v.level for v in votes))
