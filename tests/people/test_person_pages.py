"""The person's file and the forms that change it."""
import datetime

from django.urls import reverse

from stardesk.audit.models import AuditEntry
from stardesk.people.models import Person, TitleSpell
from tests.factories import TeamFactory, TitleSpellFactory


def person_data(**changes):
    data = {
        "staff_no": "3001",
        "name": "新同事",
        "employment_type": "permanent",
        "hotline_start": "2024-01-01",
        "job_type": "话务员",
        "job_type_start": "2024-01-01",
        "team": "",
        "left_on": "",
    }
    data.update(changes)
    return data


def test_s4_file_shows_every_title_spell_with_its_end_reason(as_user, supervisor, agent_person):
    TitleSpellFactory(person=agent_person, level=1, start=datetime.date(2022, 10, 20), end=datetime.date(2023, 10, 20), end_reason="renewal")
    TitleSpellFactory(person=agent_person, level=2, start=datetime.date(2023, 10, 20), end=datetime.date(2024, 3, 1), end_reason="lowered")
    TitleSpellFactory(person=agent_person, level=1, start=datetime.date(2024, 3, 1))
    html = as_user(supervisor).get(reverse("people:detail", args=[agent_person.pk])).content.decode()
    history = html.split('data-testid="title-history"')[1].split("</table>")[0]
    assert history.count("<tr>") == 4  # header + three spells
    assert "换届" in history and "降级" in history
    assert "持有中" in history
    current = html.split('data-testid="current-title"')[1].split("</div></div>")[0]
    assert "一星" in current and "二星" not in current


def test_agent_reads_their_own_file_without_edit_buttons(as_user, agent, agent_person):
    html = as_user(agent).get(reverse("people:detail", args=[agent_person.pk])).content.decode()
    assert "张三" in html
    assert reverse("people:edit", args=[agent_person.pk]) not in html
    assert reverse("people:list") not in html.split("<main")[1].split("</ol>")[0]


def test_leader_gets_404_for_a_person_of_another_team(as_user, leader, stranger):
    assert as_user(leader).get(reverse("people:detail", args=[stranger.pk])).status_code == 404


def test_supervisor_gets_404_for_a_person_of_another_hotline(as_user, supervisor, foreigner):
    client = as_user(supervisor)
    assert client.get(reverse("people:detail", args=[foreigner.pk])).status_code == 404
    assert client.post(reverse("people:edit", args=[foreigner.pk]), person_data(staff_no="9001")).status_code == 404
    assert Person.objects.get(pk=foreigner.pk).name == "赵六"


def test_s2_create_person_records_the_facts_and_an_audit_entry(as_user, supervisor, team, hotline):
    response = as_user(supervisor).post(reverse("people:create"), person_data(team=team.pk))
    person = Person.objects.get(staff_no="3001")
    assert response.status_code == 302 and response["Location"] == reverse("people:detail", args=[person.pk])
    assert person.hotline == hotline and person.team == team
    entry = AuditEntry.objects.get(action="person.create", target_id=str(person.pk))
    assert entry.actor_name == "陈主管"
    assert entry.changes["name"] == [None, "新同事"]


def test_duplicate_staff_no_is_refused_inline_and_nothing_is_saved(as_user, supervisor, agent_person):
    before = AuditEntry.objects.count()
    response = as_user(supervisor).post(reverse("people:create"), person_data(staff_no="1001"))
    assert response.status_code == 200
    assert "工号已存在" in response.content.decode()
    assert Person.objects.filter(staff_no="1001").count() == 1
    assert AuditEntry.objects.count() == before


