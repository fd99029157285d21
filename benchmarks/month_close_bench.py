"""Closing a month for 20,000 agents (M3 scores locked, M4 allowance lines, M6 checks), on the database in use.

A section of benchmarks/run.py (``section(bench)``):

1. One hotline of 20,000 agents (40 teams, about 30% holders, three months of
   2025 history so M6 has runs to count, a few month sanctions of M5 in
   October): the 月度考核 sheet of October 2025 imported whole, 20,000 rows —
   the month is locked (40 registers accepted), every holder's line computed
   and M6 checked, in one import; the same file again (nothing changes); then
   the whole month recomputed by the supervisor (every line compared, none
   rewritten).
2. The demo group built by the organisation section (``bench.group``, 40
   hotlines × 500 agents): last month, which the demo leaves being handed in
   (demo.daily_records: most teams' scores confirmed from their weeks and
   their registers handed in), completed — the remaining scores confirmed,
   every register handed in — then every team's register accepted one by
   one, as supervisors do, each acceptance computing its team's lines and
   M6 checks.
"""
from __future__ import annotations

import datetime
import random
import time
from decimal import Decimal

from title_holders import agents_with_titles

TITLE = "月度结算（2 万人：得分锁定、星级待遇、持续低分）"
AGENTS = 20_000
TEAMS = 40
HISTORY = (7, 8, 9)  # July–September 2025: M6 counts runs within the year


def _aware(day: datetime.date, hour: int = 9) -> datetime.datetime:
    from django.utils import timezone

    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)), timezone.get_default_timezone())


def _score(rng: random.Random, mean: float, spread: float = 1.5) -> Decimal:
    return Decimal(str(round(min(100.0, max(60.0, rng.gauss(mean, spread))), 1)))


