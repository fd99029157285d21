"""The cycle's exports of workbook.md: 申报资格 (eligibility) and 推荐名单 (recommendation list).

Each is headers plus rows, written as .xlsx or .csv by the sheets writer,
from the page and by `python -m stardesk cycle_export`. 原因 and 依据 are the
rule ids with the figures they used (P3), rendered by policy.reasons.basis.
"""
from collections.abc import Iterator
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from stardesk.accounts import permissions
from stardesk.cycle.eligibility import cycle_policy, reasons_from_json
from stardesk.cycle.models import Application, ApplicationStatus, Cycle
from stardesk.cycle.recommendation_list import cycle_list
from stardesk.policy.reasons import basis, failures

YES, NO = "是", "否"


@dataclass(frozen=True)
class Export:
    kind: str
    title: str
    headers: tuple[str, ...]
    kinds: tuple[str, ...]  # the sheets writer's column kinds (工号 as text, numbers as numbers)


ELIGIBILITY = Export(
    "eligibility", "申报资格", ("工号", "姓名", "申报星级", "是否符合", "原因"), ("staff_no", "text", "number", "text", "text"),
)
RECOMMENDATION = Export(
    "recommendation", "推荐名单", ("工号", "姓名", "推荐星级", "排序", "初审评定", "依据"),
    ("staff_no", "text", "number", "number", "number", "text"),
)
EXPORTS = {export.kind: export for export in (ELIGIBILITY, RECOMMENDATION)}
EXPORT_TITLES = {"eligibility": _("申报资格"), "recommendation": _("推荐名单")}


def eligibility_rows(cycle: Cycle) -> Iterator[list]:
    """申报资格: every active application; 原因 lists the failed checks of an ineligible one, and
    every check an eligible one rests on (E1–E8)."""
    applications = (
        Application.objects.filter(cycle=cycle, status=ApplicationStatus.ACTIVE)
        .select_related("person")
        .order_by("person__staff_no", "pk")
    )
    for a in applications.iterator(chunk_size=2000):
        reasons = reasons_from_json(a.reasons)
        shown = reasons if a.eligible else failures(reasons)
        yield [a.person.staff_no, a.person.name, a.level, YES if a.eligible else NO, basis(shown)]


def recommendation_rows(cycle: Cycle) -> Iterator[list]:
    """推荐名单: the recommended, from 3-star down in list order (Q3), overflow included (Q4)."""
    the_list = cycle_list(cycle, cycle_policy(cycle).policy)
    for level, _quota, rows in the_list.levels():
        for row in rows:
            yield [row.person.staff_no, row.person.name, level, row.position, row.rating, basis(row.reasons)]


ROWS = {"eligibility": eligibility_rows, "recommendation": recommendation_rows}


def export_rows(*, actor, cycle: Cycle, kind: str, as_system: bool = False) -> tuple[Export, Iterator[list]]:
    """The headers and rows of export `kind` of the cycle, for someone allowed to read them."""
    if not as_system:
        permissions.require(actor, "cycle.export")
        permissions.require_hotline(actor, cycle.hotline)
    export = EXPORTS[kind]
    return export, ROWS[kind](cycle)


def file_name(cycle: Cycle, kind: str, fmt: str) -> str:
    return f"{EXPORTS[kind].title}_{cycle.hotline.name}_{cycle.year}.{fmt}"


# 评定结果 (K4) is written from the committee's records (cycle.result_export).
from stardesk.cycle import result_export  # noqa: E402

EXPORTS[result_export.RESULT.kind] = result_export.RESULT
EXPORT_TITLES[result_export.RESULT.kind] = _("评定结果")
ROWS[result_export.RESULT.kind] = result_export.result_rows
