"""The cycle in a real browser: an agent applies and, ineligible, sees why; a team leader flags and recommends;
the supervisor sees the ordered list with its quotas and finalises it.

Each role drives its own Chromium in a thread of its own (as tests/yearly_policy does): tests/browser's
session-wide Playwright may already run in this process, and two sync Playwrights cannot share a thread.
"""
from concurrent.futures import ThreadPoolExecutor

import pytest
from playwright.sync_api import expect, sync_playwright

from stardesk.cycle.models import Application, Recommendation, ReviewStatus, Step
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS, log_in, screenshot
from tests.cycle.conftest import D, apply, person, scores

pytestmark = pytest.mark.browser


@pytest.fixture
def as_user(live_server, request):
    """as_user(user, scenario): logs in on the live server and runs scenario(page, base_url)."""

    def run(user, scenario, name):
        def drive():
            with sync_playwright() as playwright:
                chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                try:
                    context = chromium.new_context(locale="zh-CN", timezone_id="Asia/Shanghai",
                                                   viewport={"width": 1366, "height": 900})
                    context.set_default_timeout(TIMEOUT_MS)
                    page = context.new_page()
                    page.on("dialog", lambda dialog: dialog.accept())  # the confirmations of a step move
                    try:
                        log_in(page, live_server.url, user.username)
                        page.wait_for_url(f"{live_server.url}/")
                        scenario(page, live_server.url)
                    finally:
                        screenshot(page, f"{request.node.name}-{name}")
                finally:
                    chromium.close()

        with ThreadPoolExecutor(max_workers=1) as pool:
            pool.submit(drive).result()

    return run


@pytest.fixture
def team_of_ten(cycle, leader, team, agent_person):
    """张三 (1001) joined in March 2026: under a year at R. Nine colleagues applied for 1 star already (N = 10: quota 3)."""
    agent_person.hotline_start = agent_person.job_type_start = D(2026, 3, 1)
    agent_person.save()
    colleagues = [person(team, f"10{n:02d}", start=D(2019 + n % 4, 3, 1)) for n in range(2, 11)]
    for n, found in enumerate(colleagues):
        scores(found, {"2026-09": str(90 + n)})
        apply(cycle, leader, found, 1)
    return colleagues


