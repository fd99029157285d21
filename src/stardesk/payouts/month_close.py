"""Closing a month (M4–M6): the allowance lines of its accepted teams and the persistent-low-score checks.

Called inside the transaction that accepts a team's register (R2), imports a
month whole, corrects a locked score, changes a title, or that the supervisor
asks to recompute. Nothing here checks permissions: the calling service has.

Which holders are closed with which team: a holder belongs to the team whose
register holds their score for the month (MonthlyScore.team), or, without a
score, to their current team; a holder in no team is closed with every team.
Lines exist only for teams whose register of the month is accepted; the
hotline's sheet is complete when every team is.

Bulk throughout (20,000 agents): one query per kind of fact for the hotline
and month (people, titles, events, scores, registers, lines, proposals), the
rules of stardesk.policy in plain Python, then one bulk write per kind of row.
A line that comes out the same is left alone; a different one is written anew
and the old one kept, pointing to it (superseded_by).
"""
from __future__ import annotations

import datetime
from collections import defaultdict, namedtuple
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from stardesk.assessment import monthly_rules
from stardesk.assessment.models import MonthlyScore, Register, RegisterState
from stardesk.audit import services as audit
from stardesk.payouts import bulk_writes
from stardesk.payouts.models import AllowanceLine, LineCause, LineStatus, LowScoreProposal, ProposalStatus
from stardesk.people.models import Hotline, Person, TitleEndReason, TitleSpell
from stardesk.policy import facts as policy_facts
from stardesk.policy.conventions import Month
from stardesk.policy.monthly_allowance import AllowanceDecision, allowance_line
from stardesk.policy.persistent_low_scores import LowScoreTrigger, persistent_low_scores
from stardesk.policy.reasons import basis, num
from stardesk.yearly_policy.person_facts import facts_of_people

# The figures of a line that make it "the same" on a recomputation.
COMPARED = ("team_id", "level", "treatment_level", "paid_level", "score", "base", "rate", "amount", "status", "basis", "policy_version")
# Why a pending proposal is withdrawn without a decision.
WITHDRAW_NOTE = "重新核定后不再构成持续低分降级（M6）"
# What a recomputation reads of the lines in force: all it compares, as plain values (no model rows).
_Stored = namedtuple("_Stored", ("pk", "person_id", *COMPARED))


def _persons(person_ids) -> dict[int, Person]:
    """The few people an audit entry must name (changed lines, new proposals): one query."""
    return Person.objects.in_bulk(sorted(set(person_ids))) if person_ids else {}
_END_REASONS = {policy_facts.EndReason[TitleEndReason(v).name]: v for v in TitleEndReason.values}


@dataclass
class CloseResult:
    """What one close did; `policy_missing` when the month's year has no policy (nothing computed)."""

    month: Month
    created: int = 0
    changed: int = 0
    unchanged: int = 0
    withdrawn: int = 0
    pending: int = 0
    proposals: list[LowScoreProposal] = field(default_factory=list)
    withdrawn_proposals: int = 0
    policy_missing: bool = False

    @property
    def lines(self) -> int:
        return self.created + self.changed + self.unchanged


def holders_during(hotline, month: Month) -> QuerySet:
    """M4: people of the hotline who held a title on some day of the month."""
    spells = TitleSpell.objects.filter(person__hotline=hotline, start__lte=month.last_day).filter(
        Q(end__isnull=True) | Q(end__gt=month.first_day)
    )
    return Person.objects.filter(hotline=hotline, pk__in=spells.values("person_id"))


def accepted_teams(hotline, month: Month) -> set[int]:
    """R2: the teams whose register of the month is accepted (the month is locked for them)."""
    return set(
        Register.objects.filter(hotline=hotline, month=month.first_day, state=RegisterState.ACCEPTED).values_list("team_id", flat=True)
    )


def _decision_values(decision: AllowanceDecision) -> dict:
    return {
        "level": decision.level,
        "treatment_level": decision.treatment_level,
        "paid_level": decision.paid_level,
        "score": decision.score,
        "base": decision.base,
        "rate": decision.rate,
        "amount": decision.amount,
        "status": LineStatus.PENDING if decision.pending else LineStatus.DECIDED,
        "basis": basis(decision),
    }


def _same(line: AllowanceLine, values: dict) -> bool:
    return all(getattr(line, name) == values[name] for name in COMPARED)


