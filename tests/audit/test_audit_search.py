"""审计记录: who changed what and when, searchable; supervisors see their hotline, the group administrator all."""
import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from stardesk.audit.models import AuditEntry
from stardesk.people import services as people

URL = reverse("audit:search")


@pytest.fixture
def changes(supervisor, admin_user, agent_person, foreigner, team):
    """A rename in each hotline, and a team created earlier in the year."""
    people.person_update(actor=supervisor, person=agent_person, name="张三丰")
    people.person_update(actor=admin_user, person=foreigner, name="赵六六")
    created = people.team_create(actor=supervisor, hotline=team.hotline, name="夜班")
    entry = AuditEntry.objects.get(action="team.create", target_id=str(created.pk))
    entry.at = timezone.make_aware(datetime.datetime(2025, 3, 1, 23, 30))  # Shanghai time
    entry.save(update_fields=["at"])


def rows(response) -> int:
    return response.content.decode().count('data-testid="audit-entry"')


def test_supervisor_sees_only_their_own_hotline(client, supervisor, changes):
    client.force_login(supervisor)
    html = client.get(URL).content.decode()
    assert "张三丰" in html and "赵六六" not in html


def test_group_admin_sees_every_hotline_and_can_narrow_to_one(client, admin_user, changes, foreigner):
    client.force_login(admin_user)
    assert "赵六六" in client.get(URL).content.decode()
    only = client.get(URL, {"hotline": foreigner.hotline_id}).content.decode()
    assert "赵六六" in only and "张三丰" not in only


def test_each_entry_shows_old_and_new_per_field(client, supervisor, changes):
    client.force_login(supervisor)
    html = client.get(URL, {"action": "person.update"}).content.decode()
    assert "<del>张三</del>" in html and "<ins>张三丰</ins>" in html
    assert "姓名" in html and "修改人员" in html and "陈主管" in html


def test_c5_date_range_uses_shanghai_days(client, supervisor, changes):
    client.force_login(supervisor)
    # 23:30 on 1 March in Shanghai is 15:30 UTC: it belongs to 1 March, not 2 March.
    assert "夜班" in client.get(URL, {"date_from": "2025-03-01", "date_to": "2025-03-01"}).content.decode()
    assert "夜班" not in client.get(URL, {"date_from": "2025-03-02", "date_to": "2025-03-02"}).content.decode()
    recent = client.get(URL, {"date_from": timezone.localdate().isoformat()}).content.decode()
    assert "夜班" not in recent and "张三丰" in recent


def test_filters_by_actor_action_record_type_and_name(client, supervisor, committee, changes):
    client.force_login(supervisor)
    assert rows(client.get(URL, {"actor": "陈主管"})) == 2
    assert rows(client.get(URL, {"actor": "周委员"})) == 0
    assert rows(client.get(URL, {"action": "team.create"})) == 1
    assert rows(client.get(URL, {"target_type": "people.person"})) == 1
    assert rows(client.get(URL, {"text": "1001"})) == 1


def test_bad_dates_are_explained_not_crashed(client, supervisor, changes):
    client.force_login(supervisor)
    response = client.get(URL, {"date_from": "2025-03-05", "date_to": "2025-03-01"})
    assert response.status_code == 200
    assert "截止日期不能早于起始日期" in response.content.decode()
    assert client.get(URL, {"date_from": "not-a-date", "page": "999"}).status_code == 200


def test_search_pages_with_a_constant_number_of_queries(client, supervisor, agent_person, django_assert_max_num_queries):
    for n in range(70):
        people.person_update(actor=supervisor, person=agent_person, name=f"张三{n}")
    client.force_login(supervisor)
    with django_assert_max_num_queries(8):
        response = client.get(URL)
    assert rows(response) == 50
    assert "共 70 条" in response.content.decode()


def test_a_new_record_lists_only_the_fields_it_was_given(supervisor, agent_person):
    from stardesk.audit import queries

    spell = people.title_add(actor=supervisor, person=agent_person, level=1, job_type="话务员", start=datetime.date(2024, 10, 20))
    (shown,) = queries.trail_for(spell)
    assert [c.label for c in shown.changes] == ["人员", "星级", "工种", "授牌日期"]
    assert all(c.created for c in shown.changes)
