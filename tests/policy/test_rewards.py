"""A1–A3: award ceremony, one-off rewards, certificates."""

from dataclasses import replace

import pytest

from stardesk.policy.errors import InvalidInput
from stardesk.policy.facts import EndReason
from stardesk.policy.reasons import basis
from stardesk.policy.rewards import Award, Certificate, award_reward, award_titles, certificates_due

from .builders import D, POLICY, d, spell

AWARD = d("2025-10-15")


def test_a1_award_date_ends_every_previous_title_and_starts_the_new_ones():
    # given a 1-star holder promoted and a 2-star holder lowered by the committee
    titles = {"1": (spell(1, "2024-10-15"),),
              "2": (spell(2, "2024-10-15", "2025-10-31", EndReason.RENEWAL),)}
    # when
    after = award_titles(titles, [Award("1", 2, "话务员"), Award("2", 1, "话务员"), Award("3", 1, "话务员")], AWARD)
    # then previous spells end on the award date with 换届, new ones start there
    assert after["1"] == (spell(1, "2024-10-15", "2025-10-15", EndReason.RENEWAL), spell(2, "2025-10-15"))
    assert after["2"] == (spell(2, "2024-10-15", "2025-10-15", EndReason.RENEWAL), spell(1, "2025-10-15"))
    assert after["3"] == (spell(1, "2025-10-15"),)


def test_a1_past_spells_are_kept_as_they_are():
    titles = {"1": (spell(2, "2023-10-15", "2024-03-01", EndReason.LOWERED), spell(1, "2024-03-01", "2024-10-15",
                                                                                      EndReason.RENEWAL))}
    after = award_titles(titles, [], AWARD)
    assert after["1"] == titles["1"]


def test_a1_one_person_one_award():
    with pytest.raises(InvalidInput):
        award_titles({}, [Award("1", 2, "话务员"), Award("1", 3, "话务员")], AWARD)


@pytest.mark.parametrize("level, amount", [(1, "0.00"), (2, "500.00"), (3, "800.00")])
def test_a2_one_off_reward_500_for_two_star_800_for_three_star(level, amount):
    decision = award_reward("1", level, AWARD, (), POLICY)
    assert decision.amount == D(amount)


def test_a2_paid_for_each_award_by_default():
    before = (spell(2, "2024-10-15", "2025-10-15", EndReason.RENEWAL),)
    decision = award_reward("1", 2, AWARD, before, POLICY)
    assert decision.amount == D("500.00") and not decision.first_time
    assert basis(decision) == "A2: 2025-10-15 授2星，一次性奖励 500.00元"


def test_a2_policy_can_limit_to_the_first_time_a_level_is_reached():
    policy = replace(POLICY, a2_first_time_only=True)
    before = (spell(3, "2023-10-15", "2024-10-15", EndReason.RENEWAL), spell(2, "2024-10-15", "2025-10-15",
                                                                              EndReason.RENEWAL))
    assert award_reward("1", 2, AWARD, before, policy).amount == D("0.00")
    assert award_reward("1", 3, AWARD, before, policy).amount == D("0.00")
    assert award_reward("1", 3, AWARD, (spell(2, "2024-10-15"),), policy).amount == D("800.00")


def test_a3_a_certificate_for_every_holder_of_the_new_list():
    certificates = certificates_due([Award("1", 2, "话务员"), Award("2", 1, "班长")], AWARD)
    assert certificates == (Certificate("1", 2, "话务员", AWARD), Certificate("2", 1, "班长", AWARD))