def test_the_cycle_in_the_browser(as_user, cycle, agent, leader, supervisor, team_of_ten):
    def agent_applies(page, base):
        page.locator("#sidebar").get_by_role("link", name="我的申报").click()
        expect(page.locator("h1")).to_contain_text("我的申报")
        expect(page.get_by_test_id("self-check").locator('[data-level="1"]')).to_contain_text("不足一年")
        page.get_by_role("radio", name="一星").check()
        page.get_by_role("button", name="提交申报").click()
        expect(page.get_by_test_id("verdict")).to_have_text("不符合申报条件")
        reasons = page.get_by_test_id("my-reasons")
        expect(reasons.locator('[data-rule="E1"][data-passed="no"]')).to_contain_text("入职服务热线 7 个月，不足一年")
        expect(reasons.locator('[data-rule="E8"][data-passed="yes"]')).to_be_visible()
        screenshot(page, "cycle-agent-sees-why")

    as_user(agent, agent_applies, "agent")
    mine = Application.objects.get(person__staff_no="1001")
    assert not mine.eligible

    def supervisor_closes_applications(page, base):
        page.locator("#sidebar").get_by_role("link", name="年度评定").click()
        page.get_by_role("link", name="2026").first.click()
        expect(page.get_by_test_id("quotas")).to_contain_text("按当前数据预计")
        page.get_by_role("button", name="截止申报，开始班长推荐").click()
        expect(page.locator('[data-step="leader_check"]')).to_have_attribute("aria-current", "step")
        expect(page.get_by_test_id("quotas")).to_contain_text("名额依据已保存：基准日在岗 10 人")
        expect(page.get_by_test_id("quota-1")).to_have_text("3")
        screenshot(page, "cycle-supervisor-after-closing")

    as_user(supervisor, supervisor_closes_applications, "supervisor-close")

    def leader_flags_and_recommends(page, base):
        page.goto(f"{base}/cycle/2026/applications/{mine.pk}/")
        expect(page.get_by_test_id("verdict")).to_have_text("不符合申报条件")
        flag = page.get_by_test_id("flag-card")
        flag.get_by_label("推荐“表现突出”").check()
        flag.get_by_label("推荐理由").fill("入职半年业务考核均在 95 分以上，获客户书面表扬 3 次")
        flag.get_by_role("button", name="保存推荐").click()
        expect(page.get_by_test_id("verdict")).to_have_text("符合申报条件")
        expect(page.get_by_test_id("reasons")).to_contain_text("班长推荐表现突出：入职半年业务考核均在 95 分以上")
        page.get_by_role("link", name="申报", exact=True).click()
        expect(page.get_by_test_id("review-hint")).to_contain_text("还有 10 份待审核")
        for staff_no in ["1001"] + [f"10{n:02d}" for n in range(2, 11)]:
            if staff_no == "1005":
                continue
            page.get_by_test_id(f"confirm-{staff_no}").click()
            expect(page.locator(".alert-success")).to_contain_text("已保存审核结果")
            page.get_by_role("link", name="申报", exact=True).click()
        page.goto(f"{base}/cycle/2026/applications/{Application.objects.get(person__staff_no='1005').pk}/")
        review = page.get_by_test_id("review-card")
        review.get_by_role("radio", name="不推荐").check()
        review.get_by_label("理由").fill("本月有一次有理投诉，待整改")
        review.get_by_role("button", name="保存审核").click()
        expect(page.get_by_test_id("review-card")).to_contain_text("不推荐")
        page.get_by_role("link", name="申报", exact=True).click()
        screenshot(page, "cycle-leader-reviewed")

    as_user(leader, leader_flags_and_recommends, "leader")
    assert Application.objects.filter(review_status=ReviewStatus.PENDING, eligible=True).count() == 0

    def supervisor_sees_the_list(page, base):
        page.goto(f"{base}/cycle/2026/recommendation/")
        level1 = page.get_by_test_id("list-1")
        expect(level1.locator("tbody tr")).to_have_count(3)
        # Q3: by the preliminary rating, highest first: 1010 (98), 1009 (97), 1008 (96)
        expect(level1.locator("tbody tr").nth(0)).to_have_attribute("data-staff-no", "1010")
        expect(level1.locator("tbody tr").nth(2)).to_have_attribute("data-staff-no", "1008")
        expect(page.get_by_test_id("not-recommended")).to_contain_text("1星名额 3 人已满")
        expect(page.get_by_test_id("quota-basis")).to_contain_text("基准日在岗 10 人 × 30% = 3 人")
        screenshot(page, "cycle-supervisor-list-preview")
        page.get_by_role("button", name="确定推荐名单，开始业务考核").click()
        expect(page.get_by_test_id("list-final")).to_be_visible()
        expect(page.get_by_test_id("list-1").locator("tbody tr")).to_have_count(3)

    as_user(supervisor, supervisor_sees_the_list, "supervisor-list")
    cycle.refresh_from_db()
    assert cycle.step == Step.ASSESSMENT
    assert list(Recommendation.objects.filter(level=1).order_by("position").values_list("person__staff_no", flat=True)) == [
        "1010", "1009", "1008"]


def test_the_supervisor_opens_the_cycle_and_the_agent_finds_it_open(as_user, policy_2026, supervisor, agent):
    from stardesk.cycle.models import Cycle

    def supervisor_opens(page, base):
        page.locator("#sidebar").get_by_role("link", name="年度评定").click()
        form = page.get_by_test_id("open-cycle")
        # R outside the year is refused with its reason, nothing opened (Y3)
        form.get_by_label("评定年度").fill("2026")
        form.get_by_label("资格审核基准日").fill("2025-12-31")
        form.get_by_role("button", name="开始评定").click()
        expect(page.get_by_test_id("open-cycle")).to_contain_text("不在 2026 年内")
        form = page.get_by_test_id("open-cycle")
        form.get_by_label("资格审核基准日").fill("2026-09-30")
        form.get_by_role("button", name="开始评定").click()
        expect(page.locator(".alert-success")).to_contain_text("已开始 2026 年度星级评定")
        expect(page.locator('[data-step="application"]')).to_have_attribute("aria-current", "step")

    as_user(supervisor, supervisor_opens, "supervisor-open")
    assert Cycle.objects.get(year=2026).reference_date == D(2026, 9, 30)

    def agent_finds_it_open(page, base):
        page.locator("#sidebar").get_by_role("link", name="我的申报").click()
        expect(page.get_by_test_id("open-cycle")).to_contain_text("2026 年度星级评定 · 个人申报中（资格审核基准日 2026-09-30）")

    as_user(agent, agent_finds_it_open, "agent-open")
