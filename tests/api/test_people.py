"""/api/v1/people/: filters, ordering, pages, writes through the people services, title history (S2, S4)."""
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from stardesk.audit.models import AuditEntry
from stardesk.people.models import EmploymentType, Person, TitleEndReason
from tests.factories import PersonFactory, TeamFactory, TitleSpellFactory

PEOPLE = "/api/v1/people/"


@pytest.fixture
def supervisor_api(world, api_as):
    return api_as(world.users["supervisor"])


def _staff_nos(response):
    assert response.status_code == 200, response.content
    return [p["staff_no"] for p in response.json()["results"]]


def _valid_person(world, **changes):
    return {
        "staff_no": "3001",
        "name": "孙七",
        "employment_type": "temporary",
        "hotline_start": "2024-01-02",
        "job_type_start": "2024-03-01",
        "team": world.other_team.pk,
    } | changes


# --- reading -----------------------------------------------------------------


def test_person_is_read_with_english_names_choice_values_and_iso_dates(world, supervisor_api):
    world.colleague.left_on = datetime.date(2025, 6, 30)
    world.colleague.employment_type = EmploymentType.OUTSOURCED
    world.colleague.save()

    body = supervisor_api.get(f"{PEOPLE}{world.colleague.pk}/").json()

    assert {k: v for k, v in body.items() if k != "updated_at"} == {
        "id": world.colleague.pk,
        "hotline": world.hotline.pk,
        "staff_no": "1002",
        "name": "李四",
        "employment_type": "outsourced",
        "hotline_start": "2022-03-01",
        "job_type": "话务员",
        "job_type_start": "2022-03-01",
        "team": world.team.pk,
        "team_name": "一班",
        "left_on": "2025-06-30",
    }


def test_filter_by_team(world, supervisor_api):
    assert _staff_nos(supervisor_api.get(PEOPLE, {"team": world.other_team.pk})) == ["2001"]


def test_filter_by_staff_no_is_exact(world, supervisor_api):
    PersonFactory(team=world.team, staff_no="10011")

    assert _staff_nos(supervisor_api.get(PEOPLE, {"staff_no": "1001"})) == ["1001"]


def test_filter_by_name_finds_part_of_a_name(world, supervisor_api):
    PersonFactory(team=world.team, staff_no="1003", name="张小三")

    assert _staff_nos(supervisor_api.get(PEOPLE, {"name": "三"})) == ["1001", "1003"]


def test_filter_by_employment_type_uses_the_choice_value(world, supervisor_api):
    PersonFactory(team=world.team, staff_no="1003", employment_type=EmploymentType.TEMPORARY)

    assert _staff_nos(supervisor_api.get(PEOPLE, {"employment_type": "temporary"})) == ["1003"]


def test_s2_filter_active_on_a_date(world, supervisor_api):
    # given: one left on 2025-03-01, one started on 2025-03-02
    PersonFactory(team=world.team, staff_no="1003", left_on=datetime.date(2025, 3, 1))
    PersonFactory(team=world.team, staff_no="1004", hotline_start=datetime.date(2025, 3, 2))
    PersonFactory(team=world.team, staff_no="1005", left_on=datetime.date(2025, 3, 2))

    # then: the leaver is gone on the day they left, the newcomer not yet there, the next-day leaver still active
    assert _staff_nos(supervisor_api.get(PEOPLE, {"active_on": "2025-03-01"})) == ["1001", "1002", "1005", "2001"]
    assert _staff_nos(supervisor_api.get(PEOPLE, {"active_on": "2025-03-02"})) == ["1001", "1002", "1004", "2001"]


def test_filters_combine(world, supervisor_api):
    PersonFactory(team=world.team, staff_no="1003", name="张飞", employment_type=EmploymentType.TEMPORARY)

    assert _staff_nos(supervisor_api.get(PEOPLE, {"team": world.team.pk, "name": "张", "employment_type": "permanent"})) == ["1001"]


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"active_on": "2025-13-01"}, "active_on", "输入一个有效的日期。"),
        ({"team": "一班"}, "team", "输入整数。"),
        ({"team": "1.5"}, "team", "输入整数。"),
        ({"employment_type": "正式"}, "employment_type", "选择一个有效的选项。 正式 不在可用的选项中。"),
    ],
)
def test_bad_filter_value_is_a_400_in_chinese(world, supervisor_api, query, field, message):
    response = supervisor_api.get(PEOPLE, query)

    assert response.status_code == 400
    assert response.json() == {"code": "invalid", "detail": "输入有误，请检查后重试。", "errors": [{"field": field, "message": message}]}


