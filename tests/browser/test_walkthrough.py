"""Issue #2 "Foundation": each role logs in on the demo group and walks every sidebar entry and the main
pages reachable from it; pages outside the role's scope are refused with a Chinese page.

One Chromium, one login per role. Every page is saved as test-artifacts/screenshots/walk_<role>_<page>.png
at 1366×800, a few also at phone width (390×844, …_phone.png).
"""
import re
from dataclasses import dataclass
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from stardesk.accounts.models import Role, User
from stardesk.core.navigation import entries_for
from stardesk.cycle.models import Cycle
from stardesk.demo import hotline_builder
from stardesk.people.models import Hotline, Person
from stardesk.policy.conventions import Month
from stardesk.yearly_policy.models import CyclePolicy
from tests.browser.conftest import TIMEOUT_MS, log_in, screenshot

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1366, "height": 800}
PHONE = {"width": 390, "height": 844}
CJK = re.compile(r"[\u4e00-\u9fff]")
# A failure's own page, and template code left on screen.
BROKEN_PAGE = ("Traceback", "Server Error", "TemplateSyntaxError", "NoReverseMatch")
BROKEN_TEXT = ("{{", "{%", "%}", "}}")
RAW_VALUE = re.compile(r"(?<![A-Za-z])(None|True|False|nan)(?![A-Za-z])")
REFUSALS = ("没有权限", "页面不存在", "记录不存在或您无权查看", "您没有权限进行此操作")

# The heading of a sidebar entry's page, where it is not the entry's own label.
HEADINGS = {
    "yearly_policy:my_standing": "我的星级进度",
    "assessment:registers": "登记表",
    "assessment:monitoring": "监听录音",
    "assessment:rubrics": "评分细则",
    "assessment:me": "工号",  # the person's assessment page, headed by their name and 工号
    "events:list": "奖惩事件",
    "payouts:mine": "星级待遇",
    "payouts:ratings": "考核评定",
    "payouts:proposals": "持续低分降级",
    "exams:june": "年中",
    "cycle:committee_home": "年度星级评定",
    "cycle:holders_latest": ("星级", "年度评定"),  # a group administrator first chooses the hotline
}


@dataclass
class Visit:
    name: str  # in the screenshot's file name
    url: str
    heading: str | tuple | None  # a fragment of the page's <h1> (or any of several); None: must be refused
    phone: bool = False


def sidebar(user: User) -> list[Visit]:
    visits = []
    for _title, entries in entries_for(user):
        for entry in entries:
            name = entry["name"].replace(":", "_")
            visits.append(Visit(name, entry["url"], HEADINGS.get(entry["name"], str(entry["label"]))))
    return visits


@dataclass
class Scene:
    """The demo group as the walk needs it: who logs in, and one record of each kind of page."""

    users: dict
    agent: Person
    team_mate: Person
    other_team_person: Person
    foreign_person: Person
    own_team: object
    other_team: object
    policy_year: int
    cycle_year: int
    decided_year: int | None
    month: Month
    hotline: Hotline


@pytest.fixture
def scene(transactional_db) -> Scene:
    call_command("demo_data", "--hotlines", "2", "--agents-per-hotline", "30", stdout=StringIO())
    logins = {login.username: login for login in hotline_builder.demo_logins()}
    hotline = Hotline.objects.order_by("pk").first()
    agent_user = User.objects.get(role=Role.AGENT, username__in=list(logins), hotline=hotline)
    agent = agent_user.person
    team = agent.team
    leader = team.leader
    people = Person.objects.filter(hotline=hotline, left_on__isnull=True).select_related("team")
    cycles = Cycle.objects.filter(hotline=hotline).order_by("-year")
    decided = cycles.filter(step__in=["committee", "award", "summary", "completed"]).first()
    return Scene(
        users={
            "agent": agent_user,
            "leader": leader,
            "supervisor": User.objects.get(username="supervisor"),
            "committee": User.objects.get(username="committee1"),
            "admin": User.objects.get(username="admin"),
        },
        agent=agent,
        team_mate=people.filter(team=team).exclude(pk=agent.pk).first(),
        other_team_person=people.exclude(team=team).first(),
        foreign_person=Person.objects.exclude(hotline=hotline).first(),
        own_team=team,
        other_team=hotline.teams.exclude(pk=team.pk).first(),
        policy_year=CyclePolicy.objects.filter(hotline=hotline).order_by("-year").values_list("year", flat=True).first(),
        cycle_year=cycles.first().year,
        decided_year=decided.year if decided else None,
        month=Month.of(timezone.localdate()).prev(),
        hotline=hotline,
    )


