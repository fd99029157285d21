"""The demo's 2026 cycle: opened on the 2026 policy with R = 2026-09-30, about 30 applications taken.

For each hotline the supervisor has opened the cycle and it is still in its
first step (个人申报), so a visitor can walk it: apply as an agent, close the
applications, review as a team leader, finalise the list. The applications
are the kind a real year brings, drawn from the title story:
- people with a year of tenure apply for 1 star (most are eligible);
- holders apply one level up, or again for 3 stars (Y4);
- newcomers under a year apply for 1 star, some with their leader's
  "表现突出" flag and reason (the E1 exception), some without (refused, E1);
- people sanctioned within the year apply anyway (refused, E6);
- someone with no title applies for 3 stars (refused, E3/E5);
- a leaver's application entered before they left (refused, E8).
Every application is checked by the product's own eligibility check (the
June results are not recorded, so the E7 gate refuses 2 and 3 stars, and
the page says so). Saved in bulk: one query per kind of row.
"""
import datetime
import random

from django.utils import timezone

from stardesk.accounts.models import Role
from stardesk.cycle.eligibility import check_applications
from stardesk.cycle.models import STEP_ORDER, Application, ApplicationSource, Cycle, CycleStage, Step
from stardesk.demo.title_history import one_year_after
from stardesk.demo.yearly_policies import OPEN_YEAR
from stardesk.yearly_policy.models import CyclePolicy

D = datetime.date
REFERENCE_DAY = D(OPEN_YEAR, 9, 30)  # Y3: the application closing day of the open cycle
APPLICATIONS = 30
FLAG_REASONS = (
    "入职以来业务考核均在 95 分以上，多次获得客户表扬",
    "连续三个月零差错，主动承担夜班和节假日值班",
    "宽带报修受理量全班第一，回访满意率 100%",
)


def _tenure_year(start: D) -> bool:
    # C5: a year of tenure at R when R >= start + 1 year - 1 day
    return REFERENCE_DAY >= one_year_after(start) - datetime.timedelta(days=1)


def _held(spells, key: int) -> int:
    return max((s.level for s in spells.get(key, ()) if s.held_on(REFERENCE_DAY)), default=0)


def _sanctioned(story, key: int) -> bool:
    return any(day <= REFERENCE_DAY < one_year_after(day) for day, _what in story.sanctions.get(key, ()))


def _choose(demo, rng: random.Random) -> list[tuple[int, int, bool]]:
    """(agent key, level, leader's E1 flag) for about 30 applicants of one hotline, in a fixed order."""
    spells: dict[int, list] = {}
    for spell in demo.titles.spells:
        spells.setdefault(spell.key, []).append(spell)
    agents = demo.agents
    active = [a for a in agents if a.active_on(REFERENCE_DAY)]
    newcomers = [a for a in active if not _tenure_year(a.hotline_start)]
    banned = [a for a in active if _sanctioned(demo.titles, a.key)]
    holders = [a for a in active if _held(spells, a.key) and a not in banned]
    plain = [a for a in active if a not in newcomers and a not in banned and not _held(spells, a.key)]
    leavers = [a for a in agents if a.left_on is not None and D(OPEN_YEAR, 6, 1) <= a.left_on <= REFERENCE_DAY]
    picks: list[tuple[int, int, bool]] = []
    taken: set[int] = set()

    def take(pool, count, level_of, flag=False):
        for agent in rng.sample(pool, k=min(count, len(pool))):
            if agent.key not in taken and len(picks) < APPLICATIONS:
                taken.add(agent.key)
                picks.append((agent.key, level_of(agent), flag))

    take(newcomers, 2, lambda a: 1, flag=True)
    take(newcomers, 2, lambda a: 1)
    take(banned, 2, lambda a: 1)
    take(leavers, 1, lambda a: 1)
    take(plain, 1, lambda a: 3)
    take(holders, 6, lambda a: min(_held(spells, a.key) + 1, 3))
    take(plain, APPLICATIONS, lambda a: 1)
    return picks


def build_cycle(group) -> None:
    """The demo generator's builder (hotline_builder.BUILDERS): the open 2026 cycle of every hotline."""
    now = timezone.now()
    policies = {p.hotline_id: p for p in CyclePolicy.objects.filter(hotline__in=[d.hotline for d in group.hotlines], year=OPEN_YEAR)}
    cycles, stages, plans = [], [], []
    for demo in group.hotlines:
        policy = policies[demo.hotline.pk]
        supervisor = demo.accounts[Role.SUPERVISOR][0]
        cycle = Cycle(
            hotline=demo.hotline, year=OPEN_YEAR, policy=policy, policy_revision=policy.revision,
            policy_version=policy.version, reference_date=REFERENCE_DAY, opened_by=supervisor,
            opened_by_name=str(supervisor),
        )
        cycles.append(cycle)
        plans.append((demo, cycle, _choose(demo, group.rng("cycle", demo))))
    Cycle.objects.bulk_create(cycles)
    applications = []
    for demo, cycle, picks in plans:
        supervisor = demo.accounts[Role.SUPERVISOR][0]
        planned = {Step.LEADER_CHECK: D(OPEN_YEAR, 10, 8), Step.ASSESSMENT: D(OPEN_YEAR, 10, 15),
                   Step.COMMITTEE: D(OPEN_YEAR, 10, 22), Step.AWARD: D(OPEN_YEAR, 10, 28), Step.SUMMARY: D(OPEN_YEAR, 10, 30)}
        stages += [
            CycleStage(cycle=cycle, step=step, planned_on=planned.get(step),
                       started_at=now if step == Step.APPLICATION else None,
                       started_by=supervisor if step == Step.APPLICATION else None,
                       started_by_name=str(supervisor) if step == Step.APPLICATION else "")
            for step in STEP_ORDER
        ]
        leaders = {team.pk: team.leader for team in demo.teams}
        agent_accounts = demo.accounts[Role.AGENT]
        made = []
        for n, (key, level, flag) in enumerate(picks):
            person, account = demo.people[key], agent_accounts[key]
            by_leader = flag or n % 4 == 3 or not account.is_active
            who = leaders.get(person.team_id) if by_leader else account
            made.append(Application(
                cycle=cycle, person=person, level=level,
                source=ApplicationSource.LEADER if by_leader else ApplicationSource.SELF,
                submitted_by=who, submitted_by_name=str(who) if who else "",
                leader_recommended=flag, recommendation_reason=FLAG_REASONS[n % len(FLAG_REASONS)] if flag else "",
                flagged_by_name=str(who) if flag and who else "", flagged_at=now if flag else None,
            ))
        check_applications(cycle, made, at=now)  # E1–E8 by the product's own check, in bulk
        applications += made
    CycleStage.objects.bulk_create(stages, batch_size=2000)
    Application.objects.bulk_create(applications, batch_size=2000)
    group.counts["cycles"] = len(cycles)
    group.counts["applications"] = len(applications)
