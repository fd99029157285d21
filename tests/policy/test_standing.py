"""A person's standing on a date (S4, E, X3 together)."""

from stardesk.policy.cycle import Cycle
from stardesk.policy.facts import Application, EndReason
from stardesk.policy.june_exam import JuneResult
from stardesk.policy.reasons import basis
from stardesk.policy.standing import standing

from .builders import D, POLICY, d, exam, person, spell

R = d("2025-09-30")
CYCLE = Cycle(2025, R)


def ranked(rank):
    return JuneResult("1001", 2025, D("90"), rank, 45, d("2025-06-20"))


def test_s4_standing_shows_title_held_and_the_next_level_missing_items():
    # given a 1-star holder ranked 12th with no valid 2-star exam
    p = person(titles=(spell(1, "2024-10-15"),))
    s = standing(p, R, POLICY, cycle=CYCLE, june=ranked(12))
    # then
    assert s.title.level == 1 and s.next_level == 2
    assert s.eligible_for(1) and not s.eligible_for(2)
    assert [r.rule for r in s.missing] == ["E7", "X3"]
    assert s.missing[-1].text == "尚需通过2星资格考试（合格线 85分）"
    assert basis(s) == "S2: 在职；S4: 话务员1星（2024-10-15 起）；X3: 无有效的合格资格考试成绩"


def test_e6_standing_shows_a_ban_in_force():
    p = person(titles=(spell(2, "2024-10-15", "2025-03-01", EndReason.LOWERED), spell(1, "2025-03-01")))
    s = standing(p, R, POLICY, cycle=CYCLE, june=ranked(1))
    assert s.ban is not None and s.ban.until == d("2026-03-01")
    assert not any(e.eligible for e in s.eligibility)
    assert "E6" in [r.rule for r in s.missing]


def test_y4_three_star_holder_aims_to_keep_three_star():
    p = person(titles=(spell(3, "2024-10-15"),), exams=(exam(3, "2025-09-01", "92"),))
    s = standing(p, R, POLICY, cycle=CYCLE, june=ranked(3))
    assert s.next_level == 3 and s.missing == ()


def test_e1_standing_of_a_newcomer_with_the_leader_flag():
    p = person(hotline_start="2025-02-01")
    plain = standing(p, R, POLICY, cycle=CYCLE)
    flagged = standing(p, R, POLICY, cycle=CYCLE,
                       application=Application(p.staff_no, 2025, 1, True, "表现突出"))
    assert [str(r) for r in plain.missing] == ["E1: 入职服务热线 8 个月，不足一年", "X3: 尚需通过1星资格考试（合格线 80分）"]
    assert flagged.eligible_for(1)


def test_s2_standing_of_a_leaver():
    s = standing(person(left_on=d("2025-08-01")), R, POLICY, cycle=CYCLE)
    assert not s.active and s.next_level is None
    assert [str(r) for r in s.missing] == ["S2: 不在职，不能申报"]


def test_x4_standing_uses_only_exam_results_valid_on_the_date():
    p = person(titles=(spell(1, "2024-10-15"),), exams=(exam(2, "2024-10-08", "90"),))
    assert standing(p, d("2025-10-07"), POLICY, june=ranked(1)).qualification.level == 2
    assert standing(p, d("2025-10-08"), POLICY, june=ranked(1)).qualification.level == 0
