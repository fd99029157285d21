"""M2: the scoring rubric — deduction-based from 100, 不适用 rescaling, versions frozen once used."""
from decimal import Decimal

import pytest

from stardesk.assessment import services
from stardesk.assessment.models import EvaluationMode, Rubric, RubricItem, WeeklyEvaluation
from stardesk.assessment.rubric_scoring import Mark, RubricLine, check_marks, score_marks
from stardesk.audit.models import AuditEntry
from stardesk.core.errors import DomainError, Forbidden
from tests.assessment.conftest import march_weeks

D = Decimal
LINES = [
    RubricLine(1, "礼貌用语", D("10")),
    RubricLine(2, "宽带业务", D("20"), allows_na=True),
    RubricLine(3, "工单及时处理", D("70")),
    RubricLine(4, "用户有理投诉", D("0"), is_veto=True),
]


def test_m2_score_is_100_less_deductions_when_every_item_applies():
    marks = {1: Mark(1, D("2")), 3: Mark(3, D("5.5"))}
    assert score_marks(LINES, marks).score == D("92.5")


def test_m2_not_applicable_item_leaves_the_denominator_and_the_rest_is_rescaled():
    # given the 20-point item marked 不适用 and 7 points deducted on the 70-point item
    marks = {2: Mark(2, not_applicable=True), 3: Mark(3, D("7"))}
    # when scored
    result = score_marks(LINES, marks)
    # then 100 × (80 − 7) / 80 = 91.25 → 91.3 (one decimal, half up)
    assert result.score == D("91.3")
    assert result.applicable_points == D("80") and result.deducted == D("7")
    assert result.not_applicable == ("宽带业务",)
    assert "100 × (80 − 7) ÷ 80 = 91.3分" in result.explanation


def test_m2_nothing_deducted_is_100_whatever_is_not_applicable():
    assert score_marks(LINES, {2: Mark(2, not_applicable=True)}).score == D("100.0")


def test_m2_a_ticked_veto_item_flags_but_does_not_change_the_score():
    result = score_marks(LINES, {4: Mark(4, veto=True), 1: Mark(1, D("1"))})
    assert result.score == D("99.0")
    assert result.vetoes == ("用户有理投诉",)


def test_m2_entries_a_rubric_cannot_score_are_refused():
    assert check_marks(LINES, {1: Mark(1, D("10.5"))}) == {1: "扣分不能超过该项分值 10 分。"}
    assert check_marks(LINES, {1: Mark(1, not_applicable=True)}) == {1: "该项目不能标记为不适用。"}
    assert check_marks(LINES, {2: Mark(2, D("1"), not_applicable=True)}) == {2: "不适用的项目不能扣分。"}
    assert check_marks(LINES, {99: Mark(99, D("1"))}) == {0: "评分细则已更新，请刷新页面后重新录入。"}
    only_na = [RubricLine(2, "宽带业务", D("100"), allows_na=True)]
    assert check_marks(only_na, {2: Mark(2, not_applicable=True)}) == {0: "至少需要一个适用的考核项目。"}


def test_m2_a_hotline_starts_from_the_default_cable_tv_rubric(hotline):
    # when the rubric is first needed
    rubric = services.rubric_current(hotline=hotline)
    # then version 1 holds the cable-TV items, 100 points, the veto items and the 不适用 ones
    assert rubric.version == 1 and not rubric.is_frozen
    items = {i.name: i for i in RubricItem.objects.filter(rubric=rubric)}
    assert sum(i.points for i in items.values() if not i.is_veto) == 100
    assert {"开头语/结束语", "模拟电视业务", "数字电视业务", "宽带业务", "普通话标准", "工单及时处理", "出勤"} <= set(items)
    assert {n for n, i in items.items() if i.is_veto} == {"违章违纪", "重大工作或服务差错", "用户有理投诉"}
    assert items["宽带业务"].allows_na and not items["礼貌用语"].allows_na
    assert services.rubric_current(hotline=hotline) == rubric  # created once
    assert AuditEntry.objects.filter(action="rubric.create", target_id=str(rubric.pk)).count() == 1


def _inputs(rubric):
    """The rubric as the editor posts it back, unchanged."""
    from stardesk.assessment import queries

    return [
        services.SectionInput(
            key=f"s{s.pk}",
            name=s.name,
            section_id=s.pk,
            items=[
                services.ItemInput(f"i{i.pk}", i.name, str(i.points), i.pk, i.allows_na, i.is_veto, i.guidance)
                for i in s.item_list
            ],
        )
        for s in queries.rubric_sections(rubric)
    ]


def test_m2_supervisor_renames_reorders_adds_and_deletes_items_of_a_draft(hotline, supervisor):
    rubric = services.rubric_current(hotline=hotline)
    sections = _inputs(rubric)
    first = sections[0]
    # rename the first item, drop the second (礼貌用语, 10 points), add 考勤补录 with 10 points, reverse the order
    items = list(first.items)
    renamed = services.ItemInput(items[0].key, "规范用语", items[0].points, items[0].item_id)
    added = services.ItemInput("new-1", "服务热情", "10")
    sections[0] = services.SectionInput(first.key, "服务规范（新）", [added, items[2], renamed], first.section_id)
    services.rubric_save(actor=supervisor, rubric=rubric, name="新细则", sections=sections)
    from stardesk.assessment import queries

    saved = queries.rubric_sections(rubric)
    assert saved[0].name == "服务规范（新）"
    assert [i.name for i in saved[0].item_list] == ["服务热情", "服务态度", "规范用语"]
    assert "礼貌用语" not in RubricItem.objects.filter(rubric=rubric).values_list("name", flat=True)
    assert queries.rubric_total(saved) == 100
    entry = AuditEntry.objects.get(action="rubric.update")
    assert entry.changes["name"] == ["话务员周考评评分细则", "新细则"]
    assert "礼貌用语" in entry.changes["细则内容"][0] and "礼貌用语" not in entry.changes["细则内容"][1]


