"""What-if on the recommendation: other quota ratios or rank limits, who moves in or out — and nothing saved."""
from decimal import Decimal

import pytest
from django.urls import reverse

from stardesk.audit.models import AuditEntry
from stardesk.cycle.models import Application, Cycle, CycleHeadcount, Recommendation
from stardesk.cycle.what_if import what_if
from stardesk.yearly_policy.models import CyclePolicy, CyclePolicyRevision
from tests.cycle.conftest import apply, holder, person, scores


@pytest.fixture
def ten_at_r(cycle, leader, team):
    """N = 10 (quotas 3 / 1 / 0); five apply for 1 star with ratings 95 > 94 > 93 > 92 > 91; a 1-star holder applies for 2."""
    people = [person(team, f"70{n:02d}") for n in range(9)]
    for n, found in enumerate(people[:5]):
        scores(found, {"2026-09": str(95 - n)})
        apply(cycle, leader, found, 1)
    two = holder(team, "7090", 1)
    apply(cycle, leader, two, 2)
    return people


def snapshot():
    return (
        list(Application.objects.order_by("pk").values_list("pk", "eligible", "eligible_levels", "reasons", "policy_version", "updated_at")),
        list(Cycle.objects.values_list("pk", "step", "headcount", "quota_level1", "updated_at")),
        Recommendation.objects.count(), CycleHeadcount.objects.count(), AuditEntry.objects.count(),
        list(CyclePolicy.objects.values_list("pk", "revision", "data", "updated_at")), CyclePolicyRevision.objects.count(),
    )


def test_what_if_a_higher_ratio_shows_who_moves_in_and_saves_nothing(ten_at_r, cycle):
    # given
    before = snapshot()
    # when: 1-star ratio 50% instead of 30%
    trial = what_if(cycle, {"q1_ratio_level1": Decimal("0.5")})
    # then
    level1 = next(c for c in trial.levels if c.level == 1)
    assert (level1.quota_before, level1.quota_after) == (3, 5)
    assert [row.person.staff_no for row in level1.moved_in] == ["7003", "7004"]
    assert level1.moved_out == ()
    assert trial.shown_changes() == [("Q1 一星名额比例（占在岗总人数）", "30%", "50%")]
    assert snapshot() == before


def test_what_if_turning_the_june_gate_off_lets_two_star_applicants_in(ten_at_r, cycle):
    before = snapshot()
    trial = what_if(cycle, {"e7_gate_enabled": False, "q1_ratio_level2": Decimal("0.4")})
    level2 = next(c for c in trial.levels if c.level == 2)
    assert (level2.quota_before, level2.quota_after) == (1, 1)
    assert [row.person.staff_no for row in level2.moved_in] == ["7090"]
    assert snapshot() == before


def test_what_if_a_lower_ratio_shows_who_moves_out(ten_at_r, cycle):
    trial = what_if(cycle, {"q1_ratio_level1": Decimal("0.1")})
    level1 = next(c for c in trial.levels if c.level == 1)
    assert [row.person.staff_no for row in level1.moved_out] == ["7001", "7002"]


def test_what_if_refuses_an_impossible_policy_with_every_problem(ten_at_r, cycle):
    trial = what_if(cycle, {"q1_ratio_level1": Decimal("1.5"), "e7_limit_level3_count": 20})
    assert not trial.valid
    assert {p.field for p in trial.problems} == {"q1_ratio_level1", "e7_limit_level3_count"}


def test_what_if_page_shows_moves_and_the_database_is_unchanged(ten_at_r, cycle, client, supervisor):
    client.force_login(supervisor)
    before = snapshot()
    query = {"what_if": "1", "q1_ratio_level1": "50", "q1_ratio_level2": "30", "q1_ratio_level3": "10",
             "c4_quota_rounding": "四舍五入", "e7_gate_enabled": "on", "e7_limit_mode": "名次",
             "e7_limit_level3_count": "5", "e7_limit_level2_count": "10", "e7_limit_level3_share": "5",
             "e7_limit_level2_share": "10"}
    page = client.get(reverse("cycle:recommendation", args=[2026]), query)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-moved="in" data-staff-no="7003"' in html and 'data-moved="in" data-staff-no="7004"' in html
    assert "Q1 一星名额比例（占在岗总人数）：30% → 50%" in html
    assert snapshot() == before


def test_what_if_is_the_supervisors(ten_at_r, cycle, client, committee):
    client.force_login(committee)
    html = client.get(reverse("cycle:recommendation", args=[2026]), {"what_if": "1", "q1_ratio_level1": "50"}).content.decode()
    assert 'data-testid="what-if"' not in html and "data-moved" not in html
