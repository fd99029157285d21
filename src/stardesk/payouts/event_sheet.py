"""奖惩事件 (events): vetoes (M5), supervision findings (V1), feedback (V2) and honours (E4) from a sheet.

The rows are recorded by the events app's own bulk service
(events_record_many): the same checks and the same policy default as the
event form (an empty 处理 takes M5's default by severity or V1's by
finding), all or nothing, and a row matching an event on file (same 工号,
日期, 类别 and content) is left alone, so the same file imported twice
changes nothing. Title sanctions (降级, 取消星级) wait for the supervisor's
confirmation as on the page.

Events have a recorder: the import is made under a person's account (on the
command line: --actor).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from stardesk.core.errors import DomainError
from stardesk.events import services as events
from stardesk.events.models import Category, Sanction, Severity, Event
from stardesk.people.models import Person
from stardesk.policy import facts
from stardesk.sheets.cells import Choice, Date, StaffNo, Text
from stardesk.sheets.specs import Column, ImportContext, Outcome, Problems, Row, RowsRefused, SheetSpec

# The file's words are the policy's (workbook.md), never the translated labels.
CATEGORY_WORDS = {facts.EventCategory[c.name].value: c.value for c in Category}
SEVERITY_WORDS = {facts.Severity[s.name].value: s.value for s in Severity}
SANCTION_WORDS = {facts.Sanction[s.name].value: s.value for s in Sanction}
CATEGORY_WORD_OF = {value: word for word, value in CATEGORY_WORDS.items()}
SEVERITY_WORD_OF = {value: word for word, value in SEVERITY_WORDS.items()}
SANCTION_WORD_OF = {value: word for word, value in SANCTION_WORDS.items()}

COLUMNS = (
    Column("工号", "staff_no", StaffNo(), key=True, note=_("须在本热线花名册中")),
    Column("日期", "date", Date(), key=True, note=_("不晚于今天")),
    Column("类别", "category", Choice(CATEGORY_WORDS), key=True),
    Column("严重程度", "severity", Choice(SEVERITY_WORDS), required=False,
           note=_("违章违纪、重大差错、有理投诉必填；其他类别留空（不够级、不合格可留空）")),
    Column("处理", "sanction", Choice(SANCTION_WORDS), required=False,
           note=_("留空按政策默认（M5 按严重程度，V1：不够级降级、不合格取消星级）；降级、取消星级须主管确认")),
    Column("说明", "description", Text(max_length=2000), required=False),
)

# Which column a refusal of the events service is about, from the words it uses (first match).
_COLUMN_WORDS = (
    ("重复", "工号、日期、类别"),
    ("已有该工号当天的同类事件", "说明"),
    ("离职", "日期"),
    ("日期", "日期"),
    ("严重程度", "严重程度"),
    ("处理", "处理"),
    ("类别", "类别"),
    ("工号", "工号"),
)


def _column_of(reason: str) -> str:
    return next((column for word, column in _COLUMN_WORDS if word in reason), "")


@dataclass
class EventPlan:
    rows: list[events.EventRow] = field(default_factory=list)


class _TryOnly(Exception):
    """Rolls back a trial recording: prepare must not write."""


def _refusals(actor, hotline, rows: list) -> list[dict]:
    """The events service's refusals of `rows` ({"row", "reason"}), found by recording them in a savepoint
    that is always rolled back: the same checks as the real recording, with nothing written."""
    try:
        with transaction.atomic():
            events.events_record_many(actor=actor, hotline=hotline, rows=rows)
            raise _TryOnly
    except _TryOnly:
        return []
    except DomainError as error:
        if error.code != "event_rows_invalid":
            raise
        return error.details


def _report(problems: Problems, refusals: list[dict]) -> None:
    for detail in refusals:
        problems.add(detail["row"], _column_of(detail["reason"]), detail["reason"])


def prepare(context: ImportContext, rows: list[Row], problems: Problems) -> EventPlan:
    if context.actor is None:
        problems.add(None, "", _("奖惩事件须记录记录人：请以账号导入（命令行使用 --actor 指定账号）"))
        return EventPlan()
    people = {p.staff_no: p for p in Person.objects.filter(hotline=context.hotline).select_related("team", "hotline")}
    plan = EventPlan()
    for row in rows:
        values = row.values
        person = people.get(values["staff_no"])
        if person is None:
            problems.add(row.number, "工号", _("工号 %(no)s 不在本热线的花名册中（请先导入花名册）") % {"no": values["staff_no"]})
            continue
        plan.rows.append(
            events.EventRow(
                number=row.number,
                person=person,
                date=values["date"],
                category=values["category"],
                severity=values["severity"] or "",
                sanction=values["sanction"] or "",
                description=values["description"] or "",
            )
        )
    # Every row's rule problems are reported together with the bad cells of the others.
    _report(problems, _refusals(context.actor, context.hotline, plan.rows) if plan.rows else [])
    return plan


def apply(context: ImportContext, plan: EventPlan) -> Outcome:
    try:
        outcome = events.events_record_many(actor=context.actor, hotline=context.hotline, rows=plan.rows)
    except DomainError as error:
        if error.code != "event_rows_invalid":
            raise
        problems = Problems()
        _report(problems, error.details)
        raise RowsRefused(problems) from None
    return Outcome(created=len(outcome.created), unchanged=outcome.unchanged)


def export_rows(hotline):
    found = Event.objects.filter(hotline=hotline).select_related("person").order_by("date", "person__staff_no", "pk")
    for e in found.iterator(chunk_size=2000):
        yield [
            e.person.staff_no,
            e.date,
            CATEGORY_WORD_OF.get(e.category, e.category),
            SEVERITY_WORD_OF.get(e.severity, "") if e.severity else "",
            SANCTION_WORD_OF.get(e.sanction, "") if e.sanction else "",
            e.description,
        ]


SPEC = SheetSpec(
    kind="events",
    title="奖惩事件",
    description=_("违章违纪、重大差错、有理投诉（M5）、表扬（V2）、公司奖项和先进个人（E4）、不够级和不合格（V1）。"),
    columns=COLUMNS,
    prepare=prepare,
    apply=apply,
    permission="imports.assessment",
    export_rows=export_rows,
    notes=(
        _("处理留空时按年度政策的默认处理：一般→当月降级，较重→当月取消，严重→取消星级（M5）；不够级→降级，不合格→取消星级（V1）。"),
        _("降级、取消星级须主管在事件页面确认后才生效。"),
        _("同一工号、日期、类别的事件已存在且内容相同时不作改动；内容不同的请在事件页面修改。"),
    ),
)
