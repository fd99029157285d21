"""Builds a deterministic demo group: hotlines, teams, agents, title history, accounts.

One builder function per kind of record, run in the order of BUILDERS; each
computes its rows with its own random.Random (seeded by the group seed, its
kind and the hotline), then saves them with one bulk_create per model for the
whole group. A builder added later (monthly scores, exams, events) therefore
never changes what the earlier ones produce, and reads what they left in
`group.facts` or on each DemoHotline.
"""
import datetime
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from stardesk.accounts.models import Role, User
from stardesk.audit.models import AuditEntry
from stardesk.audit.services import entry_for
from stardesk.demo import chinese_names, title_history, yearly_policies
from stardesk.demo.cycle import build_cycle
from stardesk.demo.cycle_outcome import build_cycle_outcome
from stardesk.demo.daily_records import build_daily_records
from stardesk.demo.exam_results import build_exam_results
from stardesk.demo.exams import build_exams
from stardesk.demo.payouts import build_payouts
from stardesk.people.models import EmploymentType, Hotline, Person, Team, TitleSpell

DEFAULT_SEED = 20241018
DEFAULT_AGENTS = 120
DEMO_PASSWORD = "stardesk-demo"
AGENTS_PER_TEAM = 15
BATCH = 2000

D = datetime.date
EMPLOYMENT_MIX = ((EmploymentType.PERMANENT, 80), (EmploymentType.TEMPORARY, 12), (EmploymentType.OUTSOURCED, 8))
OTHER_JOB_TYPES = (("投诉处理员", 0.08), ("网络报修受理员", 0.05))
LEAVER_SHARE = 0.06
NEWCOMER_SHARE = 0.04  # hired in the last year: under a year of tenure (the E1 exception)


@dataclass
class DemoHotline:
    index: int
    hotline: Hotline
    teams: list[Team] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    agents: list[title_history.Agent] = field(default_factory=list)  # same order as people
    titles: title_history.TitleStory | None = None
    accounts: dict[str, list[User]] = field(default_factory=dict)  # role → accounts

    @property
    def code(self) -> str:
        return self.hotline.code


@dataclass
class DemoGroup:
    seed: int
    agents_per_hotline: int
    hotlines: list[DemoHotline] = field(default_factory=list)
    admin: User | None = None
    facts: dict = field(default_factory=dict)
    counts: Counter = field(default_factory=Counter)
    timings: dict[str, float] = field(default_factory=dict)

    def rng(self, kind: str, hotline: DemoHotline | None = None) -> random.Random:
        return random.Random(f"{self.seed}:{kind}:{hotline.code if hotline else 'group'}")


def hotline_codes(count: int) -> list[str]:
    return [chinese_names.hotline_code(i) for i in range(1, count + 1)]


def staff_no(hotline_index: int, seq: int, width: int) -> str:
    """1001…1120 in the first hotline, 2001… in the second: unique in the group, so it is also the login."""
    return f"{hotline_index}{seq:0{width}d}"


def staff_username(hotline: DemoHotline, name: str) -> str:
    return name if hotline.index == 1 else f"{hotline.code}-{name}"


# -- builders ----------------------------------------------------------------------


def build_hotlines(group: DemoGroup, count: int) -> None:
    hotlines = Hotline.objects.bulk_create(
        [
            Hotline(name=chinese_names.hotline_name(i), code=chinese_names.hotline_code(i), company="广电网络公司")
            for i in range(1, count + 1)
        ]
    )
    group.hotlines = [DemoHotline(index=i, hotline=h) for i, h in enumerate(hotlines, start=1)]
    group.counts["hotlines"] = len(hotlines)


def build_teams(group: DemoGroup) -> None:
    per_hotline = max(1, round(group.agents_per_hotline / AGENTS_PER_TEAM))
    teams = []
    for demo in group.hotlines:
        demo.teams = [Team(hotline=demo.hotline, name=chinese_names.team_name(n)) for n in range(1, per_hotline + 1)]
        teams.extend(demo.teams)
    Team.objects.bulk_create(teams, batch_size=BATCH)
    group.counts["teams"] = len(teams)


def _random_day(rng: random.Random, first: D, last: D) -> D:
    return first + datetime.timedelta(days=rng.randrange(max(1, (last - first).days)))


