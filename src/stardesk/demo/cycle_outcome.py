"""The demo's 2025 cycle, decided and awarded: the records behind the titles the story awarded on 2025-10-17.

The title story (title_history) already holds the 2025 ceremony: every title
ended that day (换届) and the new holders started. This builder writes the
cycle that led there, computed by the product's own rules on the demo's facts:
- the cycle on the frozen 2025 policy, R = 2025-09-30, its steps with their
  dates, the head count at R and the quotas it gave (Q1);
- one application per new holder, at the level awarded, checked by E1–E8 on
  the recorded titles and events, with the story's June 2025 ranks as the
  June results (J1, E7: the 2025 June exam itself is not in the demo);
- the recommendation list, ordered by Q3 on the recorded monthly scores (M7);
- the October qualification exams as offline results (X2, every candidate
  passing the exam of their level), two call-monitoring scores each (M2), so
  the composite scores (X5) are whole;
- the committee: candidates and proposal as cycle.committee computes them
  (K1, K2), every member's vote, one approval per person with its reason
  (K3), replayed through the rules at the close (K4);
- the awards (A1) linked to the story's new titles, the one-off rewards (A2)
  and the certificate numbers (A3).
The 2026 cycle stays open (demo.cycle). Saved in bulk per kind of row.
"""
import datetime
from collections import defaultdict
from decimal import Decimal

from django.utils import timezone

from stardesk.accounts.models import Role
from stardesk.assessment.models import MonitoringEvaluation
from stardesk.cycle import committee
from stardesk.cycle.award import as_fact, certificate_number
from stardesk.cycle.eligibility import as_rules_application, rules_cycle_of, write_decision
from stardesk.cycle.models import (
    STEP_ORDER,
    Application,
    ApplicationSource,
    Award,
    CommitteeCandidate,
    CommitteeDecision,
    CommitteeVote,
    Cycle,
    CycleHeadcount,
    CycleStage,
    DecisionAction,
    Recommendation,
    ReviewStatus,
    Step,
)
from stardesk.cycle.recommendation_list import compute_list, ratings_for
from stardesk.demo.title_history import CYCLES
from stardesk.exams.models import ReleaseRule, ResultSource, Sitting, SittingKind, SittingResult, SittingStatus
from stardesk.people.models import Person, TitleSpell
from stardesk.policy import committee as rules
from stardesk.policy.eligibility import check_all_levels
from stardesk.policy.exams import exam_score
from stardesk.policy.facts import ExamKind, ExamResult
from stardesk.policy.june_exam import JuneResult
from stardesk.policy.quotas import quotas_for
from stardesk.policy.reasons import basis
from stardesk.policy.rewards import award_reward
from stardesk.yearly_policy.models import CyclePolicy
from stardesk.yearly_policy.person_facts import facts_of_people

D = datetime.date
STORY = CYCLES[-1]  # the 2025 ceremony
YEAR, R, AWARD_DAY = STORY.year, STORY.reference_day, STORY.award_day
EXAM_DAY = D(YEAR, 10, 10)
STEP_DAYS = {
    Step.APPLICATION: D(YEAR, 9, 1), Step.LEADER_CHECK: D(YEAR, 10, 1), Step.ASSESSMENT: D(YEAR, 10, 6),
    Step.COMMITTEE: D(YEAR, 10, 14), Step.AWARD: D(YEAR, 10, 16), Step.SUMMARY: D(YEAR, 10, 20), Step.COMPLETED: D(YEAR, 10, 28),
}
KINDS = {1: SittingKind.LEVEL1, 2: SittingKind.LEVEL2, 3: SittingKind.LEVEL3}
EXAM_KINDS = {1: ExamKind.LEVEL1, 2: ExamKind.LEVEL2, 3: ExamKind.LEVEL3}
DECISION_REASON = "经审议同意：资格考试合格，综合得分在名额之内，无一票否决事项"


def _at(day: D, hour: int = 9) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _june_score(rank: int, ranked: int) -> Decimal:
    from stardesk.demo.exams import june_score

    return june_score(rank, ranked)


def _exam_score(level: int, merit: float) -> Decimal:
    """A passing qualification score for the level (X2 pass marks of the policy are 80 / 85 / 90)."""
    floor = {1: 80, 2: 85, 3: 90}[level]
    return Decimal(min(99, floor + 1 + max(0, round(merit * 3)))).quantize(Decimal("0.1"))


