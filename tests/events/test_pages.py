"""The event pages: who may open what (a table), filters, a constant number of queries per page,
the policy default preselected, and the work-file include."""
import datetime

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from stardesk.audit.models import AuditEntry
from stardesk.events import queries
from stardesk.events.models import Appeal, Category, Event, SanctionDecision, SanctionStatus, Severity
from stardesk.people.models import TitleSpell
from tests.conftest import PASSWORD
from tests.factories import PersonFactory

ROLES = ("anonymous", "agent", "leader", "other_leader", "supervisor", "committee", "admin")


@pytest.fixture
def veto(record, agent_person, two_star):
    """A 严重 veto of 张三 (2-star): 取消星级 by default, awaiting confirmation."""
    return record(agent_person, category=Category.VIOLATION, severity=Severity.SEVERE)


def _client(client, request, role):
    if role == "anonymous":
        return client
    user = request.getfixturevalue("other_leader") if role == "other_leader" else request.getfixturevalue("users")[role]
    client.force_login(user)
    return client


def _state():
    return (
        Event.objects.count(),
        Appeal.objects.count(),
        SanctionDecision.objects.count(),
        list(TitleSpell.objects.values_list("pk", "end")),
        list(Event.objects.values_list("pk", "sanction_status", "description")),
        AuditEntry.objects.count(),
    )


# (page, method, url name, needs the event) → expected status per role, in the order of ROLES.
MATRIX = [
    ("list", "get", "events:list", False, (302, 200, 200, 200, 200, 200, 200)),
    ("create_page", "get", "events:create", False, (302, 403, 200, 200, 200, 403, 200)),
    ("detail", "get", "events:detail", True, (302, 200, 200, 404, 200, 200, 200)),
    ("edit_page", "get", "events:edit", True, (302, 403, 200, 404, 200, 403, 200)),
    ("edit", "post", "events:edit", True, (302, 403, 302, 404, 302, 403, 302)),
    ("appeal", "post", "events:appeal", True, (302, 302, 302, 404, 403, 403, 403)),
    ("confirm", "post", "events:sanction_confirm", True, (302, 403, 403, 404, 302, 403, 302)),
    ("reject", "post", "events:sanction_reject", True, (302, 403, 403, 404, 302, 403, 302)),
]
CASES = [(page, method, name, needs, role, expected[i]) for page, method, name, needs, expected in MATRIX for i, role in enumerate(ROLES)]
CHANGES = {"edit", "appeal", "confirm", "reject"}


@pytest.mark.parametrize(("page", "method", "name", "needs_event", "role", "expected"), CASES, ids=[f"{c[0]}-{c[4]}" for c in CASES])
def test_permission_matrix(client, request, veto, page, method, name, needs_event, role, expected):
    url = reverse(name, args=[veto.pk]) if needs_event else reverse(name)
    data = {
        "edit": {"date": veto.date.isoformat(), "category": "violation", "severity": "severe", "sanction": "revoke", "description": "改写说明"},
        "appeal": {"reason": "系统故障"},
        "confirm": {"reason": "核实"},
        "reject": {"reason": "证据不足"},
    }.get(page, {})
    before = _state()
    response = getattr(_client(client, request, role), method)(url, data)
    assert response.status_code == expected
    if page in CHANGES and expected != 302 or role == "anonymous":
        # a refusal changes nothing
        assert _state() == before
    elif page in CHANGES:
        assert _state() != before


def test_agent_cannot_record_through_the_page(client, agent, agent_person):
    client.force_login(agent)
    response = client.post(reverse("events:create"), {"staff_no": "1001", "date": "2025-03-03", "category": "praise", "description": "自夸"})
    assert response.status_code == 403
    assert not Event.objects.exists()


def test_leader_records_a_veto_through_the_page(client, leader, agent_person):
    client.force_login(leader)
    response = client.post(
        reverse("events:create"),
        {"staff_no": "１００１", "date": "2025-03-03", "category": "violation", "severity": "general", "sanction": "", "description": "未按规范应答"},
    )
    event = Event.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("events:detail", args=[event.pk])
    assert (event.person, event.sanction, event.sanction_is_default) == (agent_person, "month_lower", True)


def test_leader_cannot_record_for_another_team_through_the_page(client, leader, stranger):
    client.force_login(leader)
    response = client.post(reverse("events:create"), {"staff_no": "2001", "date": "2025-03-03", "category": "praise", "description": "表扬"})
    assert response.status_code == 200
    assert "工号 2001 不在您可以记录的人员中" in response.content.decode()
    assert not Event.objects.exists()


