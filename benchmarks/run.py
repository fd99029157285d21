"""StarDesk benchmark: a 20,000-agent group and the work that must stay fast on it.

    python benchmarks/run.py [--hotlines 40] [--agents-per-hotline 500] [--roster-rows 20000] [--json FILE]
                             [--only SECTION ...]   # e.g. --only month_close: the organisation, then that section

Runs on the database of the environment (DATABASE_URL, or the SQLite file
under STARDESK_DATA_DIR), which must hold no hotline yet: the benchmark
migrates it and fills it. `bash scripts/benchmark.sh` runs it on a fresh
SQLite file and on a throwaway PostgreSQL.

Sections, in order:
- organisation: the demo generator builds the group (hotlines, teams, agents,
  two years of titles, an account each);
- roster: the 花名册 import of a 20,000-row .xlsx, against its floor measured
  in the same run (reading the same file raw with python-calamine plus one
  bulk insert of the same rows into the people table); goal: within 2×;
- every module benchmarks/*_bench.py that defines `section(bench)`, in name
  order (policy functions, month close, …). Such a function times its steps
  with `with bench.timed("label", note=...)` or reports with `bench.record`,
  and may use `bench.group` (the built DemoGroup: hotlines, people, facts).
"""
import argparse
import datetime
import importlib.util
import json
import os
import random
import shutil
import sys
import tempfile
import time
import unicodedata
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
GOAL_RATIO = 2.0


def _pad(text: str, width: int) -> str:
    """Left-align in a terminal, where a Chinese character takes two columns."""
    shown = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(0, width - shown)


@dataclass
class Result:
    section: str
    label: str
    seconds: float | None
    note: str = ""


class Bench:
    """What a section gets: timing helpers, the database in use, the built group."""

    def __init__(self, args):
        self.args = args
        self.results: list[Result] = []
        self.section = ""
        self.group = None
        self.temp_dir = Path(tempfile.mkdtemp(prefix="stardesk-bench-"))

    @property
    def database(self) -> str:
        from django.db import connection

        return connection.vendor

    def record(self, label: str, seconds: float | None, note: str = "") -> Result:
        result = Result(self.section, label, seconds, note)
        self.results.append(result)
        shown = f"{seconds:8.2f} s" if seconds is not None else "       —  "
        print(f"  {_pad(label, 36)} {shown}  {note}".rstrip(), flush=True)
        return result

    @contextmanager
    def timed(self, label: str, note: str = ""):
        started = time.perf_counter()
        yield
        self.record(label, time.perf_counter() - started, note)


# -- organisation ------------------------------------------------------------------

KIND_WORDS = {"hotlines": "热线", "teams": "班组", "people": "人员", "titles": "星级记录", "accounts": "账号", "audit": "审计记录", "policies": "年度政策", "cycle": "评定年度"}



def organisation(bench: Bench) -> None:
    from stardesk.demo import hotline_builder

    args = bench.args
    started = time.perf_counter()
    group = hotline_builder.build_group(hotlines=args.hotlines, agents_per_hotline=args.agents_per_hotline)
    seconds = time.perf_counter() - started
    counts = group.counts
    bench.group = group
    bench.record(
        f"生成 {counts['people']:,} 名客服的组织",
        seconds,
        f"{counts['hotlines']} 条热线, {counts['teams']:,} 个班组, {counts['titles']:,} 条星级记录, {counts['accounts']:,} 个账号",
    )
    for kind, part in group.timings.items():
        bench.record(f"  其中 {KIND_WORDS.get(kind, kind)}", part)


# -- roster import -------------------------------------------------------------------

ROSTER_HEADERS = ("工号", "姓名", "班组", "用工性质", "进入热线日期", "工种", "工种起始日期", "状态", "离职日期")
EMPLOYMENT_WORDS = (("正式", 80), ("临时", 12), ("外聘", 8))
ROSTER_TEAMS = 33


