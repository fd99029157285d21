"""500 agents handing in the June exam in the same minute against a running server: nothing is lost.

    python benchmarks/exam_submissions_bench.py [--agents 500] [--clients 100] [--workers 2] [--threads N]

A section of benchmarks/run.py (``section(bench)``), also runnable on its own
(then on a throwaway SQLite file in a temporary folder).

What it does, on the benchmark's database:
- builds a hotline of N agents with accounts, a 10-question June paper
  (统一命题), and an open sitting inviting everyone;
- the exam so far: every agent has opened it and answered eight of the ten
  questions (written through the services, as the server would);
- starts gunicorn on 127.0.0.1 (a free port, loopback only) on the same
  database, with every agent signed in already (a session each: sign-in, a
  password hash per person, is not what is measured);
- the last minute: all agents at once (``--clients`` requests in flight)
  save their last two answers, one request each as the exam page does, and
  hand in; a refused or failed save is sent again after a second, as the page
  retries it;
- then reads the database: every attempt handed in, every answer stored as
  last sent. It reports whether the minute held, the p50/p95/max latency of
  the saves and hand-ins, and the answers lost (goal: 0).
Bounded: each request times out after 30 s, the whole load after 300 s; the
server is stopped (by its process id) whatever happens.
"""
from __future__ import annotations

import argparse
import datetime
import http.client
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

TITLE = "考试并发交卷（运行中的服务器）"
ROOT = Path(__file__).resolve().parents[1]
REQUEST_TIMEOUT = 30
LOAD_DEADLINE = 300
LETTERS = "ABCD"


@dataclass
class Agent:
    staff_no: str
    session_key: str
    invitation: int
    attempt: int | None = None
    sent: dict[int, str] = field(default_factory=dict)  # item id → value sent last
    submitted: bool = False
    error: str = ""


@dataclass
class Timings:
    lock: threading.Lock = field(default_factory=threading.Lock)
    by_kind: dict[str, list[float]] = field(default_factory=dict)
    failures: dict[str, int] = field(default_factory=dict)

    def add(self, kind: str, seconds: float, ok: bool) -> None:
        with self.lock:
            self.by_kind.setdefault(kind, []).append(seconds)
            if not ok:
                self.failures[kind] = self.failures.get(kind, 0) + 1


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, int(round(share * len(ordered) + 0.5)) - 1))
    return ordered[index]


# -- the exam ---------------------------------------------------------------------------------------


