"""Recording events: the handling stored explicitly, the policy default filled in (M5, V1), bad input refused."""
import datetime

import pytest

from stardesk.audit.models import AuditEntry
from stardesk.core.errors import DomainError, Forbidden, NotFound
from stardesk.events import services
from stardesk.events.models import Category, Event, Sanction, SanctionStatus, Severity
from stardesk.policy.yearly import YearlyPolicy


@pytest.mark.parametrize(
    ("severity", "policy_field"),
    [
        (Severity.GENERAL, "m5_sanction_general"),
        (Severity.SERIOUS, "m5_sanction_serious"),
        (Severity.SEVERE, "m5_sanction_severe"),
    ],
)
def test_m5_default_sanction_by_severity_from_policy(record, agent_person, severity, policy_field):
    # given a veto recorded without a handling
    event = record(agent_person, category=Category.VIOLATION, severity=severity)
    # then the handling is the yearly policy's default for the severity, stored and marked as default
    expected = getattr(YearlyPolicy.defaults(), policy_field)
    assert Event.objects.get(pk=event.pk).sanction == Sanction[expected.name]
    assert event.sanction_is_default
    assert "M5" in event.sanction_basis and expected.value in event.sanction_basis


def test_m5_default_follows_the_hotlines_policy_not_a_constant(record, agent_person, monkeypatch):
    # given a policy whose 一般 default is 当月取消 instead of policy.md's 当月降级
    from dataclasses import replace

    from stardesk.events import sanction_policy
    from stardesk.policy.facts import Sanction as PolicySanction

    changed = replace(YearlyPolicy.defaults(), m5_sanction_general=PolicySanction.MONTH_CANCEL, p2_version="2025 修订")
    monkeypatch.setattr(sanction_policy, "policy_for", lambda hotline, day: changed)
    # when a 一般 veto is recorded without a handling
    event = record(agent_person, category=Category.MAJOR_ERROR, severity=Severity.GENERAL)
    # then it takes that policy's default, and says which version gave it (P2)
    assert event.sanction == Sanction.MONTH_CANCEL
    assert "2025 修订" in event.sanction_basis


def test_m5_chosen_sanction_is_kept_and_not_marked_default(record, agent_person):
    event = record(agent_person, category=Category.JUSTIFIED_COMPLAINT, severity=Severity.GENERAL, sanction=Sanction.MONTH_CANCEL)
    assert event.sanction == Sanction.MONTH_CANCEL
    assert not event.sanction_is_default
    assert "默认为当月降级" in event.sanction_basis


def test_m5_title_sanction_awaits_confirmation_month_sanction_does_not(record, agent_person):
    severe = record(agent_person, category=Category.VIOLATION, severity=Severity.SEVERE)
    general = record(agent_person, category=Category.VIOLATION, severity=Severity.GENERAL)
    assert severe.sanction == Sanction.REVOKE and severe.sanction_status == SanctionStatus.PENDING
    assert general.sanction == Sanction.MONTH_LOWER and general.sanction_status == ""


@pytest.mark.parametrize(
    ("category", "expected"),
    [(Category.SHORT_OF_LEVEL, Sanction.LOWER), (Category.UNQUALIFIED, Sanction.REVOKE)],
)
def test_v1_default_by_finding(record, agent_person, category, expected):
    event = record(agent_person, category=category)
    assert event.sanction == expected
    assert event.sanction_is_default
    assert event.sanction_status == SanctionStatus.PENDING
    assert event.sanction_basis.startswith("V1")


def test_v1_finding_only_lowers_or_revokes_the_title(record, agent_person):
    with pytest.raises(DomainError) as refused:
        record(agent_person, category=Category.SHORT_OF_LEVEL, sanction=Sanction.MONTH_LOWER)
    assert refused.value.code == "event_supervision_title_only"
    assert not Event.objects.exists()


def test_m5_veto_needs_a_severity(record, agent_person):
    with pytest.raises(DomainError) as refused:
        record(agent_person, category=Category.VIOLATION)
    assert refused.value.code == "event_severity_required"
    assert "严重程度" in refused.value.message
    assert not Event.objects.exists()


@pytest.mark.parametrize("category", [Category.PRAISE, Category.COMPANY_AWARD, Category.ADVANCED_INDIVIDUAL])
def test_praise_and_honours_take_no_severity_or_handling(record, agent_person, category):
    with pytest.raises(DomainError) as refused:
        record(agent_person, category=category, severity=Severity.GENERAL)
    assert refused.value.code == "event_no_handling"
    event = record(agent_person, category=category)
    assert (event.severity, event.sanction, event.sanction_status) == ("", "", "")