def write_roster(path: Path, rows: int, seed: int = 7) -> None:
    """A 花名册 as a supervisor would hand it in: text 工号, date cells, 5% leavers."""
    import xlsxwriter

    from stardesk.demo import chinese_names

    rng = random.Random(seed)
    names = chinese_names.unique_names(rng, rows)
    teams = [chinese_names.team_name(n) for n in range(1, ROSTER_TEAMS + 1)]
    words, weights = zip(*EMPLOYMENT_WORDS)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("花名册")
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, ROSTER_HEADERS)
    today = datetime.date(2026, 9, 30)
    for n in range(1, rows + 1):
        start = today - datetime.timedelta(days=rng.randrange(365, 8 * 365))
        left = start + datetime.timedelta(days=rng.randrange(90, 365)) if rng.random() < 0.05 else None
        sheet.write_string(n, 0, f"B{n:05d}")
        sheet.write_string(n, 1, names[n - 1])
        sheet.write_string(n, 2, rng.choice(teams))
        sheet.write_string(n, 3, rng.choices(words, weights=weights)[0])
        sheet.write_datetime(n, 4, datetime.datetime.combine(start, datetime.time()), date)
        sheet.write_string(n, 5, "话务员")
        sheet.write_datetime(n, 6, datetime.datetime.combine(start, datetime.time()), date)
        sheet.write_string(n, 7, "离职" if left else "在职")
        if left:
            sheet.write_datetime(n, 8, datetime.datetime.combine(left, datetime.time()), date)
    book.close()


def _as_date(value):
    if isinstance(value, datetime.datetime):
        return value.date()
    return value or None


def roster_floor(path: Path, hotline) -> int:
    """The least any roster import must do: read the cells, insert the rows."""
    import python_calamine
    from django.db import transaction

    from stardesk.people.models import EmploymentType, Person, Team

    employment = {"正式": EmploymentType.PERMANENT, "临时": EmploymentType.TEMPORARY, "外聘": EmploymentType.OUTSOURCED}
    rows = python_calamine.CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    column = {header: i for i, header in enumerate(rows[0])}
    data = rows[1:]
    with transaction.atomic():
        teams = Team.objects.bulk_create([Team(hotline=hotline, name=name) for name in sorted({r[column["班组"]] for r in data})])
        team_of = {team.name: team for team in teams}
        Person.objects.bulk_create(
            [
                Person(
                    hotline=hotline,
                    staff_no=r[column["工号"]],
                    name=r[column["姓名"]],
                    team=team_of[r[column["班组"]]],
                    employment_type=employment[r[column["用工性质"]]],
                    hotline_start=_as_date(r[column["进入热线日期"]]),
                    job_type=r[column["工种"]],
                    job_type_start=_as_date(r[column["工种起始日期"]]),
                    left_on=_as_date(r[column["离职日期"]]),
                )
                for r in data
            ],
            batch_size=1000,
        )
    return len(data)


def roster(bench: Bench) -> None:
    from stardesk.people.models import Hotline, Person

    try:
        from stardesk.sheets import services as sheet_services
    except ImportError:
        bench.record("花名册导入", None, "尚不可用：stardesk.sheets 还没有导入服务")
        return

    rows = bench.args.roster_rows
    path = bench.temp_dir / "花名册.xlsx"
    with bench.timed(f"写出 {rows:,} 行花名册 .xlsx"):
        write_roster(path, rows)
    size = path.stat().st_size
    path.read_bytes()  # warm the page cache, so neither side pays for the first read

    # Best of --repeat rounds, floor and product alternating, each into a fresh hotline:
    # the machine's other work then weighs on both sides alike.
    floors, products = [], []
    for round_no in range(1, bench.args.repeat + 1):
        floor_hotline = Hotline.objects.create(name=f"基准下限热线{round_no}", code=f"bench-floor-{round_no}")
        started = time.perf_counter()
        inserted = roster_floor(path, floor_hotline)
        floors.append(time.perf_counter() - started)

        import_hotline = Hotline.objects.create(name=f"基准导入热线{round_no}", code=f"bench-import-{round_no}")
        started = time.perf_counter()
        with path.open("rb") as source:
            run = sheet_services.sheet_import(
                actor=None, kind="roster", source=source, file_name=path.name, hotline=import_hotline, as_system=True
            )
        products.append(time.perf_counter() - started)
    floor, product = min(floors), min(products)
    best_of = f"{len(floors)} 轮取最快"
    bench.record("下限：calamine 读取 + 一次批量插入", floor, f"{inserted:,} 行, 文件 {size / 1024:,.0f} KB; {best_of}")
    created = Person.objects.filter(hotline=import_hotline).count()
    ratio = product / floor
    verdict = "达标" if ratio <= GOAL_RATIO else "未达标"
    bench.record(
        "花名册导入（产品）",
        product,
        f"新增 {run.created:,} 人（库中 {created:,}）; {best_of}; 为下限的 {ratio:.2f} 倍, 目标 ≤ {GOAL_RATIO:g} 倍: {verdict}",
    )

    started = time.perf_counter()
    with path.open("rb") as source:
        again = sheet_services.sheet_import(
            actor=None, kind="roster", source=source, file_name=path.name, hotline=import_hotline, as_system=True
        )
    bench.record("同一文件再导入一次（无变化）", time.perf_counter() - started, f"未变 {again.unchanged:,} 人, 修改 {again.updated}")


