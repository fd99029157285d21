"""The demo's 2026 cycle: open in 个人申报 with R = 2026-09-30, about 30 applications, ineligible ones for different reasons."""
from collections import Counter

import pytest
from django.db import transaction

from stardesk.cycle import services
from stardesk.cycle.models import Application, Cycle, CycleStage, Step
from stardesk.demo import hotline_builder


@pytest.fixture
def demo(db):
    return hotline_builder.build_group()


def failed_rules(application):
    return {r["rule"] for r in application.reasons if r["passed"] is False}


def test_demo_cycle_is_open_for_applications(demo):
    cycle = Cycle.objects.get(year=2026)
    assert (cycle.year, cycle.step, str(cycle.reference_date)) == (2026, Step.APPLICATION, "2026-09-30")
    assert cycle.policy.year == 2026 and not cycle.policy.is_frozen and cycle.policy_version == "2026 第1版"
    assert CycleStage.objects.filter(cycle=cycle, started_at__isnull=False).get().step == Step.APPLICATION


def test_demo_applications_are_about_thirty_with_varied_outcomes(demo):
    applications = list(Application.objects.filter(cycle__year=2026).select_related("person"))
    assert len(applications) == 30
    assert len({a.person_id for a in applications}) == 30
    eligible = [a for a in applications if a.eligible]
    assert 15 <= len(eligible) < 30
    reasons = Counter(rule for a in applications for rule in failed_rules(a))
    # refused for different reasons: tenure (E1), a sanction within the year (E6), the rank gate or the title (E2/E3/E7)
    assert reasons["E1"] >= 1 and reasons["E6"] >= 1
    assert reasons["E7"] + reasons["E2"] + reasons["E3"] >= 1
    flagged = [a for a in applications if a.leader_recommended]
    assert flagged and all(a.eligible and a.leader_exception and a.recommendation_reason for a in flagged)
    assert {a.policy_version for a in applications} == {"2026 第1版"}


def _built(seed):
    """The demo's applications for `seed`, built and rolled back again."""
    with transaction.atomic():
        group = hotline_builder.build_group(seed=seed)
        picked = sorted(Application.objects.filter(cycle__year=2026).values_list("person__staff_no", "level", "eligible"))
        transaction.set_rollback(True)
    return group.counts["applications"], picked


def test_demo_cycle_is_the_same_every_time(db):
    first = _built(7)
    assert first[0] == 30 and _built(7) == first


def test_demo_cycle_walks_on_from_the_browser_state(demo):
    # the supervisor closes the applications: the quota basis is kept from the demo's roster at R
    cycle = Cycle.objects.get(year=2026)
    supervisor = cycle.opened_by
    cycle = services.cycle_transition(actor=supervisor, cycle=cycle, to=Step.LEADER_CHECK)
    from stardesk.policy.quotas import quotas_for
    from stardesk.policy.yearly import YearlyPolicy

    assert cycle.headcount > 100
    assert cycle.quota_level1 == quotas_for(cycle.headcount, YearlyPolicy.defaults()).level1
