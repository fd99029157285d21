"""The yearly policy pages: who may open what, the quota preview, editing, history, export and import."""
import json

import pytest
from django.urls import reverse

from stardesk.audit.models import AuditEntry
from stardesk.policy.yearly import POLICY_FIELDS, YearlyPolicy, policy_to_dict
from stardesk.yearly_policy.forms import EDITABLE, PolicyForm
from stardesk.yearly_policy.models import CyclePolicy, CyclePolicyRevision
from tests.factories import PersonFactory, UserFactory


def edit_data(record, **changes) -> dict:
    """The edit form as the page sends it back, with some fields changed (in their on-screen units)."""
    form = PolicyForm(record.policy(), record.revision)
    data = {"revision": record.revision, "reason": "委员会会议决定"}
    for pf in EDITABLE:
        value = form[pf.name].value()
        if pf.kind is bool:
            if value:
                data[pf.name] = "on"
        else:
            data[pf.name] = "" if value is None else str(value)
    data.update(changes)
    return data


def _state():
    return (
        list(CyclePolicy.objects.order_by("pk").values_list("year", "revision", "frozen_at")),
        CyclePolicyRevision.objects.count(),
        AuditEntry.objects.count(),
    )


@pytest.fixture
def other_supervisor(other_hotline):
    return UserFactory(username="supervisor-b", role="supervisor", hotline=other_hotline, display_name="分公司主管")


@pytest.fixture
def login(client):
    def _login(user):
        if user is not None:
            client.force_login(user)
        return client

    return _login


ROLES = ("anonymous", "agent", "leader", "supervisor", "committee", "admin", "other_supervisor")

# (method, url name, year or None) → expected status per role in the order of ROLES.
# Every url carries ?hotline=<the main hotline>, as the group administrator's links do.
MATRIX = {
    ("get", "index", None): (302, 403, 200, 200, 200, 200, 404),
    ("get", "year", 2026): (302, 403, 200, 200, 200, 200, 404),
    ("get", "year", 2025): (302, 403, 200, 200, 200, 200, 404),
    ("get", "history", 2026): (302, 403, 200, 200, 200, 200, 404),
    ("get", "export", 2026): (302, 403, 200, 200, 200, 200, 404),
    ("get", "edit", 2026): (302, 403, 403, 200, 403, 200, 404),
    ("post", "edit", 2026): (302, 403, 403, 302, 403, 302, 404),
    ("get", "import", None): (302, 403, 403, 200, 403, 200, 404),
    ("post", "import", None): (302, 403, 403, 302, 403, 302, 404),
    ("post", "copy", None): (302, 403, 403, 302, 403, 302, 404),
    ("post", "freeze", 2026): (302, 403, 403, 302, 302, 302, 404),
}


def _post_data(name, record, hotline):
    if name == "edit":
        return edit_data(record, q1_ratio_level2="40")
    if name == "freeze":
        return {"reason": "集中评定结束"}
    if name == "import":
        data = policy_to_dict(YearlyPolicy())
        data["Q1_ratio_level3"] = "0.12"
        from django.core.files.uploadedfile import SimpleUploadedFile

        return {"year": "2026", "reason": "导入", "file": SimpleUploadedFile("p.json", json.dumps(data).encode(), "application/json")}
    return {}


@pytest.mark.parametrize("role_index, role", list(enumerate(ROLES)))
@pytest.mark.parametrize("method, name, year", list(MATRIX))
def test_permission_matrix(method, name, year, role_index, role, request, login, hotline, policy_2026, other_supervisor):
    user = None if role == "anonymous" else request.getfixturevalue("users" if role != "other_supervisor" else role)
    if isinstance(user, dict):
        user = user[role]
    client = login(user)
    url = reverse(f"yearly_policy:{name}", args=[year] if year else []) + f"?hotline={hotline.pk}"
    before = _state()
    if method == "get":
        response = client.get(url)
    else:
        response = client.post(url, _post_data(name, policy_2026, hotline))
    expected = MATRIX[(method, name, year)][role_index]
    assert response.status_code == expected, response.content.decode()[:500]
    if response.status_code in (403, 404) or role == "anonymous":
        assert _state() == before  # a refusal changes nothing
    if method == "get" and response.status_code in (403, 404):
        assert "星级客服评定系统" in response.content.decode()  # a readable page, not a bare error