def test_v2_praise_is_recorded_against_the_person(record, agent_person, today):
    event = record(agent_person, category=Category.PRAISE, description="客户来电表扬耐心细致")
    assert event.person == agent_person and event.hotline == agent_person.hotline
    assert event.month == today.replace(day=1)


def test_event_month_is_the_first_day_of_its_date(record, agent_person):
    event = record(agent_person, category=Category.PRAISE, date=datetime.date(2025, 3, 31))
    assert event.month == datetime.date(2025, 3, 1)


def test_future_date_is_refused(record, agent_person, today):
    with pytest.raises(DomainError) as refused:
        record(agent_person, category=Category.PRAISE, date=today + datetime.timedelta(days=1))
    assert refused.value.code == "event_date_in_future"
    assert not Event.objects.exists()


def test_event_after_leaving_is_refused(record, agent_person):
    # S2: active on D only when leaving after D
    agent_person.left_on = datetime.date(2025, 5, 1)
    agent_person.save()
    with pytest.raises(DomainError) as refused:
        record(agent_person, category=Category.PRAISE, date=datetime.date(2025, 5, 1))
    assert "离职" in refused.value.message
    assert record(agent_person, category=Category.PRAISE, date=datetime.date(2025, 4, 30))


def test_description_is_required(record, agent_person):
    with pytest.raises(DomainError) as refused:
        record(agent_person, category=Category.PRAISE, description="   ")
    assert refused.value.code == "event_description_required"


def test_recording_is_audited_with_the_handling(record, agent_person, leader):
    event = record(agent_person, category=Category.VIOLATION, severity=Severity.SERIOUS)
    entry = AuditEntry.objects.get(action="event.record", target_id=str(event.pk))
    assert entry.actor == leader and entry.hotline == agent_person.hotline
    assert entry.changes["sanction"] == [None, "当月取消"]
    assert entry.changes["severity"] == [None, "较重"]


def test_agent_cannot_record(record, agent, agent_person):
    with pytest.raises(Forbidden):
        record(agent_person, actor=agent, category=Category.PRAISE)
    assert not Event.objects.exists()


def test_committee_cannot_record(record, committee, agent_person):
    with pytest.raises(Forbidden):
        record(agent_person, actor=committee, category=Category.PRAISE)


def test_leader_cannot_record_for_another_team(record, stranger):
    with pytest.raises(NotFound):
        record(stranger, category=Category.PRAISE)
    assert not Event.objects.exists() and not AuditEntry.objects.filter(action="event.record").exists()


def test_supervisor_records_for_anyone_of_the_hotline_but_not_another_hotline(record, supervisor, stranger, foreigner):
    assert record(stranger, actor=supervisor, category=Category.PRAISE)
    with pytest.raises(NotFound):
        record(foreigner, actor=supervisor, category=Category.PRAISE)


def test_group_admin_records_in_any_hotline(record, admin_user, foreigner):
    event = record(foreigner, actor=admin_user, category=Category.COMPANY_AWARD)
    assert event.hotline == foreigner.hotline


def test_p2_default_comes_from_the_hotlines_stored_policy(record, agent_person, hotline, supervisor):
    # given the hotline's 2025 policy makes 一般 vetoes cancel the month
    from stardesk.policy.facts import Sanction as PolicySanction
    from stardesk.yearly_policy import services as yearly

    cycle = yearly.policy_create_from_defaults(actor=supervisor, hotline=hotline, year=2025)
    yearly.policy_update(actor=supervisor, policy=cycle, values={"m5_sanction_general": PolicySanction.MONTH_CANCEL}, reason="委员会决定从严")
    cycle.refresh_from_db()
    # when a 一般 veto of 2025 is recorded without a handling
    event = record(agent_person, category=Category.VIOLATION, severity=Severity.GENERAL, date=datetime.date(2025, 3, 3))
    # then the stored policy's default applies, named by its version
    assert event.sanction == Sanction.MONTH_CANCEL and event.sanction_is_default
    assert cycle.version in event.sanction_basis
    # an event of an earlier year, before any stored policy, keeps policy.md's default
    older = record(agent_person, category=Category.VIOLATION, severity=Severity.GENERAL, date=datetime.date(2024, 3, 3))
    assert older.sanction == Sanction.MONTH_LOWER
