"""The question bank: content checked per type, versions frozen once a paper holds them, and past attempts
always showing the version the agent saw."""
from decimal import Decimal

import pytest

from stardesk.audit.models import AuditEntry
from stardesk.core.errors import DomainError, Forbidden
from stardesk.exams import services
from stardesk.exams.models import Area, Question, QuestionStatus, QuestionType, QuestionVersion

from .conftest import items_by_type


def _revise(question, actor, **changes):
    version = question.current
    values = {"area": question.area, "level": question.level, "difficulty": question.difficulty, "status": question.status,
              "stem": version.stem, "options": version.options, "answer_text": "".join(version.answer) if isinstance(version.answer, list) else version.answer or "",
              "marks": version.marks, "explanation": version.explanation, "reference": version.reference, "material": version.material}
    values.update(changes)
    return services.question_revise(actor=actor, question=question, **values)


def test_a_new_question_gets_the_next_number_and_version_1(make_question):
    first = make_question(QuestionType.SINGLE)
    second = make_question(QuestionType.SINGLE)
    assert (first.number, second.number) == ("0001", "0002")
    assert first.current.number == 1 and first.current.answer == "A" and not first.current.is_frozen
    assert AuditEntry.objects.filter(action="question.create", target_id=str(first.pk)).exists()


@pytest.mark.parametrize(("qtype", "content", "field"), [
    (QuestionType.MULTIPLE, {"answer_text": "ABCD"}, "answer"),  # every option: ticking all never scores
    (QuestionType.MULTIPLE, {"answer_text": "A"}, "answer"),
    (QuestionType.SINGLE, {"answer_text": "E"}, "answer"),
    (QuestionType.SINGLE, {"options": ["甲", "", "丙"]}, "option_b"),
    (QuestionType.TRUE_FALSE, {"answer_text": "可能"}, "answer"),
    (QuestionType.FILL_IN, {"answer_text": "只有一个空"}, "answer"),  # the stem has two blanks
    (QuestionType.SHORT_ANSWER, {"reference": ""}, "reference"),
    (QuestionType.TYPING, {"material": ""}, "material"),
    (QuestionType.SINGLE, {"marks": Decimal("2.55")}, "marks"),
    (QuestionType.SINGLE, {"stem": "  "}, "stem"),
])
def test_content_that_cannot_be_marked_is_refused_and_nothing_is_saved(make_question, qtype, content, field):
    with pytest.raises(DomainError) as refused:
        make_question(qtype, **content)
    assert refused.value.code == "question_invalid"
    assert field in {d["field"] for d in refused.value.details}
    assert not Question.objects.exists()


def test_only_the_supervisor_or_an_administrator_writes_the_bank(make_question, committee, leader, agent):
    for user in (committee, leader, agent):
        with pytest.raises(Forbidden):
            make_question(QuestionType.SINGLE, actor=user)
    assert not Question.objects.exists()


def test_another_hotlines_bank_is_out_of_reach(make_question, other_hotline):
    with pytest.raises(Forbidden):
        make_question(QuestionType.SINGLE, target=other_hotline)


def test_revising_an_unused_question_changes_its_version_in_place(make_question, supervisor):
    question = make_question(QuestionType.SINGLE)
    version = _revise(question, supervisor, stem="新的题干", note="改写题干")
    assert version.number == 1 and version.stem == "新的题干"
    assert QuestionVersion.objects.filter(question=question).count() == 1


def test_classification_changes_never_make_a_version(make_question, supervisor, paper):
    question = paper.items.first().version.question
    version = _revise(question, supervisor, difficulty=5, status=QuestionStatus.RETIRED)
    question.refresh_from_db()
    assert (question.difficulty, question.status, version.number) == (5, QuestionStatus.RETIRED, 1)


