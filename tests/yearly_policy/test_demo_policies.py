"""The demo's policies (P1): closed cycles frozen, the next one open and copied forward."""
from decimal import Decimal

from stardesk.demo.yearly_policies import create_policies
from stardesk.yearly_policy import queries, services
from stardesk.yearly_policy.models import CyclePolicy, RevisionSource


def test_p1_demo_closes_2024_and_2025_and_opens_2026(hotline, other_hotline, supervisor, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):  # one insert per kind of row, whatever the number of hotlines
        assert create_policies([hotline, other_hotline]) == 6
    years = {(r.year, r.is_frozen) for r in CyclePolicy.objects.filter(hotline=hotline)}
    assert years == {(2024, True), (2025, True), (2026, False)}
    assert queries.cycle_policy(hotline, 2026).version == "2026 第1版"
    assert CyclePolicy.objects.get(hotline=hotline, year=2025).revisions.get().source == RevisionSource.COPIED
    # the open year behaves like any other: the supervisor can change it
    record = services.policy_update(actor=supervisor, policy=CyclePolicy.objects.get(hotline=hotline, year=2026),
                                    values={"q1_ratio_level2": Decimal("0.4")}, reason="试用")
    assert record.version == "2026 第2版"
