"""考试成绩 (exam results) sheet of workbook.md: offline exams entered by hand or imported, and the export.

Matched by (工号, 考试名称, 考试日期). A row names an exam by its name and
date: an offline exam new to the hotline is created (a sitting without paper,
released as it is saved, since its results were published where it was held).
Rules of a row beyond its cells:
- the 工号 is on the hotline's roster;
- one exam (名称 and 日期) has one 考试类别 in the file and as stored;
- a qualification exam (一星/二星/三星资格) needs the policy of its year: its
  pass mark decides 合格 (X2), and when both part scores are given the 成绩 must
  be their weighted sum by the year's weights (X2) — a different figure is a
  bad row, never a guess;
- an online exam of the same name and date has its results computed by the
  product: a row equal to it is unchanged, a different one is refused;
- a stored offline result is updated by a row with other scores (logged).
"""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stardesk.accounts import permissions
from stardesk.audit import services as audit
from stardesk.core.errors import DomainError
from stardesk.exams import result_actions  # noqa: F401  (audit labels)
from stardesk.exams.attempt_scores import LEVEL_KINDS
from stardesk.exams.models import ReleaseRule, ResultSource, Sitting, SittingKind, SittingResult, SittingStatus
from stardesk.people.models import Person
from stardesk.policy.exams import exam_score
from stardesk.policy.facts import ExamResult
from stardesk.policy.reasons import Reason, basis
from stardesk.sheets.cells import Choice, Date, Score, StaffNo, Text
from stardesk.sheets.specs import Column, ImportContext, Outcome, Problems, Row, SheetSpec

KIND_WORDS = {str(label): value for value, label in SittingKind.choices}
KIND_WORD = {value: word for word, value in KIND_WORDS.items()}
KIND = "exam_results"

COLUMNS = (
    Column("工号", "staff_no", StaffNo(), key=True, note=_("须在本热线花名册中")),
    Column("考试名称", "exam_name", Text(max_length=100), key=True, note=_("同名同日为同一场考试")),
    Column("考试类别", "kind", Choice(KIND_WORDS)),
    Column("考试日期", "exam_date", Date(), key=True),
    Column("成绩", "score", Score(), note=_("资格考试同时填写知识、技能得分时，成绩须等于按年度政策权重的加权和（X2）")),
    Column("知识得分", "knowledge", Score(), required=False),
    Column("技能得分", "skills", Score(), required=False),
)


@dataclass
class ExamPlan:
    new_sittings: dict[tuple, Sitting] = field(default_factory=dict)  # (name, date) → unsaved sitting
    new_results: list[tuple[SittingResult, tuple]] = field(default_factory=list)  # (result, sitting key when the sitting is new)
    updated: list[tuple[SittingResult, dict]] = field(default_factory=list)  # (result, audit changes)
    unchanged: int = 0


def _policies(hotline):
    from stardesk.yearly_policy.queries import cycle_policy

    cache = {}

    def policy_of(year: int):
        if year not in cache:
            try:
                cache[year] = cycle_policy(hotline, year)
            except DomainError:
                cache[year] = None
        return cache[year]

    return policy_of


def _decide(values: dict, policy_of) -> tuple[bool | None, str, str, str | None]:
    """(passed, 依据, policy version, problem) of a row: X2 for a qualification exam, the score alone otherwise."""
    kind = values["kind"]
    day = values["exam_date"]
    if kind not in LEVEL_KINDS:
        text = f"{KIND_WORD[kind]}（{day.isoformat()}）{values['score']}分（线下考试）"
        return None, basis([Reason("J1" if kind == SittingKind.JUNE else "X2", text)]), "", None
    found = policy_of(day.year)
    if found is None:
        return None, "", "", str(_("%(y)s 年度政策尚未建立，无法按合格线判定（X2）；请先建立该年度政策") % {"y": day.year})
    from stardesk.exams.models import EXAM_KINDS

    knowledge, skills = values.get("knowledge"), values.get("skills")
    fact = ExamResult(EXAM_KINDS[SittingKind(kind)], day, score=values["score"], knowledge=knowledge, skills=skills, name=values["exam_name"])
    decided = exam_score(fact, found.policy)
    if knowledge is not None and skills is not None and decided.score != values["score"]:
        return None, "", "", str(_("成绩 %(s)s 与知识、技能得分按 X2 加权的结果 %(w)s 不一致") % {"s": values["score"], "w": decided.score})
    return decided.passed, basis(decided) + "（线下考试）", found.version, None


