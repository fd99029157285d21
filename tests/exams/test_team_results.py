"""X6 for team leaders: a leader reads, read-only, the released results of their own team's members, per sitting
and on the person's work file; never another team's, never before the release."""
import pytest

from stardesk.exams.models import QuestionType, SittingResult
from tests.exams.graded_sittings import *  # noqa: F401,F403  (fixtures)
from tests.exams.graded_sittings import close, grade_all, release, sit
from tests.factories import UserFactory

GRADES = {QuestionType.SHORT_ANSWER: "10", QuestionType.TYPING: "40", QuestionType.SPEAKING: "45"}


@pytest.fixture
def mixed_sitting(level_sitting, skills_paper, agent, agent_person, stranger, hotline, supervisor):
    """张三 (一班, led by 王班长) and 王五 (二班, led by 李班长) sat, were graded; the sitting is closed, not released."""
    stranger_user = UserFactory(username="stranger", hotline=hotline, person=stranger)
    sitting = level_sitting(skills_paper, invite=(agent_person, stranger))
    sit(sitting, agent)
    sit(sitting, stranger_user, singles_right=0)
    close(sitting, supervisor)
    grade_all(sitting, supervisor, GRADES)
    return sitting


def _result(sitting, person):
    return SittingResult.objects.get(sitting=sitting, person=person)


def test_a_leader_reads_the_released_results_of_their_team_only(client, mixed_sitting, supervisor, leader, agent_person, stranger):
    release(mixed_sitting, supervisor)
    client.force_login(leader)
    # the results list holds the sitting, counted for the team
    index = client.get("/exams/results/")
    assert index.status_code == 200 and [s.pk for s in index.context["page_obj"]] == [mixed_sitting.pk]
    assert index.context["page_obj"][0].stored == 1
    # the sitting's page lists their team's member only, read-only, with the rank among every sitter
    page = client.get(f"/exams/results/sittings/{mixed_sitting.pk}/")
    rows = page.context["data"].rows
    assert page.status_code == 200 and [(r.person, r.rank) for r in rows] == [(agent_person, 1)]
    body = page.content.decode()
    assert stranger.staff_no not in body and 'data-testid="release"' not in body and 'data-testid="regrade-link"' not in body
    # the member's result page opens; another team's member's does not
    assert client.get(f"/exams/results/{_result(mixed_sitting, agent_person).pk}/").status_code == 200
    assert client.get(f"/exams/results/{_result(mixed_sitting, stranger).pk}/").status_code == 404


def test_the_other_teams_leader_reads_only_their_own_member(client, mixed_sitting, supervisor, other_leader, agent_person, stranger):
    release(mixed_sitting, supervisor)
    client.force_login(other_leader)
    rows = client.get(f"/exams/results/sittings/{mixed_sitting.pk}/").context["data"].rows
    assert [(r.person, r.rank) for r in rows] == [(stranger, 2)]
    assert client.get(f"/exams/results/{_result(mixed_sitting, agent_person).pk}/").status_code == 404
    assert client.get(f"/exams/results/{_result(mixed_sitting, stranger).pk}/").status_code == 200


def test_before_the_release_a_leader_sees_nothing(client, mixed_sitting, leader, agent_person):
    client.force_login(leader)
    assert list(client.get("/exams/results/").context["page_obj"]) == []
    assert client.get(f"/exams/results/sittings/{mixed_sitting.pk}/").status_code == 404
    file = client.get(f"/people/{agent_person.pk}/")
    assert file.status_code == 200 and file.context["file"].results == []


def test_a_sitting_without_a_released_result_of_the_team_is_not_found(client, mixed_sitting, supervisor, leader, agent_person):
    # 张三's result is withheld (not released) while 王五's is released: 王班长 has nothing to read in the sitting
    release(mixed_sitting, supervisor)
    SittingResult.objects.filter(sitting=mixed_sitting, person=agent_person).update(released_at=None)
    client.force_login(leader)
    assert client.get(f"/exams/results/sittings/{mixed_sitting.pk}/").status_code == 404
    assert client.get(f"/exams/results/{_result(mixed_sitting, agent_person).pk}/").status_code == 404


def test_on_the_work_file_the_leader_opens_the_members_released_result(client, mixed_sitting, supervisor, leader, agent_person):
    release(mixed_sitting, supervisor)
    client.force_login(leader)
    result = _result(mixed_sitting, agent_person)
    file = client.get(f"/people/{agent_person.pk}/")
    [row] = file.context["file"].results
    assert row.result == result and row.link
    assert f'href="/exams/results/{result.pk}/"' in file.content.decode()


@pytest.mark.parametrize("role, index, sitting, result", [
    ("agent", 403, 403, 200),  # 张三's own released result
    ("leader", 200, 200, 200),
    ("supervisor", 200, 200, 200),
    ("committee", 200, 200, 200),
    ("admin", 200, 200, 200),
])
def test_results_pages_per_role(client, request, mixed_sitting, supervisor, agent_person, role, index, sitting, result):
    release(mixed_sitting, supervisor)
    client.force_login(request.getfixturevalue("users")[role])
    assert client.get("/exams/results/").status_code == index
    assert client.get(f"/exams/results/sittings/{mixed_sitting.pk}/").status_code == sitting
    assert client.get(f"/exams/results/{_result(mixed_sitting, agent_person).pk}/").status_code == result


def test_a_leader_reaches_none_of_the_examiners_pages(client, mixed_sitting, supervisor, leader):
    release(mixed_sitting, supervisor)
    client.force_login(leader)
    for url in (f"/exams/results/sittings/{mixed_sitting.pk}/statistics/", f"/exams/results/sittings/{mixed_sitting.pk}/regrades/",
                f"/exams/results/sittings/{mixed_sitting.pk}/regrade/", f"/exams/grading/sittings/{mixed_sitting.pk}/"):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/exams/results/sittings/{mixed_sitting.pk}/release/").status_code == 403
