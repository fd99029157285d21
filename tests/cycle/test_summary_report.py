"""R3: the October summary report of a cycle: counts per level, quota use, exam results, changes; page and PDF."""
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse

from stardesk.cycle import award as award_step
from stardesk.cycle import summary_report
from tests.cycle.committee_scene import (  # noqa: F401  (fixtures)
    assessing,
    close_decision,
    deciding,
    examined,
    twenty,
)
from tests.cycle.conftest import D, holder

pytestmark = pytest.mark.django_db


@pytest.fixture
def awarded(deciding, committee, supervisor, team):
    holder(team, "5099", 1)  # holds 1 star and is not on the new list
    cycle = close_decision(deciding, committee)
    award_step.award_perform(actor=supervisor, cycle=cycle, award_date=D(2026, 10, 23))
    cycle.refresh_from_db()
    return cycle


def test_r3_summary_counts_per_level_and_quota_use(awarded):
    s = summary_report.summary_for(awarded)
    figures = {f.level: (f.applied, f.eligible, f.recommended, f.listed, f.proposed, f.holders, f.quota, f.quota_use, f.rewards)
               for f in s.levels}
    assert figures == {
        3: (2, 2, 1, 1, 1, 1, 1, "100.0%", Decimal("800.00")),
        2: (2, 2, 2, 2, 2, 2, 2, "100.0%", Decimal("1000.00")),
        1: (4, 4, 5, 3, 3, 3, 6, "50.0%", Decimal("0.00")),
    }
    assert s.headcount == 20 and s.total_holders == 6 and s.total_rewards == Decimal("1800.00")


def test_r3_summary_exam_results(awarded):
    exams = {e.level: (e.sat, e.passed, e.pass_rate, e.mean, e.highest, e.lowest) for e in summary_report.summary_for(awarded).exams}
    assert exams == {
        3: (1, 1, "100.0%", Decimal("93.0"), Decimal("93.0"), Decimal("93.0")),
        2: (2, 2, "100.0%", Decimal("89.0"), Decimal("90.0"), Decimal("88.0")),
        1: (4, 3, "75.0%", Decimal("84.8"), Decimal("90.0"), Decimal("79.0")),
    }


def test_r3_summary_changes_against_the_day_before_the_award(awarded):
    s = summary_report.summary_for(awarded)
    changes = {key: [(p.staff_no, a, b) for p, a, b in rows] for key, rows in s.changes.items()}
    assert changes == {
        "new": [("5005", 0, 1), ("5007", 0, 1)],
        "up": [("5001", 2, 3), ("5003", 1, 2)],
        "same": [("5002", 2, 2), ("5004", 1, 1)],
        "down": [],
        "lost": [("5099", 1, 0)],
    }
    assert s.compared_on == D(2026, 10, 22)


def test_r3_summary_page(awarded, client, supervisor):
    client.force_login(supervisor)
    page = client.get(reverse("cycle:summary", args=[2026])).content.decode()
    assert "100.0%" in page and "75.0%" in page and "新获星级" in page


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) is installed by scripts/setup.sh")
def test_r3_summary_pdf_has_the_figures_in_chinese(awarded, client, committee, tmp_path):
    client.force_login(committee)
    response = client.get(reverse("cycle:summary_pdf", args=[2026]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    path = tmp_path / "summary.pdf"
    path.write_bytes(response.content)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout
    assert "2026 年度星级评定总结报告" in text and "各星级人数与名额使用" in text and "75.0%" in text and "5099 客服5099" in text


@pytest.mark.parametrize(("role", "status"), [("supervisor", 200), ("committee", 200), ("leader", 403), ("agent", 403)])
def test_r3_who_reads_the_summary(awarded, client, users, role, status):
    client.force_login(users[role])
    assert client.get(reverse("cycle:summary", args=[2026])).status_code == status