def _sitting_for(hotline, name: str, kind: str, day: datetime.date, now) -> Sitting:
    opens = timezone.make_aware(datetime.datetime.combine(day, datetime.time()))
    return Sitting(
        hotline=hotline, name=name, kind=kind, opens_at=opens, closes_at=opens + datetime.timedelta(days=1), time_limit_minutes=0,
        grace_seconds=0, release_rule=ReleaseRule.MANUAL, status=SittingStatus.RELEASED, closed_at=now, released_at=now,
        shuffle_questions=False, shuffle_options=False,
    )


def _same(result: SittingResult, values: dict) -> bool:
    return (result.score == values["score"] and result.knowledge_score == values.get("knowledge")
            and result.skills_score == values.get("skills"))


def prepare(context: ImportContext, rows: list[Row], problems: Problems) -> ExamPlan:
    from stardesk.exams.result_queries import is_offline

    hotline = context.hotline
    people = {p.staff_no: p for p in Person.objects.filter(hotline=hotline).only("id", "hotline_id", "staff_no", "name")}
    names = {row.values["exam_name"] for row in rows}
    sittings = {}
    for sitting in Sitting.objects.filter(hotline=hotline, name__in=names):
        sittings.setdefault((sitting.name, sitting.exam_date), sitting)
    stored = {
        (r.sitting_id, r.person_id): r
        for r in SittingResult.objects.filter(sitting__in=[s.pk for s in sittings.values()]).order_by()
    }
    policy_of = _policies(hotline)
    plan = ExamPlan()
    kinds_in_file: dict[tuple, tuple[str, int]] = {}
    now = timezone.now()
    for row in rows:
        values = row.values
        person = people.get(values["staff_no"])
        if person is None:
            problems.add(row.number, "工号", _("工号 %(no)s 不在本热线的花名册中（请先导入花名册）") % {"no": values["staff_no"]})
            continue
        key = (values["exam_name"], values["exam_date"])
        first = kinds_in_file.setdefault(key, (values["kind"], row.number))
        if first[0] != values["kind"]:
            problems.add(row.number, "考试类别", _("与第 %(r)s 行同一场考试的考试类别不同") % {"r": first[1]})
            continue
        sitting = sittings.get(key)
        if sitting is not None and sitting.kind != values["kind"]:
            problems.add(row.number, "考试类别", _("已保存的这场考试为「%(k)s」") % {"k": KIND_WORD[sitting.kind]})
            continue
        if sitting is not None and not is_offline(sitting):
            result = stored.get((sitting.pk, person.pk))
            if result is not None and result.released_at is not None and _same(result, values):
                plan.unchanged += 1
            else:
                problems.add(row.number, "考试名称", _("「%(n)s」是在线考试，成绩由系统计算，不能导入或修改") % {"n": values["exam_name"]})
            continue
        passed, why, version, problem = _decide(values, policy_of)
        if problem:
            problems.add(row.number, "成绩" if "不一致" in problem else "考试日期", problem)
            continue
        result = stored.get((sitting.pk, person.pk)) if sitting is not None else None
        if result is not None:
            if _same(result, values):
                plan.unchanged += 1
                continue
            before = {"score": str(result.score), "knowledge_score": str(result.knowledge_score), "skills_score": str(result.skills_score)}
            result.score, result.knowledge_score, result.skills_score = values["score"], values.get("knowledge"), values.get("skills")
            result.passed, result.basis, result.policy_version, result.computed_at = passed, why, version, now
            after = {"score": str(result.score), "knowledge_score": str(result.knowledge_score), "skills_score": str(result.skills_score)}
            plan.updated.append((result, audit.changes_between(before, after)))
            continue
        if sitting is None and key not in plan.new_sittings:
            plan.new_sittings[key] = _sitting_for(hotline, values["exam_name"], values["kind"], values["exam_date"], now)
        result = SittingResult(
            sitting=sitting, person=person, source=ResultSource.OFFLINE, score=values["score"], knowledge_score=values.get("knowledge"),
            skills_score=values.get("skills"), passed=passed, basis=why, policy_version=version, computed_at=now, released_at=now,
        )
        plan.new_results.append((result, key if sitting is None else None))
    return plan


