"""The 试题 sheet: questions imported all or nothing, matched by 题号; importing the same file twice changes
nothing; a used question is revised as a new version; the export imports back unchanged."""
import csv
import io
from decimal import Decimal

import openpyxl
import pytest

from stardesk.audit.models import AuditEntry
from stardesk.exams.models import Question, QuestionStatus, QuestionType, QuestionVersion
from stardesk.sheets import queries as sheet_queries
from stardesk.sheets import services as sheets

HEADERS = ["题号", "知识领域", "题型", "级别", "难度", "题干", "选项A", "选项B", "选项C", "选项D", "选项E", "选项F", "答案", "分值", "解析"]
ROWS = [
    ["Q001", "数字电视业务", "单选", "二星", "3", "机顶盒显示 E-102 时应先检查什么？", "信号线", "遥控器", "音量", "", "", "", "A", "2", "E-102 表示无信号"],
    ["Q002", "宽带业务", "多选", "通用", "4", "宽带无法上网的常见原因有？", "光猫断电", "网线松动", "欠费停机", "频道锁定", "", "", "A、B、C", "3", ""],
    ["Q003", "岗位服务规范", "判断题", "一星", "1", "接听电话应在铃响三声内。", "", "", "", "", "", "", "对", "1", ""],
    ["Q004", "基础文化", "填空", "通用", "2", "有线电视的英文缩写是____。", "", "", "", "", "", "", "CATV|有线电视", "2", ""],
    ["Q005", "岗位服务规范", "简答", "二星", "3", "简述受理投诉的步骤。", "", "", "", "", "", "", "倾听、致歉、记录、处理、回访", "10", ""],
    ["Q006", "计算机操作", "打字", "通用", "3", "请录入下文。", "", "", "", "", "", "", "您好，这里是有线电视服务热线。", "100", ""],
]


def csv_bytes(rows) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def xlsx_bytes(rows) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _import(actor, rows, name="试题.csv"):
    return sheets.sheet_import(actor=actor, kind="questions", source=csv_bytes([HEADERS, *rows]), file_name=name)


def test_questions_are_imported_with_their_keys_in_stored_form(supervisor):
    run = _import(supervisor, ROWS)
    assert (run.created, run.updated, run.unchanged) == (6, 0, 0)
    stored = {q.number: q for q in Question.objects.select_related("current")}
    assert stored["Q001"].current.answer == "A" and stored["Q001"].level == 2
    assert stored["Q002"].current.answer == ["A", "B", "C"] and stored["Q002"].current.options[3] == "频道锁定"
    assert stored["Q003"].qtype == QuestionType.TRUE_FALSE and stored["Q003"].current.answer is True
    assert stored["Q004"].current.answer == [["CATV", "有线电视"]]
    assert stored["Q005"].current.reference == "倾听、致歉、记录、处理、回访" and stored["Q005"].current.answer is None
    assert stored["Q006"].current.material == "您好，这里是有线电视服务热线。"
    assert stored["Q001"].current.marks == Decimal("2.0") and stored["Q001"].current.explanation == "E-102 表示无信号"
    assert AuditEntry.objects.filter(action="question.create").count() == 6


def test_importing_the_same_file_twice_changes_nothing(supervisor):
    _import(supervisor, ROWS)
    entries = AuditEntry.objects.count()
    run = _import(supervisor, ROWS)
    assert (run.created, run.updated, run.unchanged) == (0, 0, 6)
    assert QuestionVersion.objects.count() == 6
    assert AuditEntry.objects.count() == entries


def test_bad_rows_are_all_reported_and_nothing_is_saved(supervisor):
    bad = [
        ROWS[0],
        ["Q010", "宽带业务", "多选", "通用", "3", "全选题", "甲", "乙", "丙", "", "", "", "ABC", "2", ""],  # every option
        ["Q011", "天文", "单选", "通用", "3", "题干", "甲", "乙", "", "", "", "", "A", "2", ""],
        ["Q012", "数字电视业务", "单选", "通用", "9", "题干", "甲", "乙", "", "", "", "", "C", "2.55", ""],
        ["Q013", "数字电视业务", "打字", "通用", "3", "题干", "", "", "", "", "", "", "原文", "2", ""],
    ]
    with pytest.raises(sheets.ImportRefused) as refused:
        _import(supervisor, bad)
    problems = {(p["row"], p["column"]) for p in refused.value.details}
    assert (3, "答案") in problems  # 多选 cannot be every option
    assert (4, "知识领域") in problems
    assert {(5, "难度"), (5, "分值")} <= problems
    assert (6, "知识领域") in problems  # 打字 belongs to 计算机操作
    assert not Question.objects.exists()


def test_a_used_question_is_revised_as_a_new_version_and_its_type_never_changes(supervisor, hotline):
    _import(supervisor, ROWS)
    q001 = Question.objects.get(number="Q001")
    QuestionVersion.objects.filter(pk=q001.current_id).update(frozen_at="2026-06-01T08:00:00+08:00")
    revised = [list(ROWS[0]), list(ROWS[2])]
    revised[0][5] = "机顶盒显示 E-102（无信号）时，应首先检查什么？"
    revised[1][4] = "2"  # only the difficulty of Q003: classification, no new version
    run = _import(supervisor, revised)
    assert (run.created, run.updated, run.unchanged) == (0, 2, 0)
    q001.refresh_from_db()
    assert q001.current.number == 2 and q001.versions.get(number=1).stem == ROWS[0][5]
    assert Question.objects.get(number="Q003").current.number == 1
    changed_type = [list(ROWS[0])]
    changed_type[0][2] = "判断"
    with pytest.raises(sheets.ImportRefused) as refused:
        _import(supervisor, changed_type)
    assert refused.value.details[0]["column"] == "题型" and "题型不能修改" in refused.value.details[0]["reason"]


def test_the_export_imports_back_unchanged(supervisor, hotline):
    _import(supervisor, ROWS)
    spec, rows = sheet_queries.sheet_export(actor=supervisor, kind="questions", hotline=hotline)
    exported = [spec.headers, *[[("" if v is None else str(v)) for v in row] for row in rows]]
    assert exported[0] == HEADERS + ["状态"]
    assert exported[2][12] == "ABC" and exported[3][12] == "对" and exported[4][12] == "CATV|有线电视"
    run = sheets.sheet_import(actor=supervisor, kind="questions", source=xlsx_bytes(exported), file_name="导出.xlsx")
    assert (run.created, run.updated, run.unchanged) == (0, 0, 6)


def test_retiring_by_sheet_keeps_the_question_out_of_new_papers(supervisor):
    _import(supervisor, ROWS)
    rows = [list(ROWS[0]) + ["停用"]]
    run = sheets.sheet_import(actor=supervisor, kind="questions", source=csv_bytes([HEADERS + ["状态"], *rows]), file_name="停用.csv")
    assert run.updated == 1
    assert Question.objects.get(number="Q001").status == QuestionStatus.RETIRED


def test_only_those_who_edit_the_bank_may_import(committee, leader):
    from stardesk.core.errors import Forbidden

    for user in (committee, leader):
        with pytest.raises(Forbidden):
            _import(user, ROWS)
    assert not Question.objects.exists()
