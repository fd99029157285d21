"""Finalising the recommendation list of a 20,000-agent hotline (Q1–Q4), on the database in use.

A section of benchmarks/run.py (``section(bench)``), also runnable alone on an
empty database (``python benchmarks/recommendation_bench.py``):

One hotline of 20,000 agents (40 teams, about 30% holders, six months of
confirmed scores before R for the M7 preliminary rating, a few 先进个人
honours for E4), the 2026 policy with the June gate off, one application
each (holders one level up, the rest 1-star), checked by the product's own
E check. Then, through the cycle's own transition() as the supervisor does it:

1. 截止申报: every application checked again at R, the quota basis kept (Q1);
2. the team leaders' reviews (all confirmed, in one statement: the benchmark
   times the supervisor's step, not 20,000 clicks);
3. 确定推荐名单: E at R again, Q3 order, Q4 overflow, the Q2 cap, 20,000
   Recommendation rows written, audited. Goal: a few seconds.
"""
from __future__ import annotations

import datetime
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

from title_holders import agents_with_titles

TITLE = "推荐名单（2 万人：截止申报、确定推荐名单）"
AGENTS = 20_000
TEAMS = 40
YEAR = 2026
R = datetime.date(YEAR, 9, 30)
RATED_MONTHS = (4, 5, 6, 7, 8, 9)  # M7: the six whole months ending on or before R
HONOURS = 150


def _aware(day: datetime.date) -> datetime.datetime:
    from django.utils import timezone

    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)), timezone.get_default_timezone())


def build_cycle(seed: int = YEAR):
    """The hotline, its 2026 policy and cycle with 20,000 checked applications; returns (cycle, supervisor)."""
    from django.db import transaction

    from stardesk.accounts.models import Role, User
    from stardesk.assessment.models import MonthlyScore, ScoreSource
    from stardesk.cycle import services
    from stardesk.cycle.eligibility import check_applications
    from stardesk.cycle.models import Application, ApplicationSource
    from stardesk.events.models import Category, Event
    from stardesk.payouts import bulk_writes
    from stardesk.people.models import Hotline, Team
    from stardesk.yearly_policy import services as policy_services

    rng = random.Random(seed)
    with transaction.atomic():
        hotline = Hotline.objects.create(name="基准推荐热线", code="bench-recommend")
        supervisor = User.objects.create_user(username="bench-recommend-supervisor", password=None,
                                              role=Role.SUPERVISOR, hotline=hotline)
        policy = policy_services.policy_create_from_defaults(actor=None, hotline=hotline, year=YEAR, as_system=True)
        policy_services.policy_update(actor=None, policy=policy, values={"e7_gate_enabled": False},
                                      reason="基准测试：未举行年中考试", as_system=True)
        teams = Team.objects.bulk_create([Team(hotline=hotline, name=f"推荐{n:02d}班") for n in range(1, TEAMS + 1)])
        people, level_of = agents_with_titles(hotline, teams, count=AGENTS, staff_prefix="R",
                                              started=lambda n: datetime.date(2015 + n % 10, 1 + n % 12, 1),
                                              title_start=datetime.date(2025, 10, 17), rng=rng)
        bulk_writes.insert_rows(MonthlyScore, [
            {"person_id": found.pk, "hotline_id": hotline.pk, "team_id": found.team_id,
             "month": datetime.date(YEAR, m, 1), "score": Decimal(str(round(min(100.0, rng.gauss(94.0, 3.0)), 1))),
             "source": ScoreSource.ENTERED, "confirmed_at": _aware(datetime.date(YEAR, m, 28))}
            for found in people for m in RATED_MONTHS
        ])
        Event.objects.bulk_create([
            Event(hotline=hotline, person=found, date=datetime.date(YEAR, 5, 4), month=datetime.date(YEAR, 5, 1), category=Category.ADVANCED_INDIVIDUAL,
                  description="年度先进个人")
            for found in rng.sample(people, HONOURS)
        ])
        cycle = services.cycle_open(actor=supervisor, hotline=hotline, year=YEAR, reference_date=R)
        applications = [
            Application(cycle=cycle, person=found, level=min(3, level_of.get(found.pk, 0) + 1),
                        source=ApplicationSource.SUPERVISOR, submitted_by=supervisor, submitted_by_name=str(supervisor))
            for found in people
        ]
        check_applications(cycle, applications)
        Application.objects.bulk_create(applications, batch_size=2000)
    return cycle, supervisor


def finalise(bench) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from stardesk.audit.models import AuditEntry
    from stardesk.cycle import services
    from stardesk.cycle.models import Application, Recommendation, ReviewStatus, Step

    started = time.perf_counter()
    cycle, supervisor = build_cycle()
    eligible = Application.objects.filter(cycle=cycle, eligible=True).count()
    bench.record("准备：2 万人热线与 2 万份申报", time.perf_counter() - started, f"符合申报条件 {eligible:,} 份")

    started = time.perf_counter()
    cycle = services.cycle_transition(actor=supervisor, cycle=cycle, to=Step.LEADER_CHECK)
    bench.record("截止申报（基准日资格复查、名额依据）", time.perf_counter() - started,
                 f"在岗 {cycle.headcount:,} 人, 名额 {cycle.quota_level1}/{cycle.quota_level2}/{cycle.quota_level3}")

    Application.objects.filter(cycle=cycle, eligible=True).update(review_status=ReviewStatus.CONFIRMED,
                                                                  reviewed_by_name="班长")
    audited = AuditEntry.objects.count()
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        cycle = services.cycle_transition(actor=supervisor, cycle=cycle, to=Step.ASSESSMENT)
    seconds = time.perf_counter() - started
    rows = Recommendation.objects.filter(cycle=cycle)
    recommended = rows.exclude(level=None).count()
    bench.record(
        f"确定推荐名单（{rows.count():,} 行）", seconds,
        f"推荐 {recommended:,} 人, 审计 {AuditEntry.objects.count() - audited:,} 条, {len(queries)} 次查询; 目标: 数秒",
    )


def section(bench) -> None:
    finalise(bench)


def main(argv: list[str] | None = None) -> int:
    """Alone, on a fresh SQLite file (or DATABASE_URL's database, which must hold no hotline)."""
    import os
    import tempfile

    if "DATABASE_URL" not in os.environ:
        os.environ["STARDESK_DATA_DIR"] = tempfile.mkdtemp(prefix="stardesk-recommend-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stardesk.settings")
    os.environ.setdefault("STARDESK_DEMO", "1")
    here = Path(__file__).resolve().parent
    sys.path[:0] = [str(here.parent / "src"), str(here)]
    import django

    django.setup()
    from django.core.management import call_command

    import run

    call_command("migrate", verbosity=0, interactive=False)
    bench = run.Bench(run.argparse.Namespace())
    bench.section = TITLE
    print(f"[{TITLE}]", flush=True)
    section(bench)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