@pytest.mark.parametrize(
    ("points", "field_suffix", "message"),
    [
        ("6", None, "各项目分值合计须为100分，现为101分"),
        ("0", "-points", "分值须大于0"),
        ("-1", "-points", "分值须为 0–100 之间的数字，最多一位小数"),
        ("5.55", "-points", "分值须为 0–100 之间的数字，最多一位小数"),
    ],
)
def test_m2_a_rubric_that_does_not_total_100_or_has_bad_points_is_refused_and_nothing_changes(hotline, supervisor, points, field_suffix, message):
    rubric = services.rubric_current(hotline=hotline)
    sections = _inputs(rubric)
    first_item = sections[0].items[0]  # 开头语/结束语, 5 points
    sections[0].items[0] = services.ItemInput(first_item.key, first_item.name, points, first_item.item_id)
    before = list(RubricItem.objects.filter(rubric=rubric).values_list("name", "points"))
    with pytest.raises(DomainError) as refused:
        services.rubric_save(actor=supervisor, rubric=rubric, name=rubric.name, sections=sections)
    assert refused.value.code == "rubric_invalid"
    expected_field = "total" if field_suffix is None else first_item.key + field_suffix
    assert {"field": expected_field, "message": message} in refused.value.details
    assert list(RubricItem.objects.filter(rubric=rubric).values_list("name", "points")) == before


def test_m2_only_the_supervisor_edits_the_rubric(hotline, leader, committee):
    rubric = services.rubric_current(hotline=hotline)
    for user in (leader, committee):
        with pytest.raises(Forbidden):
            services.rubric_save(actor=user, rubric=rubric, name="x", sections=_inputs(rubric))
        with pytest.raises(Forbidden):
            services.rubric_new_version(actor=user, hotline=hotline)


def _items_cell(person, rubric, deductions: dict[str, str], na=()):
    items = {i.name: i for i in RubricItem.objects.filter(rubric=rubric)}
    marks = {items[n].pk: services.MarkInput(items[n].pk, d) for n, d in deductions.items()}
    for n in na:
        marks[items[n].pk] = services.MarkInput(items[n].pk, "", True)
    return services.WeekCell(person_id=person.pk, comment="逐项", marks=marks)


def test_m2_an_evaluation_freezes_its_rubric_version_and_a_change_is_a_new_version(hotline, leader, supervisor, team, members, march):
    rubric = services.rubric_current(hotline=hotline)
    # given an evaluation by items: 宽带业务 不适用 (8 points out), 2 deducted on 工单及时处理
    services.week_save(
        actor=leader, team=team, week=march_weeks()[0], cells=[_items_cell(members[0], rubric, {"工单及时处理": "2"}, na=["宽带业务"])]
    )
    evaluation = WeeklyEvaluation.objects.get(person=members[0])
    # then 100 × (92 − 2) / 92 = 97.826… → 97.8, kept with the version used
    assert evaluation.mode == EvaluationMode.ITEMS and evaluation.score == D("97.8")
    assert evaluation.rubric_id == rubric.pk
    rubric.refresh_from_db()
    assert rubric.is_frozen
    # when the supervisor edits the frozen version directly, it is refused
    with pytest.raises(DomainError) as refused:
        services.rubric_save(actor=supervisor, rubric=rubric, name="改", sections=_inputs(rubric))
    assert refused.value.code == "rubric_frozen"
    # and a new version is a copy that new evaluations use
    v2 = services.rubric_new_version(actor=supervisor, hotline=hotline)
    assert v2.version == 2 and v2.based_on_id == rubric.pk and not v2.is_frozen
    assert RubricItem.objects.filter(rubric=v2).count() == RubricItem.objects.filter(rubric=rubric).count()
    assert services.rubric_current(hotline=hotline) == v2
    # changing v2 leaves the evaluation and v1 as they were
    sections = _inputs(v2)
    sections[1].items[2] = services.ItemInput(sections[1].items[2].key, "宽带业务", "4", sections[1].items[2].item_id, True)
    sections[3].items[1] = services.ItemInput(sections[3].items[1].key, "工单及时处理", "14", sections[3].items[1].item_id)
    services.rubric_save(actor=supervisor, rubric=v2, name=v2.name, sections=sections)
    evaluation.refresh_from_db()
    assert evaluation.score == D("97.8") and evaluation.rubric_id == rubric.pk
    assert RubricItem.objects.get(rubric=rubric, name="工单及时处理").points == D("10")


def test_m2_new_version_of_a_draft_is_the_draft_itself(hotline, supervisor):
    rubric = services.rubric_current(hotline=hotline)
    assert services.rubric_new_version(actor=supervisor, hotline=hotline) == rubric
    assert Rubric.objects.filter(hotline=hotline).count() == 1
