"""S1–S4 and T2: who is in scope, who is active, which title is held on a date.

Title history is a tuple of :class:`~.facts.TitleSpell`; a spell is held from
its ``start`` up to the day before its ``end`` (the effective date of the
change that ended it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Iterable

from .conventions import Month
from .errors import InvalidInput
from .facts import EndReason, PersonFacts, TitleSpell
from .reasons import day, level as level_text


# --- S1 / S2 -----------------------------------------------------------------

def is_active(person: PersonFacts, on: date) -> bool:
    """S2: started on or before ``on`` and not left, or left after ``on``."""
    return person.hotline_start <= on and (person.left_on is None or person.left_on > on)


def has_left_by(person: PersonFacts, on: date) -> bool:
    """E8: left on or before ``on``."""
    return person.left_on is not None and person.left_on <= on


def in_scope(people: Iterable[PersonFacts], hotline: str | None = None) -> list[PersonFacts]:
    """S1: every agent of the hotline, whatever the employment type (正式 / 临时 / 外聘)."""
    return [p for p in people if hotline is None or p.hotline == hotline]


def headcount(people: Iterable[PersonFacts], on: date, hotline: str | None = None) -> int:
    """Q1's N: people in scope (S1) active (S2) on ``on``."""
    return sum(1 for p in in_scope(people, hotline) if is_active(p, on))


# --- S4 titles ---------------------------------------------------------------

def title_on(titles: Iterable[TitleSpell], on: date, job_type: str | None = None) -> TitleSpell | None:
    """S4: the title held on ``on`` (highest if several), optionally in one job type."""
    best: TitleSpell | None = None
    for t in titles:
        if t.start <= on and (t.end is None or on < t.end) and (job_type is None or t.job_type == job_type):
            if best is None or t.level > best.level:
                best = t
    return best


def level_on(titles: Iterable[TitleSpell], on: date, job_type: str | None = None) -> int:
    """S4: the level held on ``on`` (0 when none)."""
    t = title_on(titles, on, job_type)
    return t.level if t is not None else 0


def held_during(titles: Iterable[TitleSpell], month: Month) -> bool:
    """M4: whether a title was held on some day of ``month``."""
    first, last = month.first_day, month.last_day
    return any(t.start <= last and (t.end is None or t.end > first) for t in titles)


def spell_order(t: TitleSpell) -> tuple:
    """Sort key of a history: by start, an empty (same-day) spell before its successor."""
    return (t.start, t.end or date.max, t.level)


def describe_title(t: TitleSpell | None) -> str:
    """``"话务员2星（2024-10-15 起）"`` or ``"无星级"``."""
    if t is None:
        return "无星级"
    return f"{t.job_type}{level_text(t.level)}（{day(t.start)} 起）"


@dataclass(frozen=True, slots=True)
class TitleChange:
    """S4: a change of the title held in ``job_type``, effective on ``effective_on``.

    ``level_after`` 0 means the title is revoked. ``rule`` is the rule that made
    it (V1, M5, M6, J3).
    """

    effective_on: date
    job_type: str
    level_before: int
    level_after: int
    end_reason: EndReason
    rule: str

    def describe(self) -> str:
        after = level_text(self.level_after) if self.level_after > 0 else "取消星级"
        return f"{day(self.effective_on)} 起{self.job_type}{level_text(self.level_before)}→{after}（{self.end_reason}）"


def change_applied(titles: Iterable[TitleSpell], change: TitleChange) -> bool:
    """Whether ``titles`` already record ``change`` (so it is not applied twice)."""
    return any(
        t.end == change.effective_on and t.end_reason == change.end_reason
        and t.job_type == change.job_type and t.level == change.level_before
        for t in titles
    )


