"""Policy rules on a 20,000-agent hotline group year, in memory (no database).

    python benchmarks/policy_bench.py [--agents 20000] [--seed 2025] [--repeat 5]

Builds a deterministic year (random.Random(seed)): agents with titles and
title history, 15 months of monthly scores, call monitoring, June exam (some
resits), qualification exams (with the X3 cascade), vetoes, honours, praise,
V1 lowerings in the title history, and one application each. Then times each
rule family and prints, per family, the best wall-clock and CPU seconds of
``--repeat`` runs (CPU time shows the cost when other work shares the two
cores). The facts are moved out of the garbage collector's way (``gc.freeze``)
before timing. Goal: well under one second per family.

Also a section of benchmarks/run.py (``section(bench)``), which records the
same figures with ``bench.record``.
"""

from __future__ import annotations

import argparse
import gc
import random
import sys
import time
import unicodedata
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from stardesk.policy.bans import active_ban  # noqa: E402
from stardesk.policy.committee import Candidate, propose  # noqa: E402
from stardesk.policy.composite import composite_score  # noqa: E402
from stardesk.policy.conventions import Month, months_between  # noqa: E402
from stardesk.policy.cycle import Cycle  # noqa: E402
from stardesk.policy.eligibility import check_eligibility, eligible_levels  # noqa: E402
from stardesk.policy.exams import qualification  # noqa: E402
from stardesk.policy.facts import (Application, Employment, EndReason, Event, EventCategory, ExamKind,  # noqa: E402
                                   ExamResult, MonitoringScore, MonthlyScore, PersonFacts, Sanction, Severity,
                                   TitleSpell)
from stardesk.policy.june_exam import june_adjustment, june_results, second_half_coefficient  # noqa: E402
from stardesk.policy.monthly_allowance import allowances_for_year  # noqa: E402
from stardesk.policy.people import headcount  # noqa: E402
from stardesk.policy.persistent_low_scores import persistent_low_scores  # noqa: E402
from stardesk.policy.quotas import quotas_for  # noqa: E402
from stardesk.policy.ratings import half_year_rating, preliminary_rating, quarter_rating, year_rating  # noqa: E402
from stardesk.policy.recommendation import Applicant, recommend  # noqa: E402
from stardesk.policy.yearly import YearlyPolicy  # noqa: E402

TITLE = "策略规则（内存，2 万人一年）"
YEAR = 2025
R = date(2025, 9, 30)
LAST_AWARD = date(2024, 10, 15)
JOB_TYPES = (("话务员", 85), ("班长", 5), ("质检员", 10))
EMPLOYMENT = ((Employment.PERMANENT, 80), (Employment.TEMPORARY, 12), (Employment.OUTSOURCED, 8))


def _score(rng: random.Random, mean: float) -> Decimal:
    value = min(100.0, max(40.0, rng.gauss(mean, 4.0)))
    return Decimal(round(value * 10)) / 10