def test_bad_dates_and_blanks_get_chinese_messages(as_user, supervisor, hotline):
    response = as_user(supervisor).post(
        reverse("people:create"), person_data(name=" ", hotline_start="2024-13-01", left_on="2023-01-01")
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "该字段是必填项" in html
    assert "有效的日期" in html
    assert not Person.objects.filter(staff_no="3001").exists()


def test_s2_left_date_before_start_is_refused(as_user, supervisor, hotline):
    response = as_user(supervisor).post(reverse("people:create"), person_data(left_on="2023-12-31"))
    assert "离职日期不能早于进入热线日期" in response.content.decode()
    assert not Person.objects.filter(staff_no="3001").exists()


def test_team_choices_come_only_from_the_persons_hotline(as_user, supervisor, agent_person, foreigner):
    client = as_user(supervisor)
    html = client.get(reverse("people:edit", args=[agent_person.pk])).content.decode()
    assert f'value="{foreigner.team_id}"' not in html
    response = client.post(reverse("people:edit", args=[agent_person.pk]), person_data(staff_no="1001", team=foreigner.team_id))
    assert response.status_code == 200
    assert Person.objects.get(pk=agent_person.pk).team_id == agent_person.team_id


def test_edit_shows_old_and_new_values_in_the_file_trail(as_user, supervisor, agent_person, team):
    client = as_user(supervisor)
    response = client.post(
        reverse("people:edit", args=[agent_person.pk]),
        person_data(staff_no="1001", name="张三丰", team=team.pk, hotline_start="2022-03-01", job_type_start="2022-03-01"),
    )
    assert response.status_code == 302
    html = client.get(reverse("people:detail", args=[agent_person.pk])).content.decode()
    trail = html.split('data-testid="audit-trail"')[1]
    assert "<del>张三</del>" in trail and "<ins>张三丰</ins>" in trail
    assert "姓名" in trail and "陈主管" in trail
    # Only what changed is recorded.
    entry = AuditEntry.objects.get(action="person.update")
    assert set(entry.changes) == {"name"}


def test_s4_title_add_records_a_spell_and_shows_it(as_user, supervisor, agent_person):
    client = as_user(supervisor)
    response = client.post(
        reverse("people:title_add", args=[agent_person.pk]), {"level": "2", "job_type": "话务员", "start": "2024-10-20"}
    )
    assert response.status_code == 302
    spell = TitleSpell.objects.get(person=agent_person)
    assert (spell.level, spell.end) == (2, None)
    html = client.get(reverse("people:detail", args=[agent_person.pk])).content.decode()
    assert "新增星级记录" in html.split('data-testid="audit-trail"')[1]


def test_s4_overlapping_title_is_refused_and_history_kept(as_user, supervisor, agent_person):
    TitleSpellFactory(person=agent_person, level=1, start=datetime.date(2024, 10, 20))
    response = as_user(supervisor).post(
        reverse("people:title_add", args=[agent_person.pk]), {"level": "2", "job_type": "话务员", "start": "2025-01-01"}
    )
    assert response.status_code == 200
    assert "重叠" in response.content.decode()
    assert TitleSpell.objects.filter(person=agent_person).count() == 1


def test_s4_end_date_needs_a_reason(as_user, supervisor, agent_person):
    response = as_user(supervisor).post(
        reverse("people:title_add", args=[agent_person.pk]),
        {"level": "1", "job_type": "话务员", "start": "2023-10-20", "end": "2024-10-20"},
    )
    assert "请选择终止原因" in response.content.decode()
    assert not TitleSpell.objects.exists()


def test_group_admin_first_picks_the_hotline_of_a_new_person(as_user, admin_user, hotline, other_hotline):
    client = as_user(admin_user)
    picker = client.get(reverse("people:create")).content.decode()
    assert "请选择热线" in picker and 'name="staff_no"' not in picker
    form = client.get(reverse("people:create"), {"hotline": other_hotline.pk}).content.decode()
    assert 'name="staff_no"' in form and other_hotline.name in form
    TeamFactory(hotline=other_hotline, name="分一班")
    response = client.post(reverse("people:create"), person_data(hotline=other_hotline.pk))
    assert response.status_code == 302
    assert Person.objects.get(staff_no="3001").hotline == other_hotline
