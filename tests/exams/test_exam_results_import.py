"""The 考试成绩 sheet (workbook.md): offline results imported all or nothing, X2 checked against the year's
policy, idempotent, and the export that imports back unchanged."""
import datetime
from decimal import Decimal

import pytest

from stardesk.exams.models import ResultSource, Sitting, SittingKind, SittingResult, SittingStatus
from stardesk.exams.result_sheets import exam_results_import
from stardesk.policy.exams import qualification
from stardesk.sheets.services import ImportRefused
from stardesk.yearly_policy.person_facts import person_facts
from tests.exams.graded_sittings import *  # noqa: F401,F403  (fixtures)

HEADER = "工号,考试名称,考试类别,考试日期,成绩,知识得分,技能得分\n"


@pytest.fixture
def policy_2025(hotline, supervisor):
    from stardesk.yearly_policy import services as policy_services

    return policy_services.policy_create_from_defaults(actor=supervisor, hotline=hotline, year=2025)


def run(supervisor, body: str, *, encoding="utf-8-sig", name="考试成绩.csv"):
    return exam_results_import(actor=supervisor, source=(HEADER + body).encode(encoding), file_name=name)


def test_an_offline_qualification_exam_is_imported_with_its_x2_pass(supervisor, agent_person, colleague, policy_2025):
    body = ("1001,2025年二星资格考试,二星资格,2025/9/12,91.2,92,90\n"
            "1002,2025年二星资格考试,二星资格,2025年9月12日,80分,,\n")
    import_run = run(supervisor, body)
    assert (import_run.created, import_run.updated) == (2, 0)
    sitting = Sitting.objects.get(name="2025年二星资格考试")
    assert (sitting.kind, sitting.exam_date, sitting.status) == (SittingKind.LEVEL2, datetime.date(2025, 9, 12), SittingStatus.RELEASED)
    mine = SittingResult.objects.get(person=agent_person)
    theirs = SittingResult.objects.get(person=colleague)
    assert (mine.score, mine.knowledge_score, mine.skills_score, mine.passed, mine.source) == (
        Decimal("91.2"), Decimal("92.0"), Decimal("90.0"), True, ResultSource.OFFLINE)
    assert (theirs.score, theirs.passed) == (Decimal("80.0"), False)
    assert "合格线 85分" in theirs.basis and mine.policy_version == "2025 第1版"
    # X3/X4: the rules read it as a passed 2-star exam, valid for one year
    facts = person_facts(agent_person).facts
    from stardesk.yearly_policy.queries import cycle_policy

    policy = cycle_policy(agent_person.hotline, 2025).policy
    assert qualification(facts.exams, datetime.date(2026, 9, 11), policy).level == 2
    assert qualification(facts.exams, datetime.date(2026, 9, 12), policy).level == 0


def test_the_same_file_twice_changes_nothing(supervisor, agent_person, policy_2025):
    body = "1001,2025年年中综合考试,年中综合,2025-06-20,88.5,,\n"
    run(supervisor, body)
    again = run(supervisor, body)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    assert SittingResult.objects.count() == 1 and Sitting.objects.count() == 1


def test_a_changed_score_updates_the_offline_result(supervisor, agent_person, policy_2025):
    run(supervisor, "1001,2025年年中综合考试,年中综合,2025-06-20,88.5,,\n")
    again = run(supervisor, "1001,2025年年中综合考试,年中综合,2025-06-20,90,,\n")
    assert again.updated == 1
    assert SittingResult.objects.get().score == Decimal("90.0")


