"""Logging in, as a person at a browser would: Chinese screens, one sidebar per role, lockout."""
import re

import pytest
from playwright.sync_api import expect

from stardesk.accounts.models import Role
from tests.browser.conftest import log_in, screenshot

pytestmark = pytest.mark.browser

BOOTSTRAP_PRIMARY = "rgb(13, 110, 253)"


def test_login_page_renders_in_chinese_with_its_styles(page, live_server):
    page.goto(f"{live_server.url}/login/")

    expect(page).to_have_title(re.compile("登录"))
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    expect(page.locator("h1")).to_contain_text("星级客服评定系统")
    expect(page.get_by_label("用户名")).to_be_visible()
    expect(page.get_by_label("密码")).to_be_visible()
    submit = page.get_by_role("button", name="登录")
    expect(submit).to_be_visible()
    # Bootstrap is served locally: the button has its primary colour only if the CSS loaded.
    assert submit.evaluate("el => getComputedStyle(el).backgroundColor") == BOOTSTRAP_PRIMARY


def test_wrong_password_shows_a_chinese_error_and_stays_logged_out(page, live_server, supervisor):
    log_in(page, live_server.url, supervisor.username, "not-the-password")

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("请输入一个正确的")
    expect(alert).to_contain_text("密码")
    assert page.url.startswith(f"{live_server.url}/login/")
    expect(page.get_by_test_id("current-user")).to_have_count(0)


# What each role must and must not find in its sidebar.
SIDEBARS = {
    Role.AGENT: (["首页"], ["人员名册", "班组", "数据导入", "审计记录", "账号管理", "热线"]),
    Role.LEADER: (["首页", "人员名册", "班组"], ["数据导入", "审计记录", "账号管理", "热线"]),
    Role.SUPERVISOR: (["首页", "人员名册", "班组", "数据导入", "账号管理", "审计记录"], ["热线"]),
    Role.COMMITTEE: (["首页", "人员名册", "班组"], ["数据导入", "审计记录", "账号管理", "热线"]),
    Role.ADMIN: (["首页", "人员名册", "班组", "热线", "数据导入", "账号管理", "审计记录"], []),
}


def entry(label: str) -> re.Pattern:
    """A sidebar link's accessible name is its icon glyph, then its label."""
    return re.compile(rf"(^|\s){re.escape(label)}$")


@pytest.mark.parametrize("role", list(SIDEBARS))
def test_each_role_logs_in_and_sees_its_own_sidebar(role, page, log_in_as, users):
    log_in_as(role)

    expect(page.get_by_test_id("current-user")).to_contain_text(str(Role(role).label))
    sidebar = page.locator("#sidebar")
    present, absent = SIDEBARS[role]
    for label in present:
        expect(sidebar.get_by_role("link", name=entry(label))).to_be_visible()
    for label in absent:
        expect(sidebar.get_by_role("link", name=entry(label))).to_have_count(0)


def test_five_failed_attempts_lock_the_account_with_a_chinese_page(page, live_server, supervisor):
    for attempt in range(1, 5):
        log_in(page, live_server.url, supervisor.username, f"wrong-{attempt}")
        expect(page.get_by_role("alert")).to_contain_text("请输入一个正确的")

    log_in(page, live_server.url, supervisor.username, "wrong-5")
    expect(page.locator("h1")).to_have_text("登录失败次数过多")
    expect(page.locator("body")).to_contain_text("请 15 分钟后再试")
    screenshot(page, "test_login_lockout_after_five_failures")

    # Locked means locked: even the right password is refused now.
    log_in(page, live_server.url, supervisor.username)
    expect(page.locator("h1")).to_have_text("登录失败次数过多")
    page.goto(f"{live_server.url}/")
    assert page.url.startswith(f"{live_server.url}/login/")


def test_lockout_is_per_account(page, live_server, supervisor, committee):
    for attempt in range(5):
        log_in(page, live_server.url, supervisor.username, f"wrong-{attempt}")
    expect(page.locator("h1")).to_have_text("登录失败次数过多")

    log_in(page, live_server.url, committee.username)
    page.wait_for_url(f"{live_server.url}/")
    expect(page.get_by_test_id("current-user")).to_contain_text("评定委员会")
