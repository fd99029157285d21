"""S1–S4 and T2: scope, activity, roles, title history, work file."""

import pytest

from stardesk.policy.conventions import Month
from stardesk.policy.errors import InvalidInput
from stardesk.policy.facts import Employment, EndReason
from stardesk.policy.people import (Role, TitleChange, Viewer, apply_title_change, headcount, held_during,
                                    is_active, level_on, may_read_work_file, staff_no_key, team_leader_problems,
                                    title_history_problems, title_on)

from .builders import d, person, spell


def test_s1_temporary_and_outsourced_agents_count_in_scope():
    # given one agent of each employment type
    people = [person("1", employment=Employment.PERMANENT), person("2", employment=Employment.TEMPORARY),
              person("3", employment=Employment.OUTSOURCED)]
    # then all three are counted
    assert headcount(people, d("2025-09-30")) == 3


def test_s1_headcount_is_per_hotline():
    # given agents of two hotlines of one installation
    people = [person("1", hotline="武汉"), person("2", hotline="武汉"), person("3", hotline="分公司")]
    # then each hotline counts its own people
    assert headcount(people, d("2025-09-30"), hotline="武汉") == 2
    assert headcount(people, d("2025-09-30"), hotline="分公司") == 1


def test_s2_active_from_start_date_until_the_day_before_leaving():
    # given someone who started 2025-03-01 and left 2025-09-30
    p = person(hotline_start="2025-03-01", left_on=d("2025-09-30"))
    # then
    assert not is_active(p, d("2025-02-28"))
    assert is_active(p, d("2025-03-01"))
    assert is_active(p, d("2025-09-29"))  # left after D → active on D
    assert not is_active(p, d("2025-09-30"))


def test_s3_each_team_has_exactly_one_team_leader():
    # given team 一班 with two leaders and 三班 with none
    problems = team_leader_problems([("一班", "11"), ("一班", "12"), ("二班", "21")], ["一班", "二班", "三班"])
    # then both are reported, 二班 is fine
    assert problems == ["班组 一班 有 2 位班长：11、12", "班组 三班 没有班长"]


def test_s4_title_held_from_award_date_until_the_day_before_it_ends():
    # given a 2-star from 2024-10-15, lowered on 2025-03-01
    titles = (spell(2, "2024-10-15", "2025-03-01", EndReason.LOWERED), spell(1, "2025-03-01"))
    # then
    assert level_on(titles, d("2024-10-14")) == 0
    assert level_on(titles, d("2024-10-15")) == 2
    assert level_on(titles, d("2025-02-28")) == 2
    assert level_on(titles, d("2025-03-01")) == 1


def test_s4_title_for_one_job_type():
    # given a 2-star as 话务员
    titles = (spell(2, "2024-10-15", job_type="话务员"),)
    # then it is no title as 班长
    assert title_on(titles, d("2025-01-01"), "班长") is None
    assert title_on(titles, d("2025-01-01"), "话务员").level == 2


def test_s4_title_change_keeps_history_and_inherits_the_award_end():
    # given a 3-star that will end at the next award
    titles = (spell(3, "2024-10-15", "2025-10-15", EndReason.RENEWAL),)
    change = TitleChange(d("2025-05-10"), "话务员", 3, 2, EndReason.LOWERED, "V1")
    # when
    after = apply_title_change(titles, change)
    # then the old spell ends on the effective date, the lower one runs to the award
    assert after == (spell(3, "2024-10-15", "2025-05-10", EndReason.LOWERED),
                     spell(2, "2025-05-10", "2025-10-15", EndReason.RENEWAL))


def test_s4_title_change_without_the_title_is_refused():
    with pytest.raises(InvalidInput):
        apply_title_change((), TitleChange(d("2025-05-10"), "话务员", 3, 2, EndReason.LOWERED, "V1"))


def test_s4_history_problems_found_in_imported_titles():
    # given overlapping spells and an end without reason
    titles = (spell(1, "2023-10-15", "2024-10-20", None), spell(2, "2024-10-15"))
    problems = title_history_problems(titles)
    # then
    assert any("无终止原因" in p for p in problems)
    assert any("重叠" in p for p in problems)
    assert title_history_problems((spell(1, "2023-10-15", "2024-10-15", EndReason.RENEWAL),
                                   spell(2, "2024-10-15"))) == []


def test_s4_held_during_month_counts_any_day():
    titles = (spell(1, "2025-03-31"),)
    assert held_during(titles, Month(2025, 3))
    assert not held_during(titles, Month(2025, 2))
    assert held_during((spell(1, "2024-10-15", "2025-03-02", EndReason.REVOKED),), Month(2025, 3))
    assert not held_during((spell(1, "2024-10-15", "2025-03-01", EndReason.REVOKED),), Month(2025, 3))


def test_s2_staff_numbers_sort_numerically_when_numeric():
    assert sorted(["1023", "999", "A1"], key=staff_no_key) == ["999", "1023", "A1"]


@pytest.mark.parametrize("viewer, allowed", [
    (Viewer(Role.AGENT, "1001", "一班", "武汉"), True),
    (Viewer(Role.AGENT, "1002", "一班", "武汉"), False),
    (Viewer(Role.TEAM_LEADER, "2001", "一班", "武汉"), True),
    (Viewer(Role.TEAM_LEADER, "2002", "二班", "武汉"), False),
    (Viewer(Role.SUPERVISOR, "3001", "", "武汉"), True),
    (Viewer(Role.SUPERVISOR, "3002", "", "分公司"), False),
    (Viewer(Role.COMMITTEE, "4001", "", "武汉"), True),
])
def test_t2_work_file_readable_by_person_leader_supervisor_committee(viewer, allowed):
    # given the work file of 1001 of 一班 at 武汉
    p = person("1001", team="一班", hotline="武汉")
    # then
    assert may_read_work_file(viewer, p) is allowed