def test_every_bad_row_is_reported_and_nothing_saved(supervisor, agent_person, colleague, policy_2025):
    body = (
        "1001,2025年二星资格考试,二星资格,2025-09-12,95,92,90\n"  # X2: 92 × 60% + 90 × 40% = 91.2
        "9999,2025年二星资格考试,二星资格,2025-09-12,90,,\n"  # not on the roster
        "1002,2025年二星资格考试,四星资格,2025-09-12,90,,\n"  # no such kind
        "1002,2024年服务素质考试,服务素质,2024-02-30,90,,\n"  # impossible date
        "1002,2023年三星资格考试,三星资格,2023-09-12,90.25,,\n"  # two decimals
        "1002,2022年三星资格考试,三星资格,2022-09-12,90,,\n"  # no policy for 2022
    )
    with pytest.raises(ImportRefused) as refused:
        run(supervisor, body)
    problems = {(p["row"], p["column"]) for p in refused.value.details}
    assert problems == {(2, "成绩"), (3, "工号"), (4, "考试类别"), (5, "考试日期"), (6, "成绩"), (7, "考试日期")}
    reasons = {p["row"]: p["reason"] for p in refused.value.details}
    assert "91.2" in reasons[2] and "2022 年度政策尚未建立" in reasons[7]
    assert not SittingResult.objects.exists() and not Sitting.objects.exists()


def test_one_exam_has_one_kind(supervisor, agent_person, colleague, policy_2025):
    body = ("1001,2025年考试,一星资格,2025-09-12,90,,\n"
            "1002,2025年考试,二星资格,2025-09-12,90,,\n")
    with pytest.raises(ImportRefused) as refused:
        run(supervisor, body)
    assert [(p["row"], p["column"]) for p in refused.value.details] == [(3, "考试类别")]


def test_gbk_csv_from_chinese_excel(supervisor, agent_person, policy_2025):
    run(supervisor, "1001,2025年年中综合考试,年中综合,2025.6.20,９５．５,,\n", encoding="gb18030")
    assert SittingResult.objects.get().score == Decimal("95.5")


def test_an_online_sittings_results_cannot_be_imported_over(supervisor, agent_person, colleague, agent, make_sitting, skills_paper):
    from tests.exams.graded_sittings import close, grade_all, release, sit

    sitting = make_sitting(paper=skills_paper, invite=(agent_person,))
    sit(sitting, agent)
    close(sitting, supervisor)
    from stardesk.exams.models import QuestionType

    grade_all(sitting, supervisor, {QuestionType.SHORT_ANSWER: "10", QuestionType.TYPING: "40", QuestionType.SPEAKING: "45"})
    release(sitting, supervisor)
    day = sitting.exam_date.isoformat()
    same = f"1001,{sitting.name},二星资格,{day},94,100,85\n"
    assert run(supervisor, same).unchanged == 1
    with pytest.raises(ImportRefused) as refused:
        run(supervisor, f"1001,{sitting.name},二星资格,{day},99,,\n")
    assert "在线考试" in refused.value.details[0]["reason"]


def test_the_export_imports_back_unchanged(client, supervisor, agent_person, colleague, policy_2025):
    run(supervisor, "1001,2025年二星资格考试,二星资格,2025-09-12,91.2,92,90\n1002,2025年年中综合考试,年中综合,2025-06-20,77,,\n")
    client.force_login(supervisor)
    response = client.get("/imports/exam_results/export/?fmt=csv")
    exported = b"".join(response.streaming_content) if response.streaming else response.content
    text = exported.decode("utf-8-sig")
    assert text.splitlines()[0] == HEADER.strip()
    again = exam_results_import(actor=supervisor, source=exported, file_name="导出.csv")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)


@pytest.mark.parametrize("role", ["agent", "leader", "committee"])
def test_only_the_supervisor_imports_results(users, role, agent_person, policy_2025):
    from stardesk.core.errors import Forbidden

    with pytest.raises(Forbidden):
        exam_results_import(actor=users[role], source=(HEADER + "1001,考试,年中综合,2025-06-20,90,,\n").encode(), file_name="x.csv")
    assert not SittingResult.objects.exists()


def test_the_sheet_is_offered_on_the_import_page_with_its_template(client, supervisor):
    client.force_login(supervisor)
    page = client.get("/imports/").content.decode()
    assert "考试成绩" in page
    template = client.get("/imports/exam_results/template.xlsx")
    assert template.status_code == 200
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(template.content)).worksheets[0]
    assert [c.value for c in sheet[1]] == ["工号", "考试名称", "考试类别", "考试日期", "成绩", "知识得分", "技能得分"]