def build_exam(agents: int, tag: str):
    """A hotline with ``agents`` agents and accounts, a June paper of 10 questions, an open sitting inviting everyone."""
    from django.contrib.auth.hashers import make_password
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone
    from django.utils.crypto import get_random_string

    from stardesk.accounts.models import Role, User
    from stardesk.exams import services
    from stardesk.exams.models import Area, PaperMode, QuestionType, SectionKind, SittingKind
    from stardesk.exams.services import RuleInput, SectionInput
    from stardesk.people.models import EmploymentType, Hotline, Person, Team

    hotline = Hotline.objects.create(name=f"并发考试基准热线{tag}", code=f"bench-exam-{tag}")
    team = Team.objects.create(hotline=hotline, name="一班")
    start = datetime.date(2020, 3, 1)
    people = Person.objects.bulk_create([
        Person(hotline=hotline, staff_no=f"E{n:05d}", name=f"考生{n:05d}", team=team, employment_type=EmploymentType.PERMANENT,
               hotline_start=start, job_type="话务员", job_type_start=start)
        for n in range(1, agents + 1)
    ])
    password = make_password(get_random_string(20))
    supervisor = User.objects.create(username=f"bench-exam-supervisor-{tag}", role=Role.SUPERVISOR, hotline=hotline, password=password)
    users = User.objects.bulk_create([
        User(username=f"bench-{tag}-{p.staff_no}", role=Role.AGENT, hotline=hotline, person=p, password=password) for p in people
    ])
    for n in range(8):
        services.question_create(actor=supervisor, hotline=hotline, area=Area.DIGITAL_TV, qtype=QuestionType.SINGLE, level=0, difficulty=3,
                                 stem=f"数字电视业务单选题 {n + 1}", options=["信号线", "遥控器", "音量", "余额"], answer_text="A", marks=10)
    for n in range(2):
        services.question_create(actor=supervisor, hotline=hotline, area=Area.SERVICE_NORMS, qtype=QuestionType.TRUE_FALSE, level=0,
                                 difficulty=3, stem=f"服务规范判断题 {n + 1}", answer_text="对", marks=10)
    blueprint = services.blueprint_create(actor=supervisor, hotline=hotline, name="年中综合考试", kind=SittingKind.JUNE, sections=[
        SectionInput("知识", SectionKind.KNOWLEDGE, Decimal(1), [
            RuleInput(Area.DIGITAL_TV, QuestionType.SINGLE, 8, Decimal(10), 3),
            RuleInput(Area.SERVICE_NORMS, QuestionType.TRUE_FALSE, 2, Decimal(10)),
        ]),
    ])
    paper = services.paper_materialise(actor=supervisor, blueprint=blueprint, title="年中综合考试试卷")
    now = timezone.now()
    sitting = services.sitting_create(actor=supervisor, hotline=hotline, name="年中综合考试（并发基准）", kind=SittingKind.JUNE,
                                      mode=PaperMode.SHARED, paper=paper, opens_at=now - datetime.timedelta(minutes=5),
                                      closes_at=now + datetime.timedelta(hours=2), time_limit_minutes=60, grace_seconds=60)
    services.invite_everyone(actor=supervisor, sitting=sitting)
    services.sitting_open(actor=supervisor, sitting=sitting)
    items = {item.pk: item.version.question.qtype for item in paper.items.select_related("version__question").order_by("position")}
    # Every agent signed in already: a session each (what a login leaves behind), in one insert.
    store = SessionStore()
    expires = now + datetime.timedelta(hours=2)
    sessions, keys = [], {}
    for user in users:
        key = get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789")
        data = {"_auth_user_id": str(user.pk), "_auth_user_backend": "django.contrib.auth.backends.ModelBackend",
                "_auth_user_hash": user.get_session_auth_hash()}
        sessions.append(Session(session_key=key, session_data=store.encode(data), expire_date=expires))
        keys[user.person_id] = key
    Session.objects.bulk_create(sessions, batch_size=1000)
    invitations = {i.person_id: i for i in sitting.invitations.all()}
    return sitting, items, [(user, invitations[user.person_id], keys[user.person_id]) for user in users]


def exam_so_far(sitting, items: dict[int, str], signed_in, rng: random.Random) -> list[Agent]:
    """Every agent opened the exam (attempt_start, as the server does) and has the first eight answers stored."""
    from django.utils import timezone

    from stardesk.exams import services
    from stardesk.exams.models import Answer

    roster = []
    first = list(items)[:-2]
    for user, invitation, key in signed_in:
        attempt = services.attempt_start(actor=user, invitation=invitation)
        agent = Agent(user.person.staff_no, key, invitation.pk, attempt.pk)
        agent.sent = {item_id: _value(items[item_id], rng) for item_id in first}
        roster.append(agent)
    # The saves of the exam so far, written as answer_save stores them (one UPDATE per kind of row here).
    by_attempt = {agent.attempt: agent for agent in roster}
    answers = list(Answer.objects.filter(attempt_id__in=list(by_attempt), item_id__in=first))
    now = timezone.now()
    for answer in answers:
        value = by_attempt[answer.attempt_id].sent[answer.item_id]
        answer.response = value if items[answer.item_id] == "single" else value == "true"
        answer.saved_at, answer.saves = now, 1
    Answer.objects.bulk_update(answers, ["response", "saved_at", "saves"], batch_size=2000)
    return roster


def _value(qtype: str, rng: random.Random) -> str:
    return rng.choice(LETTERS) if qtype == "single" else rng.choice(("true", "false"))