def apply_title_change(titles: Iterable[TitleSpell], change: TitleChange) -> tuple[TitleSpell, ...]:
    """S4: the history with ``change`` recorded; nothing is overwritten.

    The spell held on the effective date ends there with the change's reason;
    the lower spell (if any) starts that day and inherits the old spell's end
    (e.g. the next award date), so a lowering holds "until the next award".
    """
    spells = list(titles)
    for i, t in enumerate(spells):
        if t.job_type == change.job_type and t.level == change.level_before and t.held_on(change.effective_on):
            break
    else:
        raise InvalidInput(f"{day(change.effective_on)} 未持有{change.job_type}{level_text(change.level_before)}，无法变更星级")
    # A change on the award day itself leaves an empty spell (start == end): kept, it is history.
    spells[i] = TitleSpell(t.level, t.job_type, t.start, change.effective_on, change.end_reason)
    if change.level_after > 0:
        spells.append(TitleSpell(change.level_after, t.job_type, change.effective_on, t.end, t.end_reason))
    return tuple(sorted(spells, key=spell_order))


def title_history_problems(titles: Iterable[TitleSpell]) -> list[str]:
    """S4: what is wrong with an imported history (Chinese), empty when consistent."""
    problems: list[str] = []
    spells = sorted(titles, key=spell_order)
    for t in spells:
        where = f"{t.job_type}{level_text(t.level)}（{day(t.start)} 起）"
        if t.level not in (1, 2, 3):
            problems.append(f"{where}：星级须为 1–3")
        if t.end is not None and t.end < t.start:
            problems.append(f"{where}：终止日期 {day(t.end)} 早于授牌日期")
        if t.end is None and t.end_reason is not None:
            problems.append(f"{where}：有终止原因但无终止日期")
        if t.end is not None and t.end_reason is None:
            problems.append(f"{where}：有终止日期但无终止原因")
    for a, b in zip(spells, spells[1:]):
        if a.end is None or a.end > b.start:
            problems.append(
                f"{a.job_type}{level_text(a.level)}（{day(a.start)} 起）与 "
                f"{b.job_type}{level_text(b.level)}（{day(b.start)} 起）时间重叠"
            )
    return problems


# --- S3 roles, T2 work file ----------------------------------------------------

class Role(StrEnum):
    """S3: the roles of the programme."""

    AGENT = "客服人员"
    TEAM_LEADER = "班长"
    SUPERVISOR = "热线主管"
    COMMITTEE = "评定委员会"


@dataclass(frozen=True, slots=True)
class Viewer:
    """Who is looking: role, own staff number, own team and hotline."""

    role: Role
    staff_no: str = ""
    team: str = ""
    hotline: str = ""


def team_leader_problems(assignments: Iterable[tuple[str, str]], teams: Iterable[str]) -> list[str]:
    """S3: each team has exactly one team leader; ``assignments`` are (team, leader staff_no)."""
    leaders: dict[str, list[str]] = {}
    for team, staff_no in assignments:
        leaders.setdefault(team, []).append(staff_no)
    problems = []
    for team in sorted(set(teams) | set(leaders)):
        names = leaders.get(team, [])
        if not names:
            problems.append(f"班组 {team} 没有班长")
        elif len(names) > 1:
            problems.append(f"班组 {team} 有 {len(names)} 位班长：{'、'.join(names)}")
    return problems


def may_read_work_file(viewer: Viewer, person: PersonFacts) -> bool:
    """T2: the person, their team leader, the supervisor and the committee (same hotline, S1)."""
    if viewer.role is Role.AGENT:
        return viewer.staff_no == person.staff_no
    if viewer.hotline != person.hotline:
        return False
    if viewer.role is Role.TEAM_LEADER:
        return viewer.team == person.team or viewer.staff_no == person.staff_no
    return viewer.role in (Role.SUPERVISOR, Role.COMMITTEE)


def staff_no_key(staff_no: str) -> tuple:
    """Q3 last tie-break: staff numbers in numeric order when numeric ("999" before "1023")."""
    s = staff_no.strip()
    return (0, int(s), s) if s.isdigit() else (1, 0, s)
