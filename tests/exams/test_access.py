"""Who may open what: a table of (page, role) → status, another agent's attempt never readable, and the key
never in a page or a JSON answer before the sitting's results are released (X6)."""
import pytest

from stardesk.audit.models import AuditEntry
from stardesk.exams import services
from stardesk.exams.models import Answer, Attempt, Invitation, Paper, Question, QuestionType, Sitting, SittingStatus

from .conftest import items_by_type

ROLES = ("anonymous", "agent", "leader", "supervisor", "committee", "admin")


def _client(client, request, role):
    if role != "anonymous":
        client.force_login(request.getfixturevalue("users")[role])
    return client


def _state():
    return (Question.objects.count(), Paper.objects.count(), Sitting.objects.count(), Invitation.objects.count(),
            list(Sitting.objects.values_list("status", flat=True)), AuditEntry.objects.count())


# (page, method, url builder) → expected status per role, in the order of ROLES. 302 for anonymous is the login.
MATRIX = [
    ("bank", "get", lambda f: "/exams/bank/", (302, 403, 403, 200, 200, 200)),
    ("question", "get", lambda f: f"/exams/bank/{f['question'].pk}/", (302, 403, 403, 200, 200, 200)),
    ("question_create", "get", lambda f: "/exams/bank/new/", (302, 403, 403, 200, 403, 200)),
    ("question_edit", "get", lambda f: f"/exams/bank/{f['question'].pk}/edit/", (302, 403, 403, 200, 403, 200)),
    ("question_create_post", "post", lambda f: "/exams/bank/new/", (302, 403, 403, 302, 403, 302)),
    ("blueprints", "get", lambda f: "/exams/papers/", (302, 403, 403, 200, 200, 200)),
    ("blueprint", "get", lambda f: f"/exams/papers/blueprints/{f['blueprint'].pk}/", (302, 403, 403, 200, 200, 200)),
    ("blueprint_create", "get", lambda f: "/exams/papers/blueprints/new/", (302, 403, 403, 200, 403, 200)),
    ("materialise", "post", lambda f: f"/exams/papers/blueprints/{f['blueprint'].pk}/materialise/", (302, 403, 403, 302, 403, 302)),
    ("paper", "get", lambda f: f"/exams/papers/{f['paper'].pk}/", (302, 403, 403, 200, 200, 200)),
    ("sittings", "get", lambda f: "/exams/sittings/", (302, 403, 403, 200, 200, 200)),
    ("sitting", "get", lambda f: f"/exams/sittings/{f['sitting'].pk}/", (302, 403, 403, 200, 200, 200)),
    ("sitting_create", "get", lambda f: "/exams/sittings/new/", (302, 403, 403, 200, 403, 200)),
    ("sitting_invite", "post", lambda f: f"/exams/sittings/{f['sitting'].pk}/invite/", (302, 403, 403, 302, 403, 302)),
    ("sitting_close", "post", lambda f: f"/exams/sittings/{f['sitting'].pk}/close/", (302, 403, 403, 302, 403, 302)),
    ("mine", "get", lambda f: "/exams/mine/", (302, 200, 200, 403, 403, 403)),
    ("attempt", "get", lambda f: f"/exams/attempts/{f['started'].pk}/", (302, 200, 404, 200, 200, 200)),
]
POST_DATA = {
    "question_create_post": {"area": "digital_tv", "qtype": "true_false", "level": "0", "difficulty": "2", "status": "active",
                             "stem": "机顶盒可以接收数字电视信号。", "answer": "对", "marks": "2", "hotline": ""},
    "materialise": {"title": "新试卷"},
    "sitting_invite": {"how": "everyone"},
}
CASES = [(page, method, url, role, expected[i]) for page, method, url, expected in MATRIX for i, role in enumerate(ROLES)]


@pytest.fixture
def fixtures(started, blueprint, paper, sitting):
    return {"question": paper.items.first().version.question, "blueprint": blueprint, "paper": paper,
            "sitting": sitting, "started": started}


@pytest.mark.parametrize(("page", "method", "url", "role", "expected"), CASES, ids=[f"{c[0]}-{c[3]}" for c in CASES])
def test_page_permissions(client, request, fixtures, hotline, page, method, url, role, expected):
    client = _client(client, request, role)
    if method == "get":
        assert client.get(url(fixtures)).status_code == expected
        return
    data = dict(POST_DATA.get(page, {}))
    if "hotline" in data:
        data["hotline"] = hotline.pk
    before = _state()
    assert client.post(url(fixtures), data).status_code == expected
    if expected not in (200, 302):
        assert _state() == before  # a refusal changes nothing