def build_hotline(group, demo, record: CyclePolicy) -> dict:
    policy = record.policy()
    supervisor = demo.accounts[Role.SUPERVISOR][0]
    members = demo.accounts[Role.COMMITTEE]
    awarded = {s.key: s for s in demo.titles.spells if s.start == AWARD_DAY}
    keys = sorted(awarded, key=lambda k: (-awarded[k].level, demo.people[k].staff_no))
    people = [demo.people[k] for k in keys]
    counted = [p for p in demo.people if p.hotline_start <= R and (p.left_on is None or p.left_on > R)]
    quotas = quotas_for(len(counted), policy)  # Q1

    cycle = Cycle.objects.create(
        hotline=demo.hotline, year=YEAR, policy=record, policy_revision=record.revision, policy_version=record.version,
        reference_date=R, award_date=AWARD_DAY, step=Step.COMPLETED, headcount=quotas.headcount, quota_level1=quotas.level1,
        quota_level2=quotas.level2, quota_level3=quotas.level3, quota_basis=basis(quotas), quota_policy_version=quotas.policy_version,
        quotas_fixed_at=_at(STEP_DAYS[Step.LEADER_CHECK]), opened_by=supervisor, opened_by_name=str(supervisor),
    )
    CycleStage.objects.bulk_create([
        CycleStage(cycle=cycle, step=step, planned_on=STEP_DAYS[step], started_at=_at(STEP_DAYS[step]),
                   started_by=members[0] if step == Step.AWARD else supervisor,
                   started_by_name=str(members[0] if step == Step.AWARD else supervisor))
        for step in STEP_ORDER
    ])
    CycleHeadcount.objects.bulk_create([CycleHeadcount(cycle=cycle, person=p, staff_no=p.staff_no) for p in counted], batch_size=2000)

    # E1–E8 at R, with the story's June 2025 ranks as the June results (J1).
    ranks = group.facts.get("june_ranks", {}).get(demo.code, {}).get(YEAR, {})
    june = {demo.people[k].staff_no: JuneResult(demo.people[k].staff_no, YEAR, _june_score(rank, len(ranks)), rank, len(ranks),
                                               D(YEAR, 6, 20)) for k, rank in ranks.items()}
    known = facts_of_people(Person.objects.filter(pk__in=[p.pk for p in people]))
    leaders = {team.pk: team.leader for team in demo.teams}
    applications = []
    for k, person in zip(keys, people):
        account = demo.accounts[Role.AGENT][k]
        application = Application(
            cycle=cycle, person=person, level=awarded[k].level, source=ApplicationSource.SELF, submitted_by=account,
            submitted_by_name=str(account), review_status=ReviewStatus.CONFIRMED,
            reviewed_by_name=str(leaders.get(person.team_id) or ""), reviewed_at=_at(D(YEAR, 10, 3)),
        )
        facts = known.by_person[person.pk]
        decisions = check_all_levels(facts, as_rules_application(application, person.staff_no, YEAR), rules_cycle_of(cycle),
                                     policy, june.get(person.staff_no))
        write_decision(application, decisions, record.version, _at(R, 18))
        applications.append(application)
    Application.objects.bulk_create(applications, batch_size=2000)
    Application.objects.filter(cycle=cycle).update(submitted_at=_at(D(YEAR, 9, 10)))

    # Q3/Q4 on the recorded monthly scores (M7).
    listed = [a for a in applications if a.eligible]
    the_list = compute_list(cycle, listed, policy, quotas, ratings_for(cycle, {a.person_id for a in listed}, policy))
    Recommendation.objects.bulk_create([
        Recommendation(cycle=cycle, application_id=row.application_id, person=row.person, applied_level=row.applied_level,
                       level=row.level, position=row.position, rating=row.rating, honour=row.honour,
                       leader_exception=row.leader_exception, overflow=row.overflow,
                       reasons=[{"rule": r.rule, "text": r.text, "passed": r.passed} for r in row.reasons],
                       policy_version=the_list.policy_version)
        for row in the_list.rows
    ], batch_size=2000)

    # X2: the October qualification exams, entered offline; M2: two monitored calls each in the X5 window.
    merit = {demo.people[a.key].pk: a.merit for a in demo.agents}
    sittings = {L: Sitting(hotline=demo.hotline, name=f"{YEAR}年{L}星资格考试", kind=KINDS[L], opens_at=_at(EXAM_DAY),
                           closes_at=_at(EXAM_DAY) + datetime.timedelta(days=1), time_limit_minutes=0, grace_seconds=0,
                           release_rule=ReleaseRule.MANUAL, status=SittingStatus.RELEASED, closed_at=_at(EXAM_DAY, 18),
                           released_at=_at(D(YEAR, 10, 12)), shuffle_questions=False, shuffle_options=False)
                for L in (1, 2, 3)}
    Sitting.objects.bulk_create(list(sittings.values()))
    results, calls = [], []
    for row in the_list.rows:
        if row.level is None:
            continue
        score = _exam_score(row.level, merit[row.person.pk])
        scored = exam_score(ExamResult(EXAM_KINDS[row.level], EXAM_DAY, score=score, name=sittings[row.level].name), policy)
        results.append(SittingResult(sitting=sittings[row.level], person=row.person, source=ResultSource.OFFLINE, score=score,
                                     passed=scored.passed, basis=basis(scored) + "（线下考试）", policy_version=record.version,
                                     computed_at=_at(D(YEAR, 10, 11)), released_at=_at(D(YEAR, 10, 12))))
        for n, day in enumerate((D(YEAR, 3, 18), D(YEAR, 8, 6))):
            calls.append(MonitoringEvaluation(person=row.person, hotline=demo.hotline, team=row.person.team,
                                              call_no=f"{YEAR}-JT-{row.person.staff_no}-{n + 1}", call_date=day,
                                              score=Decimal(min(100, 90 + max(0, round(merit[row.person.pk] * 4)))),
                                              comment="星级评定抽检录音"))
    SittingResult.objects.bulk_create(results, batch_size=2000)
    MonitoringEvaluation.objects.bulk_create(calls, batch_size=2000)

    # K1/K2 as the committee step computes them, on the day it started.
    committee.start_committee(cycle, None, _at(STEP_DAYS[Step.COMMITTEE]))
    candidates = list(CommitteeCandidate.objects.filter(cycle=cycle).select_related("person").order_by("pk"))
    votes, decisions = [], []
    for n, c in enumerate(candidates):
        for m, member in enumerate(members):
            votes.append(CommitteeVote(candidate=c, member=member, member_name=str(member), level=c.proposed_level,
                                       comment="同意建议", cast_at=_at(D(YEAR, 10, 14), 10 + m)))
        decisions.append(CommitteeDecision(cycle=cycle, candidate=c, action=DecisionAction.APPROVE, from_level=c.proposed_level,
                                           to_level=c.proposed_level, member=members[0], member_name=str(members[0]),
                                           decided_at=_at(D(YEAR, 10, 15), 9) + datetime.timedelta(minutes=n),
                                           reason=DECISION_REASON,
                                           basis=basis(rules.can_set_level({}, quotas, to_level=c.level, from_level=c.level))))
    CommitteeVote.objects.bulk_create(votes, batch_size=2000)
    CommitteeDecision.objects.bulk_create(decisions, batch_size=2000)
    CommitteeCandidate.objects.filter(cycle=cycle).update(decided=True)
    committee.close_committee(cycle, None, _at(STEP_DAYS[Step.AWARD]))  # K4: the stored result is what the rules give

    # A1–A3: the awards behind the story's new titles, the rewards and the certificate numbers.
    spells = {s.person_id: s for s in TitleSpell.objects.filter(person__hotline=demo.hotline, start=AWARD_DAY)}
    before = defaultdict(list)
    for s in TitleSpell.objects.filter(person__in=[c.person_id for c in candidates], start__lt=AWARD_DAY):
        before[s.person_id].append(as_fact(s))
    sequence: dict[int, int] = defaultdict(int)
    awards = []
    for c in sorted(candidates, key=lambda c: (-c.level, c.list_position or 0)):
        if not c.level:
            continue
        spell = spells[c.person_id]
        reward = award_reward(c.person.staff_no, c.level, AWARD_DAY, before[c.person_id], policy)
        sequence[c.level] += 1
        awards.append(Award(cycle=cycle, candidate=c, person=c.person, level=c.level, job_type=spell.job_type,
                            award_date=AWARD_DAY, title=spell, certificate_no=certificate_number(cycle, c.level, sequence[c.level]),
                            reward_amount=reward.amount, reward_first_time=reward.first_time, reward_basis=basis(reward),
                            policy_version=reward.policy_version, awarded_at=_at(AWARD_DAY, 15), awarded_by_name=str(supervisor)))
    Award.objects.bulk_create(awards, batch_size=2000)
    return {"applications": len(applications), "awards": len(awards)}


def build_cycle_outcome(group) -> None:
    """The demo generator's builder (hotline_builder.BUILDERS): the decided and awarded 2025 cycle of every hotline."""
    records = {p.hotline_id: p for p in CyclePolicy.objects.filter(hotline__in=[d.hotline for d in group.hotlines], year=YEAR)}
    for demo in group.hotlines:
        counts = build_hotline(group, demo, records[demo.hotline.pk])
        group.counts["awards"] += counts["awards"]
