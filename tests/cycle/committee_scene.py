"""A cycle taken to the committee: twenty people at R (quotas 6 / 2 / 1), exams sat, scores recorded.

Applications (the June gate off, all eligible, all confirmed by the team leader):
- 5001 and 5002 hold 2 stars and apply for 3 (ratings 98, 97): 5001 is the 3-star place,
  5002 overflows to the 2-star list (Q4);
- 5003 holds 1 star and applies for 2 (rating 99); 5004 too (rating 95), overflowing to 1 star;
- 5005, 5006, 5007, 5008 apply for 1 star (ratings 96, 94, 92, none).
Exams of October 2026 (offline results, X2 pass marks 80 / 85 / 90):
- 5001 3-star 93 (pass); 5002 2-star 90 (pass); 5003 2-star 88 (pass);
- 5004 1-star 88; 5005 1-star 82; 5006 1-star 79 (fail); 5007 1-star 90; 5008 did not sit.
Call monitoring for everyone but 5007, so 5007's composite score is missing (X5).
"""
import datetime
from decimal import Decimal

import pytest

from stardesk.assessment.models import MonitoringEvaluation
from stardesk.cycle import services
from stardesk.cycle.models import CommitteeCandidate, Step
from stardesk.exams.result_sheets import exam_result_enter
from tests.cycle.conftest import D, apply, everyone_confirmed, holder, person, scores

EXAM_DAY = D(2026, 10, 12)
RATINGS = {"5001": "98", "5002": "97", "5003": "99", "5004": "95", "5005": "96", "5006": "94", "5007": "92"}
APPLIED = {"5001": 3, "5002": 3, "5003": 2, "5004": 2, "5005": 1, "5006": 1, "5007": 1, "5008": 1}
HELD = {"5001": 2, "5002": 2, "5003": 1, "5004": 1}
EXAMS = {"5001": (3, "93"), "5002": (2, "90"), "5003": (2, "88"), "5004": (1, "88"), "5005": (1, "82"),
         "5006": (1, "79"), "5007": (1, "90")}
KINDS = {1: "level1", 2: "level2", 3: "level3"}


def monitoring(found, on: datetime.date, score: str, call_no: str):
    return MonitoringEvaluation.objects.create(person=found, hotline=found.hotline, team=found.team, call_no=call_no,
                                               call_date=on, score=Decimal(score))


def sit(supervisor, found, level: int, score: str, day: datetime.date = EXAM_DAY):
    return exam_result_enter(actor=supervisor, hotline=found.hotline, staff_no=found.staff_no,
                             exam_name=f"{day.year}年{level}星资格考试", kind=KINDS[level], exam_date=day, score=Decimal(score))


@pytest.fixture
def twenty(no_june_gate, cycle, leader, team):
    people = {}
    for n in range(1, 21):
        staff_no = f"50{n:02d}"
        level = HELD.get(staff_no)
        people[staff_no] = holder(team, staff_no, level) if level else person(team, staff_no)
    for staff_no, rating in RATINGS.items():
        # M3 over the X5 window too: two months of the twelve up to R.
        scores(people[staff_no], {"2026-09": rating, "2026-03": rating})
    for staff_no, level in APPLIED.items():
        apply(cycle, leader, people[staff_no], level)
    return people


@pytest.fixture
def assessing(twenty, cycle, supervisor, leader):
    """The list finalised: the cycle in 业务考核."""
    services.cycle_transition(actor=supervisor, cycle=cycle, to=Step.LEADER_CHECK)
    everyone_confirmed(cycle, leader)
    return services.cycle_transition(actor=supervisor, cycle=cycle, to=Step.ASSESSMENT)


@pytest.fixture
def examined(assessing, twenty, supervisor):
    for staff_no, (level, score) in EXAMS.items():
        sit(supervisor, twenty[staff_no], level, score)
    for n, staff_no in enumerate(s for s in APPLIED if s != "5007"):
        monitoring(twenty[staff_no], D(2026, 6, 10), "90", f"C{n:03d}")
        monitoring(twenty[staff_no], D(2026, 8, 3), "94", f"D{n:03d}")
    return twenty


@pytest.fixture
def deciding(examined, assessing, supervisor):
    """The cycle in 集中评定, with its candidates and the proposal."""
    return services.cycle_transition(actor=supervisor, cycle=assessing, to=Step.COMMITTEE)


@pytest.fixture
def second_member(hotline):
    from stardesk.accounts.models import Role
    from tests.factories import UserFactory

    return UserFactory(username="committee2", role=Role.COMMITTEE, hotline=hotline, display_name="吴委员")


def candidate(cycle, staff_no) -> CommitteeCandidate:
    return CommitteeCandidate.objects.select_related("person").get(cycle=cycle, person__staff_no=staff_no)


def levels(cycle) -> dict[str, int]:
    return {c.person.staff_no: c.level for c in CommitteeCandidate.objects.filter(cycle=cycle).select_related("person")}




def decide_the_rest(cycle, member, reason: str = "同意建议名单"):
    """K3: a recorded decision for every candidate still undecided, at the level the proposal gave them."""
    from stardesk.cycle import committee as committee_step

    for found in CommitteeCandidate.objects.filter(cycle=cycle, decided=False).order_by("pk"):
        committee_step.committee_decide(actor=member, candidate=found, to_level=found.level, reason=reason)


def close_decision(cycle, member):
    """K4: every candidate decided (the rest as proposed), then the committee closes its decision."""
    decide_the_rest(cycle, member)
    return services.cycle_transition(actor=member, cycle=cycle, to=Step.AWARD)
