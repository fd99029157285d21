"""In a real browser: the leader fills the week grid by keyboard and hands in the month;
the supervisor returns the register once, then accepts it (M1, M3, R1, R2)."""
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from stardesk.assessment.models import MonthlyScore, Register, RegisterState, WeeklyEvaluation
from stardesk.assessment.weeks import weeks_of_month
from stardesk.policy.conventions import Month
from stardesk.policy.yearly import YearlyPolicy, policy_to_dict
from stardesk.yearly_policy.models import CyclePolicy
from tests.browser.conftest import browser, log_in_as, page, screenshot  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser


@pytest.fixture
def last_month(hotline):
    """Last month, whatever today is, with the hotline's policy for its year (R1 deadline day 5)."""
    month = Month.of(timezone.localdate()).prev()
    CyclePolicy.objects.create(hotline=hotline, year=month.year, data=policy_to_dict(YearlyPolicy()), revision=1)
    return month


def test_leader_fills_the_week_by_keyboard_hands_in_the_month_and_the_supervisor_returns_then_accepts(
    page, log_in_as, live_server, users, team, agent_person, colleague, last_month  # noqa: F811
):
    first_week = weeks_of_month(last_month)[0]
    log_in_as("leader")
    page.locator("#sidebar").get_by_role("link", name="周考评").click()
    page.get_by_role("link", name="上月").click()
    expect(page.get_by_test_id("week-list")).to_contain_text(f"{first_week.year}年第{first_week.week}周")
    page.get_by_test_id("week-list").get_by_role("link").first.click()
    expect(page.get_by_test_id("week-status")).to_have_text("未录入")

    # typed by keyboard only: score, Enter, next score (one bad), Enter on to the comments, Ctrl+Enter saves
    expect(page.locator(f'input[name="score-{agent_person.pk}"]')).to_be_focused()
    page.keyboard.type("95")
    page.keyboard.press("Enter")
    expect(page.locator(f'input[name="score-{colleague.pk}"]')).to_be_focused()
    page.keyboard.type("101")
    page.keyboard.press("Enter")
    expect(page.locator(f'input[name="comment-{agent_person.pk}"]')).to_be_focused()
    page.keyboard.type("服务热情")
    page.keyboard.press("Control+Enter")
    page.wait_for_load_state()
    expect(page.locator(".invalid-feedback")).to_have_text("得分须为 0–100 之间的数字，最多一位小数")
    screenshot(page, "assessment_week_grid_bad_cell")
    assert not WeeklyEvaluation.objects.exists()

    page.locator(f'input[name="score-{colleague.pk}"]').click()
    page.keyboard.press("Control+a")
    page.keyboard.type("92.5")
    page.keyboard.press("ArrowUp")
    expect(page.locator(f'input[name="score-{agent_person.pk}"]')).to_be_focused()
    page.keyboard.press("Control+Enter")
    page.wait_for_load_state()
    expect(page.get_by_test_id("week-status")).to_have_text("已录入 2/2")
    expect(page.locator(f'input[name="score-{colleague.pk}"]')).to_have_value("92.5")
    screenshot(page, "assessment_week_grid_saved")
    assert sorted(str(s) for s in WeeklyEvaluation.objects.values_list("score", flat=True)) == ["92.5", "95.0"]

    # the month: confirm the scores, then hand in the register
    page.get_by_test_id("month-link").click()
    expect(page.get_by_test_id("register-status")).to_be_visible()
    page.get_by_test_id("confirm-month").click()
    expect(page.get_by_test_id("confirmed-count")).to_have_text("已确认 2/2")
    page.get_by_test_id("submit-register").click()
    expect(page.get_by_test_id("register-status")).to_have_text("已提交")
    screenshot(page, "assessment_month_submitted")
    month_url = page.url

    # the supervisor sees it among the registers and returns it with a reason
    page.get_by_test_id("logout").click()
    log_in_as("supervisor")
    page.locator("#sidebar").get_by_role("link", name="登记表").click()
    row = page.locator('tr[data-team="一班"]')
    expect(row).to_contain_text("已提交")
    screenshot(page, "assessment_registers_overview")
    row.get_by_role("link", name="审核").click()
    page.get_by_label("退回原因").fill("请为张三补充月度扣分原因")
    page.get_by_test_id("return-register").click()
    expect(page.get_by_test_id("register-status")).to_have_text("已退回")
    assert Register.objects.get().state == RegisterState.RETURNED

    # the leader sees why, adds a deduction with its reason and hands it in again
    page.get_by_test_id("logout").click()
    log_in_as("leader")
    page.goto(month_url)
    expect(page.get_by_test_id("return-reason")).to_contain_text("请为张三补充月度扣分原因")
    page.locator(f'input[name="deduction-{agent_person.pk}"]').fill("1.5")
    page.locator(f'input[name="reason-{agent_person.pk}"]').fill("迟到一次")
    page.get_by_test_id("confirm-month").click()
    expect(page.get_by_test_id("final-1001")).to_have_text("93.5")
    page.get_by_test_id("submit-register").click()
    expect(page.get_by_test_id("register-status")).to_have_text("已提交")

    # the supervisor accepts: the month is locked
    page.get_by_test_id("logout").click()
    log_in_as("supervisor")
    page.goto(month_url)
    page.get_by_test_id("accept-register").click()
    expect(page.get_by_test_id("register-status")).to_have_text("已接收")
    expect(page.locator(".alert-success").last).to_contain_text("已锁定")
    screenshot(page, "assessment_month_accepted")
    page.get_by_test_id("print-link").click()
    expect(page.get_by_test_id("register-sheet")).to_contain_text("星级客服人员绩效考核登记表")
    screenshot(page, "assessment_register_print")
    register = Register.objects.get()
    assert register.state == RegisterState.ACCEPTED and register.accepted_by == users["supervisor"]
    assert MonthlyScore.objects.get(person=agent_person).score == MonthlyScore.objects.get(person=agent_person).computed_score
    assert str(MonthlyScore.objects.get(person=agent_person).score) == "93.5"