def test_a_version_in_a_paper_is_frozen_and_revising_makes_a_new_one(paper, supervisor):
    # given a question whose version 1 a paper holds
    item = paper.items.select_related("version__question").get(position=1)
    question, seen = item.version.question, item.version
    assert seen.is_frozen
    # when the supervisor corrects its stem
    version = _revise(question, supervisor, stem="更正后的题干")
    # then a version 2 is current, version 1 and the paper are untouched
    question.refresh_from_db()
    seen.refresh_from_db()
    assert (version.number, question.current_id) == (2, version.pk)
    assert seen.stem != "更正后的题干"
    item.refresh_from_db()
    assert item.version_id == seen.pk
    assert AuditEntry.objects.filter(action="question.new_version", target_id=str(question.pk)).exists()


def test_saving_unchanged_content_makes_no_version_and_no_audit_entry(paper, supervisor):
    question = paper.items.first().version.question
    before = AuditEntry.objects.count()
    version = _revise(question, supervisor)
    assert version.number == 1
    assert AuditEntry.objects.count() == before


def test_a_past_attempt_shows_the_version_the_agent_saw(started, agent, client, supervisor):
    # given 张三 answered a single-choice item of version 1
    answer = items_by_type(started)[QuestionType.SINGLE][0]
    question, seen = answer.item.version.question, answer.item.version
    services.answer_save(actor=agent, attempt=started, item_id=answer.item_id, values=["A"])
    services.attempt_submit(actor=agent, attempt=started)
    # when the question is revised afterwards
    _revise(question, supervisor, stem="修订后的新题干：请选择正确的处理方式", options=["甲", "乙", "丙"], answer_text="B")
    # then 张三's attempt still shows version 1's stem and options, and the supervisor reads the same
    client.force_login(agent)
    page = client.get(f"/exams/attempts/{started.pk}/").content.decode()
    assert seen.stem in page and "修订后的新题干" not in page
    assert seen.options[0] in page
    client.force_login(supervisor)
    page = client.get(f"/exams/attempts/{started.pk}/").content.decode()
    assert seen.stem in page and "修订后的新题干" not in page


def test_the_question_pages_show_versions_and_the_edit_notice(paper, supervisor, client):
    question = paper.items.first().version.question
    _revise(question, supervisor, stem="第二版题干")
    client.force_login(supervisor)
    detail = client.get(f"/exams/bank/{question.pk}/").content.decode()
    assert "第2版" in detail and "第1版" in detail and "第二版题干" in detail
    first = client.get(f"/exams/bank/{question.pk}/versions/1/").content.decode()
    assert "第二版题干" not in first and question.versions.get(number=1).stem in first
    assert client.get(f"/exams/bank/{question.pk}/versions/9/").status_code == 404


def test_the_edit_page_saves_a_new_version_of_a_frozen_question(paper, supervisor, client):
    question = paper.items.select_related("version__question").first().version.question
    client.force_login(supervisor)
    form = client.get(f"/exams/bank/{question.pk}/edit/")
    assert "已被试卷使用并冻结" in form.content.decode()
    data = {k: v for k, v in form.context["form"].initial.items()}
    data.update({"stem": "页面上修改的题干", "marks": "2", "note": "表述更清楚"})
    response = client.post(f"/exams/bank/{question.pk}/edit/", data)
    assert response.status_code == 302
    question.refresh_from_db()
    assert (question.current.number, question.current.stem, question.current.note) == (2, "页面上修改的题干", "表述更清楚")


def test_the_create_page_shows_problems_next_to_the_fields(supervisor, client):
    client.force_login(supervisor)
    response = client.post("/exams/bank/new/", {
        "area": Area.BROADBAND, "qtype": QuestionType.MULTIPLE, "level": "2", "difficulty": "3", "status": "active",
        "stem": "以下哪些是光猫指示灯？", "option_a": "PON", "option_b": "LOS", "option_c": "LAN", "answer": "ABC", "marks": "3",
    })
    assert response.status_code == 200
    assert "多选题的答案不能是全部选项" in response.content.decode()
    assert not Question.objects.exists()
