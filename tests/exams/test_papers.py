"""Papers from blueprints: a fixed list of versions, a per-agent draw that differs between agents but is the
same for one agent, and a blueprint the bank cannot fill refused with what it lacks (X1, X2)."""
from decimal import Decimal

import pytest

from stardesk.core.errors import DomainError
from stardesk.exams import papers, services
from stardesk.exams.models import (
    Area,
    Paper,
    PaperItem,
    PaperMode,
    QuestionStatus,
    QuestionType,
    SectionKind,
    SittingKind,
)
from stardesk.exams.services import RuleInput, SectionInput

from .conftest import two_star_sections


def test_a_shared_paper_is_a_fixed_ordered_list_of_frozen_versions(paper, blueprint):
    items = list(paper.items.select_related("section", "version__question").order_by("position"))
    # 5 singles + 2 multiples + 2 true/false + 1 fill-in in 知识, 1 typing test in 技能
    assert [i.position for i in items] == list(range(1, 12))
    assert [i.section.name for i in items] == ["知识"] * 10 + ["技能"]
    assert [i.version.question.qtype for i in items][:5] == [QuestionType.SINGLE] * 5
    assert all(i.version.is_frozen for i in items)
    assert paper.total_marks == Decimal(5 * 4 + 2 * 5 + 2 * 5 + 10 + 100)
    assert [(s.name, s.kind, s.weight) for s in paper.sections.order_by("position")] == [
        ("知识", SectionKind.KNOWLEDGE, Decimal("0.600")), ("技能", SectionKind.SKILLS, Decimal("0.400"))]
    # the rule's difficulty was honoured and no question appears twice
    assert all(i.version.question.difficulty == 3 for i in items[:5])
    assert len({i.version.question_id for i in items}) == len(items)


def test_a_shared_paper_never_changes_when_the_bank_does(paper, supervisor, make_question):
    before = list(paper.items.order_by("position").values_list("version_id", flat=True))
    for n in range(5):
        make_question(QuestionType.SINGLE, stem=f"新增单选 {n}")
    paper.refresh_from_db()
    assert list(paper.items.order_by("position").values_list("version_id", flat=True)) == before


def test_a_blueprint_the_bank_cannot_fill_is_refused_with_how_many_are_missing(bank, supervisor, hotline):
    # the bank holds 10 digital-TV singles of difficulty 3; the blueprint wants 12
    blueprint = services.blueprint_create(actor=supervisor, hotline=hotline, name="单选太多", kind=SittingKind.LEVEL2,
                                          sections=two_star_sections(singles=12))
    with pytest.raises(DomainError) as refused:
        services.paper_materialise(actor=supervisor, blueprint=blueprint)
    assert refused.value.code == "blueprint_unfillable"
    assert refused.value.details == ["「知识」第 1 条规则（数字电视业务 · 单选 · 难度3）需要 12 题，题库中可用 10 题，缺 2 题"]
    assert not Paper.objects.exists()


def test_retired_questions_and_questions_of_another_level_are_not_drawn(bank, supervisor, hotline, make_question):
    for question in bank["single"][:9]:
        question.status = QuestionStatus.RETIRED
        question.save()
    make_question(QuestionType.SINGLE, level=3, stem="三星题")  # not for a 2-star exam
    make_question(QuestionType.SINGLE, level=2, stem="二星题")
    blueprint = services.blueprint_create(actor=supervisor, hotline=hotline, name="二星", kind=SittingKind.LEVEL2,
                                          sections=two_star_sections(singles=3))
    shortages = papers.shortages_of(blueprint)
    assert [(s.wanted, s.available, s.missing) for s in shortages] == [(3, 2, 1)]


def test_a_rule_naming_a_difficulty_draws_before_a_broader_rule(bank, supervisor, hotline, make_question):
    # 10 singles of difficulty 3 and 2 of difficulty 5: "any difficulty × 10" and "difficulty 5 × 2" fit only if
    # the specific rule draws first.
    for n in range(2):
        make_question(QuestionType.SINGLE, difficulty=5, stem=f"难题 {n}")
    sections = [SectionInput("知识", SectionKind.KNOWLEDGE, Decimal(1), [
        RuleInput(Area.DIGITAL_TV, QuestionType.SINGLE, 10, Decimal(5)),
        RuleInput(Area.DIGITAL_TV, QuestionType.SINGLE, 2, Decimal(25), 5),
    ])]
    blueprint = services.blueprint_create(actor=supervisor, hotline=hotline, name="年中", kind=SittingKind.JUNE, sections=sections)
    paper = services.paper_materialise(actor=supervisor, blueprint=blueprint)
    assert paper.items.count() == 12


def test_the_same_seed_and_bank_draw_the_same_paper(blueprint):
    pool = papers.candidates(blueprint.hotline, blueprint.kind)
    first, _ = papers.draw(blueprint, pool, seed=42)
    again, _ = papers.draw(blueprint, pool, seed=42)
    other, _ = papers.draw(blueprint, pool, seed=43)
    assert [s.items for s in first] == [s.items for s in again]
    assert [s.items for s in first] != [s.items for s in other]


