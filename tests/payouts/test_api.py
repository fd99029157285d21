"""The v1 API of the assessment records: monthly scores, monitoring scores, events and allowance lines,
read only, under the pages' permissions (a record out of scope is a 404), with constant queries per list."""
import datetime

import pytest
from rest_framework.test import APIClient

from stardesk.assessment import services as assessment
from stardesk.assessment.models import MonitoringEvaluation, MonthlyScore
from stardesk.events.models import Event
from stardesk.payouts.models import AllowanceLine
from stardesk.policy.conventions import Month
from tests.api.conftest import token_client
from tests.factories import PersonFactory
from tests.payouts.conftest import close_month, hold, veto

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(hotline, leader, other_leader, supervisor, team, other_team, agent_person, colleague, stranger, foreigner, march, users):
    """March accepted in both teams; 张三 and 王五 hold titles; a veto and a monitored call for 张三 and for 王五."""
    hold(agent_person, 2)
    hold(stranger, 1)
    veto(leader, agent_person, datetime.date(2025, 3, 12))
    veto(other_leader, stranger, datetime.date(2025, 3, 13))
    assessment.monitoring_save(actor=leader, person=agent_person, call_no="REC-1", call_date=datetime.date(2025, 3, 5), score="92")
    assessment.monitoring_save(actor=other_leader, person=stranger, call_no="REC-2", call_date=datetime.date(2025, 3, 5), score="85")
    close_month(leader, supervisor, team, march, {agent_person: "90.5", colleague: "96"})
    close_month(other_leader, supervisor, other_team, march, {stranger: "93"})
    return users


def staff_nos(response) -> list[str]:
    return sorted(row["staff_no"] for row in response.json()["results"])


LISTS = ("monthly-scores", "monitoring-scores", "events", "allowance-lines")
# endpoint → role → the 工号 it lists
SEEN = {
    "monthly-scores": {"agent": ["1001"], "leader": ["1001", "1002"], "supervisor": ["1001", "1002", "2001"], "committee": ["1001", "1002", "2001"]},
    "monitoring-scores": {"agent": ["1001"], "leader": ["1001"], "supervisor": ["1001", "2001"], "committee": ["1001", "2001"]},
    "events": {"agent": ["1001"], "leader": ["1001"], "supervisor": ["1001", "2001"], "committee": ["1001", "2001"]},
    "allowance-lines": {"agent": ["1001"], "leader": ["1001"], "supervisor": ["1001", "2001"], "committee": ["1001", "2001"]},
}


@pytest.mark.parametrize("endpoint", LISTS)
@pytest.mark.parametrize("role", ["agent", "leader", "supervisor", "committee"])
def test_lists_are_scoped_like_the_pages(records, endpoint, role):
    response = token_client(records[role]).get(f"/api/v1/{endpoint}/")
    assert response.status_code == 200
    assert staff_nos(response) == SEEN[endpoint][role]


@pytest.mark.parametrize("endpoint", LISTS)
def test_anonymous_callers_are_refused(records, endpoint):
    response = APIClient().get(f"/api/v1/{endpoint}/")
    assert response.status_code == 401 and response.json()["code"] == "not_authenticated"


def test_a_record_out_of_scope_is_not_found_and_writing_is_not_allowed(records, stranger):
    agent = token_client(records["agent"])
    other = {
        "monthly-scores": MonthlyScore.objects.get(person=stranger).pk,
        "monitoring-scores": MonitoringEvaluation.objects.get(person=stranger).pk,
        "events": Event.objects.get(person=stranger).pk,
        "allowance-lines": AllowanceLine.objects.get(person=stranger).pk,
    }
    for endpoint, pk in other.items():
        assert agent.get(f"/api/v1/{endpoint}/{pk}/").status_code == 404
        assert token_client(records["supervisor"]).get(f"/api/v1/{endpoint}/{pk}/").status_code == 200
    assert token_client(records["supervisor"]).post("/api/v1/allowance-lines/", {}).status_code == 405
    assert token_client(records["admin"]).get("/api/v1/allowance-lines/").json()["count"] == 2


def test_m4_allowance_line_fields_decimals_as_strings(records, agent_person):
    row = token_client(records["agent"]).get("/api/v1/allowance-lines/", {"month": "2025-03"}).json()["results"][0]
    assert {k: row[k] for k in ("staff_no", "month", "level", "treatment_level", "score", "rate", "amount", "status", "is_current")} == {
        "staff_no": "1001", "month": "2025-03", "level": 2, "treatment_level": 1, "score": "90.5", "rate": "0.9050",
        "amount": "90.50", "status": "decided", "is_current": True,
    }
    assert row["basis"].startswith("M5: 2025-03-12 违章违纪（一般），当月降级")


def test_m3_monthly_scores_say_whether_the_month_is_locked(records):
    rows = token_client(records["supervisor"]).get("/api/v1/monthly-scores/", {"month": "2025-03"}).json()["results"]
    assert {row["staff_no"]: (row["score"], row["locked"], row["confirmed"]) for row in rows} == {
        "1001": ("90.5", True, True), "1002": ("96.0", True, True), "2001": ("93.0", True, True)
    }


def test_r2_history_lists_superseded_lines_only_when_asked(records, supervisor, agent_person):
    score = MonthlyScore.objects.get(person=agent_person)
    assessment.score_correct(actor=supervisor, monthly_score=score, new_score="96", reason="复核")
    client = token_client(records["supervisor"])
    assert client.get("/api/v1/allowance-lines/", {"staff_no": "1001"}).json()["count"] == 1
    rows = client.get("/api/v1/allowance-lines/", {"staff_no": "1001", "history": "true"}).json()["results"]
    assert sorted((r["amount"], r["is_current"]) for r in rows) == [("100.00", True), ("90.50", False)]
    old = next(r for r in rows if not r["is_current"])
    assert client.get(f"/api/v1/allowance-lines/{old['id']}/").json()["superseded_by"] is not None


def test_a_bad_month_filter_is_a_400_in_chinese(records):
    response = token_client(records["supervisor"]).get("/api/v1/allowance-lines/", {"month": "2025-3"})
    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": "month", "message": "月份应为 YYYY-MM，如 2025-03。"}]


@pytest.mark.parametrize("endpoint", LISTS)
def test_lists_run_a_constant_number_of_queries(records, supervisor, leader, team, endpoint, django_assert_max_num_queries):
    client = token_client(records["supervisor"])
    with django_assert_max_num_queries(8):
        small = client.get(f"/api/v1/{endpoint}/")
    people = [PersonFactory(team=team, staff_no=f"6{i:03d}") for i in range(15)]
    for p in people:
        hold(p, 1)
        veto(leader, p, datetime.date(2025, 4, 3))
        assessment.monitoring_save(actor=leader, person=p, call_no=f"R-{p.pk}", call_date=datetime.date(2025, 4, 5), score="90")
    close_month(leader, supervisor, team, Month(2025, 4), {p: "90" for p in [*people, *team.members.filter(staff_no__in=["1001", "1002"])]})
    with django_assert_max_num_queries(8):
        large = client.get(f"/api/v1/{endpoint}/")
    assert large.json()["count"] > small.json()["count"]
