"""Writing the daily-assessment records through the v1 API: the same services as the pages (M2, M3, M5, V2),
so the same checks, the same Chinese refusals, the same audit entries; a refusal changes nothing."""
import datetime

import pytest
from django.utils import timezone

from stardesk.assessment.models import MonitoringEvaluation, MonthlyScore
from stardesk.assessment.services import rubric_current
from stardesk.assessment.queries import rubric_lines, rubric_sections
from stardesk.audit.models import AuditEntry
from stardesk.events.models import Event, Sanction, SanctionStatus
from stardesk.policy.conventions import Month
from tests.api.conftest import token_client
from tests.payouts.conftest import hold

pytestmark = pytest.mark.django_db


def last_month() -> Month:
    return Month.of(timezone.localdate()).prev()


def nothing_written():
    return (MonthlyScore.objects.count(), MonitoringEvaluation.objects.count(), Event.objects.count(), AuditEntry.objects.count())


# -- M3: the leader confirms the team's month -----------------------------------------------------------


def test_m3_a_leader_confirms_the_team_s_month_and_gets_the_scores_back(users, policies, team, agent_person, colleague):
    body = {"team": team.pk, "month": str(last_month()), "lines": [
        {"person": agent_person.pk, "entered_score": "95.5"}, {"person": colleague.pk, "entered_score": "９０分"},
    ]}

    response = token_client(users["leader"]).post("/api/v1/monthly-scores/", body, format="json")

    assert response.status_code == 201, response.content
    assert [(r["staff_no"], r["score"], r["source"], r["confirmed"], r["locked"]) for r in response.json()] == [
        ("1001", "95.5", "entered", True, False), ("1002", "90.0", "entered", True, False),
    ]
    assert AuditEntry.objects.filter(action="monthly.confirm", actor=users["leader"]).count() == 2


@pytest.mark.parametrize(("line", "field", "message"), [
    ({"entered_score": "101"}, "entered_score", "得分须为 0–100 之间的数字，最多一位小数"),
    ({}, "entered_score", "本月没有周考评，请录入月度得分"),
])
def test_m3_a_bad_line_is_refused_in_chinese_and_nothing_is_saved(users, policies, team, agent_person, colleague, line, field, message):
    body = {"team": team.pk, "month": str(last_month()), "lines": [
        {"person": agent_person.pk, **line}, {"person": colleague.pk, "entered_score": "96"},
    ]}
    client = token_client(users["leader"])
    before = nothing_written()

    response = client.post("/api/v1/monthly-scores/", body, format="json")

    assert response.status_code == 400
    assert response.json()["code"] == "month_invalid" and response.json()["detail"] == "部分人员的月度得分有误，未保存。"
    assert {"person": agent_person.pk, "field": field, "message": message} in response.json()["errors"]
    assert nothing_written() == before


def test_m3_another_team_and_a_bad_month_are_refused(users, policies, other_team, stranger):
    client = token_client(users["leader"])
    before = nothing_written()

    other = client.post("/api/v1/monthly-scores/", {"team": other_team.pk, "month": str(last_month()), "lines": []}, format="json")
    month = client.post("/api/v1/monthly-scores/", {"team": other_team.pk, "month": "2025-3"}, format="json")

    assert other.status_code == 400 and [e["field"] for e in other.json()["errors"]] == ["team"]
    assert month.status_code == 400 and {"field": "month", "message": "月份应为 YYYY-MM，如 2025-03。"} in month.json()["errors"]
    assert nothing_written() == before


# -- M2: a monitored call ------------------------------------------------------------------------------------


def test_m2_a_leader_scores_a_call_on_the_rubric(users, team, agent_person):
    lines = rubric_lines(rubric_sections(rubric_current(hotline=team.hotline)))
    first, second = [line for line in lines if not line.is_veto][:2]
    body = {"person": agent_person.pk, "call_no": "REC-0093", "call_date": str(timezone.localdate()), "comment": "语速偏快",
            "marks": [{"item": first.item_id, "deduction": "2"}, {"item": second.item_id, "deduction": "1.5"}]}

    response = token_client(users["leader"]).post("/api/v1/monitoring-scores/", body, format="json")

    assert response.status_code == 201, response.content
    assert {k: response.json()[k] for k in ("staff_no", "call_no", "score", "mode", "evaluator_name")} == {
        "staff_no": "1001", "call_no": "REC-0093", "score": "96.5", "mode": "items", "evaluator_name": "王班长",
    }
    assert AuditEntry.objects.filter(action="monitoring.create", actor=users["leader"]).count() == 1


