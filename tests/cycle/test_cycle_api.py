"""The cycle's API (v1): cycles, applications, recommendations, the committee's candidates, decisions and votes, awards,
titles; the same services and the same scope as the pages."""
import pytest

from stardesk.cycle import committee as committee_step
from stardesk.cycle.models import Application, CommitteeDecision, CommitteeVote
from tests.api.conftest import token_client
from tests.cycle.committee_scene import (  # noqa: F401  (fixtures)
    assessing,
    candidate,
    close_decision,
    deciding,
    examined,
    levels,
    twenty,
)
from tests.cycle.conftest import D, holder

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("role", "cycles", "candidates", "votes", "decisions"), [
    ("agent", 200, 403, 403, 403),
    ("leader", 200, 403, 403, 403),
    ("supervisor", 200, 200, 403, 200),
    ("committee", 200, 200, 200, 200),
    ("admin", 200, 200, 200, 200),
])
def test_who_reads_what(deciding, users, role, cycles, candidates, votes, decisions):
    api = token_client(users[role])
    assert api.get("/api/v1/cycles/").status_code == cycles
    assert api.get("/api/v1/candidates/").status_code == candidates
    assert api.get("/api/v1/votes/").status_code == votes
    assert api.get("/api/v1/decisions/").status_code == decisions


def test_candidates_carry_the_committees_figures(deciding, committee):
    data = token_client(committee).get("/api/v1/candidates/", {"cycle": deciding.pk, "level": 1}).json()
    found = {row["staff_no"]: row for row in data["results"]}
    assert set(found) == {"5004", "5005", "5007"}
    assert found["5004"]["composite"] == "91.60" and found["5004"]["qualified_level"] == 1
    assert found["5007"]["composite"] is None
    assert {p["key"]: p["value"] for p in found["5007"]["composite_parts"]}["monitoring"] is None


def test_k3_decision_through_the_api(deciding, committee):
    api = token_client(committee)
    item = candidate(deciding, "5004")
    response = api.post("/api/v1/decisions/", {"candidate": item.pk, "to_level": 0, "reason": "综合得分靠后"}, format="json")
    assert response.status_code == 201 and response.json()["action"] == "reject" and response.json()["member_name"] == str(committee)
    assert levels(deciding)["5004"] == 0


def test_k3_over_quota_through_the_api_is_refused_with_its_code(deciding, committee):
    response = token_client(committee).post("/api/v1/decisions/", {"candidate": candidate(deciding, "5001").pk, "to_level": 2,
                                                                   "reason": "改评二星"}, format="json")
    assert response.status_code == 400 and response.json()["code"] == "committee_quota_full"
    assert levels(deciding)["5001"] == 3 and not CommitteeDecision.objects.exists()


def test_supervisor_cannot_decide_through_the_api(deciding, supervisor):
    response = token_client(supervisor).post("/api/v1/decisions/", {"candidate": candidate(deciding, "5004").pk, "to_level": 0,
                                                                     "reason": "x"}, format="json")
    assert response.status_code == 403 and not CommitteeDecision.objects.exists()


def test_votes_through_the_api_are_the_members_own(deciding, committee):
    api = token_client(committee)
    response = api.post("/api/v1/votes/", {"candidate": candidate(deciding, "5002").pk, "level": 2, "comment": "同意"}, format="json")
    assert response.status_code == 201
    assert CommitteeVote.objects.get().member == committee
    assert [v["comment"] for v in api.get("/api/v1/votes/").json()["results"]] == ["同意"]


def test_e_application_through_the_api_is_checked_at_once(policy_2026, cycle, agent, agent_person):
    response = token_client(agent).post("/api/v1/applications/", {"cycle": cycle.pk, "person": agent_person.pk, "level": 1},
                                        format="json")
    assert response.status_code == 201
    body = response.json()
    assert body["staff_no"] == "1001" and body["level"] == 1 and body["eligible"] is True
    assert any(r["rule"] == "E1" for r in body["reasons"])


def test_e_agent_cannot_apply_for_someone_else(policy_2026, cycle, agent, colleague):
    response = token_client(agent).post("/api/v1/applications/", {"cycle": cycle.pk, "person": colleague.pk, "level": 1},
                                        format="json")
    # the colleague is out of the agent's scope: does not exist for them
    assert response.status_code == 400 and not Application.objects.exists()


def test_committee_member_cannot_apply(policy_2026, cycle, committee, agent_person):
    response = token_client(committee).post("/api/v1/applications/", {"cycle": cycle.pk, "person": agent_person.pk, "level": 1},
                                            format="json")
    assert response.status_code == 403 and not Application.objects.exists()


def test_applications_scoped_like_the_pages(policy_2026, cycle, users, agent_person, stranger, leader, other_leader):
    from stardesk.cycle import services

    services.application_submit(actor=leader, cycle=cycle, person=agent_person, level=1)
    services.application_submit(actor=other_leader, cycle=cycle, person=stranger, level=1)
    seen = {role: {row["staff_no"] for row in token_client(users[role]).get("/api/v1/applications/").json()["results"]}
            for role in ("agent", "leader", "supervisor")}
    assert seen == {"agent": {"1001"}, "leader": {"1001"}, "supervisor": {"1001", "2001"}}


def test_recommendations_list(deciding, supervisor):
    rows = token_client(supervisor).get("/api/v1/recommendations/", {"cycle": deciding.pk, "level": 3}).json()["results"]
    assert [(r["staff_no"], r["level"], r["position"]) for r in rows] == [("5001", 3, 1)]


def test_titles_held_on_a_day(policy_2026, team, supervisor):
    holder(team, "7001", 2, since=D(2025, 10, 17))
    holder(team, "7002", 1, since=D(2026, 10, 23))
    api = token_client(supervisor)
    rows = api.get("/api/v1/titles/", {"held_on": "2026-10-01"}).json()["results"]
    assert [(r["staff_no"], r["level"]) for r in rows] == [("7001", 2)]


def test_awards_after_the_ceremony(deciding, committee, supervisor):
    from stardesk.cycle import award as award_step

    cycle = close_decision(deciding, committee)
    award_step.award_perform(actor=supervisor, cycle=cycle, award_date=D(2026, 10, 23))
    rows = token_client(supervisor).get("/api/v1/awards/", {"cycle": cycle.pk, "level": 3}).json()["results"]
    assert [(r["staff_no"], r["reward_amount"], r["certificate_no"]) for r in rows] == [("5001", "800.00", "main-2026-3-001")]


def test_decisions_list_names_member_and_reason(deciding, committee, supervisor):
    committee_step.committee_decide(actor=committee, candidate=candidate(deciding, "5004"), to_level=0, reason="不予评定")
    rows = token_client(supervisor).get("/api/v1/decisions/").json()["results"]
    assert [(r["staff_no"], r["to_level"], r["reason"], r["member_name"]) for r in rows] == [("5004", 0, "不予评定", str(committee))]
