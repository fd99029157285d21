"""监听评分 (call monitoring): scores of recorded calls (M2), the monitoring part of the composite score (X5).

Stored in the assessment's own MonitoringEvaluation (录入方式 导入, no rubric
marks: the file gives the total), so the page's list, a person's file and
X5 read imported and entered scores alike. Matched by (工号, 录音编号): a
recorded call is scored once per person.

Rules of a row, beyond its cells:
- the 工号 is on the hotline's roster and the person was in post that day (S2);
- the date is not in the future;
- a call scored on the page (by rubric items or a total) is changed there,
  not by a file: a row differing from it is refused; an imported one is
  updated.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stardesk.assessment.models import EvaluationMode, MonitoringEvaluation
from stardesk.audit import services as audit
from stardesk.people.models import Person
from stardesk.sheets.cells import Date, Score, StaffNo, Text
from stardesk.sheets.specs import Column, ImportContext, Outcome, Problems, Row, SheetSpec

COMMENT_MAX = 500

COLUMNS = (
    Column("工号", "staff_no", StaffNo(), key=True, note=_("须在本热线花名册中")),
    Column("日期", "call_date", Date(), note=_("通话日期，不晚于今天；该人员当天须在岗")),
    Column("得分", "score", Score(), note=_("0–100，最多一位小数")),
    Column("录音编号", "call_no", Text(max_length=60), key=True, note=_("同一人的同一录音只评一次分")),
    Column("评语", "comment", Text(max_length=COMMENT_MAX), required=False),
)
COMPARED = ("call_date", "score", "comment")


@dataclass
class MonitoringPlan:
    new: list[MonitoringEvaluation] = field(default_factory=list)
    changed: list[tuple[MonitoringEvaluation, dict]] = field(default_factory=list)
    unchanged: int = 0


def prepare(context: ImportContext, rows: list[Row], problems: Problems) -> MonitoringPlan:
    hotline = context.hotline
    today = timezone.localdate()
    people = {
        p.staff_no: p
        for p in Person.objects.filter(hotline=hotline).only("id", "hotline_id", "staff_no", "name", "team_id", "hotline_start", "left_on")
    }
    stored = {
        (e.person_id, e.call_no): e
        for e in MonitoringEvaluation.objects.filter(hotline=hotline, call_no__in={row.values["call_no"] for row in rows})
    }
    plan = MonitoringPlan()
    for row in rows:
        values = row.values
        person = people.get(values["staff_no"])
        if person is None:
            problems.add(row.number, "工号", _("工号 %(no)s 不在本热线的花名册中（请先导入花名册）") % {"no": values["staff_no"]})
            continue
        day = values["call_date"]
        if day > today:
            problems.add(row.number, "日期", _("通话日期不能晚于今天"))
            continue
        if not person.active_on(day):
            problems.add(row.number, "日期", _("%(person)s 在 %(day)s 不在岗（S2）") % {"person": person, "day": day.isoformat()})
            continue
        fields = {"call_date": day, "score": values["score"], "comment": values["comment"] or ""}
        existing = stored.get((person.pk, values["call_no"]))
        if existing is None:
            plan.new.append(
                MonitoringEvaluation(
                    person=person, hotline=hotline, team_id=person.team_id, call_no=values["call_no"],
                    mode=EvaluationMode.IMPORTED, marks=[], evaluator=context.actor, **fields,
                )
            )
            continue
        if all(getattr(existing, name) == value for name, value in fields.items()):
            plan.unchanged += 1
            continue
        if existing.mode != EvaluationMode.IMPORTED:
            problems.add(
                row.number, "得分",
                _("该录音已在页面上评分（%(mode)s，%(score)s 分），请在页面修改") % {"mode": existing.get_mode_display(), "score": existing.score},
            )
            continue
        old = {name: str(getattr(existing, name)) for name in COMPARED}
        for name, value in fields.items():
            setattr(existing, name, value)
        existing.person = person
        plan.changed.append((existing, old))
    return plan


def apply(context: ImportContext, plan: MonitoringPlan) -> Outcome:
    actor, hotline, note, now = context.actor, context.hotline, context.note, timezone.now()
    MonitoringEvaluation.objects.bulk_create(plan.new, batch_size=2000)
    for evaluation, _old in plan.changed:
        evaluation.evaluator, evaluation.updated_at = actor, now
    if plan.changed:
        MonitoringEvaluation.objects.bulk_update(
            [e for e, _old in plan.changed], [*COMPARED, "evaluator", "updated_at"], batch_size=1000
        )
    entries = [
        audit.entry_for(actor=actor, action="monitoring.create", target=e, hotline=hotline, note=note,
                        changes={name: [None, str(getattr(e, name))] for name in ("call_no", *COMPARED)})
        for e in plan.new
    ]
    entries += [
        audit.entry_for(actor=actor, action="monitoring.update", target=e, hotline=hotline, note=note,
                        changes={name: [old[name], str(getattr(e, name))] for name in COMPARED if old[name] != str(getattr(e, name))})
        for e, old in plan.changed
    ]
    audit.record_many(entries)
    return Outcome(created=len(plan.new), updated=len(plan.changed), unchanged=plan.unchanged)


def export_rows(hotline):
    found = MonitoringEvaluation.objects.filter(hotline=hotline).select_related("person").order_by("call_date", "person__staff_no", "call_no")
    for e in found.iterator(chunk_size=2000):
        yield [e.person.staff_no, e.call_date, e.score, e.call_no, e.comment]


SPEC = SheetSpec(
    kind="monitoring",
    title="监听评分",
    description=_("监听录音评分（M2）：按工号和录音编号对应，计入综合得分的监听均分（X5）。"),
    columns=COLUMNS,
    prepare=prepare,
    apply=apply,
    permission="imports.assessment",
    export_rows=export_rows,
    notes=(
        _("同一人的同一录音编号只对应一条评分；再次导入时，导入的评分按文件更新，页面录入的评分请在页面修改。"),
        _("导入的评分与页面录入的评分一样列入监听录音列表和个人档案。"),
    ),
)
