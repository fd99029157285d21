"""V1–V2 and M5 title sanctions."""

from dataclasses import replace

import pytest

from stardesk.policy.bans import active_ban
from stardesk.policy.conventions import Month
from stardesk.policy.errors import InvalidInput
from stardesk.policy.facts import EndReason, Event, EventCategory, Sanction, Severity
from stardesk.policy.monthly_allowance import allowance_line
from stardesk.policy.people import apply_title_change
from stardesk.policy.reasons import basis
from stardesk.policy.supervision import customer_feedback, effective_sanction, requires_confirmation, title_sanction

from .builders import D, POLICY, d, honour, spell, veto

TITLES = (spell(3, "2024-10-15"),)


def supervise(category, on="2025-05-10", sanction=None, titles=TITLES, policy=POLICY):
    return title_sanction("1", titles, Event(d(on), category, None, sanction), policy)


def test_v1_short_of_level_lowers_the_title_on_the_decision_date():
    decision = supervise(EventCategory.SHORT_OF_LEVEL)
    change = decision.change
    assert (change.effective_on, change.level_before, change.level_after) == (d("2025-05-10"), 3, 2)
    assert basis(decision) == ("V1: 2025-05-10 不够级，降级（默认）；2025-05-10 起话务员3星→2星（降级），至下次授牌；"
                               "E6: 一年内不得申报，2026-05-10 起方可申报")


def test_v1_unqualified_revokes_the_title():
    change = supervise(EventCategory.UNQUALIFIED).change
    assert (change.level_after, change.end_reason) == (0, EndReason.REVOKED)


def test_v1_lowering_a_one_star_revokes_it():
    change = supervise(EventCategory.SHORT_OF_LEVEL, titles=(spell(1, "2024-10-15"),)).change
    assert (change.level_after, change.end_reason) == (0, EndReason.REVOKED)


def test_v1_defaults_by_category_are_policy_fields():
    policy = replace(POLICY, v1_sanction_short_of_level=Sanction.REVOKE)
    assert supervise(EventCategory.SHORT_OF_LEVEL, policy=policy).change.level_after == 0


def test_v1_sets_the_e6_ban_through_title_history():
    decision = supervise(EventCategory.SHORT_OF_LEVEL)
    after = apply_title_change(TITLES, decision.change)
    assert active_ban(after, d("2025-09-30"), POLICY).until == d("2026-05-10")


def test_v1_month_allowance_follows_the_level_held_on_the_last_day():
    after = apply_title_change(TITLES, supervise(EventCategory.SHORT_OF_LEVEL).change)
    line = allowance_line("1", after, Month(2025, 5), D("96"), (), None, POLICY)
    assert line.level == 2 and line.amount == D("200.00")


def test_v1_supervision_cannot_carry_a_month_sanction():
    with pytest.raises(InvalidInput):
        supervise(EventCategory.SHORT_OF_LEVEL, sanction=Sanction.MONTH_LOWER)


def test_v1_no_title_held_means_no_change_and_no_ban():
    decision = supervise(EventCategory.UNQUALIFIED, titles=())
    assert decision.change is None and decision.ban_until is None
    assert "当日未持有星级，无星级可降，不限制申报" in basis(decision)


def test_m5_severe_veto_is_a_title_sanction_needing_confirmation():
    decision = title_sanction("1", TITLES, veto("2025-05-10", Severity.SEVERE), POLICY)
    assert decision.sanction is Sanction.REVOKE and decision.requires_confirmation
    assert decision.reasons[0].rule == "M5"
    assert not requires_confirmation(Sanction.MONTH_LOWER)


def test_m5_month_sanction_is_no_title_decision():
    assert title_sanction("1", TITLES, veto("2025-05-10", Severity.GENERAL), POLICY) is None


def test_m5_veto_without_severity_or_sanction_is_refused():
    with pytest.raises(InvalidInput):
        effective_sanction(veto("2025-05-10", None), POLICY)


def test_m5_honour_carries_no_sanction():
    assert effective_sanction(honour("2025-05-10"), POLICY) is None
    with pytest.raises(InvalidInput):
        effective_sanction(Event(d("2025-05-10"), EventCategory.PRAISE, sanction=Sanction.LOWER), POLICY)


def test_v2_customer_praise_and_complaints_are_shown_newest_first():
    events = (Event(d("2025-01-05"), EventCategory.PRAISE), veto("2025-03-01"), honour("2025-04-01"),
              Event(d("2025-02-01"), EventCategory.SHORT_OF_LEVEL))
    assert [e.on.month for e in customer_feedback(events)] == [3, 1]
