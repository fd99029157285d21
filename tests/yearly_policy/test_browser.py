"""The supervisor changes next year's 2-star ratio in a real browser and sees the quotas change (P1, Q1)."""
import datetime

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import browser, log_in_as, page, screenshot  # noqa: F401 (fixtures)
from tests.factories import PersonFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def hundred_at_any_date(team, agent_person):
    # N = 100 whatever today is: 张三 and 99 more, all started in 2020, nobody left.
    return [agent_person] + [PersonFactory(team=team, staff_no=f"5{i:03d}", hotline_start=datetime.date(2020, 1, 1)) for i in range(99)]


def test_q1_supervisor_changes_next_years_2_star_ratio_and_sees_the_quotas_change(
    page, log_in_as, live_server, users, policy_2026, hundred_at_any_date  # noqa: F811
):
    log_in_as("supervisor")
    page.get_by_role("link", name="年度政策").click()
    expect(page.locator("h1")).to_have_text("年度政策")
    expect(page.locator('tr[data-year="2025"]')).to_contain_text("已冻结")
    expect(page.locator('tr[data-year="2026"]')).to_contain_text("可编辑")
    screenshot(page, "yearly_policy_index")

    page.get_by_role("link", name="2026 年度").click()
    expect(page.get_by_test_id("headcount")).to_have_text("100")
    expect(page.get_by_test_id("quota-1")).to_have_text("30")
    expect(page.get_by_test_id("quota-2")).to_have_text("9")
    expect(page.get_by_test_id("quota-3")).to_have_text("3")
    expect(page.get_by_test_id("value-Q1_ratio_level2")).to_have_text("30%")
    screenshot(page, "yearly_policy_2026_before")

    page.get_by_test_id("edit-policy").click()
    ratio = page.get_by_label("Q1 二星名额比例（占一星名额）")
    expect(ratio).to_have_value("30")
    ratio.fill("50")
    # the preview follows what is typed, before anything is saved
    expect(page.get_by_test_id("quota-2")).to_have_text("15")
    expect(page.get_by_test_id("quota-preview")).to_contain_text("尚未保存")
    page.get_by_label("修改原因").fill("评定委员会决定扩大二星名额")
    screenshot(page, "yearly_policy_2026_editing")
    page.get_by_test_id("save-policy").click()

    expect(page.get_by_role("alert")).to_contain_text("已保存为 2026 第2版")
    expect(page.get_by_test_id("policy-version")).to_have_text("2026 第2版")
    expect(page.get_by_test_id("quota-2")).to_have_text("15")
    expect(page.get_by_test_id("value-Q1_ratio_level2")).to_contain_text("50%")
    expect(page.get_by_test_id("value-Q1_ratio_level2")).to_contain_text("上年 30%")
    screenshot(page, "yearly_policy_2026_after")

    # the closed 2025 cycle keeps its numbers
    page.goto(f"{live_server.url}/policy/2025/")
    expect(page.get_by_test_id("policy-status")).to_contain_text("已冻结")
    expect(page.get_by_test_id("quota-2")).to_have_text("9")
    expect(page.get_by_test_id("edit-policy")).to_have_count(0)
    screenshot(page, "yearly_policy_2025_frozen")

    page.goto(f"{live_server.url}/policy/2026/history/")
    revision = page.locator('[data-revision="2"]')
    expect(revision).to_contain_text("评定委员会决定扩大二星名额")
    expect(revision.locator("del")).to_have_text("30%")
    expect(revision.locator("ins")).to_have_text("50%")
    screenshot(page, "yearly_policy_2026_history")


def test_p1_a_value_the_rules_refuse_is_shown_next_to_its_field(page, log_in_as, live_server, users, policy_2026):  # noqa: F811
    log_in_as("supervisor")
    page.goto(f"{live_server.url}/policy/2026/edit/")
    page.get_by_label("X2 资格考试知识部分权重").fill("70")
    page.get_by_label("修改原因").fill("试算")
    page.get_by_test_id("save-policy").click()

    expect(page.get_by_test_id("form-errors")).to_contain_text("未保存")
    field = page.locator('[data-key="X2_weight_skills"]')
    expect(field).to_contain_text("知识与技能权重之和须为 100%")
    screenshot(page, "yearly_policy_edit_refused")
    page.goto(f"{live_server.url}/policy/2026/")
    expect(page.get_by_test_id("policy-version")).to_have_text("2026 第1版")
