"""In a real browser: the supervisor accepts last month's register, finds the month's allowance with its 依据,
downloads the 月度星级待遇 sheet, and opens a holder's trend chart (M4, R2, M7)."""
import io
from decimal import Decimal as D

import openpyxl
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from stardesk.assessment import services as assessment
from stardesk.payouts.models import AllowanceLine
from stardesk.policy.conventions import Month
from tests.browser.conftest import browser, log_in_as, page, screenshot  # noqa: F401 (fixtures)
from tests.payouts.conftest import hold, set_policy, shanghai

pytestmark = pytest.mark.browser


@pytest.fixture
def handed_in(hotline, leader, team, agent_person, colleague):
    """Last month (whatever today is), handed in by the leader: 张三 holds 2 stars and scored 90.5, 李四 96;
    the months before are scored too, so the trend has a line."""
    month = Month.of(timezone.localdate()).prev()
    for year in {month.year, month.plus(-3).year}:
        set_policy(hotline, year)
    hold(agent_person, 2, start=month.plus(-4).first_day)
    for back, (a, b) in enumerate((("97", "95"), ("93.5", "96"), ("98", "94"))):
        earlier = month.plus(-(3 - back))
        assessment.month_confirm(actor=leader, team=team, month=earlier, lines=[
            assessment.MonthLine(agent_person.pk, entered_score=a), assessment.MonthLine(colleague.pk, entered_score=b)
        ])
    assessment.month_confirm(actor=leader, team=team, month=month, lines=[
        assessment.MonthLine(agent_person.pk, entered_score="90.5"), assessment.MonthLine(colleague.pk, entered_score="96")
    ])
    after = month.next()
    assessment.register_submit(actor=leader, team=team, month=month, at=shanghai(after.year, after.month, 3, 9, 0))
    return month


def test_supervisor_accepts_the_month_and_downloads_the_allowance_sheet(page, log_in_as, live_server, users, team, handed_in):  # noqa: F811
    month = handed_in
    log_in_as("supervisor")
    page.goto(f"{live_server.url}/assessment/months/{team.pk}/{month}/")
    page.get_by_test_id("accept-register").click()
    page.wait_for_load_state()
    expect(page.get_by_text("登记表已接收，本月得分已锁定。")).to_be_visible()

    # the month's allowance, found from the sidebar
    page.locator("#sidebar").get_by_role("link", name="月度星级待遇").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("month-complete")).to_be_visible()
    expect(page.get_by_test_id("amount-1001")).to_have_text("181.00")
    expect(page.get_by_test_id("basis-1001")).to_have_text("M4: 90.5分, 2星基数200元 × 90.5% = 181.00元")
    expect(page.get_by_test_id("total-amount")).to_have_text("181.00")
    screenshot(page, "payouts_month_after_acceptance")

    with page.expect_download() as download:
        page.get_by_test_id("export-xlsx").click()
    assert download.value.suggested_filename == f"月度星级待遇_有线电视服务热线_{month}.xlsx"
    sheet = openpyxl.load_workbook(io.BytesIO(open(download.value.path(), "rb").read())).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert rows[0] == ["工号", "姓名", "班组", "星级", "月度得分", "系数", "金额", "依据"]
    assert rows[1][:7] == ["1001", "张三", "一班", 2, 90.5, "90.5%", 181]
    assert AllowanceLine.objects.get().amount == D("181.00")

    # the holder's trend: four months of scores with the M4 bands
    page.get_by_role("link", name="1001").click()
    page.wait_for_load_state()
    chart = page.get_by_test_id("trend-chart")
    expect(chart).to_have_attribute("data-drawn", "1")
    expect(chart.locator("canvas")).to_have_count(1)
    expect(page.get_by_test_id("person-lines")).to_contain_text("181.00")
    screenshot(page, "payouts_person_trend")


def test_an_agent_sees_their_own_allowance_and_why(page, log_in_as, live_server, users, supervisor, team, handed_in):  # noqa: F811
    from stardesk.assessment.models import Register

    assessment.register_accept(actor=supervisor, register=Register.objects.get(team=team, month=handed_in.first_day))
    log_in_as("agent")
    page.locator("#sidebar").get_by_role("link", name="我的星级待遇").click()
    page.wait_for_load_state()
    expect(page.get_by_test_id("person-lines")).to_contain_text("M4: 90.5分, 2星基数200元 × 90.5% = 181.00元")
    expect(page.get_by_test_id("trend-chart")).to_have_attribute("data-drawn", "1")
    screenshot(page, "payouts_agent_own_lines")
