"""The supervisor's pages: the bank list (filters, sorting, a constant number of queries), building a blueprint,
drawing a paper, creating, inviting, opening and closing a sitting, and the agent's 我的考试."""
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from stardesk.exams import services
from stardesk.exams.models import (
    Area,
    Blueprint,
    Invitation,
    Paper,
    Question,
    QuestionStatus,
    QuestionType,
    Sitting,
    SittingKind,
    SittingStatus,
)


def _bank_queries(client, url="/exams/bank/"):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_bank_list_takes_the_same_number_of_queries_for_5_or_40_questions(make_question, supervisor, client):
    client.force_login(supervisor)
    for n in range(5):
        make_question(QuestionType.SINGLE, stem=f"单选 {n}")
    few = _bank_queries(client)
    for n in range(35):
        make_question(QuestionType.TRUE_FALSE, area=Area.SERVICE_NORMS, stem=f"判断 {n}")
    many = _bank_queries(client)
    assert few == many


def test_the_bank_list_filters_by_area_type_level_difficulty_and_status(make_question, supervisor, client):
    make_question(QuestionType.SINGLE, stem="数字电视 单选 二星 难度2", level=2, difficulty=2)
    make_question(QuestionType.MULTIPLE, area=Area.BROADBAND, stem="宽带 多选 通用 难度4", difficulty=4)
    retired = make_question(QuestionType.TRUE_FALSE, area=Area.BROADBAND, stem="宽带 判断 已停用", difficulty=4)
    Question.objects.filter(pk=retired.pk).update(status=QuestionStatus.RETIRED)
    client.force_login(supervisor)

    def numbers(query):
        page = client.get(f"/exams/bank/?{query}").context["page_obj"]
        return sorted(q.current.stem for q in page)

    assert numbers("area=broadband") == ["宽带 判断 已停用", "宽带 多选 通用 难度4"]
    assert numbers("qtype=multiple") == ["宽带 多选 通用 难度4"]
    assert numbers("level=2") == ["数字电视 单选 二星 难度2"]
    assert numbers("level=0&difficulty=4") == ["宽带 判断 已停用", "宽带 多选 通用 难度4"]
    assert numbers("status=retired") == ["宽带 判断 已停用"]
    assert numbers("q=难度2") == ["数字电视 单选 二星 难度2"]
    page = client.get("/exams/bank/?sort=-difficulty").context["page_obj"]
    assert [q.difficulty for q in page] == [4, 4, 2]
    partial = client.get("/exams/bank/?area=broadband", HTTP_HX_REQUEST="true").content.decode()
    assert partial.startswith('<div id="bank-results">') and "<html" not in partial


