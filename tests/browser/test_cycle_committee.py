"""In the browser, the cycle after the list is finalised (the steps before it: tests/cycle/test_browser.py):
the supervisor corrects the list (Y2, within Q2), imports the exam results and starts 集中评定, an applicant
sees their composite score (X5/X6); the committee decides within the quotas, is refused closing while anyone
is undecided, closes its decision, the supervisor records the award date that starts the new titles, a
certificate downloads as a PDF with Chinese text, and the bonus plan pays the rewards (K3, K4, A1–A3, R3)."""
import shutil
import subprocess

import pytest

from stardesk.cycle.models import CommitteeCandidate, Step
from stardesk.people.models import TitleEndReason, TitleSpell
from stardesk.yearly_policy.models import CyclePolicy
from tests.browser.conftest import log_in, screenshot
from stardesk.accounts.models import Role
from tests.cycle.committee_scene import (  # noqa: F401  (fixtures)
    APPLIED,
    EXAMS,
    assessing,
    decide_the_rest,
    deciding,
    examined,
    monitoring,
    twenty,
)
from tests.cycle.conftest import D, cycle, no_june_gate, policy_2026  # noqa: F401  (fixtures)
from tests.factories import UserFactory

pytestmark = pytest.mark.browser
KIND_WORDS = {1: "一星资格", 2: "二星资格", 3: "三星资格"}


def _candidate_page(page, base, cycle, staff_no):
    found = CommitteeCandidate.objects.get(cycle=cycle, person__staff_no=staff_no)
    page.goto(f"{base}/cycle/{cycle.year}/committee/{found.pk}/")


def test_committee_decides_within_quotas_and_the_award_starts_the_new_titles(page, log_in_as, live_server, deciding, twenty,
                                                                            supervisor, users, tmp_path):
    base = live_server.url
    page.on("dialog", lambda dialog: dialog.accept())

    # the committee's workspace: 2 stars are full (2 of 2)
    log_in_as("committee")
    page.goto(f"{base}/cycle/2026/committee/")
    assert page.get_by_test_id("filled-2").inner_text() == "2" and page.get_by_test_id("quota-2").inner_text() == "2"
    assert page.get_by_test_id("committee-1").locator("tr[data-staff-no='5007']").get_by_text("暂缺").is_visible()  # X5
    screenshot(page, "cycle-committee-workspace")

    # moving 5001 (3 stars) down to the full 2-star level is refused, not warned (K3)
    _candidate_page(page, base, deciding, "5001")
    page.locator("#id_level").select_option("2")
    page.locator("#id_reason").fill("改评二星")
    page.get_by_test_id("decide").click()
    page.get_by_text("2星已有 2 人，名额 2 人，不能再增加").wait_for()
    screenshot(page, "cycle-committee-refused-over-quota")
    assert CommitteeCandidate.objects.get(cycle=deciding, person__staff_no="5001").level == 3

    # a member records a decision with its reason, one person at a time
    _candidate_page(page, base, deciding, "5004")
    page.locator("#id_level").select_option("0")
    page.locator("#id_reason").fill("综合得分在一星名单末位，本年度有迟到记录，不予评定")
    page.get_by_test_id("decide").click()
    page.get_by_text("已记录评定").wait_for()
    assert page.get_by_test_id("decision-history").get_by_text("综合得分在一星名单末位").is_visible()

    # closing while seven candidates have no recorded decision is refused, naming them (K3)
    page.goto(f"{base}/cycle/2026/committee/")
    assert "还有 7 人待逐人评定" in page.get_by_test_id("undecided").inner_text()
    page.get_by_test_id("transition-form").get_by_role("button").click()
    page.get_by_text("还有 7 名候选人没有逐人评定（K3）：5001 客服5001（建议3星）").wait_for()
    screenshot(page, "cycle-committee-close-refused-undecided")
    assert deciding.__class__.objects.get(pk=deciding.pk).step == Step.COMMITTEE

    # every remaining candidate decided, the committee closes its decision: final (K4), the policy frozen (P1)
    decide_the_rest(deciding, users["committee"])
    page.goto(f"{base}/cycle/2026/committee/")
    page.get_by_test_id("transition-form").get_by_role("button").click()
    page.get_by_text("评定已进入“授牌”").wait_for()
    assert CyclePolicy.objects.get(pk=deciding.policy_id).is_frozen

    # the supervisor records the award date (A1)
    page.get_by_test_id("logout").click()
    log_in(page, base, supervisor.username)
    page.goto(f"{base}/cycle/2026/award/")
    page.locator("#id_award_date").fill("2026-10-23")
    page.get_by_test_id("award-submit").click()
    page.get_by_test_id("awarded").wait_for()
    assert page.get_by_test_id("awarded-3").inner_text() == "1" and page.get_by_test_id("awarded-1").inner_text() == "2"
    screenshot(page, "cycle-award-recorded")
    history = [(s.level, s.start, s.end, s.end_reason) for s in TitleSpell.objects.filter(person=twenty["5001"]).order_by("start")]
    assert history == [(2, D(2025, 10, 17), D(2026, 10, 23), TitleEndReason.RENEWAL), (3, D(2026, 10, 23), None, "")]
    assert not TitleSpell.objects.filter(person=twenty["5004"], start=D(2026, 10, 23)).exists()

    # a certificate downloads: a PDF whose Chinese words are text (A3)
    row = page.get_by_test_id("awards").locator("tr[data-staff-no='5001']")
    with page.expect_download() as download:
        row.get_by_test_id("certificate").click()
    target = tmp_path / "certificate.pdf"
    download.value.save_as(target)
    assert target.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(target), "-"], capture_output=True, text=True, check=True).stdout
        assert "星级服务证书" in text and "话务员3星" in text
    assert deciding.__class__.objects.get(pk=deciding.pk).step == Step.AWARD

    # the month's bonus plan, reached from the sidebar, pays the one-off rewards of the award (A2, R3)
    page.locator("#sidebar").get_by_role("link", name="奖金计划").click()
    page.locator("#id_month").fill("2026-10")
    with page.expect_navigation():
        page.get_by_role("button", name="查看").click()
    rewards = page.get_by_test_id("plan").locator("tr[data-kind='一次性奖励']")
    rewards.first.wait_for()
    shown = {rewards.nth(i).get_attribute("data-staff-no"): rewards.nth(i).locator("td").nth(4).inner_text()
             for i in range(rewards.count())}
    assert shown == {"5001": "800.00", "5002": "500.00", "5003": "500.00"}
    assert "A2: 2026-10-23 授3星，一次性奖励 800.00元" in page.get_by_test_id("plan").inner_text()
    screenshot(page, "cycle-bonus-plan-rewards")