def build_people(group: DemoGroup) -> None:
    end = title_history.STORY_END
    width = max(3, len(str(group.agents_per_hotline)))
    people = []
    for demo in group.hotlines:
        rng = group.rng("people", demo)
        count = group.agents_per_hotline
        # Start dates over the past 1–8 years, a few newcomers; 工号 follow the hiring order.
        starts = sorted(
            _random_day(rng, end - datetime.timedelta(days=300), end - datetime.timedelta(days=30))
            if rng.random() < NEWCOMER_SHARE
            else _random_day(rng, end - datetime.timedelta(days=8 * 365), end - datetime.timedelta(days=365))
            for _ in range(count)
        )
        names = chinese_names.unique_names(rng, count)
        team_slots = [demo.teams[i % len(demo.teams)] for i in range(count)]
        rng.shuffle(team_slots)
        kinds, weights = zip(*EMPLOYMENT_MIX)
        for seq, (start, name, team) in enumerate(zip(starts, names, team_slots), start=1):
            job_type, job_type_start = "话务员", start
            draw = rng.random()
            for other, share in OTHER_JOB_TYPES:
                if draw < share:
                    job_type = other
                    job_type_start = min(start + datetime.timedelta(days=rng.randrange(180, 900)), end - datetime.timedelta(days=30))
                    break
                draw -= share
            left_on = None
            if rng.random() < LEAVER_SHARE:
                first = max(start + datetime.timedelta(days=90), D(2024, 1, 1))
                if first < end:
                    left_on = _random_day(rng, first, end)
            person = Person(
                hotline=demo.hotline,
                staff_no=staff_no(demo.index, seq, width),
                name=name,
                employment_type=rng.choices(kinds, weights=weights)[0],
                hotline_start=start,
                job_type=job_type,
                job_type_start=job_type_start,
                team=team,
                left_on=left_on,
            )
            demo.people.append(person)
            # Merit stands for how well the person works; experience helps a little.
            merit = rng.gauss(0, 1) + min((end - start).days / 365, 6) * 0.08
            demo.agents.append(
                title_history.Agent(
                    key=seq - 1,
                    hotline_start=start,
                    job_type=job_type,
                    job_type_start=job_type_start,
                    left_on=left_on,
                    merit=merit,
                )
            )
        people.extend(demo.people)
    Person.objects.bulk_create(people, batch_size=BATCH)
    group.counts["people"] = len(people)
    group.counts["leavers"] = sum(1 for p in people if p.left_on is not None)


def build_titles(group: DemoGroup) -> None:
    spells = []
    for demo in group.hotlines:
        demo.titles = title_history.tell(demo.agents, group.rng("titles", demo))
        for spell in demo.titles.spells:
            spells.append(
                TitleSpell(
                    person=demo.people[spell.key],
                    level=spell.level,
                    job_type=spell.job_type,
                    start=spell.start,
                    end=spell.end,
                    end_reason=spell.end_reason,
                )
            )
    TitleSpell.objects.bulk_create(spells, batch_size=BATCH)
    group.facts["june_ranks"] = {demo.code: demo.titles.june_ranks for demo in group.hotlines}
    group.counts["titles"] = len(spells)


def build_accounts(group: DemoGroup) -> None:
    # One hash for every demo account: hashing 20,000 passwords one by one takes hours.
    password = make_password(DEMO_PASSWORD)
    group.admin = User(username="admin", role=Role.ADMIN, hotline=None, display_name="集团管理员", password=password)
    accounts = [group.admin]
    for demo in group.hotlines:
        names = iter(chinese_names.unique_names(group.rng("accounts", demo), 3 + len(demo.teams)))
        staff = {
            Role.SUPERVISOR: [User(username=staff_username(demo, "supervisor"), display_name=next(names))],
            Role.COMMITTEE: [User(username=staff_username(demo, f"committee{n}"), display_name=next(names)) for n in (1, 2)],
            Role.LEADER: [User(username=staff_username(demo, f"leader{n}"), display_name=next(names)) for n in range(1, len(demo.teams) + 1)],
        }
        for role, users in staff.items():
            for user in users:
                user.role, user.hotline, user.password = role, demo.hotline, password
        staff[Role.AGENT] = [
            User(
                username=person.staff_no,
                role=Role.AGENT,
                hotline=demo.hotline,
                person=person,
                display_name=person.name,
                password=password,
                is_active=person.left_on is None,  # leavers keep their history, not their login
            )
            for person in demo.people
        ]
        demo.accounts = staff
        for users in staff.values():
            accounts.extend(users)
    User.objects.bulk_create(accounts, batch_size=BATCH)
    teams = []
    for demo in group.hotlines:
        for team, leader in zip(demo.teams, demo.accounts[Role.LEADER]):
            team.leader = leader
            teams.append(team)
    Team.objects.bulk_update(teams, ["leader"], batch_size=BATCH)
    group.counts["accounts"] = len(accounts)