def test_m2_a_call_in_the_future_or_a_repeated_call_number_is_refused_in_chinese(users, agent_person):
    client = token_client(users["leader"])
    client.post("/api/v1/monitoring-scores/", {"person": agent_person.pk, "call_no": "REC-1", "call_date": "2025-03-05", "score": "90"}, format="json")
    before = nothing_written()
    tomorrow = str(timezone.localdate() + datetime.timedelta(days=1))

    future = client.post("/api/v1/monitoring-scores/", {"person": agent_person.pk, "call_no": "REC-2", "call_date": tomorrow, "score": "90"}, format="json")
    again = client.post("/api/v1/monitoring-scores/", {"person": agent_person.pk, "call_no": "REC-1", "call_date": "2025-03-06", "score": "90"}, format="json")

    assert future.status_code == 400 and future.json()["errors"][0]["message"] == "通话日期不能晚于今天"
    assert again.status_code == 400 and again.json()["errors"][0]["message"] == "该人员已有此录音编号的评分"
    assert nothing_written() == before


# -- M5, V2: events ---------------------------------------------------------------------------------------------


def test_m5_a_veto_takes_the_policy_s_default_handling_and_a_title_sanction_waits(users, policies, agent_person):
    hold(agent_person, 2)
    body = {"person": agent_person.pk, "date": "2025-03-12", "category": "violation", "severity": "severe",
            "description": "当班擅离座席"}

    response = token_client(users["supervisor"]).post("/api/v1/events/", body, format="json")

    assert response.status_code == 201, response.content
    row = response.json()
    assert (row["sanction"], row["sanction_is_default"], row["sanction_status"]) == (Sanction.REVOKE, True, SanctionStatus.PENDING)
    assert AuditEntry.objects.filter(action="event.record", actor=users["supervisor"]).count() == 1


def test_v2_a_leader_records_praise_for_their_own_team_only(users, agent_person, stranger):
    client = token_client(users["leader"])
    praise = {"date": str(timezone.localdate()), "category": "praise", "description": "用户来电表扬"}

    own = client.post("/api/v1/events/", {"person": agent_person.pk, **praise}, format="json")
    before = nothing_written()
    other = client.post("/api/v1/events/", {"person": stranger.pk, **praise}, format="json")

    assert own.status_code == 201 and own.json()["category"] == "praise"
    assert other.status_code == 400 and [e["field"] for e in other.json()["errors"]] == ["person"]
    assert nothing_written() == before


@pytest.mark.parametrize(("body", "code", "detail"), [
    ({"category": "violation", "description": "迟到"}, "event_severity_required", "违章违纪、重大差错、有理投诉须选择严重程度。"),
    ({"category": "praise", "description": "  "}, "event_description_required", "请填写事件说明。"),
])
def test_m5_an_incomplete_event_is_refused_in_chinese_and_nothing_is_saved(users, agent_person, body, code, detail):
    client = token_client(users["supervisor"])
    before = nothing_written()

    response = client.post("/api/v1/events/", {"person": agent_person.pk, "date": "2025-03-12", **body}, format="json")

    assert response.status_code == 400 and response.json() == {"code": code, "detail": detail}
    assert nothing_written() == before


def test_an_unknown_category_is_refused_in_chinese(users, agent_person):
    response = token_client(users["supervisor"]).post(
        "/api/v1/events/", {"person": agent_person.pk, "date": "2025-03-12", "category": "表扬", "description": "x"}, format="json"
    )

    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": "category", "message": "“表扬” 不是合法选项。"}]


def test_the_openapi_description_lists_the_three_writes_with_their_inputs(client, users):
    client.force_login(users["supervisor"])

    schema = client.get("/api/schema/", {"format": "json"}).json()

    for path, request in (("/api/v1/monthly-scores/", "MonthConfirm"), ("/api/v1/monitoring-scores/", "MonitoringCreate"),
                          ("/api/v1/events/", "EventCreate")):
        post = schema["paths"][path]["post"]
        assert post["requestBody"]["content"]["application/json"]["schema"]["$ref"].endswith(f"/{request}Request")
        assert {"201", "400", "401", "403"} <= set(post["responses"])


@pytest.mark.parametrize("endpoint", ["monthly-scores", "monitoring-scores", "events"])
def test_the_browsable_api_offers_the_write_form_to_a_leader(client, users, team, endpoint):
    client.force_login(users["leader"])

    page = client.get(f"/api/v1/{endpoint}/", HTTP_ACCEPT="text/html")

    assert page.status_code == 200 and 'id="post-object-form"' in page.content.decode()