def test_group_admin_first_chooses_a_hotline(client, admin_user, hotline, other_hotline, policy_2026):
    client.force_login(admin_user)
    page = client.get(reverse("yearly_policy:index")).content.decode()
    assert "请选择热线" in page and f"?hotline={other_hotline.pk}" in page
    chosen = client.get(reverse("yearly_policy:index") + f"?hotline={hotline.pk}").content.decode()
    assert "2026 年度" in chosen and "2026 第1版" in chosen
    assert client.get(reverse("yearly_policy:year", args=[2026]) + f"?hotline={other_hotline.pk}").status_code == 404


def test_index_lists_the_years_with_status_and_version(client, supervisor, policy_2026):
    client.force_login(supervisor)
    page = client.get(reverse("yearly_policy:index")).content.decode()
    assert page.index('data-year="2026"') < page.index('data-year="2025"')
    assert "已冻结" in page and "可编辑" in page
    assert "创建 2027 年度政策（沿用 2026 年度）" in page


def test_p1_copy_forward_button_creates_next_year(client, supervisor, policy_2026):
    client.force_login(supervisor)
    response = client.post(reverse("yearly_policy:copy"))
    assert response.status_code == 302 and response["Location"] == reverse("yearly_policy:year", args=[2027])
    assert CyclePolicy.objects.get(year=2027).version == "2027 第1版"


def test_first_year_from_the_defaults_on_the_index_page(client, supervisor, hotline):
    client.force_login(supervisor)
    assert "按默认值创建" in client.get(reverse("yearly_policy:index")).content.decode()
    response = client.post(reverse("yearly_policy:create"), {"year": "2025"})
    assert response.status_code == 302
    assert CyclePolicy.objects.get(hotline=hotline).year == 2025


def test_year_page_shows_every_field_by_family_with_units(client, committee, policy_2026):
    client.force_login(committee)
    page = client.get(reverse("yearly_policy:year", args=[2026])).content.decode()
    for pf in POLICY_FIELDS:
        if pf.name != "p2_version":
            assert f'data-key="{pf.key}"' in page, pf.key
    for family in ("C/Q 名额与取整", "E 申报条件", "X 业务考核", "K/A 评定与授牌奖励", "M 日常考核与月度待遇", "J 年中综合考试", "R 报送"):
        assert family in page
    assert 'data-testid="value-Q1_ratio_level2">30%' in page
    assert 'data-testid="value-A2_reward_level3">800 元' in page
    assert 'data-testid="value-X2_pass_mark_level2">85 分' in page
    assert 'data-testid="value-E7_limit_level3_count">前 5 名' in page
    # read-only for the committee: no edit or import, but freezing is theirs (P1)
    assert 'data-testid="edit-policy"' not in page and "导入 JSON" not in page
    assert "冻结本年度政策" in page


def test_q1_year_page_shows_the_quotas_and_their_basis(client, leader, policy_2026, hundred_agents):
    client.force_login(leader)
    page = client.get(reverse("yearly_policy:year", args=[2026]) + "?on=2026-09-30").content.decode()
    assert 'data-testid="headcount">100<' in page
    assert 'data-testid="quota-1">30<' in page and 'data-testid="quota-2">9<' in page and 'data-testid="quota-3">3<' in page
    assert "基准日在岗 100 人 × 30% = 30 人（1星）" in page
    assert "1星名额 30 × 10% = 3 人（3星）" in page


