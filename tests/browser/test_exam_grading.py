"""In the browser: an examiner scores the skills part, the supervisor releases the results, a failed candidate
sees the cascade offer (X3, X6); a wrong key corrected after the sitting with a dry run and a commit; a grade
corrected after the release the same way; a spoken answer recorded in the browser and played back on the grading page."""
import re

import pytest
from playwright.sync_api import expect

from stardesk.exams.models import Grade, Invitation, InvitedHow, KeyCorrection, QuestionType, SittingResult
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, TIMEOUT_MS, log_in, screenshot
from tests.exams.conftest import make_question, make_sitting, media_root, policy_this_year  # noqa: F401  (fixtures)
from tests.exams.graded_sittings import one_star_sitting, skills_paper, skills_sitting  # noqa: F401  (fixtures)
from tests.exams.graded_sittings import answers_of, close, grade_all, release, sit

pytestmark = pytest.mark.browser


@pytest.fixture
def colleague_user(hotline, colleague):
    from tests.factories import UserFactory

    return UserFactory(username="colleague", role="agent", hotline=hotline, person=colleague)


def _grade_typing(page, card, speed_target="60"):
    form = card.get_by_test_id("typing-form")
    form.get_by_label("达标速度（字/分钟）").fill(speed_target)
    with page.expect_navigation():  # the card list is redrawn before the next item is picked
        form.get_by_test_id("typing-save").click()


def test_examiner_scores_skills_supervisor_releases_failed_candidate_sees_the_cascade(
    page, live_server, skills_sitting, one_star_sitting, agent, colleague_user, committee, supervisor
):
    # given 张三 (all singles right) and 李四 (none right) handed in; the sitting is closed
    sit(skills_sitting, agent, typed="您好，这里是有线电视服务热线，请问有什么可以帮您？", seconds=30)
    sit(skills_sitting, colleague_user, singles_right=0, typed="您好这里是", seconds=60)
    close(skills_sitting, supervisor)
    base = live_server.url

    # the examiner (a committee member) grades question by question
    log_in(page, base, committee.username)
    page.locator("#sidebar").get_by_role("link", name="阅卷").click()
    page.get_by_test_id("grading-sittings").get_by_role("link", name=skills_sitting.name).click()
    page.get_by_test_id("by-question").click()
    rows = page.get_by_test_id("grading-questions")
    # the typing test: the raw data are filled in from what the system measured; the examiner states the standard
    rows.locator("tr", has_text="打字").get_by_test_id("grade-question").click()
    expect(page.get_by_test_id("grading-item")).to_have_count(2)
    for _ in range(2):
        card = page.get_by_test_id("grading-item").filter(has=page.get_by_test_id("ungraded")).first
        expect(card.get_by_test_id("typing-raw")).to_contain_text("系统记录")
        _grade_typing(page, card)
    screenshot(page, "exam-grading-typing")
    # the spoken item on the Putonghua test's structure
    page.goto(f"{base}/exams/grading/sittings/{skills_sitting.pk}/?by=question")
    page.get_by_test_id("grading-questions").locator("tr", has_text="口试").get_by_test_id("grade-question").click()
    # cards come in the sitting's drawn candidate order, so each is found by its candidate's name
    for name, parts in (("张三", ("9", "18", "27", "36")), ("李四", ("6", "12", "18", "24"))):
        card = page.get_by_test_id("grading-item").filter(has=page.get_by_test_id("item-candidate").filter(has_text=name))
        form = card.get_by_test_id("language-form")
        form.locator("select").select_option("putonghua")
        group = form.locator('[data-rubric-group="putonghua"]')
        for field, value in zip(group.locator("input").all(), parts):
            field.fill(value)
        with page.expect_navigation():  # the card list is redrawn before the next item is picked
            form.get_by_test_id("language-save").click()
    screenshot(page, "exam-grading-language")
    # the short answers, with a plain score
    page.goto(f"{base}/exams/grading/sittings/{skills_sitting.pk}/?by=question")
    page.get_by_test_id("grading-questions").locator("tr", has_text="简答").get_by_test_id("grade-question").click()
    for name, score in (("张三", "8"), ("李四", "4")):
        card = page.get_by_test_id("grading-item").filter(has=page.get_by_test_id("item-candidate").filter(has_text=name))
        card.get_by_test_id("grade-form").get_by_label("得分").fill(score)
        with page.expect_navigation():  # the card list is redrawn before the next item is picked
            card.get_by_test_id("grade-save").click()
    assert Grade.objects.count() == 6
    page.goto(f"{base}/exams/grading/sittings/{skills_sitting.pk}/")
    expect(page.get_by_test_id("grading-candidates").locator(".badge")).to_have_count(0)  # nothing waits any more

    # the supervisor releases the results and offers the failed candidate the 1-star sitting
    page.get_by_test_id("logout").click()
    log_in(page, base, supervisor.username)
    page.locator("#sidebar").get_by_role("link", name="考试成绩").click()
    page.get_by_test_id("results-sittings").get_by_role("link", name=skills_sitting.name).click()
    expect(page.get_by_test_id("not-released")).to_be_visible()
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_test_id("release").click()
    expect(page.get_by_test_id("released")).to_be_visible()
    failed_row = page.get_by_test_id("result-table").locator('tr[data-person="1002"]')
    expect(failed_row.get_by_test_id("passed")).to_have_text("不合格")
    expect(page.get_by_test_id("result-table").locator('tr[data-person="1001"]').get_by_test_id("passed")).to_have_text("合格")
    page.get_by_test_id("cascade-form").get_by_label("补考场次").select_option(str(one_star_sitting.pk))
    page.get_by_test_id("cascade-offer").click()
    expect(failed_row.get_by_test_id("offers")).to_contain_text(one_star_sitting.name)
    screenshot(page, "exam-results-released-with-cascade")
    invitation = Invitation.objects.get(sitting=one_star_sitting)
    failed = SittingResult.objects.get(sitting=skills_sitting, person__staff_no="1002")
    assert (invitation.how, invitation.offered_after_id) == (InvitedHow.CASCADE, failed.attempt_id)

    # 李四 sees the result, the key of their answers, and the offer
    page.get_by_test_id("logout").click()
    log_in(page, base, colleague_user.username)
    page.locator("#sidebar").get_by_role("link", name="我的成绩").click()
    expect(page.get_by_test_id("my-passed")).to_have_text("不合格")
    expect(page.get_by_test_id("cascade-offer")).to_contain_text(f"邀请您参加「{one_star_sitting.name}」")
    page.get_by_test_id("my-result-link").click()
    expect(page.get_by_test_id("key").first).to_contain_text("答案：A")
    screenshot(page, "exam-my-result-with-key")