@transaction.atomic
def close_month(
    *,
    actor,
    hotline,
    month: Month,
    cause: str,
    note: str = "",
    teams: set[int] | None = None,
    person_ids: set[int] | None = None,
    audit_target=None,
) -> CloseResult:
    """Compute (or recompute) the month's allowance lines and M6 checks for the accepted teams.

    `teams` narrows the close to those accepted teams (a register just
    accepted), `person_ids` to those people (a corrected score, a title
    change). `audit_target` is the record the summary audit entry is filed
    under (the register, the import run; the hotline by default).
    """
    result = CloseResult(month)
    version = monthly_rules.policy_for(hotline, month)
    if version is None:
        result.policy_missing = True
        return result
    policy = version.policy
    # One close of a hotline at a time: two at once (two registers accepted together) would both write its lines.
    list(Hotline.objects.select_for_update().filter(pk=hotline.pk).values_list("pk"))
    now = timezone.now()
    first = month.first_day
    scope = accepted_teams(hotline, month)
    if teams is not None:
        scope &= set(teams)

    holders = holders_during(hotline, month)
    if person_ids is not None:
        holders = holders.filter(pk__in=list(person_ids))
    if teams is not None:
        # A superset (the current team, no team, or a score kept in one of the teams); narrowed below.
        in_teams = MonthlyScore.objects.filter(month=first, team__in=list(scope)).values("person_id")
        holders = holders.filter(Q(team__in=list(scope)) | Q(team__isnull=True) | Q(pk__in=in_teams))
    people = dict(holders.values_list("pk", "team_id"))  # person → current team
    if not people:
        return _finish_lines(result, actor, hotline, month, scope, {}, {}, {}, cause, note, version, now, teams, person_ids, audit_target)

    # A team's close reads its few holders by id (index lookups); a whole month reads the hotline's by subquery.
    targeted = teams is not None or person_ids is not None
    if targeted:
        holders = Person.objects.filter(pk__in=sorted(people))

    # The team whose register holds each holder's score for the month.
    team_of = dict(people)
    for person_id, team_id in MonthlyScore.objects.filter(person__in=holders.values("pk"), month=first).values_list("person_id", "team_id"):
        if team_id is not None:
            team_of[person_id] = team_id
    targets = {pid for pid, team_id in team_of.items() if team_id is None or team_id in scope}
    if targeted:
        holders = Person.objects.filter(pk__in=sorted(targets))

    # M6 may look past this month: up to the last month a pending proposal of the person was found in.
    year_first = datetime.date(month.year, 1, 1)
    known = list(
        LowScoreProposal.objects.filter(hotline=hotline, year=month.year, person__in=holders.values("pk"))
        .exclude(status=ProposalStatus.WITHDRAWN)
    )
    horizon_of: dict[int, Month] = {}
    for proposal in known:
        if proposal.status == ProposalStatus.PENDING:
            trigger = Month.of(proposal.trigger_month)
            horizon_of[proposal.person_id] = max(horizon_of.get(proposal.person_id, month), trigger)
    horizon = max([month, *horizon_of.values()])
    found = facts_of_people(
        holders, year=month.year, hotline=hotline, scores_between=(year_first, horizon.first_day)
    )
    decisions: dict[int, AllowanceDecision] = {}
    facts_by_pid = {}
    for pid in targets:
        person_facts = found.by_person[pid]
        facts_by_pid[pid] = person_facts
        scores = person_facts.scores_by_month()
        june = found.june.get(person_facts.staff_no)
        june_score = june.score if june is not None and june.year == month.year else None
        decision = allowance_line(
            person_facts.staff_no, person_facts.titles, month, scores.get(month), person_facts.events, june_score, policy
        )
        if decision is not None:
            decisions[pid] = decision
    _finish_lines(result, actor, hotline, month, scope, decisions, team_of, people, cause, note, version, now, teams, person_ids, audit_target)
    _check_low_scores(result, actor, hotline, month, facts_by_pid, team_of, known, horizon_of, policy, version, now)
    return result