def test_another_hotlines_records_are_not_found(client, fixtures, make_question, other_hotline):
    from stardesk.accounts.models import Role
    from tests.factories import UserFactory

    outsider = UserFactory(username="branch-supervisor", role=Role.SUPERVISOR, hotline=other_hotline)
    client.force_login(outsider)
    for url in (f"/exams/bank/{fixtures['question'].pk}/", f"/exams/papers/blueprints/{fixtures['blueprint'].pk}/",
                f"/exams/papers/{fixtures['paper'].pk}/", f"/exams/sittings/{fixtures['sitting'].pk}/",
                f"/exams/attempts/{fixtures['started'].pk}/"):
        assert client.get(url).status_code == 404, url
    assert client.get("/exams/bank/").context["page_obj"].paginator.count == 0


def test_an_agent_can_never_read_or_write_another_agents_attempt(started, colleague_user, client):
    single = items_by_type(started)[QuestionType.SINGLE][0]
    client.force_login(colleague_user)
    base = f"/exams/attempts/{started.pk}"
    assert client.get(f"{base}/").status_code == 404
    state = client.get(f"{base}/state/")
    assert state.status_code == 404 and state.json()["code"] == "not_found"
    saved = client.post(f"{base}/answers/{single.item_id}/", {"value": "A"})
    assert saved.status_code == 404 and saved.json()["code"] == "not_found"
    assert client.post(f"{base}/focus/", {"kind": "away"}).status_code == 404
    assert client.post(f"{base}/submit/").status_code == 404
    assert client.post(f"/exams/invitations/{started.invitation_id}/start/").status_code == 404
    single.refresh_from_db()
    started.refresh_from_db()
    assert single.response is None and started.status == "in_progress" and started.focus_losses == 0


def _key_markers(attempt):
    """Texts that appear only where the key is shown: explanations and the fill-in key."""
    markers = []
    for answer in Answer.objects.filter(attempt=attempt).select_related("item__version__question"):
        version = answer.item.version
        if version.question.qtype == QuestionType.FILL_IN:
            markers.append("CATV；STB|Set-Top Box")
        if version.explanation:
            markers.append(version.explanation)
    return markers


@pytest.fixture
def explained(started):
    """Every question of the paper carries an explanation that must stay hidden until release."""
    for answer in Answer.objects.filter(attempt=started).select_related("item__version"):
        version = answer.item.version
        type(version).objects.filter(pk=version.pk).update(explanation=f"解析：第{answer.item.position}题的要点")
    return started


def test_the_key_is_never_in_the_page_or_the_json_before_release(explained, agent, client, sitting):
    attempt = explained
    client.force_login(agent)
    taking = client.get(f"/exams/attempts/{attempt.pk}/").content.decode()
    state = client.get(f"/exams/attempts/{attempt.pk}/state/").content.decode()
    single = items_by_type(attempt)[QuestionType.SINGLE][0]
    saved = client.post(f"/exams/attempts/{attempt.pk}/answers/{single.item_id}/", {"value": "A"}).content.decode()
    services.attempt_submit(actor=agent, attempt=attempt)
    services.sitting_close(actor=sitting_supervisor(sitting), sitting=sitting)
    review = client.get(f"/exams/attempts/{attempt.pk}/").content.decode()
    for text in (taking, state, saved, review):
        for marker in _key_markers(attempt):
            assert marker not in text
        assert "答案：" not in text and "auto_score" not in text
    assert "成绩、标准答案和解析将在成绩公布后显示" in review
    # once released, the agent sees the key and the explanations
    Sitting.objects.filter(pk=sitting.pk).update(status=SittingStatus.RELEASED)
    released = client.get(f"/exams/attempts/{attempt.pk}/").content.decode()
    assert all(marker in released for marker in _key_markers(attempt))
    assert "得分" in released


def sitting_supervisor(sitting):
    from stardesk.accounts.models import Role, User

    return User.objects.get(role=Role.SUPERVISOR, hotline=sitting.hotline)


def test_a_leader_sits_exams_but_reads_no_one_elses_attempt(sitting, leader, started, client, supervisor):
    from tests.factories import PersonFactory

    leader.person = PersonFactory(team=started.person.team, staff_no="1900", name="王班长")
    leader.save()
    services.invite_people(actor=supervisor, sitting=sitting, people=[leader.person])
    client.force_login(leader)
    mine = client.get("/exams/mine/").content.decode()
    assert sitting.name in mine
    assert client.get(f"/exams/attempts/{started.pk}/").status_code == 404


def test_the_attempts_are_counted_once_per_invitation(sitting, agent, agent_person):
    invitation = sitting.invitations.get(person=agent_person)
    services.attempt_start(actor=agent, invitation=invitation)
    services.attempt_start(actor=agent, invitation=invitation)
    assert Attempt.objects.filter(invitation=invitation).count() == 1