# -- more sections -------------------------------------------------------------------


def discovered_sections():
    """benchmarks/*_bench.py modules that define section(bench), in name order."""
    for path in sorted(BENCH_DIR.glob("*_bench.py")):
        spec = importlib.util.spec_from_file_location(f"benchmarks_{path.stem}", path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # a section's dataclasses look their module up while it loads
        spec.loader.exec_module(module)
        section = getattr(module, "section", None)
        title = getattr(module, "TITLE", path.stem)
        yield title, section, path.name


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="StarDesk benchmark")
    parser.add_argument("--hotlines", type=int, default=40)
    parser.add_argument("--agents-per-hotline", type=int, default=500)
    parser.add_argument("--roster-rows", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=2, help="rounds of the roster import and its floor (best is kept)")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument(
        "--only", action="append", metavar="SECTION",
        help="run only this section (roster, or a benchmarks/<SECTION>_bench.py); repeatable; the organisation always runs",
    )
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.roster_rows < 1:
        parser.error("--repeat and --roster-rows must be at least 1")

    sys.path.insert(0, str(BENCH_DIR.parent / "src"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stardesk.settings")
    os.environ.setdefault("STARDESK_DEMO", "1")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from stardesk.people.models import Hotline

    call_command("migrate", verbosity=0, interactive=False)
    if Hotline.objects.exists():
        print("数据库里已有热线：基准测试需要一个空数据库（见 scripts/benchmark.sh）。", file=sys.stderr)
        return 2

    bench = Bench(args)
    print(f"StarDesk 基准测试 · 数据库 {connection.vendor} · {datetime.datetime.now():%Y-%m-%d %H:%M}", flush=True)
    sections = [("组织", organisation, "run.py"), ("花名册导入", roster, "roster"), *discovered_sections()]
    if args.only:
        # The organisation builds the group later sections read (bench.group): it always runs.
        wanted = {name.removesuffix("_bench.py").removesuffix("_bench") for name in args.only}
        known = {source.removesuffix("_bench.py") for _t, _s, source in sections[1:]}
        if wanted - known:
            parser.error(f"unknown section(s): {', '.join(sorted(wanted - known))}; known: {', '.join(sorted(known))}")
        sections = [sections[0], *(s for s in sections[1:] if s[2].removesuffix("_bench.py") in wanted)]
    failed = False
    for title, section, source in sections:
        bench.section = title
        print(f"\n[{title}]", flush=True)
        if section is None:
            bench.record(title, None, f"{source} 没有定义 section(bench)，跳过")
            continue
        try:
            section(bench)
        except Exception as error:  # one broken section must not hide the others' figures
            failed = True
            bench.record(title, None, f"出错: {type(error).__name__}: {error}")
    shutil.rmtree(bench.temp_dir, ignore_errors=True)
    if args.json:
        args.json.write_text(
            json.dumps({"database": connection.vendor, "results": [asdict(r) for r in bench.results]}, ensure_ascii=False, indent=2)
        )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
