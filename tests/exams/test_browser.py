"""In the browser: an agent takes an exam, reloads half way and finds the saved answers and the server's remaining
time, and the timer hands the paper in at zero."""
import datetime
import re

import pytest
from django.utils import timezone

from stardesk.exams.models import Attempt, AttemptStatus, EndedBy, QuestionType
from tests.browser.conftest import browser, log_in_as, page, screenshot  # noqa: F401  (fixtures)

from .conftest import items_by_type

pytestmark = pytest.mark.browser


def _clock_seconds(page) -> int:
    minutes, seconds = page.get_by_test_id("exam-clock").inner_text().strip().split(":")[-2:]
    return int(minutes) * 60 + int(seconds)


def _number_of(attempt, answer) -> int:
    return attempt.item_order.index(answer.item_id) + 1


def test_an_agent_takes_an_exam_reloads_half_way_and_the_timer_hands_in_at_zero(page, log_in_as, live_server, sitting):  # noqa: F811
    # the agent finds the exam under 我的考试 and starts it
    log_in_as("agent")
    page.locator("#sidebar").get_by_role("link", name="我的考试").click()
    page.get_by_test_id("start-exam").click()
    screenshot(page, "exams-start")
    page.get_by_test_id("begin-exam").click()
    page.get_by_test_id("exam-clock").wait_for()
    attempt = Attempt.objects.get()
    assert 29 * 60 <= _clock_seconds(page) <= 30 * 60
    found = items_by_type(attempt)

    # answers a single choice, a multiple choice and a fill-in; each is saved as it is given
    single, multiple, fill = found[QuestionType.SINGLE][0], found[QuestionType.MULTIPLE][0], found[QuestionType.FILL_IN][0]
    n_single, n_multiple, n_fill = (_number_of(attempt, a) for a in (single, multiple, fill))
    item = page.get_by_test_id(f"exam-item-{n_single}")
    item.locator(f"input[value='{single.item.version.answer}']").check()
    page.get_by_test_id(f"item-state-{n_single}").filter(has_text="已保存").wait_for()
    box = page.get_by_test_id(f"exam-item-{n_multiple}")
    box.locator("input[value='A']").check()
    box.locator("input[value='B']").check()
    blanks = page.get_by_test_id(f"exam-item-{n_fill}").locator("input[type=text]")
    blanks.nth(0).fill("ＣＡＴＶ")
    blanks.nth(1).fill("stb ")
    page.get_by_test_id(f"item-state-{n_fill}").filter(has_text="已保存").wait_for()
    page.get_by_test_id("exam-save-state").filter(has_text="答案已全部保存").wait_for()
    assert "已答 3 /" in page.get_by_test_id("answered-count").inner_text()
    screenshot(page, "exams-answering")

    # ten minutes pass on the server's clock; the agent reloads
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() + datetime.timedelta(minutes=20))
    page.reload()
    page.get_by_test_id("exam-clock").wait_for()
    assert 19 * 60 - 5 <= _clock_seconds(page) <= 20 * 60
    assert page.get_by_test_id(f"exam-item-{n_single}").locator(f"input[value='{single.item.version.answer}']").is_checked()
    assert page.get_by_test_id(f"exam-item-{n_multiple}").locator("input[value='B']").is_checked()
    assert blanks.nth(0).input_value() == "ＣＡＴＶ" and blanks.nth(1).input_value() == "stb "
    assert re.search(r"已保存 \d\d:\d\d:\d\d", page.get_by_test_id(f"item-state-{n_single}").inner_text())
    screenshot(page, "exams-after-reload")

    # leaving the page is logged, nothing more
    # (one report at a time: the test database, SQLite in memory, cannot take two writers at once)
    page.evaluate("window.dispatchEvent(new Event('blur'))")
    page.wait_for_timeout(800)
    page.evaluate("window.dispatchEvent(new Event('focus'))")
    page.wait_for_timeout(800)

    # the clock runs out: four seconds left on the server
    Attempt.objects.filter(pk=attempt.pk).update(deadline=timezone.now() + datetime.timedelta(seconds=4))
    page.reload()
    page.get_by_test_id("exam-clock").wait_for()
    assert _clock_seconds(page) <= 4
    screenshot(page, "exams-last-seconds")
    page.wait_for_url(f"{live_server.url}/exams/attempts/{attempt.pk}/", wait_until="load")
    page.get_by_test_id("awaiting-release").wait_for(timeout=15_000)
    attempt.refresh_from_db()
    assert (attempt.status, attempt.ended_by) == (AttemptStatus.SUBMITTED, EndedBy.TIMER)
    # graded at submission: the single choice (4), the fill-in (10), a correct-but-incomplete multiple choice (2.5)
    key = set(multiple.item.version.answer)
    expected_multiple = 5 if key == {"A", "B"} else 2.5 if {"A", "B"} < key else 0
    assert float(attempt.auto_score) == 4 + 10 + expected_multiple
    assert attempt.focus_losses == 1
    assert "答案：" not in page.content()  # the key stays hidden until the results are released
    screenshot(page, "exams-handed-in-by-the-timer")
