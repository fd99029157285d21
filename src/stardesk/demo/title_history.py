"""Two years of star titles for one demo hotline, told as a story that keeps policy.md's rules.

The story is computed first, in plain Python, and saved afterwards by the
builder. It runs on fixed dates, so every build is the same:

- June exam of each year → competition ranks (J1); they gate the October
  cycle (E7: 3-star needs rank <= 5, 2-star rank <= 10) and move holders on
  1 July (J3, end reason 名次调整).
- Application closing day R (Y3), then the award ceremony (A1): every title
  ends (换届) and the new holders start, per level up to the quotas of Q1–Q2
  computed from the people active at R, best first.
- Between ceremonies a few holders are lowered (降级, from the first day of a
  month as M6 does) or revoked (取消, on a decision day as V1 does); both are
  sanctions that bar the person from the next cycle (E6). Holders who leave
  end their title on the leaving day (离职).

October 2024 is the first ceremony on record: its 2- and 3-star holders are
the hotline's existing holders, so E2/E3 (holding the level below) are
checked from the 2025 cycle on.
"""
import datetime
import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from stardesk.people.models import TitleEndReason

D = datetime.date


@dataclass(frozen=True)
class Cycle:
    year: int
    reference_day: D  # R: application closing day (Y3)
    award_day: D  # the ceremony (A1)

    @property
    def june_exam_day(self) -> D:
        return D(self.year, 6, 20)


CYCLES = (
    Cycle(2024, reference_day=D(2024, 9, 30), award_day=D(2024, 10, 18)),
    Cycle(2025, reference_day=D(2025, 9, 30), award_day=D(2025, 10, 17)),
)
# What happened after the last ceremony is told up to this day.
STORY_END = D(2026, 9, 30)
RANK_LIMITS = {3: 5, 2: 10}  # E7 defaults
SANCTION_SHARE = 0.04  # of the holders of a cycle, sanctioned before the next one
BAN_YEARS = 1  # E6


@dataclass
class Agent:
    """What the story needs to know about one person of the roster."""

    key: int
    hotline_start: D
    job_type: str
    job_type_start: D
    left_on: D | None
    merit: float  # stands for the person's scores: higher is better

    def active_on(self, day: D) -> bool:
        return self.hotline_start <= day and (self.left_on is None or self.left_on > day)


@dataclass
class Spell:
    key: int
    level: int
    job_type: str
    start: D
    end: D | None = None
    end_reason: str = ""

    def held_on(self, day: D) -> bool:
        return self.start <= day and (self.end is None or self.end > day)


@dataclass
class TitleStory:
    spells: list[Spell] = field(default_factory=list)
    # year → {agent key: competition rank in that June's exam}; the exam builder of
    # a later issue reads these to write June scores that agree with the titles.
    june_ranks: dict[int, dict[int, int]] = field(default_factory=dict)
    sanctions: dict[int, list[tuple[D, str]]] = field(default_factory=dict)