def build_audit_entries(group: DemoGroup) -> None:
    """One entry per hotline, not one per generated record."""
    entries = []
    for demo in group.hotlines:
        note = (
            f"生成演示数据（种子 {group.seed}）：{len(demo.teams)} 个班组，{len(demo.people)} 名客服，"
            f"{len(demo.titles.spells) if demo.titles else 0} 条星级记录，"
            f"{sum(len(users) for users in demo.accounts.values())} 个账号。"
        )
        entries.append(entry_for(actor=None, action="demo.generate", target=demo.hotline, changes={}, hotline=demo.hotline, note=note))
    AuditEntry.objects.bulk_create(entries)


Builder = Callable[[DemoGroup], None]

# In order. Later kinds of record (scores, exams, events) go before "audit".
BUILDERS: list[tuple[str, Builder]] = [
    ("teams", build_teams),
    ("people", build_people),
    ("titles", build_titles),
    ("accounts", build_accounts),
    ("policies", yearly_policies.build_yearly_policies),
    ("exams", build_exams),
    # Released results and the June ranking: read by the allowance lines (J3) and the cycle (E7) below.
    ("exam_results", build_exam_results),
    ("payouts", build_payouts),
    # The decided and awarded 2025 cycle reads the monthly scores written above (M7, X5).
    ("cycle_outcome", build_cycle_outcome),
    # Weeks, calls and events after the story, up to today; last month left for leader1 to hand in.
    ("daily_records", build_daily_records),
    # The open cycle reads every fact its eligibility check needs (titles, events, exams): keep it last.
    ("cycle", build_cycle),
    ("audit", build_audit_entries),
]


@transaction.atomic
def build_group(*, hotlines: int = 1, agents_per_hotline: int = DEFAULT_AGENTS, seed: int = DEFAULT_SEED) -> DemoGroup:
    """Build the whole demo group in one transaction; `timings` says how long each kind took."""
    if hotlines < 1 or agents_per_hotline < 1:
        raise ValueError("hotlines and agents_per_hotline must be at least 1")
    group = DemoGroup(seed=seed, agents_per_hotline=agents_per_hotline)
    started = time.perf_counter()
    build_hotlines(group, hotlines)
    group.timings["hotlines"] = time.perf_counter() - started
    for kind, builder in BUILDERS:
        started = time.perf_counter()
        builder(group)
        group.timings[kind] = time.perf_counter() - started
    return group


def demo_present(*, hotlines: int = 1) -> bool:
    return Hotline.objects.filter(code__in=hotline_codes(hotlines)).exists()


@dataclass(frozen=True)
class Login:
    role: str
    username: str
    name: str
    where: str


def demo_logins() -> list[Login]:
    """One login per role in the first demo hotline, read back from the database."""
    hotline = Hotline.objects.filter(code=chinese_names.hotline_code(1)).first()
    logins = []
    admin = User.objects.filter(role=Role.ADMIN, username="admin").first()
    if admin:
        logins.append(Login(Role.ADMIN.label, admin.username, str(admin), "全部热线"))
    if hotline is None:
        return logins
    users = User.objects.filter(hotline=hotline, is_active=True)
    for role, username in ((Role.SUPERVISOR, "supervisor"), (Role.COMMITTEE, "committee1"), (Role.LEADER, "leader1")):
        user = users.filter(role=role, username=username).first()
        if user:
            team = ", ".join(t.name for t in user.led_teams.all())
            logins.append(Login(role.label, user.username, str(user), f"{hotline.name}{' · ' + team if team else ''}"))
    # An agent who holds a title today shows more of the product than one who does not.
    today = timezone.localdate()
    holder = (
        users.filter(role=Role.AGENT, person__titles__start__lte=today, person__titles__end__isnull=True)
        .select_related("person__team")
        .order_by("-person__titles__level", "username")
        .first()
    ) or users.filter(role=Role.AGENT).select_related("person__team").order_by("username").first()
    if holder:
        logins.append(Login(Role.AGENT.label, holder.username, str(holder), f"{hotline.name} · {holder.person.team}"))
    return logins