def test_q1_reference_day_counts_who_is_active_that_day(client, supervisor, policy_2026, hundred_agents):
    client.force_login(supervisor)
    # two left on 2026-06-01: still active the day before
    page = client.get(reverse("yearly_policy:year", args=[2026]) + "?on=2026-05-31").content.decode()
    assert 'data-testid="headcount">102<' in page
    bad = client.get(reverse("yearly_policy:year", args=[2026]) + "?on=2026-13-01")
    assert bad.status_code == 200 and "请输入有效日期" in bad.content.decode()


def test_q1_quota_preview_follows_changed_ratio(client, supervisor, policy_2026, hundred_agents):
    """Done when: the supervisor changes next year's 2-star ratio; its quotas change, the closed year's do not."""
    client.force_login(supervisor)
    on = "?on=2026-09-30"
    response = client.post(reverse("yearly_policy:edit", args=[2026]), edit_data(policy_2026, q1_ratio_level2="50"))
    assert response.status_code == 302
    new = client.get(reverse("yearly_policy:year", args=[2026]) + on).content.decode()
    assert 'data-testid="quota-2">15<' in new and "2026 第2版" in new
    assert "上年 30%" in new  # changed since the 2025 policy
    closed = client.get(reverse("yearly_policy:year", args=[2025]) + on).content.decode()
    assert 'data-testid="quota-2">9<' in closed and "2025 第1版" in closed