def plan(role: str, s: Scene) -> list[Visit]:
    visits = [Visit("home", "/", "工作台", phone=True)]
    visits += [v for v in sidebar(s.users[role]) if v.url != "/"]
    person = lambda p: f"/people/{p.pk}/"  # noqa: E731
    team = lambda t: f"/people/teams/{t.pk}/"  # noqa: E731
    register = f"/assessment/months/{s.own_team.pk}/{s.month}/"
    if role == "agent":
        visits += [
            Visit("person", person(s.agent), s.agent.name, phone=True),
            Visit("refused_team_mate", person(s.team_mate), None),
            Visit("refused_team", team(s.own_team), None),
            Visit("refused_cycle", f"/cycle/{s.cycle_year}/", None),
            Visit("refused_audit", "/audit/", None),
            Visit("refused_roster", "/people/", None),
            Visit("refused_allowance_of_another", f"/payouts/people/{s.team_mate.pk}/", None),
        ]
    elif role == "leader":
        visits += [
            Visit("person", person(s.agent), s.agent.name, phone=True),
            Visit("team", team(s.own_team), s.own_team.name),
            Visit("register", register, str(s.month.month) + "月"),
            Visit("policy_year", f"/policy/{s.policy_year}/", str(s.policy_year)),
            Visit("cycle", f"/cycle/{s.cycle_year}/", str(s.cycle_year)),
            Visit("refused_other_team", team(s.other_team), None),
            Visit("refused_other_team_person", person(s.other_team_person), None),
            Visit("refused_other_hotline_person", person(s.foreign_person), None),
            Visit("refused_audit", "/audit/", None),
            Visit("refused_accounts", "/accounts/", None),
        ]
    elif role == "supervisor":
        visits += [
            Visit("person", person(s.agent), s.agent.name),
            Visit("team", team(s.own_team), s.own_team.name),
            Visit("register", register, str(s.month.month) + "月"),
            Visit("policy_year", f"/policy/{s.policy_year}/", str(s.policy_year)),
            Visit("allowance_month", f"/payouts/?month={s.month}", "月度星级待遇"),
            Visit("cycle", f"/cycle/{s.cycle_year}/", str(s.cycle_year)),
            Visit("refused_other_hotline_person", person(s.foreign_person), None),
            Visit("refused_hotlines", "/people/hotlines/", None),
        ]
    elif role == "committee":
        visits += [
            Visit("person", person(s.agent), s.agent.name),
            Visit("team", team(s.own_team), s.own_team.name),
            Visit("policy_year", f"/policy/{s.policy_year}/", str(s.policy_year)),
            Visit("cycle", f"/cycle/{s.cycle_year}/", str(s.cycle_year)),
            Visit("refused_accounts", "/accounts/", None),
            Visit("refused_imports", "/imports/", None),
            Visit("refused_other_hotline_person", person(s.foreign_person), None),
        ]
        if s.decided_year:
            visits.append(Visit("committee_workspace", f"/cycle/{s.decided_year}/committee/", "年度星级评定"))
    elif role == "admin":
        query = f"?hotline={s.hotline.pk}"
        visits += [
            Visit("person", person(s.agent), s.agent.name),
            Visit("person_other_hotline", person(s.foreign_person), s.foreign_person.name),
            Visit("team", team(s.own_team), s.own_team.name),
            Visit("policy_year", f"/policy/{s.policy_year}/{query}", str(s.policy_year)),
            Visit("cycle", f"/cycle/{s.cycle_year}/{query}", str(s.cycle_year)),
        ]
    return visits


def check(page, response, visit: Visit) -> list[str]:
    """What is wrong with the page on screen (empty when it looks right)."""
    problems = []
    where = f"{visit.name} ({visit.url} → {page.url})"
    status = response.status if response is not None else None
    main = page.locator("main").inner_text() if page.locator("main").count() else page.locator("body").inner_text()
    html = page.content()
    problems += [f"{where}: shows {word!r}" for word in BROKEN_PAGE if word in html]
    problems += [f"{where}: shows template code {word!r}" for word in BROKEN_TEXT if word in main]
    if visit.heading is None:
        if status not in (403, 404):
            problems.append(f"{where}: expected a refusal, got {status}")
        elif not any(text in main for text in REFUSALS):
            problems.append(f"{where}: refusal page says no Chinese reason: {main[:80]!r}")
        return problems
    if status != 200:
        return problems + [f"{where}: status {status}"]
    headings = page.locator("main h1")
    heading = headings.first.inner_text().strip() if headings.count() else ""
    if not CJK.search(heading):
        problems.append(f"{where}: no Chinese heading ({heading!r})")
    elif not any(part in heading for part in ((visit.heading,) if isinstance(visit.heading, str) else visit.heading)):
        problems.append(f"{where}: heading {heading!r} lacks {visit.heading!r}")
    raw = RAW_VALUE.search(main)
    if raw:
        problems.append(f"{where}: raw value {raw.group(0)!r} near {main[max(0, raw.start() - 30):raw.end() + 30]!r}")
    return problems


def walk(browser, base_url: str, role: str, user: User, visits: list[Visit]) -> list[str]:
    problems = []
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport=DESKTOP)
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        log_in(page, base_url, user.username, hotline_builder.DEMO_PASSWORD)
        page.wait_for_url(f"{base_url}/")
        for visit in visits:
            response = page.goto(base_url + visit.url, wait_until="load")
            problems += check(page, response, visit)
            page.evaluate("window.scrollTo(0, 0)")  # a link to #anchor scrolls: the shot starts at the top
            screenshot(page, f"walk_{role}_{visit.name}")
        phone_pages = [v for v in visits if v.phone]
        if phone_pages:
            phone = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport=PHONE,
                                        storage_state=context.storage_state(), is_mobile=True, has_touch=True)
            try:
                tab = phone.new_page()
                for visit in phone_pages:
                    response = tab.goto(base_url + visit.url, wait_until="load")
                    problems += check(tab, response, visit)
                    # Nothing wider than the screen: a table scrolls inside its own box, the page does not.
                    overflow = tab.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
                    if overflow > 1:
                        problems.append(f"{visit.name} (phone): page is {overflow}px wider than the screen")
                    screenshot(tab, f"walk_{role}_{visit.name}_phone")
            finally:
                phone.close()
    finally:
        context.close()
    return problems


def test_each_role_walks_its_pages_and_is_refused_elsewhere(browser, live_server, scene):
    problems = []
    for role in ("agent", "leader", "supervisor", "committee", "admin"):
        problems += [f"[{role}] {p}" for p in walk(browser, live_server.url, role, scene.users[role], plan(role, scene))]
    assert not problems, "\n".join(problems)
