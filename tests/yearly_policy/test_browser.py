"""The supervisor changes next year's 2-star ratio in a real browser and sees the quotas change (P1, Q1).

Each scenario drives its own Chromium in a thread of its own: tests/browser's session-wide
Playwright may already be running in this process, and two sync Playwrights cannot share a thread.
"""
import datetime
from concurrent.futures import ThreadPoolExecutor

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS, log_in, screenshot
from tests.factories import PersonFactory, TitleSpellFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def in_browser(live_server, request):
    """in_browser(username, scenario): logs in on the live server and runs scenario(page, base_url)."""

    def run(username, scenario):
        def drive():
            with sync_playwright() as playwright:
                chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                try:
                    context = chromium.new_context(locale="zh-CN", timezone_id="Asia/Shanghai",
                                                   viewport={"width": 1280, "height": 800})
                    context.set_default_timeout(TIMEOUT_MS)
                    page = context.new_page()
                    try:
                        log_in(page, live_server.url, username)
                        page.wait_for_url(f"{live_server.url}/")
                        scenario(page, live_server.url)
                    finally:
                        screenshot(page, request.node.name)
                finally:
                    chromium.close()

        with ThreadPoolExecutor(max_workers=1) as pool:
            pool.submit(drive).result()

    return run


@pytest.fixture
def hundred_at_any_date(team, agent_person):
    # N = 100 whatever today is: 张三 and 99 more, all started in 2020, nobody left.
    return [agent_person] + [PersonFactory(team=team, staff_no=f"5{i:03d}", hotline_start=datetime.date(2020, 1, 1)) for i in range(99)]


def test_q1_supervisor_changes_next_years_2_star_ratio_and_sees_the_quotas_change(
    in_browser, users, policy_2026, hundred_at_any_date
):
    def scenario(page, base):
        page.locator("#sidebar").get_by_role("link", name="年度政策").click()
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
        page.goto(f"{base}/policy/2025/")
        expect(page.get_by_test_id("policy-status")).to_contain_text("已冻结")
        expect(page.get_by_test_id("quota-2")).to_have_text("9")
        expect(page.get_by_test_id("edit-policy")).to_have_count(0)
        screenshot(page, "yearly_policy_2025_frozen")

        page.goto(f"{base}/policy/2026/history/")
        revision = page.locator('[data-revision="2"]')
        expect(revision).to_contain_text("评定委员会决定扩大二星名额")
        expect(revision.locator("del")).to_have_text("30%")
        expect(revision.locator("ins")).to_have_text("50%")
        screenshot(page, "yearly_policy_2026_history")

    in_browser("supervisor", scenario)


def test_p1_a_value_the_rules_refuse_is_shown_next_to_its_field(in_browser, users, policy_2026):
    def scenario(page, base):
        page.goto(f"{base}/policy/2026/edit/")
        page.get_by_label("X2 资格考试知识部分权重").fill("70")
        page.get_by_label("修改原因").fill("试算")
        page.get_by_test_id("save-policy").click()

        expect(page.get_by_test_id("form-errors")).to_contain_text("未保存")
        expect(page.locator('[data-key="X2_weight_skills"]')).to_contain_text("知识与技能权重之和须为 100%")
        screenshot(page, "yearly_policy_edit_refused")
        page.goto(f"{base}/policy/2026/")
        expect(page.get_by_test_id("policy-version")).to_have_text("2026 第1版")

    in_browser("supervisor", scenario)


def test_agent_opens_my_standing_from_the_sidebar(in_browser, users, policy_2026, agent_person):
    TitleSpellFactory(person=agent_person, level=1, start=datetime.date(2024, 10, 18))

    def scenario(page, base):
        page.locator("#sidebar").get_by_role("link", name="我的星级进度").click()
        expect(page.locator("h1")).to_contain_text("我的星级进度")
        expect(page.get_by_test_id("standing-title")).to_contain_text("话务员1星（2024-10-18 起）")
        expect(page.locator('[data-level="1"]')).to_contain_text("可以申报")
        expect(page.locator('[data-level="2"]')).to_contain_text("不能申报")  # E7: no June rank recorded
        expect(page.locator('[data-level="2"]')).to_contain_text("未参加年中综合考试")
        screenshot(page, "yearly_policy_my_standing")

    in_browser("agent", scenario)
