"""Changing an event: freely while undecided; afterwards a correction with a reason, by the supervisor;
a title sanction in force keeps what it was decided on."""
import datetime

import pytest

from stardesk.audit.models import AuditEntry
from stardesk.core.errors import DomainError, Forbidden, NotFound
from stardesk.events import services
from stardesk.events.models import Category, Sanction, SanctionStatus, Severity


def test_leader_changes_an_undecided_event(record, leader, agent_person):
    event = record(agent_person, category=Category.VIOLATION, severity=Severity.GENERAL)
    services.event_update(actor=leader, event=event, description="改：客户投诉态度生硬，录音 A-17")
    event.refresh_from_db()
    assert event.description == "改：客户投诉态度生硬，录音 A-17"
    entry = AuditEntry.objects.get(action="event.update")
    assert "description" in entry.changes


def test_m5_default_follows_a_new_severity(record, leader, agent_person):
    event = record(agent_person, category=Category.VIOLATION, severity=Severity.GENERAL)
    assert event.sanction == Sanction.MONTH_LOWER and event.sanction_is_default
    services.event_update(actor=leader, event=event, severity=Severity.SEVERE)
    event.refresh_from_db()
    assert event.sanction == Sanction.REVOKE and event.sanction_is_default
    assert event.sanction_status == SanctionStatus.PENDING


def test_m5_chosen_sanction_survives_a_new_severity(record, leader, agent_person):
    event = record(agent_person, category=Category.VIOLATION, severity=Severity.GENERAL, sanction=Sanction.MONTH_CANCEL)
    services.event_update(actor=leader, event=event, severity=Severity.SERIOUS)
    event.refresh_from_db()
    assert event.sanction == Sanction.MONTH_CANCEL and event.sanction_is_default  # 较重's default is 当月取消


def test_changing_a_title_sanction_to_a_month_sanction_clears_the_confirmation(record, leader, agent_person):
    event = record(agent_person, category=Category.VIOLATION, severity=Severity.SEVERE)
    services.event_update(actor=leader, event=event, sanction=Sanction.MONTH_CANCEL)
    event.refresh_from_db()
    assert (event.sanction, event.sanction_status) == (Sanction.MONTH_CANCEL, "")


def test_leader_cannot_correct_a_decided_event(record, leader, supervisor, agent_person):
    event = record(agent_person, category=Category.UNQUALIFIED)
    services.sanction_reject(actor=supervisor, event=event, reason="证据不足")
    with pytest.raises(Forbidden):
        services.event_update(actor=leader, event=event, description="补充", correction_reason="补充说明")


def test_correction_needs_a_reason(record, supervisor, agent_person):
    event = record(agent_person, category=Category.UNQUALIFIED)
    services.sanction_reject(actor=supervisor, event=event, reason="证据不足")
    with pytest.raises(DomainError) as refused:
        services.event_update(actor=supervisor, event=event, description="补充")
    assert refused.value.code == "event_correction_reason_required"
    event.refresh_from_db()
    assert event.description == "客户来电态度生硬"


def test_correction_after_rejection_sends_a_new_title_sanction_back_for_confirmation(record, supervisor, agent_person):
    event = record(agent_person, category=Category.UNQUALIFIED)
    services.sanction_reject(actor=supervisor, event=event, reason="应为降级")
    services.event_update(actor=supervisor, event=event, sanction=Sanction.LOWER, correction_reason="改为降级")
    event.refresh_from_db()
    assert (event.sanction, event.sanction_status) == (Sanction.LOWER, SanctionStatus.PENDING)
    entry = AuditEntry.objects.get(action="event.correct")
    assert entry.note == "改为降级" and entry.changes["sanction"] == ["取消星级", "降级"]


def test_confirmed_title_sanction_keeps_its_handling(record, supervisor, agent_person, two_star):
    event = record(agent_person, category=Category.SHORT_OF_LEVEL)
    services.sanction_confirm(actor=supervisor, event=event)
    for change in ({"sanction": Sanction.REVOKE}, {"category": Category.UNQUALIFIED}, {"date": event.date - datetime.timedelta(days=1)}):
        with pytest.raises(DomainError) as refused:
            services.event_update(actor=supervisor, event=event, correction_reason="改", **change)
        assert refused.value.code == "event_sanction_in_force"
    # the wording may still be corrected, with a reason
    services.event_update(actor=supervisor, event=event, evidence_text="工单 20250310-7", correction_reason="补充工单号")
    event.refresh_from_db()
    assert event.evidence_text == "工单 20250310-7" and event.sanction == Sanction.LOWER


def test_leader_of_another_team_cannot_change_it(record, other_leader, agent_person):
    event = record(agent_person, category=Category.PRAISE)
    with pytest.raises(NotFound):
        services.event_update(actor=other_leader, event=event, description="改")


def test_appealed_veto_stays_a_veto(record, agent, leader, agent_person):
    event = record(agent_person, category=Category.VIOLATION, severity=Severity.GENERAL)
    services.appeal_file(actor=agent, event=event, reason="不服")
    with pytest.raises(DomainError) as refused:
        services.event_update(actor=leader, event=event, category=Category.PRAISE, severity="", sanction="")
    assert refused.value.code == "event_appealed_category"