def test_a_per_agent_draw_differs_between_agents_and_is_stable_for_one(make_sitting, blueprint, agent_person, colleague,
                                                                       stranger, supervisor):
    sitting = make_sitting(blueprint=blueprint, invite=(agent_person, colleague, stranger))
    drawn = {p.invitation.person_id: p for p in Paper.objects.filter(invitation__sitting=sitting).select_related("invitation")}
    assert set(drawn) == {agent_person.pk, colleague.pk, stranger.pk}
    lists = {pk: list(p.items.order_by("position").values_list("version_id", flat=True)) for pk, p in drawn.items()}
    assert len({tuple(v) for v in lists.values()}) > 1  # not everyone gets the same paper
    assert all(p.mode == PaperMode.PER_PERSON for p in drawn.values())
    # stable: drawing again with the stored seed gives the stored paper
    mine = drawn[agent_person.pk]
    planned, _ = papers.draw(blueprint, papers.candidates(blueprint.hotline, blueprint.kind), mine.seed)
    assert [version for s in planned for version, _marks in s.items] == lists[agent_person.pk]


def test_someone_invited_after_opening_gets_a_drawn_paper_too(make_sitting, blueprint, agent_person, colleague, supervisor):
    sitting = make_sitting(blueprint=blueprint, invite=(agent_person,))
    services.invite_people(actor=supervisor, sitting=sitting, people=[colleague])
    assert Paper.objects.filter(invitation__sitting=sitting, invitation__person=colleague).exists()


def test_per_agent_papers_are_drawn_in_a_constant_number_of_queries(make_sitting, blueprint, team, supervisor, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import PersonFactory

    counts = []
    for size in (3, 12):  # (SQLite splits an insert of more than ~200 items into batches)
        people = [PersonFactory(team=team, staff_no=f"7{size:02d}{n:02d}") for n in range(size)]
        sitting = make_sitting(blueprint=blueprint, invite=people, open_it=False, name=f"按人抽题 {size}")
        with CaptureQueriesContext(connection) as queries:
            services.sitting_open(actor=supervisor, sitting=sitting)
        counts.append(len(queries))
        assert PaperItem.objects.filter(paper__invitation__sitting=sitting).count() == size * 11
    assert counts[0] == counts[1]


@pytest.mark.parametrize(("sections", "message"), [
    ([SectionInput("知识", SectionKind.KNOWLEDGE, Decimal("0.5"), [RuleInput(Area.DIGITAL_TV, QuestionType.SINGLE, 5, Decimal(4))])],
     "各部分权重之和须为 100%"),
    ([SectionInput("知识", SectionKind.KNOWLEDGE, Decimal(1), [RuleInput(Area.COMPUTER, QuestionType.TYPING, 1, Decimal(4))])],
     "知识部分不能抽取「计算机操作」的试题（X1）"),
    ([SectionInput("知识", SectionKind.KNOWLEDGE, Decimal(1), [])], "「知识」没有抽题规则"),
    ([SectionInput("知识", SectionKind.KNOWLEDGE, Decimal(1), [RuleInput(Area.DIGITAL_TV, QuestionType.SINGLE, 0, Decimal(4))])],
     "题数须为 1–200"),
])
def test_a_blueprint_that_cannot_make_a_paper_is_refused(supervisor, hotline, sections, message):
    with pytest.raises(DomainError) as refused:
        services.blueprint_create(actor=supervisor, hotline=hotline, name="蓝图", kind=SittingKind.LEVEL1, sections=sections)
    assert refused.value.code == "blueprint_invalid"
    assert any(message in d["message"] for d in refused.value.details)


def test_x2_a_level_exam_opens_only_with_the_years_knowledge_and_skills_weights(make_sitting, bank, supervisor, hotline, agent_person):
    blueprint = services.blueprint_create(actor=supervisor, hotline=hotline, name="权重不符", kind=SittingKind.LEVEL2,
                                          sections=two_star_sections(knowledge=Decimal("0.5"), skills=Decimal("0.5")))
    paper = services.paper_materialise(actor=supervisor, blueprint=blueprint)
    sitting = make_sitting(paper=paper, invite=(agent_person,), open_it=False)
    with pytest.raises(DomainError) as refused:
        services.sitting_open(actor=supervisor, sitting=sitting)
    assert refused.value.code == "sitting_weights_mismatch"
    assert "知识 60%、技能 40%" in refused.value.message and "知识 50%、技能 50%" in refused.value.message
    sitting.refresh_from_db()
    assert sitting.status == "draft"


def test_x2_weights_follow_the_years_policy_when_it_changes(make_sitting, bank, supervisor, hotline, agent_person, policy_this_year):
    from stardesk.yearly_policy import services as policy_services

    policy_services.policy_update(actor=supervisor, policy=policy_this_year, reason="知识比重提高",
                                  values={"x2_weight_knowledge": Decimal("0.70"), "x2_weight_skills": Decimal("0.30")})
    blueprint = services.blueprint_create(actor=supervisor, hotline=hotline, name="七三开", kind=SittingKind.LEVEL2,
                                          sections=two_star_sections(knowledge=Decimal("0.7"), skills=Decimal("0.3")))
    paper = services.paper_materialise(actor=supervisor, blueprint=blueprint)
    sitting = make_sitting(paper=paper, invite=(agent_person,))
    assert sitting.status == "open"