def build_year(agents: int = 20_000, seed: int = 2025) -> list[PersonFacts]:
    """A deterministic hotline group year of ``agents`` people."""
    rng = random.Random(seed)
    jobs, job_weights = zip(*JOB_TYPES)
    kinds, kind_weights = zip(*EMPLOYMENT)
    months = months_between(Month(2024, 10), Month(2025, 12))
    people = []
    for i in range(agents):
        start = date(2012, 1, 1) + timedelta(days=rng.randrange(0, (date(2025, 9, 1) - date(2012, 1, 1)).days))
        job_start = min(start + timedelta(days=rng.choice((0, 0, 0, rng.randrange(0, 1200)))), date(2025, 9, 1))
        job = rng.choices(jobs, job_weights)[0]
        left = date(2025, 1, 1) + timedelta(days=rng.randrange(0, 364)) if rng.random() < 0.03 else None
        # titles: ~30% hold one from the last award, some with an older spell and a sanction
        titles: list[TitleSpell] = []
        r = rng.random()
        level = 3 if r < 0.025 else 2 if r < 0.09 else 1 if r < 0.30 else 0
        if level and start < LAST_AWARD - timedelta(days=365):
            if rng.random() < 0.4:
                titles.append(TitleSpell(max(1, level - 1), job, date(2023, 10, 15), LAST_AWARD, EndReason.RENEWAL))
            if rng.random() < 0.02:  # a V1 lowering during the year
                cut = date(2025, rng.randrange(1, 9), rng.randrange(1, 28))
                titles.append(TitleSpell(level, job, LAST_AWARD, cut, EndReason.LOWERED))
                if level > 1:
                    titles.append(TitleSpell(level - 1, job, cut))
            else:
                titles.append(TitleSpell(level, job, LAST_AWARD, left, EndReason.LEFT if left else None))
        mean = rng.uniform(86, 97)
        scores = tuple(MonthlyScore(m, _score(rng, mean)) for m in months
                       if m.first_day >= start.replace(day=1) and rng.random() > 0.03)
        monitoring = tuple(MonitoringScore(date(m.year, m.month, rng.randrange(1, 28)), _score(rng, mean))
                           for m in months[:12] if rng.random() < 0.5)
        exams = []
        if rng.random() < 0.95:
            exams.append(ExamResult(ExamKind.JUNE, date(2025, 6, 20), _score(rng, mean - 5)))
            if rng.random() < 0.02:
                exams.append(ExamResult(ExamKind.JUNE, date(2025, 7, 5), _score(rng, mean - 3)))
        target = min(3, level + 1) if level else 1
        for lv in range(target, 0, -1):  # X3 cascade: sit the target level, lower after a fail
            kind = (ExamKind.LEVEL1, ExamKind.LEVEL2, ExamKind.LEVEL3)[lv - 1]
            knowledge, skills = _score(rng, mean - 2), _score(rng, mean)
            exams.append(ExamResult(kind, date(2025, 9, 10 + lv), None, knowledge, skills))
            if knowledge * Decimal("0.6") + skills * Decimal("0.4") >= (80, 85, 90)[lv - 1]:
                break
        events = []
        if rng.random() < 0.06:
            events.append(Event(date(2025, rng.randrange(1, 13), rng.randrange(1, 28)),
                                rng.choice((EventCategory.VIOLATION, EventCategory.MAJOR_ERROR,
                                            EventCategory.JUSTIFIED_COMPLAINT)),
                                rng.choices(list(Severity), (80, 17, 3))[0]))
        if rng.random() < 0.01:
            events.append(Event(date(2025, rng.randrange(1, 10), 15), EventCategory.ADVANCED_INDIVIDUAL))
        if rng.random() < 0.03:
            events.append(Event(date(2025, rng.randrange(1, 13), 3), EventCategory.PRAISE))
        if rng.random() < 0.005:
            events.append(Event(date(2025, 4, 8), EventCategory.JUSTIFIED_COMPLAINT, Severity.GENERAL,
                                Sanction.MONTH_CANCEL))
        people.append(PersonFacts(
            staff_no=f"{100000 + i}", hotline=f"热线{i % 40:02d}", team=f"{i % 40:02d}-{(i // 40) % 12:02d}班",
            employment=rng.choices(kinds, kind_weights)[0], hotline_start=start, job_type=job,
            job_type_start=max(job_start, start), left_on=left, titles=tuple(titles), events=tuple(events),
            monthly_scores=scores, monitoring=monitoring, exams=tuple(exams)))
    return people


def applications_for(people: list[PersonFacts]) -> list[Application]:
    """One application each: holders for their level or one up, others for 1-star."""
    out = []
    for p in people:
        held = max((t.level for t in p.titles if t.held_on(R)), default=0)
        level = min(3, held + (int(p.staff_no) % 2)) if held else 1
        out.append(Application(p.staff_no, YEAR, level, held == 0 and int(p.staff_no) % 7 == 0, "表现突出"))
    return out


