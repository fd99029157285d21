"""The demo's daily assessment history: two years of monthly scores, accepted registers, the monthly
allowance lines and the M6 proposals, agreeing with the title story.

For each hotline, October 2024 (the first award on record) to September 2026
(the end of the story):
- every agent in post scores each month (M3, entered by the team leader);
  holders mostly score 95 or more, with an occasional month in the
  proportional band (85–95) or below it, never so many that M6 would fire by
  chance;
- where the story lowers a title from the first day of a month (as M6 does),
  the three months before it are low scores, so M6 explains the lowering: a
  proposal confirmed by the supervisor on the day it took effect;
- two holders per hotline score low in July–September 2026: their M6
  proposals wait for the supervisor;
- each team's register of each month was handed in on the 3rd and accepted
  on the 6th of the next month (R1, R2);
- every holder's allowance line (M4) is the policy's own decision on those
  facts (policy.monthly_allowance), with its 依据 and policy version;
  the June results the product holds are read (J3), like a real close does.
The months after the story are demo.daily_records' (weeks up to today, last month left for leader1).

Computed in plain Python with the rules of stardesk.policy and saved in bulk,
hotline by hotline, one query per kind of row.
"""
from __future__ import annotations

import datetime
import random
from collections import defaultdict
from decimal import Decimal

from django.utils import timezone

from stardesk.accounts.models import Role
from stardesk.assessment.models import MonthlyScore, Register, RegisterState, ScoreSource
from stardesk.demo.title_history import CYCLES, STORY_END
from stardesk.payouts import bulk_writes
from stardesk.payouts.models import AllowanceLine, LineCause, LineStatus, LowScoreProposal, ProposalStatus
from stardesk.people.models import TitleEndReason, TitleSpell
from stardesk.policy import facts
from stardesk.policy.conventions import Month, months_between
from stardesk.policy.monthly_allowance import allowance_line
from stardesk.policy.people import level_on
from stardesk.policy.persistent_low_scores import persistent_low_scores
from stardesk.policy.reasons import basis, num
from stardesk.policy.reporting import register_deadline
from stardesk.yearly_policy.models import CyclePolicy
from stardesk.yearly_policy.person_facts import june_results_of

FIRST_MONTH = Month.of(CYCLES[0].award_day)
LAST_MONTH = Month.of(STORY_END)
MONTHS = months_between(FIRST_MONTH, LAST_MONTH)
PENDING_MONTHS = (Month(2026, 7), Month(2026, 8), Month(2026, 9))  # the low quarter still waiting for a decision
PENDING_PER_HOTLINE = 2
BATCH = 2000
D = Decimal
_END_REASONS = {value: facts.EndReason[TitleEndReason(value).name] for value in TitleEndReason.values}


def _aware(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)), timezone.get_default_timezone())


def _tenth(value: float) -> Decimal:
    return D(str(round(min(100.0, max(0.0, value)), 1)))


def _as_fact(spell: TitleSpell) -> facts.TitleSpell:
    return facts.TitleSpell(spell.level, spell.job_type, spell.start, spell.end, _END_REASONS[spell.end_reason] if spell.end_reason else None)


def _active(person, month: Month) -> bool:
    """S2: in post on some day of the month."""
    return person.hotline_start <= month.last_day and (person.left_on is None or person.left_on > month.first_day)


def _planted_runs(spells_of: dict, people, rng: random.Random) -> dict[int, set[Month]]:
    """Person → the months planted low: the three before each M6-like lowering of the story (same calendar
    year, inside the demo's months), and a low quarter for a few holders at the end of the story."""
    planted: dict[int, set[Month]] = defaultdict(set)
    for person in people:
        for spell in spells_of.get(person.pk, ()):
            if spell.end is None or spell.end_reason not in (TitleEndReason.LOWERED, TitleEndReason.REVOKED) or spell.end.day != 1:
                continue
            trigger = Month.of(spell.end).prev()
            run = (trigger.plus(-2), trigger.plus(-1), trigger)
            if run[0] >= FIRST_MONTH and run[0].year == trigger.year and all(
                level_on([_as_fact(s) for s in spells_of[person.pk]], m.last_day) for m in run
            ):
                planted[person.pk].update(run)
    held_through = [
        p for p in people
        if p.pk not in planted and all(level_on([_as_fact(s) for s in spells_of.get(p.pk, ())], m.last_day) for m in PENDING_MONTHS)
        and level_on([_as_fact(s) for s in spells_of.get(p.pk, ())], PENDING_MONTHS[-1].next().first_day)
    ]
    for person in rng.sample(held_through, k=min(PENDING_PER_HOTLINE, len(held_through))):
        planted[person.pk].update(PENDING_MONTHS)
    return planted