def test_the_supervisor_corrects_the_list_imports_exam_results_and_the_applicant_sees_the_composite(
        page, log_in_as, live_server, assessing, twenty, tmp_path):
    base = live_server.url
    page.on("dialog", lambda dialog: dialog.accept())
    for n, staff_no in enumerate(s for s in APPLIED if s != "5007"):  # call monitoring (M2), none for 5007
        monitoring(twenty[staff_no], D(2026, 6, 10), "90", f"C{n:03d}")

    # the finalised list: moving 5004 up to the full 2-star list is refused (Q2), nothing changes
    log_in_as("supervisor")
    page.goto(f"{base}/cycle/2026/recommendation/")
    form = page.get_by_test_id("list-correction")
    form.get_by_label("工号").fill("5004")
    form.get_by_label("更正为").select_option("2")
    form.get_by_label("更正理由").fill("初审评定漏算一个月")
    form.get_by_test_id("correct-submit").click()
    page.get_by_test_id("correction-error").get_by_text("2星推荐名单已有 2 人，名额 2 人，不能再列入（Q2）").wait_for()
    # 5008, listed by a data error, is taken off with the reason; the list page shows the correction
    form = page.get_by_test_id("list-correction")
    form.get_by_label("工号").fill("5008")
    form.get_by_label("更正为").select_option("0")
    form.get_by_label("更正理由").fill("5008 已于 9 月调离话务岗位，花名册漏登")
    form.get_by_test_id("correct-submit").click()
    page.get_by_text("已更正推荐名单。").wait_for()
    assert "5008 已于 9 月调离话务岗位" in page.get_by_test_id("corrections").inner_text()
    assert page.get_by_test_id("not-recommended").locator("tr[data-staff-no='5008']").is_visible()
    screenshot(page, "cycle-list-corrected")

    # the exam results come in as a 考试成绩 sheet (X2)
    sheet = tmp_path / "考试成绩.csv"
    rows = ["工号,考试名称,考试类别,考试日期,成绩,知识得分,技能得分"]
    rows += [f"{staff_no},2026年{level}星资格考试,{KIND_WORDS[level]},2026-10-12,{score},,"
             for staff_no, (level, score) in EXAMS.items()]
    sheet.write_text("\n".join(rows) + "\n", encoding="utf-8")
    page.goto(f"{base}/imports/")
    upload = page.get_by_test_id("upload-exam_results")
    upload.locator("input[type=file]").set_input_files(str(sheet))
    upload.get_by_role("button", name="导入考试成绩").click()
    page.get_by_test_id("import-result").wait_for()
    assert page.get_by_test_id("created").inner_text() == str(len(EXAMS))

    # the business assessment shows each candidate's qualification and composite; 集中评定 starts
    page.goto(f"{base}/cycle/2026/assessment/")
    assert page.get_by_test_id("assessment-3").locator("tr[data-staff-no='5001'] [data-testid='composite']").inner_text() != ""
    page.get_by_test_id("transition-form").get_by_role("button").click()
    page.get_by_text("评定已进入“集中评定”").wait_for()
    screenshot(page, "cycle-committee-started")

    # 5001 opens 我的申报: the composite with its parts and rule ids, no vote and no result yet (X5, X6)
    page.get_by_test_id("logout").click()
    log_in_as(UserFactory(username="5001", role=Role.AGENT, hotline=twenty["5001"].hotline, person=twenty["5001"]),
              password="stardesk-test-pw")
    page.locator("#sidebar").get_by_role("link", name="我的申报").click()
    composite = page.get_by_test_id("my-composite")
    composite.wait_for()
    parts = composite.get_by_test_id("composite-parts")
    assert "M3" in parts.locator("tr[data-part='monthly']").inner_text()
    assert "93.00" in parts.locator("tr[data-part='exam']").inner_text()
    assert composite.get_by_test_id("composite-value").inner_text() not in ("", "暂缺")
    assert "结果在评定结束后公布（K4）" in composite.inner_text()
    screenshot(page, "cycle-agent-sees-composite")