def run_families(people: list[PersonFacts], policy: YearlyPolicy, record, on_cpu=None) -> None:
    """Time each rule family; ``record(label, wall_seconds, note)``, ``on_cpu(label, cpu_seconds)``."""
    cycle = Cycle(YEAR, R)
    by_no = {p.staff_no: p for p in people}
    apps = applications_for(people)

    def timed(label, fn, note=""):
        started, cpu = time.perf_counter(), time.process_time()
        value = fn()
        wall, used = time.perf_counter() - started, time.process_time() - cpu
        text = note(value) if callable(note) else note
        record(label, wall, f"{text}; CPU {used:.3f} s".lstrip("; "))
        if on_cpu is not None:
            on_cpu(label, used)
        return value

    bans = timed("E6 处分限制（全部人员）", lambda: [active_ban(p.titles, R, policy) for p in people],
                 lambda v: f"{sum(1 for b in v if b):,} 人在限制期")
    june = timed("J1 年中考试名次", lambda: june_results(people, YEAR),
                 lambda v: f"{len(v):,} 人有名次")
    timed("J2/J3 下半年系数与调整", lambda: [
        (second_half_coefficient(p.staff_no, YEAR, june.get(p.staff_no), policy),
         june_adjustment(p.staff_no, p.titles, june.get(p.staff_no), YEAR, policy)) for p in people],
        lambda v: f"{sum(1 for _, a in v if a.title_change):,} 人名次调整")
    decisions = timed("E1–E8 申报资格（申报星级）", lambda: [
        check_eligibility(by_no[a.staff_no], a, cycle, policy, june.get(a.staff_no)) for a in apps],
        lambda v: f"{len(v):,} 份申报, {sum(1 for x in v if x.eligible):,} 份符合")
    levels = timed("E1–E8 申报及以下各级（供 Q4 下转）", lambda: {
        a.staff_no: eligible_levels(by_no[a.staff_no], a, cycle, policy, june.get(a.staff_no),
                                    range(1, a.level + 1)) for a in apps},
        lambda v: f"{sum(a.level for a in apps):,} 次检查")
    quotas = timed("Q1 名额", lambda: quotas_for(headcount(people, R), policy),
                   lambda q: f"N={q.headcount:,}: {q.level1:,}/{q.level2:,}/{q.level3:,}")
    scores = {p.staff_no: p.scores_by_month() for p in people}

    def ratings():
        out = {}
        for p in people:
            s = scores[p.staff_no]
            out[p.staff_no] = preliminary_rating(s, R, policy.m7_preliminary_months)
            for q in (1, 2, 3, 4):
                quarter_rating(s, YEAR, q)
            half_year_rating(s, YEAR, 1), half_year_rating(s, YEAR, 2), year_rating(s, YEAR)
        return out

    prelim = timed("M7 季度/半年/年度/初审评定", ratings, lambda v: f"{8 * len(v):,} 个评定")
    eligible_by_no = {d.staff_no: d for d in decisions}
    applicants = [Applicant(a.staff_no, a.level, levels[a.staff_no], by_no[a.staff_no].hotline_start,
                            prelim[a.staff_no].value, eligible_by_no[a.staff_no].honour) for a in apps]
    recommended = timed("Q3/Q4 推荐排序与下转", lambda: recommend(applicants, quotas, policy),
                        lambda v: f"推荐 {len(v.entries):,} 人")
    quals = {e.staff_no: qualification(by_no[e.staff_no].exams, date(2025, 10, 12), policy)
             for e in recommended.entries}
    composites = timed("X5 综合得分（全部人员）", lambda: {
        p.staff_no: composite_score(p.staff_no, scores[p.staff_no], p.monitoring,
                                    quals[p.staff_no].score if p.staff_no in quals else Decimal(90), R, policy)
        for p in people}, lambda v: f"{sum(1 for c in v.values() if c.value is not None):,} 人完整")
    candidates = [Candidate(e.staff_no, e.level, quals[e.staff_no].level, levels[e.staff_no],
                            by_no[e.staff_no].hotline_start, composites[e.staff_no].value)
                  for e in recommended.entries]
    timed("K2 评定方案", lambda: propose(candidates, quotas, policy), lambda v: f"{len(v.entries):,} 人入选")
    timed("M4 月度待遇（12 个月）", lambda: allowances_for_year(people, YEAR, policy, june),
          lambda v: f"{sum(len(x) for x in v.values()):,} 行")
    timed("M6 持续低分", lambda: [
        persistent_low_scores(p.staff_no, scores[p.staff_no], p.titles, YEAR, policy) for p in people],
        lambda v: f"{sum(len(r.triggers) for r in v):,} 次触发")


def freeze(people: list[PersonFacts]) -> None:
    """The facts are long-lived input: move them out of the collector's way.

    Without this, every burst of new decisions makes the cyclic garbage
    collector rescan the ~400,000 fact objects (a quarter of M4's time).
    A Django layer computing a whole hotline year should do the same.
    """
    gc.collect()
    gc.freeze()


def section(bench) -> None:
    """benchmarks/run.py section: build the year in memory and time each family."""
    started = time.perf_counter()
    people = build_year()
    freeze(people)
    bench.record("构建 2 万人一年的事实（内存）", time.perf_counter() - started)
    try:
        run_families(people, YearlyPolicy(), bench.record)
    finally:
        gc.unfreeze()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="policy rule families on a 20,000-agent year")
    parser.add_argument("--agents", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=2025)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    people = build_year(args.agents, args.seed)
    freeze(people)
    print(f"built {len(people):,} agents in {time.perf_counter() - started:.2f} s "
          f"({sum(len(p.titles) for p in people):,} title spells, "
          f"{sum(len(p.monthly_scores) for p in people):,} monthly scores, "
          f"{sum(len(p.exams) for p in people):,} exam results, {sum(len(p.events) for p in people):,} events)")
    best: dict[str, float] = {}
    best_cpu: dict[str, float] = {}
    notes: dict[str, str] = {}

    def record(label, seconds, note=""):
        best[label] = min(seconds, best.get(label, seconds))
        notes[label] = note.rsplit("; CPU", 1)[0]

    def on_cpu(label, seconds):
        best_cpu[label] = min(seconds, best_cpu.get(label, seconds))

    for _ in range(args.repeat):
        run_families(people, YearlyPolicy(), record, on_cpu)
    width = max(_width(label) for label in best) + 2
    print(f"\n{_pad('family', width)}{'wall s':>8}{'CPU s':>8}  note   (best of {args.repeat})")
    for label, seconds in best.items():
        print(f"{_pad(label, width)}{seconds:>8.3f}{best_cpu[label]:>8.3f}  {notes[label]}")
    slowest = max(best.values())
    print(f"\nslowest family: {slowest:.3f} s wall, {max(best_cpu.values()):.3f} s CPU — goal well under 1 s: "
          f"{'met' if slowest < 1 else 'NOT met'}")
    return 0


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, to: int) -> str:
    return text + " " * (to - _width(text))


if __name__ == "__main__":
    sys.exit(main())
