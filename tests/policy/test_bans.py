"""E6: the one-year ban after a sanction."""

from dataclasses import replace

from stardesk.policy.bans import active_ban, ban_check, bans_from_history
from stardesk.policy.cycle import Cycle
from stardesk.policy.eligibility import check_eligibility
from stardesk.policy.facts import Application, EndReason, Event, EventCategory, Severity
from stardesk.policy.supervision import title_sanction

from .builders import POLICY, d, person, spell


def test_e6_ban_ends_one_year_after_sanction():
    # given a 2-star lowered on 2025-03-01 (imported history)
    titles = (spell(2, "2024-10-15", "2025-03-01", EndReason.LOWERED), spell(1, "2025-03-01"))
    # then R before 2026-03-01 is banned, R on it is not
    assert active_ban(titles, d("2026-02-28"), POLICY) is not None
    assert active_ban(titles, d("2026-03-01"), POLICY) is None
    assert active_ban(titles, d("2025-09-30"), POLICY).describe() == \
        "2025-03-01 话务员2星降为1星，一年内不得申报，2026-03-01 起方可申报"


def test_e6_revocation_in_history_sets_a_ban_with_readable_reason():
    # given a 1-star revoked on 2025-04-10
    titles = (spell(1, "2024-10-15", "2025-04-10", EndReason.REVOKED),)
    # when
    check = ban_check(titles, d("2025-09-30"), POLICY)
    # then
    assert check.passed is False
    assert check.text == "2025-04-10 话务员1星被取消，一年内不得申报，2026-04-10 起方可申报"


def test_e6_rank_adjustment_sets_no_ban_by_default():
    # given a 3-star moved to 2-star by the June ranking (J3)
    titles = (spell(3, "2024-10-15", "2025-07-01", EndReason.RANK_ADJUSTMENT), spell(2, "2025-07-01"))
    # then no ban
    assert bans_from_history(titles, POLICY) == ()
    assert ban_check(titles, d("2025-09-30"), POLICY).passed is True


def test_e6_policy_switch_makes_rank_adjustment_a_ban():
    titles = (spell(3, "2024-10-15", "2025-07-01", EndReason.RANK_ADJUSTMENT), spell(2, "2025-07-01"))
    policy = replace(POLICY, e6_rank_adjustment_sets_ban=True)
    ban = active_ban(titles, d("2025-09-30"), policy)
    assert ban is not None and ban.level_after == 2 and ban.until == d("2026-07-01")


def test_e6_renewal_and_leaving_are_not_sanctions():
    titles = (spell(2, "2023-10-15", "2024-10-15", EndReason.RENEWAL),
              spell(1, "2024-10-15", "2025-05-01", EndReason.LEFT))
    assert bans_from_history(titles, POLICY) == ()


def test_e6_leap_day_sanction_is_banned_until_28_february():
    # given a sanction effective 2024-02-29
    titles = (spell(2, "2023-10-15", "2024-02-29", EndReason.LOWERED), spell(1, "2024-02-29"))
    # then the ban lasts until 2025-02-27 inclusive
    assert active_ban(titles, d("2025-02-27"), POLICY) is not None
    assert active_ban(titles, d("2025-02-28"), POLICY) is None


def test_e6_sanction_on_someone_holding_no_title_sets_no_ban():
    # given a veto with a title sanction on an agent without a title
    p = person()
    event = Event(d("2025-03-05"), EventCategory.JUSTIFIED_COMPLAINT, Severity.SEVERE)
    decision = title_sanction(p.staff_no, p.titles, event, POLICY)
    # then nothing to lower, no ban, and the person may still apply
    assert decision.change is None and decision.ban_until is None
    result = check_eligibility(p, Application(p.staff_no, 2025, 1), Cycle(2025, d("2025-09-30")), POLICY)
    assert result.eligible


def test_e6_sanction_after_reference_date_does_not_ban_this_cycle():
    titles = (spell(2, "2024-10-15", "2025-10-05", EndReason.LOWERED), spell(1, "2025-10-05"))
    assert active_ban(titles, d("2025-09-30"), POLICY) is None


def test_e6_ban_fails_eligibility_at_every_level():
    # given a person revoked on 2025-06-01
    p = person(titles=(spell(1, "2024-10-15", "2025-06-01", EndReason.REVOKED),))
    cycle = Cycle(2025, d("2025-09-30"))
    # then even 1-star is refused, with the E6 reason
    result = check_eligibility(p, Application(p.staff_no, 2025, 1), cycle, POLICY)
    assert not result.eligible
    assert [r.rule for r in result.failures] == ["E6"]