def test_bad_input_comes_back_in_chinese_and_saves_nothing(client, leader, agent_person):
    client.force_login(leader)
    response = client.post(reverse("events:create"), {"staff_no": "1001", "date": "2025-03-03", "category": "violation", "description": "缺严重程度"})
    assert response.status_code == 200
    assert "违章违纪、重大差错、有理投诉须选择严重程度" in response.content.decode()
    response = client.post(reverse("events:create"), {"staff_no": "1001", "date": "2999-01-01", "category": "praise", "description": "未来"})
    assert "事件日期不能晚于今天" in response.content.decode()
    assert not Event.objects.exists()


def test_committee_reads_the_hotlines_events(client, committee, record, agent_person, stranger, supervisor, foreigner, admin_user):
    record(agent_person, category=Category.PRAISE)
    record(stranger, actor=supervisor, category=Category.PRAISE)
    record(foreigner, actor=admin_user, category=Category.PRAISE)
    client.force_login(committee)
    response = client.get(reverse("events:list"))
    assert response.status_code == 200
    assert [e.person.staff_no for e in response.context["page_obj"]] in (["1001", "2001"], ["2001", "1001"])


def test_leader_sees_own_team_agent_sees_own(client, leader, agent, record, agent_person, colleague, stranger, supervisor):
    record(agent_person, category=Category.PRAISE)
    record(colleague, category=Category.PRAISE)
    record(stranger, actor=supervisor, category=Category.PRAISE)
    client.force_login(leader)
    assert {e.person.staff_no for e in client.get(reverse("events:list")).context["page_obj"]} == {"1001", "1002"}
    client.force_login(agent)
    assert {e.person.staff_no for e in client.get(reverse("events:list")).context["page_obj"]} == {"1001"}


def test_list_filters(client, supervisor, record, agent_person, stranger, other_team):
    praise = record(agent_person, category=Category.PRAISE, date=datetime.date(2025, 3, 3))
    pending = record(agent_person, category=Category.UNQUALIFIED, date=datetime.date(2025, 4, 3))
    other = record(stranger, actor=supervisor, category=Category.PRAISE, date=datetime.date(2025, 3, 9))
    client.force_login(supervisor)

    def found(**params):
        return {e.pk for e in client.get(reverse("events:list"), params).context["page_obj"]}

    assert found(category="praise") == {praise.pk, other.pk}
    assert found(month="2025-03") == {praise.pk, other.pk}
    assert found(month="2025年4月") == {pending.pk}
    assert found(team=other_team.pk) == {other.pk}
    assert found(state="pending") == {pending.pk}
    assert found(q="王五") == {other.pk}
    # a bad filter value is shown next to the field, never an error page
    response = client.get(reverse("events:list"), {"month": "2025-13"})
    assert response.status_code == 200 and "月份格式应为" in response.content.decode()


def test_list_sorts(client, supervisor, record, agent_person, stranger):
    record(agent_person, category=Category.PRAISE, date=datetime.date(2025, 3, 3))
    record(stranger, actor=supervisor, category=Category.PRAISE, date=datetime.date(2025, 3, 9))
    client.force_login(supervisor)
    rows = client.get(reverse("events:list"), {"sort": "staff_no"}).context["page_obj"]
    assert [e.person.staff_no for e in rows] == ["1001", "2001"]
    rows = client.get(reverse("events:list"), {"sort": "-staff_no"}).context["page_obj"]
    assert [e.person.staff_no for e in rows] == ["2001", "1001"]


def test_list_queries_do_not_grow_with_the_rows(client, supervisor, record, team, django_assert_max_num_queries):
    def fill(n):
        for _ in range(n):
            person = PersonFactory(team=team)
            event = record(person, actor=supervisor, category=Category.VIOLATION, severity=Severity.GENERAL)
            from stardesk.events import services

            services.appeal_file(actor=team.leader, event=event, reason="不服")

    client.force_login(supervisor)
    fill(3)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("events:list"))
    fill(30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("events:list"))
    assert len(response.context["page_obj"]) == 33


