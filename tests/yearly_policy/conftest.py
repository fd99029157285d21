"""Fixtures of the yearly policy tests: a hotline with 2025 closed (frozen) and 2026 open."""
import datetime

import pytest

from stardesk.yearly_policy import services
from tests.factories import PersonFactory


@pytest.fixture
def policy_2025(hotline, supervisor):
    return services.policy_create_from_defaults(actor=supervisor, hotline=hotline, year=2025)


@pytest.fixture
def closed_2025(policy_2025, committee):
    return services.policy_freeze(actor=committee, policy=policy_2025, reason="2025 年度集中评定已结束")


@pytest.fixture
def policy_2026(closed_2025, supervisor, hotline):
    return services.policy_copy_forward(actor=supervisor, hotline=hotline)


@pytest.fixture
def hundred_agents(team):
    """N = 100 on 2026-09-30: Q1 gives 30 / 9 / 3 with the defaults; two more have left and one starts later."""
    start = datetime.date(2020, 1, 1)
    people = [PersonFactory(team=team, staff_no=f"5{i:03d}", hotline_start=start) for i in range(100)]
    for staff_no in ("6001", "6002"):
        PersonFactory(team=team, staff_no=staff_no, hotline_start=start, left_on=datetime.date(2026, 6, 1))
    PersonFactory(team=team, staff_no="6003", hotline_start=datetime.date(2026, 10, 8))
    return people


REFERENCE_DAY = datetime.date(2026, 9, 30)