def _finish_lines(result, actor, hotline, month, scope, decisions, team_of, people, cause, note, version, now, teams, person_ids, audit_target):
    """Write the lines that are new or changed, keep the old ones, and file one summary audit entry."""
    first = month.first_day
    current = AllowanceLine.objects.filter(hotline=hotline, month=first, is_current=True)
    if person_ids is not None:
        current = current.filter(person_id__in=list(person_ids))
    elif teams is not None:
        current = current.filter(person_id__in=list(people) or [0])
    current = {row.person_id: row for row in map(_Stored._make, current.values_list("pk", "person_id", *COMPARED))}
    by_person_team = {pid: team_of.get(pid) for pid in decisions}
    actor_name = str(actor) if actor is not None else "系统"
    actor = actor if actor is not None and actor.pk else None
    new_lines: list[AllowanceLine] = []
    replaced: list[tuple[AllowanceLine, AllowanceLine]] = []
    for pid, decision in decisions.items():
        values = _decision_values(decision)
        values["team_id"] = by_person_team[pid]
        values["policy_version"] = version.version
        old = current.get(pid)
        if old is not None and _same(old, values):
            result.unchanged += 1
            continue
        line = AllowanceLine(
            hotline=hotline,
            person_id=pid,
            month=first,
            cause=cause,
            cause_note=note[:300],
            computed_at=now,
            computed_by=actor,
            computed_by_name=actor_name,
            **values,
        )
        new_lines.append(line)
        if old is None:
            result.created += 1
        else:
            result.changed += 1
            replaced.append((old, line))
    # Lines of people who no longer hold a title that month (their history was corrected): withdrawn.
    gone = [
        line for pid, line in current.items()
        if pid not in decisions and (team_of.get(pid, line.team_id) in scope or line.team_id is None or person_ids is not None)
    ]
    result.withdrawn = len(gone)
    if replaced or gone:
        AllowanceLine.objects.filter(pk__in=[old.pk for old, _new in replaced] + [row.pk for row in gone]).update(
            is_current=False, superseded_at=now
        )
    bulk_writes.insert(AllowanceLine, new_lines)
    if replaced:
        ids = dict(
            AllowanceLine.objects.filter(hotline=hotline, month=first, is_current=True, person_id__in=[new.person_id for _old, new in replaced])
            .values_list("person_id", "pk")
        )
        for _old, new in replaced:
            new.pk = ids[new.person_id]
        AllowanceLine.objects.bulk_update(
            [AllowanceLine(pk=old.pk, superseded_by_id=new.pk) for old, new in replaced], ["superseded_by"], batch_size=1000
        )
    entries = []
    persons = _persons([new.person_id for _old, new in replaced])
    for old, new in replaced:
        changes = {
            name: [str(getattr(old, name)) if getattr(old, name) is not None else None, str(getattr(new, name)) if getattr(new, name) is not None else None]
            for name in ("score", "treatment_level", "rate", "amount", "status", "basis", "policy_version")
            if getattr(old, name) != getattr(new, name)
        }
        new.person = persons[new.person_id]
        entries.append(audit.entry_for(actor=actor, action="allowance.supersede", target=new, changes=changes, hotline=hotline, note=note))
    for line in AllowanceLine.objects.filter(pk__in=[row.pk for row in gone]).select_related("person") if gone else ():
        entries.append(
            audit.entry_for(
                actor=actor, action="allowance.supersede", target=line,
                changes={"amount": [str(line.amount) if line.amount is not None else None, None]},
                hotline=hotline, note=f"{note}；该月不再持有星级（M4），原待遇行撤销".lstrip("；"),
            )
        )
    amounts = [line.amount for line in new_lines if line.amount is not None]
    result.pending = sum(1 for line in new_lines if line.status == LineStatus.PENDING)
    if new_lines or gone:
        summary = {
            "month": str(month),
            "created": result.created,
            "changed": result.changed,
            "unchanged": result.unchanged,
            "withdrawn": result.withdrawn,
            "pending": result.pending,
            "amount": num(sum(amounts)) if amounts else "0",
            "policy_version": version.version,
        }
        entries.append(
            audit.entry_for(
                actor=actor,
                action="allowance.recompute" if cause == LineCause.RECOMPUTED else "allowance.compute",
                target=audit_target or hotline,
                changes={key: [None, value] for key, value in summary.items()},
                hotline=hotline,
                note=note,
            )
        )
    audit.record_many(entries)
    return result


def _trigger_values(trigger: LowScoreTrigger, scores: dict) -> dict:
    change = trigger.change
    return {
        "kind": trigger.kind[:40],
        "months": [str(m) for m in trigger.months],
        "scores": [num(scores[m]) for m in trigger.months],
        "job_type": change.job_type,
        "level_before": change.level_before,
        "level_after": change.level_after,
        "end_reason": _END_REASONS[change.end_reason],
        "effective_on": change.effective_on,
        "basis": basis(trigger),
    }


