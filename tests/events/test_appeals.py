"""申诉 against a veto (M5): filed by the person or their leader, decided by the supervisor;
an overturned veto stays on file and no longer counts."""
import pytest

from stardesk.core.errors import DomainError, Forbidden, NotFound
from stardesk.events import queries, services
from stardesk.events.models import Appeal, AppealStatus, Category, Event, SanctionStatus, Severity


@pytest.fixture
def veto(record, agent_person):
    return record(agent_person, category=Category.VIOLATION, severity=Severity.GENERAL)  # 当月降级


def test_the_person_files_an_appeal_on_their_own_veto(veto, agent):
    appeal = services.appeal_file(actor=agent, event=veto, reason="当时系统故障，并非本人原因")
    assert appeal.status == AppealStatus.PENDING and appeal.filed_by == agent


def test_their_leader_may_file_it(veto, leader):
    assert services.appeal_file(actor=leader, event=veto, reason="班组核实后认为处理过重").filed_by == leader


def test_leader_of_another_team_cannot_see_it(veto, other_leader):
    with pytest.raises(NotFound):
        services.appeal_file(actor=other_leader, event=veto, reason="代为申诉")
    assert not Appeal.objects.exists()


def test_a_colleague_cannot_appeal_for_someone_else(veto, hotline, colleague):
    from tests.factories import UserFactory

    other = UserFactory(username="colleague", role="agent", hotline=hotline, person=colleague)
    with pytest.raises(NotFound):
        services.appeal_file(actor=other, event=veto, reason="帮同事申诉")


@pytest.mark.parametrize("who", ["supervisor", "committee"])
def test_supervisor_and_committee_do_not_file_appeals(veto, users, who):
    with pytest.raises(Forbidden):
        services.appeal_file(actor=users[who], event=veto, reason="代为申诉")


def test_only_vetoes_can_be_appealed(record, agent_person, agent):
    praise = record(agent_person, category=Category.PRAISE)
    with pytest.raises(DomainError) as refused:
        services.appeal_file(actor=agent, event=praise, reason="?")
    assert refused.value.code == "appeal_not_veto"


def test_one_appeal_per_veto(veto, agent, leader):
    services.appeal_file(actor=agent, event=veto, reason="第一次")
    with pytest.raises(DomainError) as refused:
        services.appeal_file(actor=leader, event=veto, reason="第二次")
    assert refused.value.code == "appeal_exists"
    assert Appeal.objects.count() == 1


def test_appeal_needs_a_reason(veto, agent):
    with pytest.raises(DomainError) as refused:
        services.appeal_file(actor=agent, event=veto, reason="  ")
    assert refused.value.code == "appeal_reason_required"
    assert not Appeal.objects.exists()


def test_m5_overturned_veto_no_longer_counts(veto, agent, supervisor, agent_person, hotline, today):
    # given a month lowering under appeal
    services.appeal_file(actor=agent, event=veto, reason="系统故障")
    assert queries.month_sanctions(agent_person, today).lowerings == 1
    assert queries.month_sanctions(agent_person, today).appeal_pending
    # when the supervisor overturns it
    appeal = services.appeal_decide(actor=supervisor, event=veto, overturn=True, reason="核实为系统故障")
    # then it stays on file but counts for nothing
    assert appeal.status == AppealStatus.OVERTURNED and appeal.decided_by == supervisor
    assert Event.objects.filter(pk=veto.pk).exists()
    assert queries.month_sanctions(agent_person, today).lowerings == 0
    assert queries.vetoes_of_year(hotline, today.year) == {}
    assert queries.state_of(Event.objects.select_related("appeal").get(pk=veto.pk))[0] == queries.State.OVERTURNED


def test_m5_upheld_veto_keeps_counting(veto, agent, supervisor, agent_person, today):
    services.appeal_file(actor=agent, event=veto, reason="系统故障")
    services.appeal_decide(actor=supervisor, event=veto, overturn=False, reason="录音证实态度问题")
    sanctions = queries.month_sanctions(agent_person, today)
    assert sanctions.lowerings == 1 and not sanctions.appeal_pending


def test_an_appeal_is_decided_once(veto, agent, supervisor):
    services.appeal_file(actor=agent, event=veto, reason="系统故障")
    services.appeal_decide(actor=supervisor, event=veto, overturn=False, reason="维持")
    with pytest.raises(DomainError) as refused:
        services.appeal_decide(actor=supervisor, event=veto, overturn=True, reason="改判")
    assert refused.value.code == "appeal_decided"
    assert Appeal.objects.get().status == AppealStatus.UPHELD


def test_decision_needs_a_reason_and_the_supervisor(veto, agent, leader, supervisor):
    services.appeal_file(actor=agent, event=veto, reason="系统故障")
    with pytest.raises(Forbidden):
        services.appeal_decide(actor=leader, event=veto, overturn=True, reason="班长同意")
    with pytest.raises(DomainError) as refused:
        services.appeal_decide(actor=supervisor, event=veto, overturn=True, reason="")
    assert refused.value.code == "decision_reason_required"
    assert Appeal.objects.get().status == AppealStatus.PENDING


def test_title_sanction_waits_for_the_appeal(record, agent_person, agent, supervisor, two_star):
    event = record(agent_person, category=Category.VIOLATION, severity=Severity.SEVERE)
    services.appeal_file(actor=agent, event=event, reason="不服")
    with pytest.raises(DomainError) as refused:
        services.sanction_confirm(actor=supervisor, event=event)
    assert refused.value.code == "appeal_pending"
    services.appeal_decide(actor=supervisor, event=event, overturn=False, reason="维持")
    services.sanction_confirm(actor=supervisor, event=event)
    event.refresh_from_db()
    assert event.sanction_status == SanctionStatus.CONFIRMED


def test_overturned_title_sanction_cannot_be_confirmed(record, agent_person, agent, supervisor, two_star):
    event = record(agent_person, category=Category.MAJOR_ERROR, severity=Severity.SEVERE)
    services.appeal_file(actor=agent, event=event, reason="不服")
    services.appeal_decide(actor=supervisor, event=event, overturn=True, reason="撤销")
    with pytest.raises(DomainError) as refused:
        services.sanction_confirm(actor=supervisor, event=event)
    assert refused.value.code == "event_overturned"
    assert two_star.person.titles.get().end is None


def test_no_appeal_after_the_sanction_was_decided(record, agent_person, agent, supervisor, two_star):
    event = record(agent_person, category=Category.VIOLATION, severity=Severity.SEVERE)
    services.sanction_confirm(actor=supervisor, event=event)
    with pytest.raises(DomainError) as refused:
        services.appeal_file(actor=agent, event=event, reason="迟到的申诉")
    assert refused.value.code == "appeal_after_decision"