def test_ordering_by_a_column_and_descending(world, supervisor_api):
    PersonFactory(team=world.team, staff_no="1003", hotline_start=datetime.date(2020, 1, 1))
    PersonFactory(team=world.team, staff_no="1004", hotline_start=datetime.date(2024, 1, 1))

    assert _staff_nos(supervisor_api.get(PEOPLE, {"ordering": "-hotline_start"})) == ["1004", "1001", "1002", "2001", "1003"]


def test_pages_by_limit_and_offset_without_overlap(world, supervisor_api):
    for n in range(7):
        PersonFactory(team=world.team, staff_no=f"5{n:03}", hotline_start=datetime.date(2023, 1, 1))

    seen = []
    for offset in range(0, 10, 3):
        page = supervisor_api.get(PEOPLE, {"ordering": "hotline_start", "limit": 3, "offset": offset}).json()
        assert page["count"] == 10
        seen += [p["staff_no"] for p in page["results"]]

    assert sorted(seen) == sorted(Person.objects.filter(hotline=world.hotline).values_list("staff_no", flat=True))


def test_default_page_is_100_and_points_to_the_next(world, supervisor_api):
    PersonFactory.create_batch(100, team=world.team)

    body = supervisor_api.get(PEOPLE).json()

    assert (body["count"], len(body["results"])) == (103, 100)
    assert body["next"].endswith("/api/v1/people/?limit=100&offset=100")


def test_a_client_cannot_ask_for_more_than_the_page_cap(world, supervisor_api, monkeypatch):
    from stardesk.api.v1.views import Pages

    monkeypatch.setattr(Pages, "max_limit", 2)

    body = supervisor_api.get(PEOPLE, {"limit": 50}).json()

    assert (body["count"], len(body["results"])) == (3, 2)


@pytest.mark.parametrize("path", ["/api/v1/people/", "/api/v1/teams/", "/api/v1/hotlines/"])
def test_list_query_count_does_not_grow_with_the_rows(world, api_as, path):
    client = api_as(world.users["admin"])

    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path).status_code == 200
        return len(queries)

    few = count_queries()
    for n in range(8):
        team = TeamFactory(hotline=world.hotline, name=f"新{n}班", leader=world.users["leader"])
        PersonFactory.create_batch(5, team=team)

    assert count_queries() == few


def test_people_list_stays_within_a_fixed_number_of_queries(world, api_as, django_assert_max_num_queries):
    client = api_as(world.users["supervisor"])
    PersonFactory.create_batch(60, team=world.team)

    # token lookup, count, one page with its teams
    with django_assert_max_num_queries(3):
        assert len(client.get(PEOPLE).json()["results"]) == 63


# --- title history (S4) ------------------------------------------------------


def test_s4_title_history_lists_every_spell_with_its_end(world, api_as):
    TitleSpellFactory(
        person=world.agent_person,
        level=1,
        start=datetime.date(2024, 10, 20),
        end=datetime.date(2025, 10, 18),
        end_reason=TitleEndReason.RENEWAL,
    )
    current = TitleSpellFactory(person=world.agent_person, level=2, start=datetime.date(2025, 10, 18))
    TitleSpellFactory(person=world.colleague, level=3)

    body = api_as(world.users["agent"]).get(f"{PEOPLE}{world.agent_person.pk}/titles/").json()

    assert body["count"] == 2
    assert body["results"] == [
        {"id": body["results"][0]["id"], "level": 1, "job_type": "话务员", "start": "2024-10-20", "end": "2025-10-18", "end_reason": "renewal", "current": False},
        {"id": current.pk, "level": 2, "job_type": "话务员", "start": "2025-10-18", "end": None, "end_reason": "", "current": True},
    ]


def test_s4_a_title_ending_today_is_no_longer_held(world, api_as):
    from django.utils import timezone

    today = timezone.localdate()
    TitleSpellFactory(person=world.agent_person, start=today - datetime.timedelta(days=30), end=today, end_reason=TitleEndReason.LOWERED)

    body = api_as(world.users["supervisor"]).get(f"{PEOPLE}{world.agent_person.pk}/titles/").json()

    assert [t["current"] for t in body["results"]] == [False]


def test_title_history_query_count_is_fixed(world, api_as, django_assert_max_num_queries):
    client = api_as(world.users["supervisor"])
    for year in range(2010, 2025):
        TitleSpellFactory(person=world.agent_person, start=datetime.date(year, 10, 20), end=datetime.date(year + 1, 10, 20), end_reason=TitleEndReason.RENEWAL)

    # token lookup, the person, count, one page
    with django_assert_max_num_queries(4):
        assert client.get(f"{PEOPLE}{world.agent_person.pk}/titles/").json()["count"] == 15


# --- writing -----------------------------------------------------------------


