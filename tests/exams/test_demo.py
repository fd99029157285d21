"""The demo's exams: a bank of about 160 questions, a 2-star blueprint the bank can fill, last June's exam with
every ranked agent's graded attempt in the order of the title story's ranks (J1), and an open quiz."""
import pytest

from stardesk.demo import hotline_builder
from stardesk.exams import papers
from stardesk.exams.models import (
    Attempt,
    AttemptStatus,
    Blueprint,
    FocusEvent,
    Question,
    QuestionType,
    QuestionVersion,
    Sitting,
    SittingKind,
    SittingStatus,
)
from stardesk.policy.june_exam import competition_ranks


@pytest.fixture
def demo(db):
    return hotline_builder.build_group()


def test_the_demo_bank_covers_every_area_and_type(demo):
    questions = Question.objects.filter(hotline=demo.hotlines[0].hotline)
    assert 140 <= questions.count() <= 200
    assert set(questions.values_list("qtype", flat=True)) == set(QuestionType.values)
    assert questions.values("area").distinct().count() == 7
    assert questions.filter(current__isnull=True).count() == 0


def test_the_demo_two_star_blueprint_can_be_drawn_and_weighs_knowledge_60_and_skills_40(demo):
    blueprint = Blueprint.objects.get(hotline=demo.hotlines[0].hotline, kind=SittingKind.LEVEL2)
    assert papers.shortages_of(blueprint) == []
    assert [(s.kind, str(s.weight)) for s in blueprint.sections.order_by("position")] == [("knowledge", "0.600"), ("skills", "0.400")]


def test_j1_the_demo_june_scores_give_back_the_ranks_of_the_title_story(demo):
    hotline = demo.hotlines[0]
    year = max(demo.facts["june_ranks"][hotline.code])
    story = demo.facts["june_ranks"][hotline.code][year]
    sitting = Sitting.objects.get(hotline=hotline.hotline, kind=SittingKind.JUNE)
    # closed, then released on the J3 publication day by the exam results builder (demo/exam_results.py)
    assert sitting.status == SittingStatus.RELEASED and sitting.exam_date.year == year
    attempts = list(Attempt.objects.filter(sitting=sitting).select_related("person"))
    assert len(attempts) == len(story) and all(a.status == AttemptStatus.SUBMITTED for a in attempts)
    key_of = {person.pk: key for key, person in enumerate(hotline.people)}
    ranks = competition_ranks({a.person_id: a.auto_score for a in attempts})
    # E7's limits (5 and 10) fall on the same people as in the story
    for attempt in attempts:
        told = story[key_of[attempt.person_id]]
        assert (ranks[attempt.person_id] <= 5) == (told <= 5)
        assert (ranks[attempt.person_id] <= 10) == (told <= 10)
    assert max(a.auto_score for a in attempts) == 99 and all(a.auto_score <= 100 for a in attempts)
    losses = sum(a.focus_losses for a in attempts)
    assert FocusEvent.objects.filter(attempt__sitting=sitting, kind="away").count() == losses


def test_questions_revised_after_june_keep_the_version_the_agents_saw(demo):
    revised = QuestionVersion.objects.filter(question__hotline=demo.hotlines[0].hotline, number=2).select_related("question")
    assert revised.count() == 2
    for version in revised:
        first = version.question.versions.get(number=1)
        assert first.is_frozen and version.question.current_id == version.pk and first.stem != version.stem


def test_an_agent_can_take_the_open_quiz_of_the_demo(demo, client):
    from stardesk.accounts.models import Role

    quiz = Sitting.objects.get(hotline=demo.hotlines[0].hotline, kind=SittingKind.SERVICE)
    assert quiz.status == SittingStatus.OPEN
    agent = demo.hotlines[0].accounts[Role.AGENT][0]
    client.force_login(agent)
    assert "服务素质测验" in client.get("/exams/mine/").content.decode()
    invitation = quiz.invitations.get(person=agent.person)
    response = client.post(f"/exams/invitations/{invitation.pk}/start/")
    assert response.status_code == 302
