"""Evidence files: accepted kinds and sizes, checked before anything is saved, served only to readers."""
import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from stardesk.core.errors import DomainError
from stardesk.events import services
from stardesk.events.models import Category, Event, EventEvidence
from tests.events.conftest import PDF, pdf, png


def _files(root):
    return [name for _, _, names in os.walk(root) for name in names] if os.path.exists(root) else []


def test_veto_recorded_with_its_evidence(record, agent_person, media_root):
    event = record(agent_person, category=Category.JUSTIFIED_COMPLAINT, severity="general", files=[png(), pdf()])
    stored = list(event.evidence.order_by("pk"))
    assert [(e.original_name, e.content_type) for e in stored] == [("截图.png", "image/png"), ("投诉单.pdf", "application/pdf")]
    # stored under a random name, never the uploader's
    assert all("截图" not in e.file.name and "投诉单" not in e.file.name for e in stored)
    assert len(_files(media_root)) == 2


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("工具.exe", b"MZ\x90\x00" * 10), "类型不支持"),
        (SimpleUploadedFile("说明.pdf", b"MZ\x90\x00" * 10), "内容与扩展名不符"),
        (SimpleUploadedFile("空.png", b""), "空文件"),
        (SimpleUploadedFile("page.html", b"<script>alert(1)</script>"), "类型不支持"),
    ],
)
def test_bad_evidence_is_refused_and_nothing_is_saved(record, agent_person, media_root, upload, message):
    with pytest.raises(DomainError) as refused:
        record(agent_person, category=Category.PRAISE, files=[png(), upload])
    assert refused.value.code == "evidence_invalid"
    assert any(message in detail for detail in refused.value.details)
    assert not Event.objects.exists() and not EventEvidence.objects.exists()
    assert _files(media_root) == []


def test_evidence_size_limit(record, agent_person, settings, media_root):
    settings.STARDESK_EVIDENCE_MAX_BYTES = 1024
    with pytest.raises(DomainError) as refused:
        record(agent_person, category=Category.PRAISE, files=[png("大图.png", size=2048)])
    assert "超过" in refused.value.details[0] and "大图.png" in refused.value.details[0]
    assert not Event.objects.exists()


def test_at_most_ten_files_at_once(record, agent_person):
    with pytest.raises(DomainError) as refused:
        record(agent_person, category=Category.PRAISE, files=[png(f"{i}.png") for i in range(11)])
    assert "一次最多上传 10 个文件" in refused.value.details[0]


def test_upload_page_shows_the_reason_in_chinese(client, leader, agent_person):
    client.force_login(leader)
    response = client.post(
        reverse("events:create"),
        {"staff_no": "1001", "date": "2025-03-03", "category": "praise", "description": "表扬", "files": [SimpleUploadedFile("a.exe", b"MZ")]},
    )
    assert response.status_code == 200
    assert "文件“a.exe”的类型不支持" in response.content.decode()
    assert not Event.objects.exists()


def test_more_evidence_on_the_detail_page(client, leader, record, agent_person):
    event = record(agent_person, category=Category.PRAISE)
    client.force_login(leader)
    response = client.post(reverse("events:evidence_add", args=[event.pk]), {"files": [pdf("表扬信.pdf")]}, follow=True)
    assert "已上传 1 个证据文件" in response.content.decode()
    assert event.evidence.get().original_name == "表扬信.pdf"
    response = client.post(reverse("events:evidence_add", args=[event.pk]), {"files": [SimpleUploadedFile("x.bat", b"echo")]}, follow=True)
    assert "类型不支持" in response.content.decode()
    assert event.evidence.count() == 1


def test_committee_cannot_add_evidence(client, committee, record, agent_person):
    event = record(agent_person, category=Category.PRAISE)
    client.force_login(committee)
    response = client.post(reverse("events:evidence_add", args=[event.pk]), {"files": [pdf()]})
    assert response.status_code == 403
    assert not event.evidence.exists()


@pytest.mark.parametrize(("who", "status"), [("agent", 200), ("leader", 200), ("committee", 200), ("supervisor", 200), ("other_leader", 404)])
def test_evidence_is_served_only_to_readers_of_the_event(client, request, record, agent_person, who, status):
    event = record(agent_person, category=Category.PRAISE, files=[pdf()])
    item = event.evidence.get()
    user = request.getfixturevalue("other_leader") if who == "other_leader" else request.getfixturevalue("users")[who]
    client.force_login(user)
    response = client.get(reverse("events:evidence_file", args=[item.pk]))
    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Security-Policy"] == "sandbox"
        download = client.get(reverse("events:evidence_file", args=[item.pk]), {"download": "1"})
        assert download["Content-Disposition"].startswith("attachment")
