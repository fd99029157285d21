"""X1–X4, X6: qualification exams."""

from dataclasses import replace

import pytest

from stardesk.policy.exams import (KNOWLEDGE_SECTIONS, LEVEL_EXAMS, SKILL_SECTIONS, exam_level, exam_score,
                                   is_valid_on, next_sitting, published_results, qualification)
from stardesk.policy.facts import ExamKind
from stardesk.policy.reasons import basis

from .builders import D, POLICY, d, exam


def test_x1_each_level_has_its_qualification_exam_with_knowledge_and_skills():
    assert LEVEL_EXAMS == {1: ExamKind.LEVEL1, 2: ExamKind.LEVEL2, 3: ExamKind.LEVEL3}
    assert exam_level(ExamKind.LEVEL3) == 3 and exam_level(ExamKind.JUNE) is None
    assert "宽带业务" in KNOWLEDGE_SECTIONS and len(KNOWLEDGE_SECTIONS) == 5
    assert SKILL_SECTIONS[0] == "计算机操作"


def test_x2_weighted_sum_knowledge_60_skills_40():
    # given knowledge 87.5, skills 90.5: 52.5 + 36.2
    result = exam_score(exam(2, "2025-10-08", knowledge="87.5", skills="90.5"), POLICY)
    # then
    assert result.score == D("88.7")
    assert basis(result) == ("X2: 2星资格考试（2025-10-08）知识 87.5 × 60% + 技能 90.5 × 40% = 88.7分，"
                             "合格线 85分，合格")


def test_x2_weighted_sum_rounds_to_one_decimal_half_up():
    # 87.3 × 0.6 + 90.1 × 0.4 = 52.38 + 36.04 = 88.42 → 88.4
    assert exam_score(exam(1, "2025-10-08", knowledge="87.3", skills="90.1"), POLICY).score == D("88.4")
    # 85.5 × 0.6 + 80.5 × 0.4 = 51.3 + 32.2 = 83.5 exactly
    assert exam_score(exam(1, "2025-10-08", knowledge="85.5", skills="80.5"), POLICY).score == D("83.5")


@pytest.mark.parametrize("level, score, passed", [(1, "80", True), (1, "79.9", False), (2, "85", True),
                                                   (2, "84.9", False), (3, "90", True), (3, "89.9", False)])
def test_x2_pass_marks_80_85_90_include_the_mark(level, score, passed):
    assert exam_score(exam(level, "2025-10-08", score), POLICY).passed is passed


def test_x2_weights_and_pass_marks_come_from_the_policy():
    policy = replace(POLICY, x2_weight_knowledge=D("0.5"), x2_weight_skills=D("0.5"), x2_pass_mark_level2=D("88"))
    result = exam_score(exam(2, "2025-10-08", knowledge="90", skills="86"), policy)
    assert result.score == D("88") and result.passed


def test_x2_absent_sitting_does_not_pass():
    result = exam_score(exam(2, "2025-10-08"), POLICY)
    assert result.score is None and not result.passed


def test_x3_failing_three_star_may_sit_two_star_then_one_star():
    assert next_sitting(3, [], POLICY) == 3
    assert next_sitting(3, [exam(3, "2025-10-08", "85")], POLICY) == 2
    assert next_sitting(3, [exam(3, "2025-10-08", "85"), exam(2, "2025-10-10", "80")], POLICY) == 1
    assert next_sitting(3, [exam(3, "2025-10-08", "85"), exam(2, "2025-10-10", "86")], POLICY) is None


def test_x3_failing_one_star_ends_the_cascade():
    assert next_sitting(1, [exam(1, "2025-10-08", "70")], POLICY) is None


def test_x3_passing_level_l_qualifies_for_l_and_below():
    q = qualification([exam(3, "2025-10-08", "91")], d("2025-10-20"), POLICY)
    assert q.level == 3
    assert q.qualifies_for(3) and q.qualifies_for(2) and q.qualifies_for(1)


def test_x3_highest_level_passed_counts_after_a_cascade():
    exams = [exam(3, "2025-10-08", "88"), exam(2, "2025-10-10", "86")]
    q = qualification(exams, d("2025-10-20"), POLICY)
    assert (q.level, q.score) == (2, D("86"))
    assert not q.qualifies_for(3)


def test_x4_result_counts_for_one_year_from_the_exam_date():
    e = exam(2, "2024-10-08", "90")
    assert is_valid_on(e, d("2025-10-07"))
    assert not is_valid_on(e, d("2025-10-08"))
    assert not is_valid_on(e, d("2024-10-07"))


def test_x4_expired_pass_no_longer_qualifies_and_says_so():
    q = qualification([exam(2, "2024-10-08", "90")], d("2025-10-08"), POLICY)
    assert q.level == 0
    assert "X4: 2星资格考试（2024-10-08）合格，已于 2025-10-08 失效" in basis(q)


def test_x4_leap_day_exam_valid_until_27_february():
    e = exam(1, "2024-02-29", "90")
    assert is_valid_on(e, d("2025-02-27"))
    assert not is_valid_on(e, d("2025-02-28"))


def test_x6_published_results_carry_score_and_competition_rank():
    published = published_results({"1": D("95"), "2": D("90"), "3": D("90"), "4": D("80")})
    assert [(p.staff_no, p.rank) for p in published] == [("1", 1), ("2", 2), ("3", 2), ("4", 4)]
    assert all(p.sitters == 4 for p in published)