def test_supervisor_creates_a_person_in_their_hotline_by_default(world, supervisor_api):
    response = supervisor_api.post(PEOPLE, _valid_person(world), format="json")

    assert response.status_code == 201, response.content
    person = Person.objects.get(staff_no="3001")
    assert (person.hotline, person.team, person.employment_type, person.job_type) == (world.hotline, world.other_team, "temporary", "话务员")
    assert person.job_type_start == datetime.date(2024, 3, 1)
    assert response.json()["id"] == person.pk
    entry = AuditEntry.objects.get(action="person.create")
    assert (entry.actor, entry.target_id) == (world.users["supervisor"], str(person.pk))


def test_group_admin_must_name_the_hotline(world, api_as):
    response = api_as(world.users["admin"]).post(PEOPLE, _valid_person(world), format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == [{"field": "hotline", "message": "请先选择热线。"}]
    assert not Person.objects.filter(staff_no="3001").exists()


def test_group_admin_creates_in_the_named_hotline(world, api_as):
    body = _valid_person(world, hotline=world.other_hotline.pk, team=world.foreign_team.pk)

    response = api_as(world.users["admin"]).post(PEOPLE, body, format="json")

    assert response.status_code == 201, response.content
    assert Person.objects.get(staff_no="3001").hotline == world.other_hotline


def test_duplicate_staff_no_is_refused_with_its_code(world, supervisor_api):
    before = Person.objects.count()

    response = supervisor_api.post(PEOPLE, _valid_person(world, staff_no="1001"), format="json")

    assert response.status_code == 400
    assert response.json() == {"code": "duplicate_staff_no", "detail": "工号已存在。"}
    assert Person.objects.count() == before


def test_same_staff_no_is_allowed_in_another_hotline(world, api_as):
    body = _valid_person(world, staff_no="1001", hotline=world.other_hotline.pk, team=None)

    assert api_as(world.users["admin"]).post(PEOPLE, body, format="json").status_code == 201


def test_missing_and_malformed_fields_are_listed_in_chinese(world, supervisor_api):
    body = {"staff_no": "  ", "name": "孙七", "employment_type": "正式", "hotline_start": "2024/1/2"}

    response = supervisor_api.post(PEOPLE, body, format="json")

    assert response.status_code == 400
    errors = {e["field"]: e["message"] for e in response.json()["errors"]}
    assert errors == {
        "staff_no": "该字段不能为空。",
        "employment_type": "“正式” 不是合法选项。",
        "hotline_start": "日期格式错误。请从这些格式中选择：YYYY-MM-DD。",
        "job_type_start": "该字段是必填项。",
    }
    assert not Person.objects.filter(name="孙七").exists()


def test_leaving_before_starting_is_refused_by_the_service(world, supervisor_api):
    response = supervisor_api.patch(f"{PEOPLE}{world.agent_person.pk}/", {"left_on": "2020-01-01"}, format="json")

    assert response.status_code == 400
    assert response.json() == {"code": "invalid", "detail": "离职日期不能早于进入热线日期。"}
    world.agent_person.refresh_from_db()
    assert world.agent_person.left_on is None


def test_partial_update_changes_only_the_fields_sent_and_is_audited(world, supervisor_api):
    response = supervisor_api.patch(f"{PEOPLE}{world.agent_person.pk}/", {"left_on": "2025-09-30", "team": None}, format="json")

    assert response.status_code == 200, response.content
    person = Person.objects.get(pk=world.agent_person.pk)
    assert (person.name, person.left_on, person.team) == ("张三", datetime.date(2025, 9, 30), None)
    assert response.json()["left_on"] == "2025-09-30"
    entry = AuditEntry.objects.get(action="person.update")
    assert entry.changes == {"team": ["一班", None], "left_on": [None, "2025-09-30"]}


def test_full_update_replaces_the_facts_but_not_the_hotline(world, supervisor_api):
    body = _valid_person(world, staff_no="1009", hotline=world.other_hotline.pk, job_type="投诉处理员")

    response = supervisor_api.put(f"{PEOPLE}{world.agent_person.pk}/", body, format="json")

    assert response.status_code == 200, response.content
    person = Person.objects.get(pk=world.agent_person.pk)
    assert (person.staff_no, person.job_type, person.team, person.hotline) == ("1009", "投诉处理员", world.other_team, world.hotline)


def test_an_update_that_changes_nothing_writes_no_audit_entry(world, supervisor_api):
    before = AuditEntry.objects.count()

    response = supervisor_api.patch(f"{PEOPLE}{world.agent_person.pk}/", {"name": "张三"}, format="json")

    assert response.status_code == 200
    assert AuditEntry.objects.count() == before


def test_malformed_json_is_a_400_not_a_500(world, supervisor_api):
    response = supervisor_api.generic("POST", PEOPLE, "{not json", content_type="application/json")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"