def one_year_after(day: D) -> D:
    """C5: the same month and day a year later; 29 February → 28 February."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def tenure_of_a_year(start: D, on: D) -> bool:
    """C5: a year of tenure at R when R >= start + 1 year - 1 day."""
    return on >= one_year_after(start) - datetime.timedelta(days=1)


def half_up(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def quotas(active: int) -> dict[int, int]:
    """Q1 with the default ratios and C4 rounding: N = 100 → 30, 9, 3."""
    q1 = half_up(Decimal(active) * Decimal("0.3"))
    return {1: q1, 2: half_up(Decimal(q1) * Decimal("0.3")), 3: half_up(Decimal(q1) * Decimal("0.1"))}


def competition_ranks(scores: dict[int, float]) -> dict[int, int]:
    """E7: ties share a rank (1, 2, 2, 4)."""
    ranks: dict[int, int] = {}
    previous, previous_rank = None, 0
    for position, (key, score) in enumerate(sorted(scores.items(), key=lambda kv: (-kv[1], kv[0])), start=1):
        rank = previous_rank if score == previous else position
        ranks[key] = rank
        previous, previous_rank = score, rank
    return ranks


def allowed_level(rank: int | None) -> int:
    if rank is not None and rank <= RANK_LIMITS[3]:
        return 3
    if rank is not None and rank <= RANK_LIMITS[2]:
        return 2
    return 1


class _Telling:
    def __init__(self, agents: list[Agent], rng: random.Random):
        self.agents = {a.key: a for a in agents}
        self.rng = rng
        self.story = TitleStory()
        self.current: dict[int, Spell] = {}  # key → the spell held now
        self.history: dict[int, list[Spell]] = {}  # key → every spell so far
        years = range(CYCLES[0].year, STORY_END.year + 1)
        # Yearly form: the person's merit plus that year's luck.
        self.form = {y: {a.key: round(a.merit + rng.gauss(0, 0.35), 3) for a in agents} for y in years}

    # -- one title changes --------------------------------------------------------
    def _end(self, key: int, day: D, reason: str) -> Spell:
        spell = self.current.pop(key)
        spell.end, spell.end_reason = day, reason
        return spell

    def _start(self, key: int, level: int, day: D) -> None:
        spell = Spell(key=key, level=level, job_type=self.agents[key].job_type, start=day)
        self.story.spells.append(spell)
        self.history.setdefault(key, []).append(spell)
        self.current[key] = spell

    def _held_level(self, key: int, day: D) -> int:
        levels = [s.level for s in self.history.get(key, []) if s.held_on(day)]
        return max(levels, default=0)

    def _banned(self, key: int, reference_day: D) -> bool:
        """E6: a sanction on day D bars applying while R < D + 1 year."""
        return any(day <= reference_day < one_year_after(day) for day, _ in self.story.sanctions.get(key, []))

    # -- the yearly steps ---------------------------------------------------------
    def june_exam(self, year: int) -> dict[int, int]:
        day = D(year, 6, 20)
        sitters = {k: self.form[year][k] for k, a in self.agents.items() if a.active_on(day)}
        ranks = competition_ranks(sitters)
        self.story.june_ranks[year] = ranks
        return ranks

    def ceremony(self, cycle: Cycle, first_on_record: bool) -> None:
        ranks = self.story.june_ranks[cycle.year]
        r = cycle.reference_day
        held_at_r = {k: self._held_level(k, r) for k in self.agents}
        for key in list(self.current):  # A1: every title of the last cycle ends today
            self._end(key, cycle.award_day, TitleEndReason.RENEWAL)
        active = [a for a in self.agents.values() if a.active_on(r)]
        limit = quotas(len(active))
        candidates = sorted(
            (
                a
                for a in active
                if (a.left_on is None or a.left_on > cycle.award_day)  # E8, and still here on the day
                and a.job_type_start <= r
                and not self._banned(a.key, r)
            ),
            key=lambda a: (-self.form[cycle.year][a.key], a.key),
        )
        awarded: set[int] = set()
        for level in (3, 2, 1):
            places = limit[level]
            for agent in candidates:
                if places == 0:
                    break
                if agent.key in awarded or not self._may_receive(agent, level, r, held_at_r, ranks, first_on_record):
                    continue
                self._start(agent.key, level, cycle.award_day)
                awarded.add(agent.key)
                places -= 1

    def _may_receive(self, agent: Agent, level: int, r: D, held_at_r, ranks, first_on_record: bool) -> bool:
        if level == 1:
            return tenure_of_a_year(agent.hotline_start, r)  # E1
        if allowed_level(ranks.get(agent.key)) < level:  # E7
            return False
        if not tenure_of_a_year(agent.job_type_start, r):  # E2, E3
            return False
        return first_on_record or held_at_r[agent.key] >= level - 1  # E2, E3, E5

    def between_ceremonies(self, start: D, end: D, next_june_year: int | None) -> None:
        """Leaving, sanctions and the July ranking move, in date order, from `start` up to (not incl.) `end`."""
        events: list[tuple[D, int, str, int]] = []  # (day, order, what, key)
        for agent in self.agents.values():
            if agent.left_on is not None and start < agent.left_on < end:
                events.append((agent.left_on, 0, "leave", agent.key))
        holders = sorted(self.current)
        for key in self.rng.sample(holders, k=round(len(holders) * SANCTION_SHARE)):
            if self.rng.random() < 0.6:
                # M6: from the first day of a month.
                month = self._random_day(start + datetime.timedelta(days=40), end - datetime.timedelta(days=20))
                day, what = month.replace(day=1), "lower"
            else:
                day, what = self._random_day(start + datetime.timedelta(days=20), end - datetime.timedelta(days=20)), "revoke"
            if day.month == 7 and day.day == 1:
                day += datetime.timedelta(days=1)  # the J3 move has that day
            events.append((day, 1, what, key))
        if next_june_year is not None and start < D(next_june_year, 7, 1) < end:
            events.append((D(next_june_year, 7, 1), 2, "ranking", 0))
        for day, _, what, key in sorted(events):
            if what == "leave":
                if key in self.current:
                    self._end(key, day, TitleEndReason.LEFT)
            elif what == "ranking":
                self._ranking_move(day, self.june_exam(day.year))
            elif key in self.current and self.current[key].start < day:
                self._sanction(key, day, what)

    def _sanction(self, key: int, day: D, what: str) -> None:
        level = self.current[key].level
        if what == "lower" and level > 1:
            self._end(key, day, TitleEndReason.LOWERED)
            self._start(key, level - 1, day)
        else:  # revoked, or a 1-star lowered (M6: revoked)
            self._end(key, day, TitleEndReason.REVOKED)
        self.story.sanctions.setdefault(key, []).append((day, what))

    def _ranking_move(self, day: D, ranks: dict[int, int]) -> None:
        """J3: a holder whose June rank no longer allows the level gets the highest level it allows."""
        for key in sorted(self.current):
            spell = self.current[key]
            allowed = allowed_level(ranks.get(key))
            if spell.level > allowed and spell.start < day:
                self._end(key, day, TitleEndReason.RANK_ADJUSTMENT)
                self._start(key, allowed, day)

    def _random_day(self, first: D, last: D) -> D:
        if last <= first:
            return first
        return first + datetime.timedelta(days=self.rng.randrange((last - first).days))


def tell(agents: list[Agent], rng: random.Random) -> TitleStory:
    """The title history of one hotline, from the June exam of the first cycle up to STORY_END."""
    telling = _Telling(agents, rng)
    for position, cycle in enumerate(CYCLES):
        if position == 0:
            telling.june_exam(cycle.year)
        telling.ceremony(cycle, first_on_record=position == 0)
        following = CYCLES[position + 1].award_day if position + 1 < len(CYCLES) else STORY_END + datetime.timedelta(days=1)
        june_year = cycle.year + 1 if D(cycle.year + 1, 7, 1) < following else None
        telling.between_ceremonies(cycle.award_day, following, june_year)
    return telling.story