def test_m5_default_is_preselected_and_labelled(client, leader):
    client.force_login(leader)
    response = client.get(reverse("events:handling"), {"category": "violation", "severity": "serious"})
    html = response.content.decode()
    assert '<option value="month_cancel" selected>当月取消（默认）</option>' in html
    response = client.get(reverse("events:handling"), {"category": "unqualified"})
    html = response.content.decode()
    assert '<option value="revoke" selected>取消星级（默认）</option>' in html
    assert 'value="month_lower"' not in html  # V1 lowers or revokes the title only
    response = client.get(reverse("events:handling"), {"category": "praise"})
    assert "该类别不设严重程度和处理" in response.content.decode()


def test_person_lookup_shows_the_title_held(client, leader, agent_person, two_star):
    client.force_login(leader)
    html = client.get(reverse("events:person_lookup"), {"staff_no": "1001"}).content.decode()
    assert "张三" in html and "二星" in html
    html = client.get(reverse("events:person_lookup"), {"staff_no": "2001"}).content.decode()
    assert "不在您可以记录的人员中" in html


def test_detail_shows_the_decision_history_and_the_trail(client, supervisor, veto):
    client.force_login(supervisor)
    client.post(reverse("events:sanction_confirm", args=[veto.pk]), {"reason": "核实无误"})
    html = client.get(reverse("events:detail", args=[veto.pk])).content.decode()
    assert "已确认" in html and "核实无误" in html and "确认星级处理" in html
    assert 'data-testid="audit-trail"' in html


def test_refused_action_comes_back_as_a_message(client, supervisor, agent, veto):
    client.force_login(agent)
    client.post(reverse("events:appeal", args=[veto.pk]), {"reason": "不服"})
    client.force_login(supervisor)
    response = client.post(reverse("events:sanction_confirm", args=[veto.pk]), {"reason": ""}, follow=True)
    assert "该事件的申诉尚未裁决，请先裁决申诉" in response.content.decode()
    veto.refresh_from_db()
    assert veto.sanction_status == SanctionStatus.PENDING


def test_person_events_include_for_the_work_file(rf, leader, record, agent_person):
    record(agent_person, category=Category.PRAISE, date=datetime.date(2025, 3, 3), description="客户送锦旗")
    request = rf.get("/")
    request.user = leader
    html = render_to_string(
        "events/person_events.html",
        {"person": agent_person, "events": queries.events_of(agent_person), "user": leader},
        request=request,
    )
    assert "2025-03-03" in html and "表扬" in html and "客户送锦旗" in html
    assert f"?person={agent_person.pk}" in html  # the leader may record for them


def test_sidebar_has_the_events_entry(client, leader, agent):
    client.force_login(leader)
    assert "奖惩事件" in client.get(reverse("home")).content.decode()
    client.force_login(agent)
    assert "我的奖惩" in client.get(reverse("home")).content.decode()


def test_correcting_a_confirmed_sanction_on_the_page_keeps_its_handling(client, supervisor, veto):
    client.force_login(supervisor)
    client.post(reverse("events:sanction_confirm", args=[veto.pk]), {"reason": "核实"})
    page = client.get(reverse("events:edit", args=[veto.pk])).content.decode()
    assert 'id="id_category" class="form-select" data-testid="category" disabled' in page
    # a posted change of the handling is ignored; the wording is corrected with a reason
    response = client.post(
        reverse("events:edit", args=[veto.pk]),
        {"category": "praise", "sanction": "month_lower", "description": "补充：录音 R-17", "correction_reason": "补充录音编号"},
    )
    assert response.status_code == 302
    veto.refresh_from_db()
    assert (veto.category, veto.sanction, veto.description) == ("violation", "revoke", "补充：录音 R-17")
    assert AuditEntry.objects.get(action="event.correct").note == "补充录音编号"


def test_a_correction_without_reason_is_refused_on_the_page(client, supervisor, veto):
    client.force_login(supervisor)
    client.post(reverse("events:sanction_reject", args=[veto.pk]), {"reason": "证据不足"})
    response = client.post(
        reverse("events:edit", args=[veto.pk]),
        {"date": veto.date.isoformat(), "category": "violation", "severity": "severe", "sanction": "lower", "description": "改"},
    )
    assert response.status_code == 200
    assert "该事件已有确认或申诉裁决，修改须填写更正理由" in response.content.decode()
    veto.refresh_from_db()
    assert veto.sanction == "revoke" and veto.description == "客户来电态度生硬"


def test_empty_form_says_what_is_missing(client, leader):
    client.force_login(leader)
    html = client.post(reverse("events:create"), {}).content.decode()
    for message in ("请填写工号。", "请填写日期。", "请选择类别。", "请填写事件说明。"):
        assert message in html
    assert not Event.objects.exists()