# -- the server -------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(port: int, workers: int, threads: int, log: Path) -> subprocess.Popen:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT / "src"), env.get("PYTHONPATH", "")]))
    env.setdefault("DJANGO_SETTINGS_MODULE", "stardesk.settings")
    command = [sys.executable, "-m", "gunicorn", "stardesk.wsgi:application", "--bind", f"127.0.0.1:{port}",
               "--workers", str(workers), "--threads", str(threads), "--worker-class", "gthread", "--timeout", "60",
               "--graceful-timeout", "5", "--log-level", "warning"]
    handle = log.open("wb")
    return subprocess.Popen(command, cwd=str(ROOT), env=env, stdout=handle, stderr=subprocess.STDOUT)


def wait_until_up(port: int, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {server.returncode}")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/login/")
            if conn.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError("gunicorn did not answer within a minute")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=5)


# -- one agent --------------------------------------------------------------------------------------


CSRF = "benchcsrf" + "0" * 23  # a 32-character secret, sent as cookie and header (what the exam page does)


def post(port: int, agent: Agent, path: str, fields: dict) -> tuple[int, dict]:
    body = urllib.parse.urlencode(fields, doseq=True)
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"sessionid={agent.session_key}; csrftoken={CSRF}",
        "X-CSRFToken": CSRF,
    }
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=REQUEST_TIMEOUT)
    try:
        conn.request("POST", path, body=body, headers=headers)
        response = conn.getresponse()
        response.read()
        return response.status, dict(response.getheaders())
    finally:
        conn.close()


RETRIES = 5


def _send(port: int, agent: Agent, path: str, fields: dict, kind: str, ok_status: int, timings: Timings) -> bool:
    """One request, sent again after a second when refused or lost (as the exam page retries); True when it landed."""
    for attempt in range(RETRIES):
        began = time.perf_counter()
        try:
            status, _headers = post(port, agent, path, fields)
        except OSError:
            status = 0
        timings.add(kind if attempt == 0 else f"{kind}-retry", time.perf_counter() - began, status == ok_status)
        if status == ok_status:
            return True
        time.sleep(1)
    return False


def last_minute(port: int, agent: Agent, items: dict[int, str], timings: Timings, rng: random.Random, go: threading.Event) -> None:
    """The agent's last minute: the two answers left, one request each, then the hand-in."""
    go.wait()
    try:
        for item_id in list(items)[-2:]:
            value = _value(items[item_id], rng)
            if _send(port, agent, f"/exams/attempts/{agent.attempt}/answers/{item_id}/", {"value": value}, "save", 200, timings):
                agent.sent[item_id] = value
            else:
                agent.error = "save failed after retries"
        agent.submitted = _send(port, agent, f"/exams/attempts/{agent.attempt}/submit/", {"how": "timer"}, "submit", 302, timings)
        if not agent.submitted:
            agent.error = "hand-in failed after retries"
    except Exception as error:  # one agent's trouble is reported, never hides the others'
        agent.error = f"{type(error).__name__}: {error}"


def verify(roster: list[Agent], items: dict[int, str]) -> tuple[int, int, int]:
    """(attempts handed in, answers stored as sent, answers lost) as the database holds them."""
    from stardesk.exams.models import Answer, Attempt, AttemptStatus

    attempts = {a.attempt for a in roster if a.attempt}
    submitted = Attempt.objects.filter(pk__in=attempts, status=AttemptStatus.SUBMITTED).count()
    stored = {(a, i): r for a, i, r in Answer.objects.filter(attempt_id__in=attempts).values_list("attempt_id", "item_id", "response")}
    kept = lost = 0
    for agent in roster:
        for item_id, value in agent.sent.items():
            expected = value if items[item_id] == "single" else value == "true"
            if stored.get((agent.attempt, item_id)) == expected:
                kept += 1
            else:
                lost += 1
    return submitted, kept, lost


# -- the section ------------------------------------------------------------------------------------