def _check_low_scores(result, actor, hotline, month, facts_by_pid, team_of, known, horizon_of, policy, version, now):
    """M6: propose each new trigger to the supervisor; withdraw pending proposals no longer triggered.

    A trigger already recorded in the title history (a confirmed proposal, or
    a sanction taking effect that day) is not proposed again; a rejected one
    stays rejected.
    """
    existing = defaultdict(dict)
    for proposal in known:
        existing[proposal.person_id][Month.of(proposal.trigger_month)] = proposal
    new: list[LowScoreProposal] = []
    withdrawn: list[LowScoreProposal] = []
    for pid, person_facts in facts_by_pid.items():
        horizon = horizon_of.get(pid, month)
        scores = {m: s for m, s in person_facts.scores_by_month().items() if m <= horizon}
        found = persistent_low_scores(person_facts.staff_no, scores, person_facts.titles, month.year, policy)
        live = set()
        for trigger in found.triggers:
            if trigger.change is None or trigger.already_applied:
                continue  # nothing to lower that day, or already in the title history
            values = _trigger_values(trigger, scores)
            prior = existing[pid].get(trigger.trigger_month)
            if prior is not None:
                live.add(trigger.trigger_month)
                if prior.status == ProposalStatus.PENDING and (prior.months != values["months"] or prior.level_after != values["level_after"]):
                    withdrawn.append(prior)  # the same month triggers differently now: proposed anew
                else:
                    continue
            new.append(
                LowScoreProposal(
                    hotline=hotline,
                    person_id=pid,
                    team_id=team_of.get(pid),
                    year=month.year,
                    trigger_month=trigger.trigger_month.first_day,
                    status=ProposalStatus.PENDING,
                    policy_version=version.version,
                    detected_at=now,
                    **values,
                )
            )
            live.add(trigger.trigger_month)
        for trigger_month, prior in existing[pid].items():
            if prior.status == ProposalStatus.PENDING and trigger_month <= horizon and trigger_month not in live:
                withdrawn.append(prior)
    actor_model = actor if actor is not None and actor.pk else None
    entries = []
    if withdrawn:
        LowScoreProposal.objects.filter(pk__in=[p.pk for p in withdrawn]).update(
            status=ProposalStatus.WITHDRAWN, decided_at=now, decision_reason=WITHDRAW_NOTE
        )
        persons = _persons([p.person_id for p in withdrawn])
        for proposal in withdrawn:
            proposal.person = persons[proposal.person_id]
            entries.append(
                audit.entry_for(
                    actor=actor_model, action="low_score.withdraw", target=proposal,
                    changes={"status": [str(ProposalStatus.PENDING.label), str(ProposalStatus.WITHDRAWN.label)]},
                    hotline=hotline, note=WITHDRAW_NOTE,
                )
            )
    LowScoreProposal.objects.bulk_create(new, batch_size=1000)
    persons = _persons([p.person_id for p in new])
    for proposal in new:
        proposal.person = persons[proposal.person_id]
        entries.append(
            audit.entry_for(
                actor=actor_model, action="low_score.propose", target=proposal,
                changes={"months": [None, proposal.months_text], "effective_on": [None, str(proposal.effective_on)]},
                hotline=hotline, note=proposal.basis,
            )
        )
    audit.record_many(entries)
    result.proposals = new
    result.withdrawn_proposals = len(withdrawn)


# --- the ways a month gets closed -------------------------------------------------


def register_accepted(*, actor, register) -> CloseResult:
    """R2 → M4–M6: the team's register was just accepted, so its holders' lines are computed and M6 checked."""
    return close_month(
        actor=actor,
        hotline=register.hotline,
        month=Month.of(register.month),
        cause=LineCause.ACCEPTED,
        teams={register.team_id},
        audit_target=register,
        note=f"{register}已接收",
    )


def score_corrected(*, actor, monthly_score, old_score, reason: str) -> CloseResult:
    """R2 → M4/M6: a locked score was corrected; the person's line is recomputed (the old one kept)."""
    return close_month(
        actor=actor,
        hotline=monthly_score.hotline,
        month=Month.of(monthly_score.month),
        cause=LineCause.CORRECTED,
        person_ids={monthly_score.person_id},
        audit_target=monthly_score,
        note=f"R2 更正 {num(old_score) if old_score is not None else '—'}→{num(monthly_score.score)}：{reason}",
    )


def title_changed(*, actor, person, effective_on: datetime.date, audit_target, note: str) -> int:
    """V1/M5/M6 → M4: a title was lowered or revoked from `effective_on`; the person's lines of that month on are
    recomputed (the old ones kept), since a month's line follows the level held on its last day. Returns the months."""
    months = sorted(set(
        AllowanceLine.objects.filter(person=person, is_current=True, month__gte=effective_on.replace(day=1))
        .values_list("month", flat=True)
    ))
    for month in months:
        close_month(actor=actor, hotline=person.hotline, month=Month.of(month), cause=LineCause.TITLE_CHANGED,
                    person_ids={person.pk}, audit_target=audit_target, note=note)
    return len(months)
