"""A3: a certificate PDF for every new holder, with its Chinese text embedded, downloadable by those who may read it."""
import shutil
import subprocess

import pytest
from django.urls import reverse

from stardesk.cycle import award as award_step
from stardesk.cycle import certificates
from stardesk.cycle.models import Award
from tests.cycle.committee_scene import (  # noqa: F401  (fixtures)
    assessing,
    close_decision,
    deciding,
    examined,
    twenty,
)
from tests.cycle.conftest import D

pytestmark = pytest.mark.django_db


@pytest.fixture
def awarded(deciding, committee, supervisor):
    cycle = close_decision(deciding, committee)
    award_step.award_perform(actor=supervisor, cycle=cycle, award_date=D(2026, 10, 23))
    return cycle


def pdf_text(content: bytes, tmp_path) -> str:
    path = tmp_path / "certificate.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def pdf_fonts(content: bytes, tmp_path) -> str:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(content)
    return subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout


needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils (pdftotext) is installed by scripts/setup.sh")


@needs_poppler
def test_a3_certificate_pdf_has_chinese_text(awarded, tmp_path):
    award = Award.objects.select_related("person", "cycle__hotline").get(person__staff_no="5001")
    content = certificates.certificates_pdf([award])
    text = pdf_text(content, tmp_path)
    # the words are text in the file, not pictures: a viewer without Chinese fonts shows them too
    for words in ("星级服务证书", "客服5001", "工号 5001", "话务员3星", "2026年10月23日", "特发此证，以资鼓励。", "main-2026-3-001"):
        assert words in text, words
    fonts = pdf_fonts(content, tmp_path)
    assert "WenQuanYiMicroHei" in fonts and " yes yes " in fonts.split("WenQuanYiMicroHei", 1)[1].splitlines()[0]


@needs_poppler
def test_a3_one_page_per_holder_in_the_ceremonys_pdf(awarded, client, supervisor, tmp_path):
    client.force_login(supervisor)
    response = client.get(reverse("cycle:certificates", args=[2026]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content, tmp_path)
    assert text.count("星级服务证书") == 6


@pytest.mark.parametrize(("who", "status"), [("holder", 200), ("leader", 200), ("supervisor", 200), ("committee", 200),
                                              ("other_agent", 404)])
def test_a3_certificate_downloads_for_those_who_may_read_it(awarded, client, users, twenty, hotline, who, status):
    from stardesk.accounts.models import Role
    from tests.factories import UserFactory

    actors = {
        "holder": lambda: UserFactory(username="holder", role=Role.AGENT, hotline=hotline, person=twenty["5002"]),
        "other_agent": lambda: UserFactory(username="other", role=Role.AGENT, hotline=hotline, person=twenty["5010"]),
    }
    user = actors[who]() if who in actors else users[who]
    client.force_login(user)
    award = Award.objects.get(person__staff_no="5002")
    response = client.get(reverse("cycle:certificate", args=[2026, award.pk]))
    assert response.status_code == status
    if status == 200:
        assert response.content.startswith(b"%PDF") and "main-2026-2-001" in response["Content-Disposition"]


def test_a3_missing_font_is_a_readable_refusal(awarded, monkeypatch, client, supervisor):
    monkeypatch.setenv("STARDESK_CERTIFICATE_FONT", "/nonexistent/font.ttc")
    monkeypatch.setattr(certificates, "FONT_NAME", "StarDeskMissingFont")
    client.force_login(supervisor)
    award = Award.objects.get(person__staff_no="5002")
    response = client.get(reverse("cycle:certificate", args=[2026, award.pk]))
    assert response.status_code == 400 and "fonts-wqy-microhei" in response.content.decode()