def test_a_blueprint_built_on_the_page_defaults_to_the_years_x2_weights(bank, supervisor, client, policy_this_year):
    client.force_login(supervisor)
    form = client.get("/exams/papers/blueprints/new/")
    sections = form.context["sections_fs"].initial
    assert [(s["kind"], s["weight"]) for s in sections] == [("knowledge", "60"), ("skills", "40")]
    assert "知识 × 60%" in form.content.decode()
    data = {
        "name": "二星资格（页面）", "kind": SittingKind.LEVEL2, "description": "",
        "sections-TOTAL_FORMS": "3", "sections-INITIAL_FORMS": "0",
        "sections-0-name": "知识", "sections-0-kind": "knowledge", "sections-0-weight": "60",
        "sections-1-name": "技能", "sections-1-kind": "skills", "sections-1-weight": "40",
        "sections-2-name": "", "sections-2-kind": "knowledge", "sections-2-weight": "",
        "rules-TOTAL_FORMS": "3", "rules-INITIAL_FORMS": "0",
        "rules-0-section": "1", "rules-0-area": "digital_tv", "rules-0-qtype": "single", "rules-0-difficulty": "3", "rules-0-count": "4", "rules-0-marks": "10",
        "rules-1-section": "2", "rules-1-area": "computer", "rules-1-qtype": "typing", "rules-1-difficulty": "", "rules-1-count": "1", "rules-1-marks": "100",
        "rules-2-section": "1", "rules-2-area": "", "rules-2-qtype": "", "rules-2-difficulty": "", "rules-2-count": "", "rules-2-marks": "",
    }
    response = client.post("/exams/papers/blueprints/new/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    blueprint = Blueprint.objects.get(name="二星资格（页面）")
    assert [(s.name, s.weight, s.rules.count()) for s in blueprint.sections.order_by("position")] == [
        ("知识", Decimal("0.600"), 1), ("技能", Decimal("0.400"), 1)]
    detail = client.get(f"/exams/papers/blueprints/{blueprint.pk}/").content.decode()
    assert "题库中的启用试题足以按此蓝图组卷" in detail
    drawn = client.post(f"/exams/papers/blueprints/{blueprint.pk}/materialise/", {"title": "二星 A 卷"})
    paper = Paper.objects.get(title="二星 A 卷")
    assert drawn["Location"] == f"/exams/papers/{paper.pk}/" and paper.items.count() == 5
    paper_page = client.get(f"/exams/papers/{paper.pk}/").content.decode()
    assert "答案：" in paper_page  # the supervisor reads the key of the paper


def test_the_blueprint_page_says_what_the_bank_lacks_and_refuses_to_draw(bank, supervisor, client, hotline):
    from .conftest import two_star_sections

    blueprint = services.blueprint_create(actor=supervisor, hotline=hotline, name="缺题", kind=SittingKind.LEVEL2,
                                          sections=two_star_sections(singles=13))
    client.force_login(supervisor)
    assert "缺 3 题" in client.get(f"/exams/papers/blueprints/{blueprint.pk}/").content.decode()
    refused = client.post(f"/exams/papers/blueprints/{blueprint.pk}/materialise/", {"title": ""})
    assert refused.status_code == 400
    assert "需要 13 题，题库中可用 10 题，缺 3 题" in refused.content.decode()
    assert not Paper.objects.exists()


def test_the_supervisor_creates_invites_opens_and_closes_a_sitting(paper, supervisor, client, agent_person, colleague, stranger,
                                                                 policy_this_year):
    from tests.factories import TitleSpellFactory

    TitleSpellFactory(person=agent_person, level=1)
    TitleSpellFactory(person=colleague, level=1)
    client.force_login(supervisor)
    response = client.post("/exams/sittings/new/", {
        "name": "二星资格考试 11 月", "kind": SittingKind.LEVEL2, "mode": "shared", "paper": paper.pk, "blueprint": "",
        "opens_at": f"{timezone.localdate().year}-01-01T09:00", "closes_at": "2099-01-01T11:00", "time_limit_minutes": "60", "grace_seconds": "60",
        "release_rule": "manual", "shuffle_questions": "on", "shuffle_options": "on",
    })
    sitting = Sitting.objects.get(name="二星资格考试 11 月")
    assert response["Location"] == f"/exams/sittings/{sitting.pk}/"
    # invite the 1-star holders, then 王五 by his 工号 typed in full-width digits
    client.post(f"/exams/sittings/{sitting.pk}/invite/", {"how": "level", "level": "1"})
    client.post(f"/exams/sittings/{sitting.pk}/invite/", {"how": "hand", "staff_nos": "２００１"})
    assert set(Invitation.objects.filter(sitting=sitting).values_list("person__staff_no", flat=True)) == {"1001", "1002", "2001"}
    refused = client.post(f"/exams/sittings/{sitting.pk}/invite/", {"how": "hand", "staff_nos": "1001 9999"})
    assert refused.status_code == 400 and "9999" in refused.content.decode()
    client.post(f"/exams/sittings/{sitting.pk}/open/")
    sitting.refresh_from_db()
    assert sitting.status == SittingStatus.OPEN
    page = client.get(f"/exams/sittings/{sitting.pk}/").content.decode()
    assert "邀请 3 人" in page
    client.post(f"/exams/sittings/{sitting.pk}/close/")
    sitting.refresh_from_db()
    assert sitting.status == SittingStatus.CLOSED
    assert client.post(f"/exams/sittings/{sitting.pk}/open/").status_code == 400  # closed → open is not a move


def test_j1_everyone_active_is_invited_to_the_june_exam(make_sitting, paper, supervisor, agent_person, colleague, stranger, team):
    from tests.factories import PersonFactory

    import datetime

    PersonFactory(team=team, staff_no="1099", left_on=datetime.date(2025, 1, 1))  # left: not invited
    blueprint = services.blueprint_create(actor=supervisor, hotline=paper.hotline, name="年中综合", kind=SittingKind.JUNE, sections=[
        services.SectionInput("知识", "knowledge", Decimal(1), [services.RuleInput(Area.DIGITAL_TV, QuestionType.SINGLE, 5, Decimal(20))])])
    june = services.paper_materialise(actor=supervisor, blueprint=blueprint)
    sitting = make_sitting(paper=june, kind=SittingKind.JUNE, open_it=False, name="年中综合考试")
    services.invite_everyone(actor=supervisor, sitting=sitting)
    assert set(sitting.invitations.values_list("person__staff_no", flat=True)) == {"1001", "1002", "2001"}


def test_a_sitting_with_a_paper_of_another_kind_is_refused(paper, supervisor, hotline):
    from .conftest import window

    opens_at, closes_at = window()
    with pytest.raises(services.DomainError) as refused:
        services.sitting_create(actor=supervisor, hotline=hotline, name="一星", kind=SittingKind.LEVEL1, mode="shared", paper=paper,
                                opens_at=opens_at, closes_at=closes_at, time_limit_minutes=30)
    assert "与场次的考试类别不符" in refused.value.details[0]["message"]


def test_an_open_sittings_close_may_move_but_nothing_else(sitting, supervisor):
    import datetime

    later = sitting.closes_at + datetime.timedelta(hours=1)
    services.sitting_update(actor=supervisor, sitting=sitting, closes_at=later)
    sitting.refresh_from_db()
    assert sitting.closes_at == later
    with pytest.raises(services.DomainError) as refused:
        services.sitting_update(actor=supervisor, sitting=sitting, time_limit_minutes=45)
    assert refused.value.code == "sitting_not_draft"


def test_my_exams_lists_my_invitations_and_lets_me_start(sitting, agent, client, agent_person):
    client.force_login(agent)
    mine = client.get("/exams/mine/").content.decode()
    assert sitting.name in mine and "开始考试" in mine
    invitation = sitting.invitations.get(person=agent_person)
    start = client.get(f"/exams/invitations/{invitation.pk}/start/").content.decode()
    assert "由服务器计时" in start and "全选不得分" in start
    response = client.post(f"/exams/invitations/{invitation.pk}/start/")
    attempt = invitation.attempt
    assert response["Location"] == f"/exams/attempts/{attempt.pk}/"
    assert "继续作答" in client.get("/exams/mine/").content.decode()
    # opening the start page again goes straight back to the running attempt
    assert client.get(f"/exams/invitations/{invitation.pk}/start/")["Location"] == f"/exams/attempts/{attempt.pk}/"


def test_a_draft_sitting_is_not_shown_to_its_invited_people(make_sitting, paper, agent_person, agent, client):
    sitting = make_sitting(paper=paper, invite=(agent_person,), open_it=False, name="尚未开放的场次")
    client.force_login(agent)
    assert "尚未开放的场次" not in client.get("/exams/mine/").content.decode()
    assert client.get(f"/exams/invitations/{sitting.invitations.get().pk}/start/").status_code == 404


def test_the_sitting_page_filters_candidates_and_counts_them_in_constant_queries(sitting, started, supervisor, client, team):
    from tests.factories import PersonFactory

    client.force_login(supervisor)
    url = f"/exams/sittings/{sitting.pk}/"
    with CaptureQueriesContext(connection) as few:
        page = client.get(url)
    assert page.context["progress"] == {"invited": 2, "running": 1, "submitted": 0}
    services.invite_people(actor=supervisor, sitting=sitting, people=[PersonFactory(team=team, staff_no=f"60{n:02d}") for n in range(20)])
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(few) == len(many)
    running = client.get(f"{url}?state=in_progress").context["page_obj"]
    assert [i.person.staff_no for i in running] == ["1001"]
    waiting = client.get(f"{url}?state=not_started&q=李四").context["page_obj"]
    assert [i.person.name for i in waiting] == ["李四"]