def test_a_wrong_key_corrected_after_the_sitting_dry_run_then_commit(page, live_server, skills_sitting, agent, colleague_user, supervisor):
    # given the first single choice's key is wrong (B is right): 张三 answered A everywhere, 李四 B first
    mine = sit(skills_sitting, agent)
    sit(skills_sitting, colleague_user, single_answers=["B", "A", "A", "A", "A"])
    close(skills_sitting, supervisor)
    grade_all(skills_sitting, supervisor, {QuestionType.SHORT_ANSWER: "10", QuestionType.TYPING: "40", QuestionType.SPEAKING: "45"})
    release(skills_sitting, supervisor)
    version = answers_of(mine)[QuestionType.SINGLE][0].item.version
    base = live_server.url

    log_in(page, base, supervisor.username)
    page.goto(f"{base}/exams/results/sittings/{skills_sitting.pk}/")
    page.get_by_test_id("regrade-link").click()
    page.get_by_label("试题").select_option(str(version.pk))
    page.get_by_label("更正后的答案").fill("B")
    page.get_by_label("更正原因").fill("标准答案印错，应为 B")
    page.get_by_test_id("regrade-dry-run").click()
    changes = page.get_by_test_id("dry-run-changes")
    expect(changes.locator("tr", has_text="1001").filter(has_text="成绩").first).to_contain_text("94.0")
    expect(changes.locator("tr", has_text="1002").filter(has_text="成绩").first).to_contain_text("94.0")
    screenshot(page, "exam-regrade-dry-run")
    assert not KeyCorrection.objects.exists()  # the dry run wrote nothing
    page.get_by_test_id("regrade-commit").click()
    expect(page.get_by_test_id("regrade-entry")).to_contain_text("标准答案印错，应为 B")
    expect(page.get_by_test_id("regrade-changes")).to_contain_text("86.0")
    screenshot(page, "exam-regrade-log")
    assert str(SittingResult.objects.get(attempt=mine).score) == "86.0"

    # 李四 (who answered B) sees the key in force, marked as corrected, and the regraded score
    page.get_by_test_id("logout").click()
    log_in(page, base, colleague_user.username)
    page.locator("#sidebar").get_by_role("link", name="我的成绩").click()
    page.get_by_test_id("my-result-link").click()
    expect(page.get_by_test_id("result-score")).to_have_text("94")
    card = page.locator("section", has_text=version.stem)  # items come in the agent's own order
    expect(card.get_by_test_id("key")).to_contain_text("答案：B")
    expect(card.get_by_test_id("corrected")).to_be_visible()
    expect(card.get_by_test_id("correction")).to_contain_text("标准答案印错，应为 B")
    screenshot(page, "exam-my-result-after-key-correction")


