"""K3 under concurrency: members deciding at the same moment, each on their own database connection, never pass a quota.

Every decision locks the cycle's seat rows (SELECT … FOR UPDATE) before it
counts; this test needs a database where two connections really run at the
same time, so it runs on PostgreSQL (scripts/test.sh runs the suite there
too). SQLite serialises every writing transaction as a whole, and the
in-memory test database cannot be shared between threads.
"""
import threading

import pytest
from django.db import connection

from stardesk.core.errors import DomainError
from stardesk.cycle import committee as committee_step
from stardesk.cycle import services
from stardesk.cycle.models import CommitteeCandidate, CommitteeDecision, CycleSeat, Step
from tests.cycle.committee_scene import (  # noqa: F401  (fixtures)
    assessing,
    candidate,
    examined,
    second_member,
    sit,
    twenty,
)
from tests.cycle.conftest import D

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql",
                       reason="two connections deciding at the same moment need PostgreSQL (scripts/test.sh runs it)"),
]


@pytest.fixture
def contested(examined, assessing, supervisor, committee):
    """One free 2-star place and three people who may take it: 5001 (3 stars), 5003 (rejected), 5004 (1 star, passed 2)."""
    sit(supervisor, examined["5004"], 2, "90", day=D(2026, 10, 14))
    cycle = services.cycle_transition(actor=supervisor, cycle=assessing, to=Step.COMMITTEE)
    committee_step.committee_decide(actor=committee, candidate=candidate(cycle, "5003"), to_level=0, reason="先放下，稍后再议")
    assert CycleSeat.objects.get(cycle=cycle, level=2).filled == 1
    return cycle


def _race(calls):
    """Run every call at the same moment, each in its own thread (its own connection); return what each gave."""
    start = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(n, call):
        try:
            start.wait()
            call()
            outcomes[n] = "ok"
        except DomainError as error:
            outcomes[n] = error.code
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n, call)) for n, call in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return outcomes


def test_k3_concurrent_decisions_never_exceed_the_quota(contested, committee, second_member, users):
    third = users["admin"].__class__.objects.create(username="committee3", role="committee", hotline=contested.hotline,
                                                    display_name="郑委员")
    members = {"5001": committee, "5003": second_member, "5004": third}
    wanted = {staff_no: candidate(contested, staff_no) for staff_no in members}

    outcomes = _race([
        (lambda s=staff_no: committee_step.committee_decide(actor=members[s], candidate=wanted[s], to_level=2, reason="评为二星"))
        for staff_no in members
    ])

    # exactly one member got the place; the others were refused, not warned
    assert sorted(outcomes) == ["committee_quota_full", "committee_quota_full", "ok"]
    at_two = CommitteeCandidate.objects.filter(cycle=contested, level=2).count()
    assert at_two == 2 and CycleSeat.objects.get(cycle=contested, level=2).filled == 2
    assert CommitteeDecision.objects.filter(cycle=contested, to_level=2).count() == 1


def test_k3_concurrent_decisions_keep_every_count_equal_to_the_seats(contested, committee, second_member):
    # many moves at once, between levels, by two members: the seats always equal the stored levels
    calls = []
    for n, (staff_no, level) in enumerate([("5005", 0), ("5007", 0), ("5004", 2), ("5001", 2), ("5003", 1), ("5002", 1)]):
        member = committee if n % 2 else second_member
        calls.append(lambda s=staff_no, lv=level, m=member: committee_step.committee_decide(
            actor=m, candidate=candidate(contested, s), to_level=lv, reason="调整"))
    _race(calls)
    for seat in CycleSeat.objects.filter(cycle=contested):
        assert seat.filled == CommitteeCandidate.objects.filter(cycle=contested, level=seat.level).count() <= seat.quota
