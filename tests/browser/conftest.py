"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live_server.

Every test that takes `page` leaves a screenshot of its last screen in
test-artifacts/screenshots/<test>.png; `screenshot(page, name)` saves one
of any moment in between.
"""
import os
import re
from contextlib import contextmanager
from pathlib import Path

import pytest

# Playwright's sync API keeps an event loop in the test thread; Django refuses
# ORM calls from such a thread unless told that no request is served there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from django.conf import settings  # noqa: E402
from django.core.servers.basehttp import WSGIServer  # noqa: E402
from django.test.testcases import LiveServerThread  # noqa: E402
from playwright.sync_api import sync_playwright  # noqa: E402

from tests.conftest import PASSWORD  # noqa: E402

if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # The in-memory test database is one connection that the live server shares with the test;
    # served from several threads at once, a read still open in one thread makes another's write
    # fail with "database table is locked". One request at a time, as on SQLite in production.
    class OneRequestAtATime(WSGIServer):
        def __init__(self, *args, connections_override=None, **kwargs):
            super().__init__(*args, **kwargs)  # requests run in the server thread, which has the connection

    LiveServerThread.server_class = OneRequestAtATime

CHROMIUM = os.environ.get("STARDESK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
TIMEOUT_MS = 15_000


def screenshot(page, name: str) -> Path:
    """Save the page as test-artifacts/screenshots/<name>.png (full page)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{re.sub(r'[^A-Za-z0-9_.-]+', '-', name).strip('-')}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


# One Playwright and one Chromium per test process: two sync Playwrights cannot run in one
# thread, and test modules elsewhere import these fixtures (each import is its own
# session fixture), so they all share this one and the last to finish closes it.
_shared: dict = {"users": 0}


@pytest.fixture(scope="session")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: run `bash scripts/setup.sh` (installs Debian's chromium)")
    if _shared["users"] == 0:
        _shared["playwright"] = sync_playwright().start()
        _shared["chromium"] = _shared["playwright"].chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    _shared["users"] += 1
    yield _shared["chromium"]
    _shared["users"] -= 1
    if _shared["users"] == 0:
        _shared.pop("chromium").close()
        _shared.pop("playwright").stop()


@pytest.fixture
def page(browser, live_server, request):
    """A fresh Chinese-speaking browser tab; its last screen is saved when the test ends."""
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 800})
    context.set_default_timeout(TIMEOUT_MS)
    tab = context.new_page()
    yield tab
    try:
        screenshot(tab, request.node.name)
    finally:
        context.close()


@contextmanager
def htmx_redraw(page, path: str):
    """Wrap an action whose htmx swap (a request to ``path``) must have settled before the next step:
    new elements get their htmx behaviour only once the swap settles, so acting on them earlier is lost."""
    page.evaluate("""path => { window.__stardeskSettled = new Promise(done => {
        const seen = e => { if ((e.detail.xhr?.responseURL || "").includes(path)) {
            document.body.removeEventListener("htmx:afterSettle", seen); done(); } };
        document.body.addEventListener("htmx:afterSettle", seen); }); }""", path)
    yield
    page.evaluate("() => window.__stardeskSettled.then(() => true)")


def log_in(page, base_url: str, username: str, password: str = PASSWORD):
    """Fill in the login form and submit it; returns the page on whatever screen follows."""
    page.goto(f"{base_url}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(password)
    with page.expect_navigation():
        page.get_by_role("button", name="登录").click()
    return page


@pytest.fixture
def log_in_as(page, live_server, request):
    """log_in_as("supervisor") (a role of the `users` fixture) or log_in_as(user): lands on the home page."""

    def _log_in_as(who, password: str = PASSWORD):
        user = request.getfixturevalue("users")[who] if isinstance(who, str) else who
        log_in(page, live_server.url, user.username, password)
        page.wait_for_url(f"{live_server.url}/")
        return page

    return _log_in_as
