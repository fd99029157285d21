"""Issue #4's acceptance walk on the demo data itself (demo.daily_records), in a real browser, whatever today is:
leader1 fills the whole team's current week by keyboard and hands in last month (R1); the supervisor returns it
once with a reason, leader1 hands it in again, the supervisor accepts it (R2) and downloads the 月度星级待遇 sheet
(M4) with the headers of workbook.md and an amount on every decided line."""
import io

import openpyxl
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from stardesk.assessment.models import Register, RegisterState, WeeklyEvaluation
from stardesk.assessment.queries import week_members
from stardesk.assessment.weeks import IsoWeek
from stardesk.demo import hotline_builder
from stardesk.payouts import allowance_export
from stardesk.people.models import Team
from stardesk.policy.conventions import Month
from tests.browser.conftest import browser, log_in, page, screenshot  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser


@pytest.fixture
def demo(transactional_db):
    """A one-hotline demo of 60 agents (four teams of about fifteen), built as the demo command does."""
    return hotline_builder.build_group(hotlines=1, agents_per_hotline=60)


def sign_in(page, live_server, username):  # noqa: F811
    log_in(page, live_server.url, username, hotline_builder.DEMO_PASSWORD)
    page.wait_for_url(f"{live_server.url}/")


def test_leader1_enters_the_week_hands_in_last_month_and_the_supervisor_returns_accepts_and_downloads(
    page, live_server, demo  # noqa: F811
):
    today = timezone.localdate()
    week, last_month = IsoWeek.of(today), Month.of(today).prev()
    team = Team.objects.get(leader__username="leader1")
    members = list(week_members(team, week))
    assert len(members) >= 10

    # leader1 opens this week from the sidebar: nobody is entered yet
    sign_in(page, live_server, "leader1")
    page.locator("#sidebar").get_by_role("link", name="周考评").click()
    if week.month != Month.of(today):
        page.get_by_role("link", name="下月").click()
    page.get_by_test_id("week-list").get_by_role("link").filter(has_text="本周").click()
    expect(page.get_by_test_id("week-status")).to_have_text("未录入")

    # the whole team by keyboard: a score, Enter to the next; Ctrl+Enter saves
    expect(page.locator(f'input[name="score-{members[0].pk}"]')).to_be_focused()
    for n, person in enumerate(members):
        expect(page.locator(f'input[name="score-{person.pk}"]')).to_be_focused()
        page.keyboard.type(f"{92 + n % 8}.5")
        if n < len(members) - 1:
            page.keyboard.press("Enter")
    screenshot(page, "demo_walk_week_typed")
    page.keyboard.press("Control+Enter")
    page.wait_for_load_state()
    expect(page.get_by_test_id("week-status")).to_have_text(f"已录入 {len(members)}/{len(members)}")
    screenshot(page, "demo_walk_week_saved")
    assert WeeklyEvaluation.objects.filter(team=team, week_start=week.monday).count() == len(members)

    # last month: every week is entered; confirm the scores and hand the register in
    page.locator("#sidebar").get_by_role("link", name="月度考核").click()
    page.get_by_test_id("month-list").get_by_role("link", name=f"{last_month.year}年{last_month.month}月").click()
    expect(page.get_by_test_id("confirmed-count")).to_have_text(f"已确认 0/{len(members)}")
    page.get_by_test_id("confirm-month").click()
    expect(page.get_by_test_id("confirmed-count")).to_have_text(f"已确认 {len(members)}/{len(members)}")
    screenshot(page, "demo_walk_month_confirmed")
    page.get_by_test_id("submit-register").click()
    expect(page.get_by_test_id("register-status")).to_have_text("已提交")
    month_url = page.url

    # the supervisor finds it among last month's registers and returns it once, with a reason
    page.get_by_test_id("logout").click()
    sign_in(page, live_server, "supervisor")
    page.locator("#sidebar").get_by_role("link", name="登记表").click()
    row = page.locator(f'tr[data-team="{team.name}"]')
    expect(row).to_contain_text("已提交")
    screenshot(page, "demo_walk_registers")
    row.get_by_role("link", name="审核").click()
    page.get_by_label("退回原因").fill("请核对本月被有理投诉的人员的扣分说明")
    page.get_by_test_id("return-register").click()
    expect(page.get_by_test_id("register-status")).to_have_text("已退回")

    # leader1 reads why and hands it in again
    page.get_by_test_id("logout").click()
    sign_in(page, live_server, "leader1")
    page.goto(month_url)
    expect(page.get_by_test_id("return-reason")).to_contain_text("请核对本月被有理投诉的人员的扣分说明")
    page.get_by_test_id("submit-register").click()
    expect(page.get_by_test_id("register-status")).to_have_text("已提交")

    # the supervisor accepts: the month is locked and its allowance computed
    page.get_by_test_id("logout").click()
    sign_in(page, live_server, "supervisor")
    page.goto(month_url)
    page.get_by_test_id("accept-register").click()
    expect(page.get_by_test_id("register-status")).to_have_text("已接收")
    screenshot(page, "demo_walk_month_accepted")
    assert Register.objects.get(team=team, month=last_month.first_day).state == RegisterState.ACCEPTED

    # the 月度星级待遇 page of last month, and its sheet for payroll
    page.locator("#sidebar").get_by_role("link", name="月度星级待遇").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("line-table")).to_contain_text(team.name)
    screenshot(page, "demo_walk_allowance")
    with page.expect_download() as download:
        page.get_by_test_id("export-xlsx").click()
    assert download.value.suggested_filename == f"月度星级待遇_{team.hotline.name}_{last_month}.xlsx"
    sheet = openpyxl.load_workbook(io.BytesIO(open(download.value.path(), "rb").read())).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == list(allowance_export.HEADERS) == ["工号", "姓名", "班组", "星级", "月度得分", "系数", "金额", "依据"]
    mine = [r for r in rows[1:] if r[2] == team.name]
    assert mine and all(isinstance(r[6], (int, float)) and r[7].startswith("M") for r in mine)
    assert any("M5" in r[7] for r in mine)  # last month's justified complaint lowered one holder (M4 step 3)
