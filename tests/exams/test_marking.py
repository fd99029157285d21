"""The marking rules of objective items and the typing test's measures (marking.py), one rule per test."""
from decimal import Decimal

import pytest

from stardesk.exams import marking
from stardesk.exams.models import KNOWLEDGE_AREAS, SKILL_AREAS, QuestionType
from stardesk.policy.exams import KNOWLEDGE_SECTIONS, SKILL_SECTIONS

FOUR = Decimal(4)


def test_x1_the_bank_areas_are_the_knowledge_and_skills_sections_of_x1():
    assert [str(a.label) for a in KNOWLEDGE_AREAS] == list(KNOWLEDGE_SECTIONS)
    assert [str(a.label) for a in SKILL_AREAS] == [s.split("（")[0] for s in SKILL_SECTIONS]


def test_single_choice_scores_only_the_key():
    assert marking.auto_score(QuestionType.SINGLE, "B", "B", FOUR) == Decimal("4.00")
    assert marking.auto_score(QuestionType.SINGLE, "B", "b", FOUR) == Decimal("4.00")
    assert marking.auto_score(QuestionType.SINGLE, "B", "C", FOUR) == 0
    assert marking.auto_score(QuestionType.SINGLE, "B", None, FOUR) == 0


def test_multiple_choice_exactly_right_scores_full_marks():
    assert marking.auto_score(QuestionType.MULTIPLE, ["A", "C"], ["C", "A"], Decimal(5), option_count=4) == Decimal("5.00")


def test_multiple_choice_a_correct_subset_without_a_wrong_option_scores_half():
    # given a key of A, B, C out of four options
    key = ["A", "B", "C"]
    # when two right options and no wrong one are ticked
    score = marking.auto_score(QuestionType.MULTIPLE, key, ["A", "C"], Decimal(5), option_count=4)
    # then half the marks
    assert score == Decimal("2.50")
    assert marking.auto_score(QuestionType.MULTIPLE, key, ["B"], Decimal(3), option_count=4) == Decimal("1.50")


def test_multiple_choice_any_wrong_option_scores_zero():
    assert marking.auto_score(QuestionType.MULTIPLE, ["A", "B", "C"], ["A", "D"], Decimal(5), option_count=4) == 0
    assert marking.auto_score(QuestionType.MULTIPLE, ["A", "B"], ["A", "B", "C"], Decimal(5), option_count=4) == 0


def test_multiple_choice_ticking_every_option_never_scores():
    # A key of three out of four: ticking all four includes every right one, and still scores nothing.
    assert marking.auto_score(QuestionType.MULTIPLE, ["A", "B", "C"], ["A", "B", "C", "D"], Decimal(5), option_count=4) == 0
    assert marking.auto_score(QuestionType.MULTIPLE, ["A", "B", "C"], [], Decimal(5), option_count=4) == 0


def test_true_false_scores_the_right_judgement():
    assert marking.auto_score(QuestionType.TRUE_FALSE, True, True, FOUR) == Decimal("4.00")
    assert marking.auto_score(QuestionType.TRUE_FALSE, True, False, FOUR) == 0
    assert marking.auto_score(QuestionType.TRUE_FALSE, False, None, FOUR) == 0


@pytest.mark.parametrize("typed", ["CATV", " catv ", "ＣＡＴＶ", "ｃａｔｖ\u3000", "Catv"])
def test_fill_in_is_trimmed_half_width_and_case_insensitive(typed):
    assert marking.auto_score(QuestionType.FILL_IN, [["CATV"]], [typed], FOUR) == Decimal("4.00")


def test_fill_in_accepts_any_listed_answer_and_shares_the_marks_between_blanks():
    key = [["CATV"], ["STB", "Set-Top Box", "机顶盒"]]
    assert marking.auto_score(QuestionType.FILL_IN, key, ["catv", "set-top box"], Decimal(5)) == Decimal("5.00")
    assert marking.auto_score(QuestionType.FILL_IN, key, ["catv", "机顶盒 "], Decimal(5)) == Decimal("5.00")
    # one blank of two right: half the marks, kept to 0.01
    assert marking.auto_score(QuestionType.FILL_IN, key, ["CATV", "电视"], Decimal(5)) == Decimal("2.50")
    assert marking.auto_score(QuestionType.FILL_IN, [["a"], ["b"], ["c"]], ["a", "x", "x"], Decimal(2)) == Decimal("0.67")
    assert marking.auto_score(QuestionType.FILL_IN, key, ["", ""], Decimal(5)) == 0


def test_items_scored_by_an_examiner_have_no_automatic_score():
    for qtype in (QuestionType.SHORT_ANSWER, QuestionType.TYPING, QuestionType.SPEAKING):
        assert marking.auto_score(qtype, None, "文字", FOUR) is None


def test_typing_errors_count_the_fewest_edits_against_the_start_of_the_passage():
    passage = "您好，这里是有线电视服务热线"
    assert marking.typing_counts("您好，这里是有线电视", passage) == (10, 0)  # a correct beginning has no error
    assert marking.typing_counts("您好，这里有线电视", passage) == (9, 1)  # one character left out is one error
    assert marking.typing_counts("您好，那里是有线电视", passage) == (10, 1)  # one wrong character
    assert marking.typing_counts("您好，\n这里", passage) == (5, 0)  # line breaks are not characters
    assert marking.typing_counts("", passage) == (0, 0)


def test_typing_speed_is_correct_characters_per_minute_and_accuracy_is_one_minus_errors_over_characters():
    # 200 characters with 10 errors in 120 seconds: (200 − 10) × 60 ÷ 120 = 95.0; 1 − 10/200 = 0.950
    assert marking.typing_speed(200, 10, 120) == Decimal("95.0")
    assert marking.typing_accuracy(200, 10) == Decimal("0.950")
    assert marking.typing_speed(200, 10, 0) is None
    assert marking.typing_accuracy(0, 0) is None
