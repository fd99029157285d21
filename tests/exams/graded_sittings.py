"""Fixtures and steps of the grading, results and regrading tests: a 2-star paper with every kind of item
scored by an examiner, candidates who sit it, grades, release.

Import the fixtures into a test module with ``from tests.exams.graded_sittings import *``; the exam
conftest's fixtures (make_question, make_sitting, policy_this_year, …) are found by pytest as usual.

The skills paper (2-star, knowledge 60% / skills 40%, the X2 defaults):
- 知识: five single choices of 4 marks (key A) and one short answer of 10 marks: 30 marks;
- 技能: one typing test of 50 marks and one spoken item of 50 marks: 100 marks.
"""
from decimal import Decimal

import pytest
from stardesk.exams import grading, results, services
from stardesk.exams.models import (
    Answer,
    Area,
    QuestionType,
    SectionKind,
    SittingKind,
)
from stardesk.exams.services import RuleInput, SectionInput
from tests.factories import PersonFactory, UserFactory

__all__ = [
    "skills_paper", "skills_sitting", "candidates", "sit", "close", "grade_all", "answers_of", "make_candidates",
    "level_sitting", "one_star_sitting", "june_paper",
]


@pytest.fixture
def skills_paper(make_question, supervisor, hotline):
    for n in range(5):
        make_question(QuestionType.SINGLE, stem=f"数字电视单选题 {n}")
    make_question(QuestionType.SHORT_ANSWER, area=Area.SERVICE_NORMS)
    make_question(QuestionType.TYPING)
    make_question(QuestionType.SPEAKING)
    blueprint = services.blueprint_create(actor=supervisor, hotline=hotline, name="二星资格考试（技能）", kind=SittingKind.LEVEL2,
                                          sections=skills_sections())
    return services.paper_materialise(actor=supervisor, blueprint=blueprint, title="二星资格试卷 B")


def skills_sections():
    return [
        SectionInput("知识", SectionKind.KNOWLEDGE, Decimal("0.6"), [
            RuleInput(Area.DIGITAL_TV, QuestionType.SINGLE, 5, Decimal(4), 3),
            RuleInput(Area.SERVICE_NORMS, QuestionType.SHORT_ANSWER, 1, Decimal(10)),
        ]),
        SectionInput("技能", SectionKind.SKILLS, Decimal("0.4"), [
            RuleInput(Area.COMPUTER, QuestionType.TYPING, 1, Decimal(50)),
            RuleInput(Area.LANGUAGE, QuestionType.SPEAKING, 1, Decimal(50)),
        ]),
    ]


@pytest.fixture
def june_paper(skills_paper, supervisor, hotline):
    """The skills paper's questions as a June comprehensive exam (J1): the same sections, weighted 60/40."""
    blueprint = services.blueprint_create(actor=supervisor, hotline=hotline, name="年中综合考试", kind=SittingKind.JUNE,
                                          sections=skills_sections())
    return services.paper_materialise(actor=supervisor, blueprint=blueprint, title="年中综合考试试卷")


@pytest.fixture
def level_sitting(make_sitting):
    """make_sitting for any paper and level: level_sitting(paper, kind=..., name=..., invite=[...])."""

    def _make(paper, *, kind=SittingKind.LEVEL2, **extra):
        return make_sitting(paper=paper, kind=kind, **extra)

    return _make


@pytest.fixture
def candidates(team, hotline):
    """make_candidates(n): n more agents of 一班, each with an account; returns [(person, user)]."""
    return make_candidates(team, hotline)


def make_candidates(team, hotline):
    def _make(count, *, start=3001):
        made = []
        for n in range(count):
            person = PersonFactory(team=team, staff_no=str(start + n), name=f"考生{start + n}")
            user = UserFactory(username=f"agent{start + n}", hotline=hotline, person=person)
            made.append((person, user))
        return made

    return _make


@pytest.fixture
def skills_sitting(make_sitting, skills_paper, agent_person, colleague):
    return make_sitting(paper=skills_paper, invite=(agent_person, colleague))


def answers_of(attempt) -> dict:
    """{qtype: [Answer …]} in paper order."""
    found = {}
    for answer in Answer.objects.filter(attempt=attempt).select_related("item__version__question").order_by("item__position"):
        found.setdefault(answer.item.version.question.qtype, []).append(answer)
    return found


def sit(sitting, user, *, singles_right=5, single_answers=None, typed="您好，这里是有线电视服务热线", seconds=60, submit=True):
    """``user`` starts the sitting, answers (the first ``singles_right`` singles with the key A, the rest B,
    or ``single_answers`` letter by letter), types, writes the short answer, and hands in."""
    invitation = sitting.invitations.get(person_id=user.person_id)
    attempt = services.attempt_start(actor=user, invitation=invitation)
    found = answers_of(attempt)
    for n, answer in enumerate(found.get(QuestionType.SINGLE, [])):
        letter = single_answers[n] if single_answers is not None else ("A" if n < singles_right else "B")
        services.answer_save(actor=user, attempt=attempt, item_id=answer.item_id, values=[letter])
    for answer in found.get(QuestionType.TYPING, []):
        services.answer_save(actor=user, attempt=attempt, item_id=answer.item_id, values=[typed], keystrokes=len(typed) + 4,
                             typing_seconds=seconds)
    for answer in found.get(QuestionType.SHORT_ANSWER, []):
        services.answer_save(actor=user, attempt=attempt, item_id=answer.item_id, values=["倾听、致歉、记录、处理、回访"])
    if submit:
        attempt = services.attempt_submit(actor=user, attempt=attempt)
    return attempt


def close(sitting, supervisor):
    return services.sitting_close(actor=supervisor, sitting=sitting)


def grade_all(sitting, examiner, scores: dict):
    """Grade every manual answer of the sitting: ``scores`` maps qtype → score (or person id → {qtype: score})."""
    for answer in Answer.objects.filter(attempt__sitting=sitting, attempt__status="submitted").select_related(
        "item__version__question", "attempt"
    ):
        qtype = answer.item.version.question.qtype
        chosen = scores.get(answer.attempt.person_id, scores)
        if qtype in chosen:
            grading.grade_record(actor=examiner, answer=answer, score=chosen[qtype])


def release(sitting, supervisor):
    return results.results_release(actor=supervisor, sitting=sitting)


@pytest.fixture
def one_star_sitting(skills_paper, make_sitting, supervisor, hotline):
    """A 1-star sitting in draft, to offer the cascade to (drawn from the skills paper's bank)."""
    from stardesk.exams.models import Area, SectionKind
    from stardesk.exams.services import RuleInput, SectionInput

    blueprint = services.blueprint_create(actor=supervisor, hotline=hotline, name="一星资格考试", kind=SittingKind.LEVEL1, sections=[
        SectionInput("知识", SectionKind.KNOWLEDGE, Decimal("0.6"), [RuleInput(Area.DIGITAL_TV, QuestionType.SINGLE, 5, Decimal(4), 3)]),
        SectionInput("技能", SectionKind.SKILLS, Decimal("0.4"), [RuleInput(Area.COMPUTER, QuestionType.TYPING, 1, Decimal(50))]),
    ])
    paper = services.paper_materialise(actor=supervisor, blueprint=blueprint, title="一星资格试卷")
    return make_sitting(paper=paper, kind=SittingKind.LEVEL1, name="一星资格考试（补考）", open_it=False)