def run_load(record, *, agents: int = 500, clients: int = 100, workers: int = 2, threads: int | None = None, tag: str = "") -> int:
    """Build, serve, load, verify; ``record(label, seconds, note)`` reports. Returns the answers lost (or agents not handed in).

    ``threads`` per worker default to 4 on SQLite (one writer at a time: more threads only wait for its lock)
    and 8 on PostgreSQL.
    """
    from django.db import connection

    threads = threads or (4 if connection.vendor == "sqlite" else 8)
    tag = tag or datetime.datetime.now().strftime("%H%M%S")
    rng = random.Random(20260620)
    started = time.perf_counter()
    sitting, items, signed_in = build_exam(agents, tag)
    record(f"准备：{agents} 名考生、10 题试卷、会话", time.perf_counter() - started, f"场次 #{sitting.pk}")
    started = time.perf_counter()
    roster = exam_so_far(sitting, items, signed_in, rng)
    record("  考试中：每人开考，已存 8 题答案", time.perf_counter() - started, f"{agents} 份答卷，{agents * 8:,} 条答案")
    connection.close()  # the server's processes write now; this one only reads afterwards
    port = free_port()
    log = Path(tempfile.mkdtemp(prefix="stardesk-exam-bench-")) / "gunicorn.log"
    server = start_server(port, workers, threads, log)
    try:
        wait_until_up(port, server)
        timings = Timings()
        go = threading.Event()
        with ThreadPoolExecutor(max_workers=clients) as pool:
            futures = [pool.submit(last_minute, port, agent, items, timings, random.Random(rng.random()), go) for agent in roster]
            load_started = time.perf_counter()
            go.set()  # everyone at once
            for future in futures:
                future.result(timeout=max(1, LOAD_DEADLINE - (time.perf_counter() - load_started)))
        wall = time.perf_counter() - load_started
    finally:
        stop_server(server)
    submitted, kept, lost = verify(roster, items)
    requests = sum(len(v) for v in timings.by_kind.values())
    retried = sum(len(v) for k, v in timings.by_kind.items() if k.endswith("-retry"))
    errors = sorted({a.error for a in roster if a.error})
    within = "一分钟内完成" if wall <= 60 else "超过一分钟"
    record(f"最后一分钟：{agents} 人保存最后 2 题并交卷", wall,
           f"{requests:,} 个请求（重发 {retried}），{requests / wall:.0f} 个/秒，{clients} 个并发客户端，gunicorn {workers}×{threads} 线程：{within}")
    for kind, label in (("save", "保存一题"), ("submit", "交卷")):
        values = timings.by_kind.get(kind, []) + timings.by_kind.get(f"{kind}-retry", [])
        if values:
            record(f"  {label} p95", percentile(values, 0.95),
                   f"p50 {percentile(values, 0.5) * 1000:.0f} ms，最大 {max(values) * 1000:.0f} ms，{len(values):,} 次，"
                   f"首次失败 {timings.failures.get(kind, 0)}")
    verdict = "达标" if lost == 0 and submitted == agents else "未达标"
    record("核对数据库", None, f"交卷 {submitted}/{agents}，答案 {kept:,} 条与最后一次提交一致，丢失 {lost}：{verdict}"
           + (f"；错误：{'；'.join(errors[:3])}" if errors else ""))
    return lost + (agents - submitted)


def section(bench) -> None:
    """benchmarks/run.py section: on the benchmark's database, next to the 20,000-agent group."""
    run_load(bench.record)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="500 agents submitting the June exam in the same minute")
    parser.add_argument("--agents", type=int, default=500)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=None, help="per worker; default 4 on SQLite, 8 on PostgreSQL")
    args = parser.parse_args(argv)
    if not 1 <= args.agents <= 5000 or not 1 <= args.clients <= 500:
        parser.error("--agents 1–5000, --clients 1–500")
    folder = tempfile.mkdtemp(prefix="stardesk-exam-bench-db-")
    if "DATABASE_URL" not in os.environ:
        os.environ["STARDESK_DATA_DIR"] = folder
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "stardesk.settings")
    os.environ.setdefault("STARDESK_DEMO", "1")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)

    def record(label, seconds, note=""):
        shown = f"{seconds:8.2f} s" if seconds is not None else "       —  "
        print(f"  {label:<40} {shown}  {note}".rstrip(), flush=True)

    lost = run_load(record, agents=args.agents, clients=args.clients, workers=args.workers, threads=args.threads)
    return 1 if lost else 0


if __name__ == "__main__":
    sys.exit(main())