def build_hotline(seed: int = 2025):
    """The 20,000-agent hotline with its 2025 history; returns (hotline, the October file rows)."""
    from django.db import transaction

    from stardesk.assessment.models import MonthlyScore, Register, RegisterState, ScoreSource
    from stardesk.events.models import Category, Event, Sanction, Severity
    from stardesk.payouts import bulk_writes
    from stardesk.people.models import Hotline, Team
    from stardesk.policy.conventions import Month
    from stardesk.policy.yearly import YearlyPolicy, policy_to_dict
    from stardesk.yearly_policy.models import CyclePolicy, version_label

    rng = random.Random(seed)
    with transaction.atomic():
        hotline = Hotline.objects.create(name="基准结算热线", code="bench-close")
        for year in (2024, 2025):
            CyclePolicy.objects.create(hotline=hotline, year=year, data=policy_to_dict(YearlyPolicy(p2_version=version_label(year, 1))))
        teams = Team.objects.bulk_create([Team(hotline=hotline, name=f"结算{n:02d}班") for n in range(1, TEAMS + 1)])
        people, level_of = agents_with_titles(hotline, teams, count=AGENTS, staff_prefix="C", started=lambda n: datetime.date(2020, 1, 1),
                                              title_start=datetime.date(2024, 10, 18), rng=rng)
        months = [Month(2025, m) for m in HISTORY]
        scores = []  # plain rows: 60,000 model objects would cost more than the insert
        for person in people:
            mean = 97.0 if person.pk in level_of else 91.0
            # one holder in forty has scored low since August: October may complete an M6 run
            slipping = person.pk in level_of and rng.random() < 0.025
            for month in months:
                value = _score(rng, 92.0 if slipping and month.month >= 8 else mean)
                scores.append({"person_id": person.pk, "hotline_id": hotline.pk, "team_id": person.team_id, "month": month.first_day,
                               "score": value, "source": ScoreSource.ENTERED, "confirmed_at": _aware(month.next().first_day)})
        bulk_writes.insert_rows(MonthlyScore, scores)
        Register.objects.bulk_create(
            [Register(hotline=hotline, team=t, month=m.first_day, state=RegisterState.ACCEPTED, accepted_at=_aware(m.next().first_day))
             for t in teams for m in months]
        )
        holders = [p for p in people if p.pk in level_of]
        Event.objects.bulk_create(
            [
                Event(hotline=hotline, person=p, date=datetime.date(2025, 10, 9), month=datetime.date(2025, 10, 1),
                      category=Category.VIOLATION, severity=Severity.GENERAL, sanction=Sanction.MONTH_LOWER, description="违反服务规范")
                for p in rng.sample(holders, k=len(holders) // 100)
            ]
        )
    rows = [["工号", "月份", "月度得分"]]
    for person in people:
        rows.append([person.staff_no, "2025-10", str(_score(rng, 97.0 if person.pk in level_of else 91.0))])
    return hotline, rows, len(holders)


def write_sheet(path, rows) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("月度考核")
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            sheet.write_string(r, c, value)
    book.close()


def import_month(bench) -> None:
    from stardesk.payouts import month_close
    from stardesk.payouts.models import AllowanceLine, LineCause, LowScoreProposal
    from stardesk.policy.conventions import Month
    from stardesk.sheets import services

    started = time.perf_counter()
    hotline, rows, holders = build_hotline()
    bench.record("准备：2 万人热线与 3 个月历史", time.perf_counter() - started, f"{holders:,} 名持星人员, {AGENTS * len(HISTORY):,} 条历史得分")
    path = bench.temp_dir / "月度考核.xlsx"
    write_sheet(path, rows)

    started = time.perf_counter()
    with path.open("rb") as source:
        run = services.sheet_import(actor=None, kind="monthly_scores", source=source, file_name=path.name, hotline=hotline, as_system=True)
    seconds = time.perf_counter() - started
    lines = AllowanceLine.objects.filter(hotline=hotline, month=datetime.date(2025, 10, 1)).count()
    proposals = LowScoreProposal.objects.filter(hotline=hotline).count()
    bench.record(
        "月度考核导入 2 万行（整月结算）", seconds,
        f"新增 {run.created:,} 条得分, 接收 {TEAMS} 份登记表, 计算 {lines:,} 行待遇, 持续低分提议 {proposals} 项",
    )

    started = time.perf_counter()
    with path.open("rb") as source:
        again = services.sheet_import(actor=None, kind="monthly_scores", source=source, file_name=path.name, hotline=hotline, as_system=True)
    bench.record("同一文件再导入一次（无变化）", time.perf_counter() - started, f"未变 {again.unchanged:,} 行")

    started = time.perf_counter()
    result = month_close.close_month(actor=None, hotline=hotline, month=Month(2025, 10), cause=LineCause.RECOMPUTED)
    bench.record("整月重新计算（待遇与 M6）", time.perf_counter() - started, f"{result.lines:,} 行比对, 变更 {result.changed}, 新增 {result.created}")


def accept_registers(bench) -> None:
    from django.db import transaction
    from django.utils import timezone

    from stardesk.accounts.models import Role
    from stardesk.assessment import services as assessment
    from stardesk.assessment.models import MonthlyScore, Register, RegisterState, ScoreSource
    from stardesk.payouts import bulk_writes
    from stardesk.payouts.models import AllowanceLine
    from stardesk.people.models import Person
    from stardesk.policy.conventions import Month

    group = bench.group
    if group is None:
        bench.record("逐个班组接收登记表", None, "跳过：组织部分没有生成演示数据")
        return
    month = Month.of(timezone.localdate()).prev()  # the month the demo leaves being handed in
    handed_in = timezone.now() - datetime.timedelta(minutes=5)
    rng = random.Random(2026)
    started = time.perf_counter()
    hotlines = [demo.hotline for demo in group.hotlines]
    with transaction.atomic():
        scored = set(MonthlyScore.objects.filter(hotline__in=hotlines, month=month.first_day).values_list("person_id", flat=True))
        people = list(
            Person.objects.filter(hotline__in=hotlines, hotline_start__lte=month.last_day)
            .exclude(left_on__lte=month.first_day).values_list("pk", "hotline_id", "team_id")
        )
        bulk_writes.insert_rows(
            MonthlyScore,
            [
                {"person_id": pk, "hotline_id": h, "team_id": t, "month": month.first_day, "score": _score(rng, 95.5),
                 "source": ScoreSource.ENTERED, "confirmed_at": handed_in}
                for pk, h, t in people if pk not in scored
            ],
        )
        waiting = {r.team_id: r for r in Register.objects.filter(hotline__in=hotlines, month=month.first_day)}
        Register.objects.filter(pk__in=[r.pk for r in waiting.values()]).exclude(state=RegisterState.SUBMITTED).update(
            state=RegisterState.SUBMITTED, first_submitted_at=handed_in, submitted_at=handed_in
        )
        Register.objects.bulk_create(
            [
                Register(hotline=demo.hotline, team=team, month=month.first_day, state=RegisterState.SUBMITTED,
                         first_submitted_at=handed_in, submitted_at=handed_in)
                for demo in group.hotlines for team in demo.teams if team.pk not in waiting
            ]
        )
        registers = list(Register.objects.filter(hotline__in=hotlines, month=month.first_day))
    bench.record(
        f"准备：2 万人 {month} 得分已确认、登记表已提交", time.perf_counter() - started,
        f"{len(people):,} 人（其中演示数据已确认 {len(scored):,} 人）, {len(registers):,} 份登记表",
    )
    supervisors = {demo.hotline.pk: demo.accounts[Role.SUPERVISOR][0] for demo in group.hotlines}
    started = time.perf_counter()
    for register in Register.objects.filter(pk__in=[r.pk for r in registers]).order_by("pk"):
        assessment.register_accept(actor=supervisors[register.hotline_id], register=register)
    seconds = time.perf_counter() - started
    lines = AllowanceLine.objects.filter(hotline__in=hotlines, month=month.first_day).count()
    bench.record(
        f"逐个接收 {len(registers):,} 份登记表", seconds,
        f"{len(people):,} 人, {lines:,} 行待遇; 每份平均 {seconds / max(1, len(registers)) * 1000:.0f} 毫秒",
    )


def section(bench) -> None:
    import_month(bench)
    accept_registers(bench)
