"""试题 (question bank) sheet: import and export of questions, matched by 题号 within the hotline.

A row is one question with its current content. Importing a row whose 题号 is
new creates the question (version 1). A row whose 题号 exists updates its
classification in place and, when the content differs, revises it: in place
while no paper holds the current version, otherwise as a new version (a
version a paper holds is frozen, so past attempts keep what the agent saw). A
row identical to what is stored changes nothing, so an export imports back
unchanged. The type of a stored question never changes.

The 答案 cell holds the key of 单选 (B), 多选 (ACD), 判断 (对/错) and 填空 (blanks
separated by ；, accepted answers of a blank by |); the reference answer or
rubric of 简答 and 口试; the passage of 打字.
"""
import re
from dataclasses import dataclass, field

from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stardesk.audit import services as audit
from stardesk.core.errors import DomainError
from stardesk.exams.models import (
    OPTION_LETTERS,
    Area,
    Question,
    QuestionLevel,
    QuestionStatus,
    QuestionType,
    QuestionVersion,
)
from stardesk.exams.question_content import Content, build_content, sheet_answer
from stardesk.sheets.cells import CellError, Choice, Integer, Parser, Score, Text, half_width
from stardesk.sheets.specs import Column, ImportContext, Outcome, Problems, Row, SheetSpec

# The file contract: the words a row is written with.
AREA_WORDS = {
    "基础文化": Area.BASIC_CULTURE, "模拟电视业务": Area.ANALOGUE_TV, "数字电视业务": Area.DIGITAL_TV, "宽带业务": Area.BROADBAND,
    "岗位服务规范": Area.SERVICE_NORMS, "计算机操作": Area.COMPUTER, "语言能力": Area.LANGUAGE,
}
AREA_ALIASES = {"语言能力（普通话、语态、语言技巧）": Area.LANGUAGE}
TYPE_WORDS = {
    "单选": QuestionType.SINGLE, "多选": QuestionType.MULTIPLE, "判断": QuestionType.TRUE_FALSE, "填空": QuestionType.FILL_IN,
    "简答": QuestionType.SHORT_ANSWER, "打字": QuestionType.TYPING, "口试": QuestionType.SPEAKING,
}
TYPE_ALIASES = {"单选题": QuestionType.SINGLE, "多选题": QuestionType.MULTIPLE, "判断题": QuestionType.TRUE_FALSE,
                "填空题": QuestionType.FILL_IN, "简答题": QuestionType.SHORT_ANSWER, "打字题": QuestionType.TYPING, "口试题": QuestionType.SPEAKING}
LEVEL_WORDS = {"通用": QuestionLevel.COMMON, "一星": QuestionLevel.ONE, "二星": QuestionLevel.TWO, "三星": QuestionLevel.THREE}
STATUS_WORDS = {"启用": QuestionStatus.ACTIVE, "停用": QuestionStatus.RETIRED}
AREA_WORD = {value: word for word, value in AREA_WORDS.items()}
TYPE_WORD = {value: word for word, value in TYPE_WORDS.items()}
LEVEL_WORD = {int(value): word for word, value in LEVEL_WORDS.items()}
STATUS_WORD = {value: word for word, value in STATUS_WORDS.items()}
OPTION_HEADERS = [f"选项{letter}" for letter in OPTION_LETTERS]
# Where a content problem shows: the column of the field it concerns.
FIELD_COLUMNS = {"stem": "题干", "answer": "答案", "reference": "答案", "material": "答案", "marks": "分值", "area": "知识领域",
                 "qtype": "题型", "level": "级别", "difficulty": "难度", "status": "状态"} | {
    f"option_{letter.lower()}": f"选项{letter}" for letter in OPTION_LETTERS}

_NUMBER = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_.-]*$")


class QuestionNumber(Parser):
    """题号: text; a number cell is its integer (`12.0` is `12`)."""

    kind = "staff_no"  # formatted as text in the template, so 0001 keeps its zeros

    def __init__(self):
        self.hint = _("文本格式；字母、数字、- 或 _，最多 20 个字符")

    def __call__(self, value) -> str:
        if isinstance(value, bool):
            raise CellError(_("题号不能是逻辑值"))
        if isinstance(value, (int, float)):
            if value < 0 or not float(value).is_integer():
                raise CellError(_("「%(v)s」不是有效题号") % {"v": value})
            return str(int(value))
        if not isinstance(value, str):
            raise CellError(_("「%(v)s」不是有效题号") % {"v": value})
        text = half_width(value)
        if len(text) > 20 or not _NUMBER.match(text):
            raise CellError(_("「%(v)s」不是有效题号：最多 20 个字符，只能包含字母、数字、-、_ 和 .") % {"v": text[:30]})
        return text


class WordChoice(Choice):
    """A Choice that also reads a few common other spellings (单选题 for 单选) but offers only the words themselves."""

    def __init__(self, words: dict, aliases: dict):
        super().__init__(words)
        self.aliases = {str(word): stored for word, stored in aliases.items()}

    def __call__(self, value):
        text = value.strip() if isinstance(value, str) else value
        if isinstance(text, str) and text in self.aliases:
            return self.aliases[text]
        return super().__call__(value)


