"""In the browser: the committee decides within the quotas and closes its decision, the supervisor records the
award date that starts the new titles, and a certificate downloads as a PDF with Chinese text (K3, K4, A1, A3)."""
import shutil
import subprocess

import pytest

from stardesk.cycle.models import CommitteeCandidate, Step
from stardesk.people.models import TitleEndReason, TitleSpell
from stardesk.yearly_policy.models import CyclePolicy
from tests.browser.conftest import log_in, screenshot
from tests.cycle.committee_scene import (  # noqa: F401  (fixtures)
    assessing,
    decide_the_rest,
    deciding,
    examined,
    twenty,
)
from tests.cycle.conftest import D, cycle, no_june_gate, policy_2026  # noqa: F401  (fixtures)

pytestmark = pytest.mark.browser


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