def _scores(people, agents, spells_of, planted, rng: random.Random) -> dict[int, dict[Month, Decimal]]:
    """Each person's score of each month in post (M3)."""
    merit = {person.pk: agent.merit for person, agent in zip(people, agents)}
    found: dict[int, dict[Month, Decimal]] = {}
    for person in people:
        history = [_as_fact(s) for s in spells_of.get(person.pk, ())]
        mine = planted.get(person.pk, set())
        low_years = {m.year for m in mine}
        scores, run, total = {}, 0, defaultdict(int)
        for month in MONTHS:
            if not _active(person, month):
                continue
            if month.month == 1:
                run = 0
            if month in mine:
                scores[month] = _tenth(rng.uniform(88, 94.4))
                continue
            if not level_on(history, month.last_day):
                scores[month] = _tenth(rng.gauss(90.5 + 2.2 * merit[person.pk], 2.8))
                run = 0
                continue
            draw = rng.random()
            if draw < 0.02:
                value = _tenth(rng.uniform(78, 84.9))  # a bad month: one level lower (M4)
            elif draw < 0.12:
                value = _tenth(rng.uniform(85, 94.9))  # paid in proportion (M4)
            else:
                value = _tenth(rng.gauss(97.2 + 0.6 * merit[person.pk], 1.3))
            low = value < 95
            # Never a chance trigger (M6): no third low month in a row, no sixth in a year, none beside a planted run.
            if low and (run >= 2 or total[month.year] >= 4 or month.year in low_years):
                value, low = _tenth(rng.uniform(95, 99.5)), False
            scores[month] = value
            run = run + 1 if low else 0
            total[month.year] += low
        found[person.pk] = scores
    return found


def _policies(hotline) -> dict[int, tuple[object, str]]:
    return {record.year: (record.policy(), record.version) for record in CyclePolicy.objects.filter(hotline=hotline)}