COLUMNS = (
    Column("题号", "number", QuestionNumber(), key=True, note=_("本热线内唯一；已有的题号更新该题，新的题号新建试题")),
    Column("知识领域", "area", WordChoice(AREA_WORDS, AREA_ALIASES)),
    Column("题型", "qtype", WordChoice(TYPE_WORDS, TYPE_ALIASES), note=_("已有试题的题型不能修改")),
    Column("级别", "level", Integer(minimum=0, maximum=3, units=("星",), words=LEVEL_WORDS), note=_("一星、二星、三星或通用")),
    Column("难度", "difficulty", Integer(minimum=1, maximum=5), note=_("1 最易，5 最难")),
    Column("题干", "stem", Text(max_length=2000), note=_("填空题用 ____ 标出每个空")),
    *(Column(header, f"option_{letter.lower()}", Text(max_length=500), required=False)
      for header, letter in zip(OPTION_HEADERS, OPTION_LETTERS)),
    Column("答案", "answer", Text(max_length=5000), required=False,
           note=_("单选 B；多选 ACD（至少两个，不能全选）；判断 对/错；填空各空用「；」分隔、同一空的可接受答案用「|」分隔；"
                  "简答、口试填参考答案或评分要点；打字填录入原文")),
    Column("分值", "marks", Score(), note=_("大于 0，最多一位小数；组卷时以蓝图的每题分值为准")),
    Column("解析", "explanation", Text(max_length=2000), required=False),
    Column("状态", "status", Choice(STATUS_WORDS), required=False, note=_("启用或停用，留空为启用；停用的试题不再被抽取")),
)


@dataclass
class QuestionPlan:
    new: list[tuple[Question, Content]] = field(default_factory=list)
    reclassified: list[tuple[Question, dict]] = field(default_factory=list)  # (question, audit changes)
    revised_in_place: list[tuple[Question, Content]] = field(default_factory=list)
    new_versions: list[tuple[Question, Content]] = field(default_factory=list)
    unchanged: int = 0


def _content_of(values: dict, qtype: str) -> dict:
    answer = values.get("answer") or ""
    return {
        "qtype": qtype,
        "stem": values["stem"],
        "options": [values.get(f"option_{letter.lower()}") or "" for letter in OPTION_LETTERS],
        "answer_text": answer if qtype not in (QuestionType.SHORT_ANSWER, QuestionType.SPEAKING, QuestionType.TYPING) else "",
        "reference": answer if qtype in (QuestionType.SHORT_ANSWER, QuestionType.SPEAKING) else "",
        "material": answer if qtype == QuestionType.TYPING else "",
        "marks": values["marks"],
        "explanation": values.get("explanation") or "",
    }


def _classification_problem(values: dict) -> tuple[str, str] | None:
    if values["qtype"] == QuestionType.TYPING and values["area"] != Area.COMPUTER:
        return "知识领域", str(_("打字题属于「计算机操作」"))
    if values["qtype"] == QuestionType.SPEAKING and values["area"] != Area.LANGUAGE:
        return "知识领域", str(_("口试题属于「语言能力」"))
    return None


def prepare(context: ImportContext, rows: list[Row], problems: Problems) -> QuestionPlan:
    stored = {q.number: q for q in Question.objects.filter(hotline=context.hotline).select_related("current")}
    plan = QuestionPlan()
    for row in rows:
        values = row.values
        values["status"] = values.get("status") or QuestionStatus.ACTIVE
        question = stored.get(values["number"])
        if question is not None and question.qtype != values["qtype"]:
            problems.add(row.number, "题型", _("题号 %(n)s 已是%(t)s，题型不能修改") % {"n": question.number, "t": question.get_qtype_display()})
            continue
        wrong = _classification_problem(values)
        if wrong:
            problems.add(row.number, *wrong)
            continue
        try:
            content = build_content(**_content_of(values, values["qtype"]))
        except DomainError as error:
            for detail in error.details:
                problems.add(row.number, FIELD_COLUMNS.get(detail["field"], detail["field"]), detail["message"])
            continue
        if question is None:
            plan.new.append((Question(hotline=context.hotline, number=values["number"], area=values["area"], qtype=values["qtype"],
                                      level=values["level"], difficulty=values["difficulty"], status=values["status"]), content))
            continue
        before = audit.snapshot(question)
        question.area, question.level, question.difficulty, question.status = values["area"], values["level"], values["difficulty"], values["status"]
        classification = audit.changes_between(before, audit.snapshot(question))
        same_content = question.current is not None and content.same_as(question.current)
        if classification:
            plan.reclassified.append((question, classification))
        if not same_content:
            if question.current is None or question.current.is_frozen:
                plan.new_versions.append((question, content))
            else:
                plan.revised_in_place.append((question, content))
        if same_content and not classification:
            plan.unchanged += 1
    return plan


