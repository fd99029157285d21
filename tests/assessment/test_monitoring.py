"""M2: call monitoring — a rubric evaluation tied to a recorded call that can be played back."""
import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from stardesk.assessment import services
from stardesk.assessment.models import EvaluationMode, MonitoringEvaluation, RubricItem
from stardesk.audit.models import AuditEntry
from stardesk.core.errors import DomainError, NotFound

D = Decimal
SOUND = b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\x00" * 64


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _items(hotline):
    rubric = services.rubric_current(hotline=hotline)
    return rubric, {i.name: i.pk for i in RubricItem.objects.filter(rubric=rubric)}


def test_m2_leader_scores_a_recorded_call_by_items_and_it_plays_back(client, leader, agent, other_leader, team, agent_person, policies, media):
    rubric, items = _items(team.hotline)
    client.force_login(leader)
    response = client.post(
        reverse("assessment:monitoring_new"),
        {
            "person": agent_person.pk, "call_no": "REC-20250312-0001", "call_date": "2025-03-12", "mode": "items",
            "rubric": rubric.pk, "item": list(items.values()), f"ded-{items['语速语调']}": "2", f"na-{items['宽带业务']}": "1",
            "comment": "语速偏快", "recording": SimpleUploadedFile("call.mp3", SOUND, content_type="audio/mpeg"),
        },
    )
    assert response.status_code == 302
    evaluation = MonitoringEvaluation.objects.get()
    # 100 × (92 − 2) / 92 = 97.826… → 97.8
    assert evaluation.score == D("97.8") and evaluation.mode == EvaluationMode.ITEMS and evaluation.rubric == rubric
    assert evaluation.recording.name.startswith(f"recordings/{team.hotline_id}/2025/03/")
    assert (media / evaluation.recording.name).read_bytes() == SOUND
    assert AuditEntry.objects.filter(action="monitoring.create").count() == 1
    detail = client.get(reverse("assessment:monitoring_detail", args=[evaluation.pk])).content.decode()
    recording_url = reverse("assessment:monitoring_recording", args=[evaluation.pk])
    assert f'<audio controls preload="metadata" src="{recording_url}"' in detail
    played = client.get(recording_url)
    assert played.status_code == 200 and b"".join(played.streaming_content) == SOUND
    # the agent hears their own call; another team's leader does not
    client.force_login(agent)
    assert client.get(recording_url).status_code == 200
    client.force_login(other_leader)
    assert client.get(recording_url).status_code == 404


def test_m2_a_direct_total_is_recorded_and_listed_per_person(client, leader, team, agent_person, policies):
    services.monitoring_save(actor=leader, person=agent_person, call_no="A-1", call_date=datetime.date(2025, 3, 3), score="88.5")
    services.monitoring_save(actor=leader, person=agent_person, call_no="A-2", call_date=datetime.date(2025, 3, 20), score="91")
    client.force_login(leader)
    html = client.get(reverse("assessment:person", args=[agent_person.pk]) + "?year=2025").content.decode()
    assert "A-1" in html and "A-2" in html and "88.5" in html
    listing = client.get(reverse("assessment:monitoring") + "?q=A-2").content.decode()
    assert "A-2" in listing and "A-1" not in listing


def test_m2_bad_monitoring_entries_are_refused_and_nothing_is_saved(leader, team, agent_person, policies):
    services.monitoring_save(actor=leader, person=agent_person, call_no="A-1", call_date=datetime.date(2025, 3, 3), score="90")
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)
    with pytest.raises(DomainError) as refused:
        services.monitoring_save(
            actor=leader, person=agent_person, call_no="A-1", call_date=tomorrow, score="100.5",
            recording=SimpleUploadedFile("call.exe", b"MZ"),
        )
    fields = {d["field"]: d["message"] for d in refused.value.details}
    assert fields == {
        "call_no": "该人员已有此录音编号的评分",
        "call_date": "通话日期不能晚于今天",
        "recording": "录音文件须为 mp3、wav、ogg、m4a、aac、webm、opus 或 flac 格式",
        "score": "得分须为 0–100 之间的数字，最多一位小数",
    }
    assert MonitoringEvaluation.objects.count() == 1


def test_m2_only_the_agents_own_leader_records_monitoring(leader, other_leader, supervisor, stranger, agent_person, policies):
    with pytest.raises(NotFound):
        services.monitoring_save(actor=other_leader, person=agent_person, call_no="X", call_date=datetime.date(2025, 3, 3), score="90")
    with pytest.raises(NotFound):
        services.monitoring_save(actor=leader, person=stranger, call_no="X", call_date=datetime.date(2025, 3, 3), score="90")
    from stardesk.core.errors import Forbidden

    with pytest.raises(Forbidden):
        services.monitoring_save(actor=supervisor, person=agent_person, call_no="X", call_date=datetime.date(2025, 3, 3), score="90")
    assert not MonitoringEvaluation.objects.exists()