def test_an_examiner_corrects_a_released_spoken_grade_through_a_dry_run(page, live_server, skills_sitting, agent, colleague_user,
                                                                         committee, supervisor):
    # given released results: 张三's spoken item was scored 45 but the parts add up to 35
    mine = sit(skills_sitting, agent)
    sit(skills_sitting, colleague_user, single_answers=["B", "A", "A", "A", "A"])
    close(skills_sitting, supervisor)
    grade_all(skills_sitting, supervisor, {QuestionType.SHORT_ANSWER: "10", QuestionType.TYPING: "40", QuestionType.SPEAKING: "45"})
    release(skills_sitting, supervisor)
    base = live_server.url

    log_in(page, base, committee.username)
    page.goto(f"{base}/exams/grading/sittings/{skills_sitting.pk}/?by=question")
    page.get_by_test_id("grading-questions").locator("tr", has_text="口试").get_by_test_id("grade-question").click()
    # cards come in the sitting's drawn candidate order, so the card is found by its candidate's name
    card = page.get_by_test_id("grading-item").filter(has=page.get_by_test_id("item-candidate").filter(has_text="张三"))
    expect(card.get_by_test_id("grade-form")).to_have_count(0)  # released: no plain grading any more
    form = card.get_by_test_id("correction-form")
    form.get_by_label("更正后的得分").fill("35")
    form.get_by_label("更正原因").fill("口试分项相加有误，应为 35")
    with page.expect_navigation():
        form.get_by_test_id("correction-dry-run").click()
    changes = page.get_by_test_id("dry-run-changes")
    expect(changes.locator("tr", has_text="1001").filter(has_text="成绩").last).to_contain_text("90.0")
    screenshot(page, "exam-grade-correction-dry-run")
    assert str(SittingResult.objects.get(attempt=mine).score) == "94.0"  # the dry run changed nothing
    page.get_by_test_id("regrade-commit").click()
    expect(page.get_by_test_id("regrade-entry").first).to_contain_text("口试分项相加有误，应为 35")
    expect(page.get_by_test_id("regrade-dry-run-link").first).to_be_visible()
    screenshot(page, "exam-grade-correction-log")
    assert str(SittingResult.objects.get(attempt=mine).score) == "90.0"


def test_a_spoken_answer_recorded_in_the_browser_is_played_on_the_grading_page(browser, live_server, skills_sitting, agent, supervisor):
    # Chromium with a fake microphone (a steady tone), in its own browser so the shared one keeps its flags.
    recording_browser = browser.browser_type.launch(
        executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"])
    try:
        context = recording_browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1280, "height": 800})
        context.grant_permissions(["microphone"], origin=live_server.url)
        context.set_default_timeout(TIMEOUT_MS)
        page = context.new_page()
        attempt = sit(skills_sitting, agent, submit=False)
        log_in(page, live_server.url, agent.username)
        page.goto(f"{live_server.url}/exams/attempts/{attempt.pk}/")
        record = page.get_by_test_id("record-audio")
        record.click()
        expect(record).to_contain_text(re.compile(r"停止录音 00:0[1-9]"), timeout=5000)
        page.wait_for_timeout(1200)
        record.click()
        expect(page.locator("[data-audio-state]")).to_contain_text("已上传录音")
        screenshot(page, "exam-recorded-answer")
        answer = answers_of(attempt)[QuestionType.SPEAKING][0]
        answer.refresh_from_db()
        assert answer.audio and answer.audio.size > 0 and answer.audio.name.endswith((".webm", ".ogg", ".m4a"))

        # the examiner plays it
        from stardesk.exams import services

        services.attempt_submit(actor=agent, attempt=attempt)
        page.get_by_test_id("logout").click()
        log_in(page, live_server.url, supervisor.username)
        page.goto(f"{live_server.url}/exams/grading/sittings/{skills_sitting.pk}/?by=question")
        page.get_by_test_id("grading-questions").locator("tr", has_text="口试").get_by_test_id("grade-question").click()
        audio = page.get_by_test_id("answer-audio")
        expect(audio).to_be_visible()
        playable = page.evaluate(
            """async (selector) => {
                const audio = document.querySelector(selector);
                const response = await fetch(audio.src, {credentials: "same-origin"});
                return response.ok && (await response.blob()).size > 0;
            }""",
            '[data-testid="answer-audio"]',
        )
        assert playable
        screenshot(page, "exam-grading-audio")
        context.close()
    finally:
        recording_browser.close()