def _version(question: Question, content: Content, number: int, context: ImportContext) -> QuestionVersion:
    actor = context.actor
    return QuestionVersion(
        question=question, number=number, stem=content.stem, options=content.options, answer=content.answer, marks=content.marks,
        explanation=content.explanation, reference=content.reference, material=content.material,
        note=str(_("导入：%(f)s") % {"f": context.file_name})[:200],
        created_by=actor if actor is not None and actor.pk else None, created_by_name=str(actor) if actor is not None else "系统",
    )


def apply(context: ImportContext, plan: QuestionPlan) -> Outcome:
    actor, hotline, note = context.actor, context.hotline, context.note
    entries = []
    # New questions, then their first versions, then point each at its version: one query per kind of row.
    if plan.new:
        questions = Question.objects.bulk_create([q for q, _c in plan.new], batch_size=1000)
        versions = QuestionVersion.objects.bulk_create(
            [_version(q, c, 1, context) for q, (_unused, c) in zip(questions, plan.new)], batch_size=1000)
        for question, version in zip(questions, versions):
            question.current = version
            entries.append(audit.entry_for(actor=actor, action="question.create", target=question, hotline=hotline, note=note,
                                           changes=audit.changes_between({}, audit.snapshot(question))))
        Question.objects.bulk_update(questions, ["current"], batch_size=1000)
    now = timezone.now()
    if plan.reclassified:
        for question, _changes in plan.reclassified:
            question.updated_at = now
        Question.objects.bulk_update([q for q, _c in plan.reclassified], ["area", "level", "difficulty", "status", "updated_at"], batch_size=1000)
        entries += [audit.entry_for(actor=actor, action="question.revise", target=q, hotline=hotline, note=note, changes=changes)
                    for q, changes in plan.reclassified]
    if plan.revised_in_place:
        versions = []
        for question, content in plan.revised_in_place:
            version = question.current
            for name in ("stem", "options", "answer", "marks", "explanation", "reference", "material"):
                setattr(version, name, getattr(content, name))
            versions.append(version)
            entries.append(audit.entry_for(actor=actor, action="question.revise", target=question, hotline=hotline, note=note,
                                           changes={str(_("内容")): [None, str(_("第%(n)s版已修改") % {"n": version.number})]}))
        QuestionVersion.objects.bulk_update(versions, ["stem", "options", "answer", "marks", "explanation", "reference", "material"], batch_size=1000)
    if plan.new_versions:
        numbers = dict(QuestionVersion.objects.filter(question__in=[q for q, _c in plan.new_versions]).order_by()
                       .values_list("question_id").annotate(highest=Max("number")))
        versions = QuestionVersion.objects.bulk_create(
            [_version(q, c, numbers.get(q.pk, 0) + 1, context) for q, c in plan.new_versions], batch_size=1000)
        questions = []
        for (question, _content), version in zip(plan.new_versions, versions):
            question.current, question.updated_at = version, now
            questions.append(question)
            entries.append(audit.entry_for(actor=actor, action="question.new_version", target=question, hotline=hotline, note=note,
                                           changes={str(_("当前版本")): [None, str(_("第%(n)s版") % {"n": version.number})]}))
        Question.objects.bulk_update(questions, ["current", "updated_at"], batch_size=1000)
    audit.record_many(entries)
    touched = {q.pk for q, _c in plan.reclassified} | {q.pk for q, _c in plan.revised_in_place} | {q.pk for q, _c in plan.new_versions}
    return Outcome(created=len(plan.new), updated=len(touched), unchanged=plan.unchanged)


def export_rows(hotline):
    questions = Question.objects.filter(hotline=hotline, current__isnull=False).select_related("current").order_by("number")
    for question in questions.iterator(chunk_size=1000):
        version = question.current
        options = list(version.options or []) + [""] * (len(OPTION_LETTERS) - len(version.options or []))
        yield [
            question.number,
            AREA_WORD[question.area],
            TYPE_WORD[question.qtype],
            LEVEL_WORD[question.level],
            question.difficulty,
            version.stem,
            *options,
            sheet_answer(question.qtype, version),
            version.marks,
            version.explanation,
            STATUS_WORD[question.status],
        ]


SPEC = SheetSpec(
    kind="questions",
    title="试题",
    description=_("题库试题：按题号对应；新题号新建试题，已有题号更新该题（已被试卷使用的试题保存为新版本）。"),
    columns=COLUMNS,
    prepare=prepare,
    apply=apply,
    permission="exams.edit",
    export_rows=export_rows,
    notes=(
        _("题型：单选、多选、判断、填空、简答、打字、口试；打字题属于计算机操作，口试题属于语言能力。"),
        _("多选题：全部选对得满分；少选且没有选错得一半分；选错或不选不得分；全选不得分。"),
        _("填空题：每空分值相同；答案不区分大小写和全角半角，首尾空格不计。"),
    ),
)
