"""The sidebar: entries by role. Each app adds its own entries to SECTIONS."""
from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from stardesk.accounts.models import Role

ALL = frozenset(Role.values)
STAFF = frozenset({Role.SUPERVISOR, Role.ADMIN})
READERS = frozenset({Role.SUPERVISOR, Role.COMMITTEE, Role.ADMIN, Role.LEADER})


@dataclass(frozen=True)
class Entry:
    label: str
    url_name: str
    icon: str
    roles: frozenset


# (section title, entries). Order is the order on screen.
SECTIONS: list[tuple[str, list[Entry]]] = [
    (
        _("工作台"),
        [
            Entry(_("首页"), "home", "house", ALL),
            Entry(_("我的星级进度"), "yearly_policy:my_standing", "star", frozenset({Role.AGENT})),
        ],
    ),
    (
        _("人员"),
        [
            Entry(_("人员名册"), "people:list", "people", READERS),
            Entry(_("班组"), "people:teams", "diagram-3", READERS),
            Entry(_("热线"), "people:hotlines", "building", frozenset({Role.ADMIN})),
        ],
    ),
    (
        _("日常考核"),
        [
            Entry(_("周考评"), "assessment:weeks", "calendar-week", frozenset({Role.LEADER})),
            Entry(_("月度考核"), "assessment:months", "calendar-month", frozenset({Role.LEADER, Role.SUPERVISOR, Role.COMMITTEE})),
            Entry(_("登记表"), "assessment:registers", "clipboard-check", frozenset({Role.LEADER, Role.SUPERVISOR, Role.COMMITTEE})),
            Entry(_("监听录音"), "assessment:monitoring", "headset", frozenset({Role.LEADER, Role.SUPERVISOR, Role.COMMITTEE})),
            Entry(_("评分细则"), "assessment:rubrics", "list-check", frozenset({Role.LEADER, Role.SUPERVISOR, Role.ADMIN})),
            Entry(_("我的考核"), "assessment:me", "clipboard-data", frozenset({Role.AGENT})),
            Entry(_("奖惩事件"), "events:list", "flag", READERS),
            Entry(_("我的奖惩"), "events:list", "flag", frozenset({Role.AGENT})),
        ],
    ),
    (
        _("待遇与评定"),
        [
            Entry(_("月度星级待遇"), "payouts:index", "cash-coin", READERS),
            Entry(_("我的星级待遇"), "payouts:mine", "cash-coin", frozenset({Role.AGENT})),
            Entry(_("持续低分降级"), "payouts:proposals", "graph-down-arrow", READERS),
            Entry(_("考核评定"), "payouts:ratings", "bar-chart-line", ALL),
        ],
    ),
    (
        _("考试"),
        [
            Entry(_("题库"), "exams:bank", "collection", frozenset({Role.SUPERVISOR, Role.COMMITTEE, Role.ADMIN})),
            Entry(_("试卷"), "exams:blueprints", "file-earmark-text", frozenset({Role.SUPERVISOR, Role.COMMITTEE, Role.ADMIN})),
            Entry(_("考试场次"), "exams:sittings", "calendar-event", frozenset({Role.SUPERVISOR, Role.COMMITTEE, Role.ADMIN})),
            Entry(_("我的考试"), "exams:mine", "pencil-square", frozenset({Role.AGENT, Role.LEADER})),
            Entry(_("阅卷"), "exams:grading", "check2-square", frozenset({Role.SUPERVISOR, Role.COMMITTEE, Role.ADMIN})),
            Entry(_("考试成绩"), "exams:results", "bar-chart", frozenset({Role.LEADER, Role.SUPERVISOR, Role.COMMITTEE, Role.ADMIN})),
            Entry(_("年中排名"), "exams:june", "trophy", frozenset({Role.SUPERVISOR, Role.COMMITTEE, Role.ADMIN})),
            Entry(_("我的成绩"), "exams:my_results", "clipboard-check", frozenset({Role.AGENT, Role.LEADER})),
        ],
    ),
    (
        _("星级评定"),
        [
            Entry(_("年度评定"), "cycle:index", "award", READERS),
            Entry(_("我的申报"), "cycle:mine", "star-half", frozenset({Role.AGENT})),
            Entry(_("集中评定"), "cycle:committee_home", "people", frozenset({Role.COMMITTEE})),
            Entry(_("星级名单"), "cycle:holders_latest", "stars", ALL),
            Entry(_("星级监督"), "cycle:supervision", "shield-exclamation", frozenset({Role.SUPERVISOR, Role.COMMITTEE, Role.ADMIN})),
            Entry(_("奖金计划"), "cycle:bonus", "cash-coin", frozenset({Role.SUPERVISOR, Role.COMMITTEE, Role.ADMIN})),
        ],
    ),
    (
        _("管理"),
        [
            Entry(_("年度政策"), "yearly_policy:index", "sliders", READERS),
            Entry(_("数据导入"), "sheets:index", "upload", STAFF),
            Entry(_("账号管理"), "accounts:list", "person-badge", STAFF),
            Entry(_("审计记录"), "audit:search", "journal-text", STAFF),
        ],
    ),
    (
        _("集成"),
        [Entry(_("API 令牌"), "api:token", "key", ALL)],
    ),
]


def entries_for(user) -> list[tuple[str, list[dict]]]:
    sections = []
    for title, entries in SECTIONS:
        visible = [
            {"label": e.label, "url": reverse(e.url_name), "icon": e.icon, "name": e.url_name}
            for e in entries
            if user.role in e.roles
        ]
        if visible:
            sections.append((title, visible))
    return sections


def navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"nav_sections": entries_for(user), "role_label": Role(user.role).label}