def test_edit_preview_answers_with_the_quotas_being_typed(client, supervisor, policy_2026, hundred_agents):
    client.force_login(supervisor)
    url = reverse("yearly_policy:edit_preview", args=[2026])
    partial = client.post(url, edit_data(policy_2026, q1_ratio_level1="20"), HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and 'id="quota-preview"' in partial
    assert "尚未保存" in partial and "× 20%" in partial
    half_typed = client.post(url, edit_data(policy_2026, q1_ratio_level1="2x")).content.decode()
    assert "填写有效数字后显示名额" in half_typed
    assert CyclePolicy.objects.get(year=2026).revision == 1


def test_edit_page_shows_every_problem_next_to_its_field_and_saves_nothing(client, supervisor, policy_2026):
    client.force_login(supervisor)
    before = _state()
    response = client.post(reverse("yearly_policy:edit", args=[2026]), edit_data(
        policy_2026, q1_ratio_level2="150", x2_weight_knowledge="70", m6_total_months="abc", reason=""))
    page = response.content.decode()
    assert response.status_code == 200
    assert "请输入整数" in page and "请填写修改原因" in page
    assert _state() == before
    # once the form parses, the rules' own checks show next to their fields
    response = client.post(reverse("yearly_policy:edit", args=[2026]), edit_data(
        policy_2026, q1_ratio_level2="150", x2_weight_knowledge="70"))
    page = response.content.decode()
    assert "二星名额比例（占一星名额）：比例须在 0%–100% 之间" in page
    assert "知识与技能权重之和须为 100%" in page
    assert page.count("is-invalid") >= 2
    assert _state() == before


def test_edit_page_accepts_full_width_digits(client, supervisor, policy_2026):
    client.force_login(supervisor)
    response = client.post(reverse("yearly_policy:edit", args=[2026]), edit_data(policy_2026, q1_ratio_level2="４０"))
    assert response.status_code == 302
    assert CyclePolicy.objects.get(year=2026).data["Q1_ratio_level2"] == "0.4"


def test_p1_frozen_year_cannot_be_edited_from_the_page(client, supervisor, closed_2025, policy_2026):
    client.force_login(supervisor)
    before = _state()
    response = client.get(reverse("yearly_policy:edit", args=[2025]), follow=True)
    assert "该年度政策已冻结，不能修改。" in response.content.decode()
    response = client.post(reverse("yearly_policy:edit", args=[2025]), edit_data(closed_2025, q1_ratio_level2="50"), follow=True)
    assert "该年度政策已冻结，不能修改。" in response.content.decode()
    page = client.get(reverse("yearly_policy:year", args=[2025])).content.decode()
    assert 'data-testid="edit-policy"' not in page and "已冻结" in page
    assert _state() == before


def test_edit_based_on_an_old_revision_is_refused_on_the_page(client, supervisor, admin_user, policy_2026):
    client.force_login(supervisor)
    stale = edit_data(policy_2026, q1_ratio_level2="40")
    client.post(reverse("yearly_policy:edit", args=[2026]), edit_data(policy_2026, q1_ratio_level3="12"))
    response = client.post(reverse("yearly_policy:edit", args=[2026]), stale)
    assert response.status_code == 200 and "已被他人修改为 2026 第2版" in response.content.decode()
    assert CyclePolicy.objects.get(year=2026).revision == 2


def test_p2_history_page_lists_each_revision_old_to_new(client, supervisor, leader, policy_2026):
    client.force_login(supervisor)
    client.post(reverse("yearly_policy:edit", args=[2026]), edit_data(policy_2026, q1_ratio_level2="35", reason="扩大二星"))
    client.force_login(leader)
    page = client.get(reverse("yearly_policy:history", args=[2026])).content.decode()
    assert "2026 第2版" in page and "2026 第1版" in page and "扩大二星" in page
    assert "Q1 二星名额比例（占一星名额）" in page
    assert "<del>30%</del>" in page and "<ins>35%</ins>" in page
    assert "沿用上一年度" in page and "页面修改" in page


def test_export_downloads_the_json_file(client, leader, policy_2026):
    client.force_login(leader)
    response = client.get(reverse("yearly_policy:export", args=[2026]))
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert "attachment" in response["Content-Disposition"] and ".json" in response["Content-Disposition"]
    assert json.loads(response.content.decode("utf-8"))["P2_version"] == "2026 第1版"
    old = client.get(reverse("yearly_policy:export", args=[2026]) + "?revision=9")
    assert old.status_code == 404


def test_import_page_lists_every_problem_of_a_bad_file(client, supervisor, policy_2026):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(supervisor)
    data = policy_to_dict(YearlyPolicy())
    data["Q1_ratio_level1"] = "三成"
    data["unknown_key"] = 1
    before = _state()
    response = client.post(reverse("yearly_policy:import"), {
        "year": "2026", "reason": "导入", "file": SimpleUploadedFile("bad.json", json.dumps(data, ensure_ascii=False).encode())})
    page = response.content.decode()
    assert response.status_code == 200 and "政策文件有错误，未保存任何内容。" in page
    assert "文件中有 2 处问题" in page and "unknown_key" in page and "Q1 一星名额比例（占在岗总人数）" in page
    assert _state() == before


def test_import_page_creates_a_new_year_from_a_file(client, supervisor, policy_2026):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(supervisor)
    text = client.get(reverse("yearly_policy:export", args=[2026])).content
    response = client.post(reverse("yearly_policy:import"), {
        "year": "2027", "reason": "按 2026 年文件", "file": SimpleUploadedFile("p.json", text)})
    assert response.status_code == 302
    assert CyclePolicy.objects.get(year=2027).version == "2027 第1版"


@pytest.mark.parametrize("people", [5, 60])
def test_year_page_runs_a_constant_number_of_queries(people, client, supervisor, policy_2026, team, django_assert_max_num_queries):
    PersonFactory.create_batch(people, team=team)
    client.force_login(supervisor)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("yearly_policy:year", args=[2026]))
    assert response.status_code == 200


def test_history_and_index_run_a_constant_number_of_queries(client, supervisor, policy_2026, django_assert_max_num_queries):
    from decimal import Decimal

    from stardesk.yearly_policy import services

    for n in range(12):
        services.policy_update(actor=supervisor, policy=policy_2026, values={"m4_base_level3": Decimal(300 + n + 1)}, reason=f"第{n}次")
    client.force_login(supervisor)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("yearly_policy:history", args=[2026])).status_code == 200
    with django_assert_max_num_queries(6):
        assert client.get(reverse("yearly_policy:index")).status_code == 200
