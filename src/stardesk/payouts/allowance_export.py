"""The 月度星级待遇 export of workbook.md: one month's allowance lines for payroll.

Headers exactly 工号, 姓名, 班组, 星级, 月度得分, 系数, 金额, 依据; written as
.xlsx or .csv by the sheets writer, from the month page and by
`python -m stardesk allowance_export`. 星级 is the level held on the month's
last day (M4 step 1); 系数 the percentage applied to the base that was paid;
a pending line (no confirmed score yet) reads 待定 in 金额; 依据 names the
rules and figures (P3).
"""
from __future__ import annotations

from collections.abc import Iterator

from stardesk.accounts import permissions
from stardesk.payouts import queries
from stardesk.payouts.models import AllowanceLine, LineStatus
from stardesk.people.models import Team
from stardesk.policy.conventions import Month
from stardesk.policy.reasons import percent

TITLE = "月度星级待遇"
HEADERS = ("工号", "姓名", "班组", "星级", "月度得分", "系数", "金额", "依据")
KINDS = ("staff_no", "text", "text", "number", "number", "text", "number", "text")
PENDING_WORD = "待定"
NO_TITLE_WORD = "无"
NOTHING_PAID = "0%"  # a cancelled month, or a treatment level of no title (M4 steps 2 and 4)


def line_row(line: AllowanceLine) -> list:
    """One line as its export row (also the page's figures)."""
    if line.status == LineStatus.PENDING:
        rate, amount = "", PENDING_WORD
    else:
        rate = percent(line.rate) if line.rate is not None else NOTHING_PAID
        amount = line.amount
    return [
        line.person.staff_no,
        line.person.name,
        line.team.name if line.team_id else "",
        line.level if line.level > 0 else NO_TITLE_WORD,
        line.score,
        rate,
        amount,
        line.basis,
    ]


def export_rows(*, actor, hotline, month: Month, team: Team | None = None, as_system: bool = False) -> Iterator[list]:
    """The month's lines in force that the actor may read (a leader: their teams), by team then 工号."""
    if as_system:
        lines = AllowanceLine.objects.filter(hotline=hotline, month=month.first_day, is_current=True)
        if team is not None:
            lines = lines.filter(team=team)
        lines = lines.select_related("person", "team").order_by("team__name", "person__staff_no", "pk")
    else:
        permissions.require(actor, "payouts.export")
        permissions.require_hotline(actor, hotline)
        lines = queries.month_lines(actor, hotline, month, queries.LineFilter(team=team, sort="team"))
    for line in lines.iterator(chunk_size=2000):
        yield line_row(line)


def file_name(hotline, month: Month, fmt: str, team: Team | None = None) -> str:
    where = f"{hotline.name}_{team.name}" if team is not None else hotline.name
    return f"{TITLE}_{where}_{month}.{fmt}"