def build_hotline(group, demo) -> dict[str, int]:
    """The two years of one hotline; returns the counts of rows written."""
    rng = group.rng("payouts", demo)
    hotline, people, agents = demo.hotline, demo.people, demo.agents
    leaders = dict(zip((t.pk for t in demo.teams), demo.accounts.get(Role.LEADER, [])))
    supervisor = (demo.accounts.get(Role.SUPERVISOR) or [None])[0]
    supervisor_name = str(supervisor) if supervisor else ""
    policies = _policies(hotline)
    spells_of: dict[int, list[TitleSpell]] = defaultdict(list)
    for spell in TitleSpell.objects.filter(person__hotline=hotline).order_by("start", "pk"):
        spells_of[spell.person_id].append(spell)
    planted = _planted_runs(spells_of, people, rng)
    scores = _scores(people, agents, spells_of, planted, rng)
    june = {year: june_results_of(hotline, year) for year in {m.year for m in MONTHS}}

    submitted = {m: _aware(datetime.date(m.next().year, m.next().month, 3), 17) for m in MONTHS}
    accepted = {m: _aware(datetime.date(m.next().year, m.next().month, 6), 10) for m in MONTHS}
    registers = [
        Register(
            hotline=hotline, team=team, month=m.first_day, state=RegisterState.ACCEPTED,
            deadline=register_deadline(m, policies[m.year][0]) if m.year in policies else None,
            first_submitted_at=submitted[m], submitted_at=submitted[m], submitted_by=leaders.get(team.pk),
            late=False, accepted_at=accepted[m], accepted_by=supervisor,
        )
        for team in demo.teams for m in MONTHS
    ]
    Register.objects.bulk_create(registers, batch_size=BATCH)

    monthly, lines, proposals = [], [], []
    for person in people:
        history = [_as_fact(s) for s in spells_of.get(person.pk, ())]
        mine = scores.get(person.pk, {})
        for month, value in mine.items():
            policy, version = policies.get(month.year, (None, ""))
            leader = leaders.get(person.team_id)
            monthly.append({
                "person_id": person.pk, "hotline_id": hotline.pk, "team_id": person.team_id, "month": month.first_day,
                "score": value, "source": ScoreSource.ENTERED, "basis": f"M3: 本月无周考评，班长录入月度得分 {num(value)}分",
                "policy_version": version, "confirmed_by_id": leader.pk if leader else None,
                "confirmed_at": submitted[month] - datetime.timedelta(hours=2),
            })
        if not history:
            continue
        for month in MONTHS:
            policy, version = policies.get(month.year, (None, ""))
            if policy is None:
                continue
            result = june[month.year].get(person.staff_no)
            decision = allowance_line(person.staff_no, history, month, mine.get(month), (), result.score if result else None, policy)
            if decision is None:
                continue
            lines.append({
                "hotline_id": hotline.pk, "person_id": person.pk, "team_id": person.team_id, "month": month.first_day,
                "level": decision.level, "treatment_level": decision.treatment_level, "paid_level": decision.paid_level,
                "score": decision.score, "base": decision.base, "rate": decision.rate, "amount": decision.amount,
                "status": LineStatus.PENDING if decision.pending else LineStatus.DECIDED, "basis": basis(decision),
                "policy_version": version, "cause": LineCause.DEMO, "computed_at": accepted[month],
                "computed_by_id": supervisor.pk if supervisor else None, "computed_by_name": supervisor_name,
            })
        for year in sorted({m.year for m in mine}):
            policy, version = policies.get(year, (None, ""))
            if policy is None:
                continue
            found = persistent_low_scores(person.staff_no, {m: s for m, s in mine.items() if m.year == year}, history, year, policy)
            for trigger in found.triggers:
                if trigger.change is None:
                    continue
                change = trigger.change
                ended = next((s for s in spells_of[person.pk] if s.end == change.effective_on and s.level == change.level_before), None)
                started = next((s for s in spells_of[person.pk] if s.start == change.effective_on and s.level == change.level_after), None)
                applied = trigger.already_applied and ended is not None
                proposals.append(LowScoreProposal(
                    hotline=hotline, person=person, team_id=person.team_id, year=year,
                    trigger_month=trigger.trigger_month.first_day, kind=trigger.kind[:40],
                    months=[str(m) for m in trigger.months], scores=[num(mine[m]) for m in trigger.months],
                    job_type=change.job_type, level_before=change.level_before, level_after=change.level_after,
                    end_reason=TitleEndReason[facts.EndReason(change.end_reason).name], effective_on=change.effective_on,
                    status=ProposalStatus.CONFIRMED if applied else ProposalStatus.PENDING, basis=basis(trigger),
                    policy_version=version, detected_at=accepted[trigger.trigger_month],
                    decided_by=supervisor if applied else None, decided_by_name=str(supervisor) if applied and supervisor else "",
                    decided_at=accepted[trigger.trigger_month] + datetime.timedelta(hours=4) if applied else None,
                    decision_reason="连续三个月未达 95 分，按 M6 降级" if applied else "",
                    ended_title=ended if applied else None, started_title=started if applied else None,
                ))
    bulk_writes.insert_rows(MonthlyScore, monthly, batch_size=BATCH)
    bulk_writes.insert_rows(AllowanceLine, lines, batch_size=BATCH)
    LowScoreProposal.objects.bulk_create(proposals, batch_size=BATCH)
    return {
        "monthly_scores": len(monthly),
        "registers": len(registers),
        "allowance_lines": len(lines),
        "low_score_proposals": len(proposals),
        "pending_proposals": sum(1 for p in proposals if p.status == ProposalStatus.PENDING),
    }


def build_payouts(group) -> None:
    """The demo generator's builder (hotline_builder.BUILDERS): every hotline's two years.

    The demo's own audit entry per hotline (written last by the generator) stands for these rows.
    """
    for demo in group.hotlines:
        group.counts.update(build_hotline(group, demo))