def apply(context: ImportContext, plan: ExamPlan) -> Outcome:
    actor, hotline, note = context.actor, context.hotline, context.note
    entries = []
    if plan.new_sittings:
        created = Sitting.objects.bulk_create(list(plan.new_sittings.values()))
        for sitting in created:
            entries.append(audit.entry_for(actor=actor, action="sitting.create", target=sitting, hotline=hotline, note=note,
                                           changes={"name": [None, sitting.name], "kind": [None, KIND_WORD[sitting.kind]],
                                                    "exam_date": [None, sitting.exam_date.isoformat()]}))
    for result, key in plan.new_results:
        if key is not None:
            result.sitting = plan.new_sittings[key]
    SittingResult.objects.bulk_create([r for r, _k in plan.new_results], batch_size=1000)
    for result, _key in plan.new_results:
        entries.append(audit.entry_for(actor=actor, action="result.import", target=result, hotline=hotline, note=note,
                                       changes={"score": [None, str(result.score)],
                                                **({"passed": [None, "合格" if result.passed else "不合格"]} if result.passed is not None else {})}))
    if plan.updated:
        SittingResult.objects.bulk_update([r for r, _c in plan.updated], ["score", "knowledge_score", "skills_score", "passed", "basis",
                                                                          "policy_version", "computed_at"], batch_size=1000)
        entries += [audit.entry_for(actor=actor, action="result.update", target=r, hotline=hotline, note=note, changes=changes)
                    for r, changes in plan.updated]
    audit.record_many(entries)
    return Outcome(created=len(plan.new_results), updated=len(plan.updated), unchanged=plan.unchanged)


def export_rows(hotline):
    """Every released result of the hotline, online and offline, in the sheet's columns."""
    results = (
        SittingResult.objects.filter(sitting__hotline=hotline, released_at__isnull=False)
        .select_related("sitting", "person")
        .order_by("sitting__opens_at", "sitting_id", "person__staff_no")
    )
    for r in results.iterator(chunk_size=2000):
        yield [r.person.staff_no, r.sitting.name, KIND_WORD[r.sitting.kind], r.sitting.exam_date, r.score, r.knowledge_score, r.skills_score]


SPEC = SheetSpec(
    kind=KIND,
    title="考试成绩",
    description=_("线下考试的成绩（按工号、考试名称、考试日期对应）；资格考试按年度政策判定是否合格（X2）。"),
    columns=COLUMNS,
    prepare=prepare,
    apply=apply,
    permission="exams.results",
    export_rows=export_rows,
    notes=(
        _("考试类别：一星资格、二星资格、三星资格、年中综合、服务素质。"),
        _("资格考试按考试日期所在年度的政策判定合格（X2），成绩自考试日期起一年内有效（X4）。"),
        _("知识得分、技能得分可留空；两项都填写时，成绩须等于按年度政策权重计算的加权和。"),
        _("在线考试的成绩由系统计算，不能通过导入修改。"),
    ),
)


def exam_results_import(*, actor, source, file_name: str, hotline=None):
    """Import a 考试成绩 file (all or nothing; the sheets framework reads and checks it, this spec saves it)."""
    from stardesk.sheets.services import sheet_import

    return sheet_import(actor=actor, kind=KIND, source=source, file_name=file_name, hotline=hotline)


@transaction.atomic
def exam_result_enter(*, actor, hotline, staff_no: str, exam_name: str, kind: str, exam_date: datetime.date, score,
                      knowledge=None, skills=None) -> SittingResult:
    """One offline result entered on the page: the same checks and saving as a row of the sheet."""
    permissions.require(actor, "exams.results")
    permissions.require_hotline(actor, hotline)
    problems = Problems()
    values = {"staff_no": (staff_no or "").strip(), "exam_name": (exam_name or "").strip(), "kind": kind, "exam_date": exam_date,
              "score": score, "knowledge": knowledge, "skills": skills}
    if not values["exam_name"]:
        problems.add(None, "考试名称", _("请填写考试名称"))
    if kind not in SittingKind.values:
        problems.add(None, "考试类别", _("请选择考试类别"))
    if problems:
        raise DomainError("exam_result_invalid", details=[{"field": p["column"], "message": p["reason"]} for p in problems.as_list()])
    context = ImportContext(actor=actor, hotline=hotline, file_name="")
    plan = prepare(context, [Row(number=1, values=values)], problems)
    if problems:
        raise DomainError("exam_result_invalid", details=[{"field": p["column"], "message": p["reason"]} for p in problems.as_list()])
    context.note = str(_("手工录入线下考试成绩"))
    apply(context, plan)
    if plan.new_results:
        return plan.new_results[0][0]
    if plan.updated:
        return plan.updated[0][0]
    raise DomainError("exam_result_invalid", _("与已保存的成绩相同，没有修改。"))
