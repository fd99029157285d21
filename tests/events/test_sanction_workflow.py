"""Title sanctions (M5 降级/取消星级, V1): 待确认 → 已确认 / 已驳回, and what confirmation does to the title (S4, E6)."""
import datetime

import pytest

from stardesk.audit.models import AuditEntry
from stardesk.core.errors import DomainError, Forbidden
from stardesk.events import services
from stardesk.events.models import Category, SanctionDecision, SanctionStatus, Severity, Sanction
from stardesk.people.models import TitleEndReason, TitleSpell
from stardesk.policy import bans
from stardesk.policy.yearly import YearlyPolicy
from tests.factories import TitleSpellFactory


def _history(person):
    return list(TitleSpell.objects.filter(person=person).order_by("start", "pk").values_list("level", "start", "end", "end_reason"))


def test_m5_lowering_confirmed_ends_the_title_and_starts_one_level_lower(record, supervisor, agent_person, two_star, a_while_ago):
    # given a 2-star holder with a veto handled as 降级
    event = record(agent_person, category=Category.MAJOR_ERROR, severity=Severity.SEVERE, sanction=Sanction.LOWER, date=a_while_ago)
    # when the supervisor confirms it effective today
    decision = services.sanction_confirm(actor=supervisor, event=event, reason="核实无误", effective_on=a_while_ago)
    # then the 2-star spell ends that day (降级) and a 1-star spell starts the same day, until the next award
    assert _history(agent_person) == [
        (2, datetime.date(2024, 10, 20), a_while_ago, TitleEndReason.LOWERED),
        (1, a_while_ago, None, ""),
    ]
    event.refresh_from_db()
    assert event.sanction_status == SanctionStatus.CONFIRMED and event.effective_on == a_while_ago
    assert decision.decided_by == supervisor and decision.ended_title == two_star and decision.started_title.level == 1
    assert "2星→1星" in decision.title_outcome


def test_m5_revocation_confirmed_ends_the_title_without_a_new_one(record, supervisor, agent_person, two_star, today):
    event = record(agent_person, category=Category.VIOLATION, severity=Severity.SEVERE)  # default 取消星级
    services.sanction_confirm(actor=supervisor, event=event)
    assert _history(agent_person) == [(2, datetime.date(2024, 10, 20), today, TitleEndReason.REVOKED)]


def test_v1_lowering_a_one_star_title_revokes_it(record, supervisor, agent_person, today):
    TitleSpellFactory(person=agent_person, level=1, start=datetime.date(2024, 10, 20))
    event = record(agent_person, category=Category.SHORT_OF_LEVEL)  # default 降级
    services.sanction_confirm(actor=supervisor, event=event)
    assert _history(agent_person) == [(1, datetime.date(2024, 10, 20), today, TitleEndReason.REVOKED)]


def test_e6_confirmed_sanction_sets_the_one_year_ban_through_title_history(record, supervisor, agent_person, two_star, today):
    event = record(agent_person, category=Category.UNQUALIFIED)
    services.sanction_confirm(actor=supervisor, event=event)
    from stardesk.events.services import _as_fact

    ban = bans.active_ban([_as_fact(s) for s in agent_person.titles.all()], today, YearlyPolicy.defaults())
    assert ban is not None and ban.start == today


def test_e6_sanction_without_title_sets_nothing(record, supervisor, agent_person):
    # given someone who holds no title
    event = record(agent_person, category=Category.VIOLATION, severity=Severity.SEVERE)
    # when the revocation is confirmed
    decision = services.sanction_confirm(actor=supervisor, event=event)
    # then no title spell is written, and the decision says so
    assert not TitleSpell.objects.filter(person=agent_person).exists()
    assert decision.ended_title is None and decision.started_title is None
    assert "未持有星级" in decision.title_outcome and "不限制申报" in decision.title_outcome
    assert not AuditEntry.objects.filter(action="title.sanction").exists()


def test_title_ended_before_the_effective_date_is_not_touched(record, supervisor, agent_person, a_while_ago):
    # a spell that ended (换届) before the sanction takes effect is history, not the title held
    TitleSpellFactory(person=agent_person, level=3, start=datetime.date(2023, 10, 20), end=datetime.date(2024, 10, 20), end_reason=TitleEndReason.RENEWAL)
    event = record(agent_person, category=Category.UNQUALIFIED, date=a_while_ago)
    decision = services.sanction_confirm(actor=supervisor, event=event, effective_on=a_while_ago)
    assert decision.ended_title is None
    assert TitleSpell.objects.get(person=agent_person).end_reason == TitleEndReason.RENEWAL


def test_confirmation_is_audited_with_the_title_change(record, supervisor, agent_person, two_star):
    event = record(agent_person, category=Category.SHORT_OF_LEVEL)
    services.sanction_confirm(actor=supervisor, event=event, reason="委员会意见")
    confirm = AuditEntry.objects.get(action="event.sanction_confirm")
    assert confirm.actor == supervisor and confirm.changes["sanction_status"] == ["待确认", "已确认"]
    assert "委员会意见" in confirm.note
    ended = AuditEntry.objects.get(action="title.sanction", target_id=str(two_star.pk))
    assert ended.changes["end_reason"] == ["", "降级"]
    assert AuditEntry.objects.filter(action="title.add").count() == 1


def test_reject_keeps_the_title_and_records_the_reason(record, supervisor, agent_person, two_star):
    event = record(agent_person, category=Category.UNQUALIFIED)
    decision = services.sanction_reject(actor=supervisor, event=event, reason="证据不足")
    event.refresh_from_db()
    assert event.sanction_status == SanctionStatus.REJECTED
    assert decision.outcome == SanctionStatus.REJECTED and decision.reason == "证据不足"
    assert _history(agent_person) == [(2, datetime.date(2024, 10, 20), None, "")]


def test_reject_needs_a_reason(record, supervisor, agent_person):
    event = record(agent_person, category=Category.UNQUALIFIED)
    with pytest.raises(DomainError) as refused:
        services.sanction_reject(actor=supervisor, event=event, reason=" ")
    assert refused.value.code == "decision_reason_required"
    event.refresh_from_db()
    assert event.sanction_status == SanctionStatus.PENDING


def test_a_decided_sanction_cannot_be_decided_again(record, supervisor, agent_person, two_star):
    event = record(agent_person, category=Category.SHORT_OF_LEVEL)
    services.sanction_confirm(actor=supervisor, event=event)
    with pytest.raises(DomainError) as refused:
        services.sanction_confirm(actor=supervisor, event=event)
    assert refused.value.code == "sanction_not_pending"
    with pytest.raises(DomainError):
        services.sanction_reject(actor=supervisor, event=event, reason="改判")
    # the title was lowered once, not twice
    assert [level for level, *_ in _history(agent_person)] == [2, 1]
    assert SanctionDecision.objects.filter(event=event).count() == 1


def test_month_sanction_has_nothing_to_confirm(record, supervisor, agent_person):
    event = record(agent_person, category=Category.VIOLATION, severity=Severity.GENERAL)
    with pytest.raises(DomainError) as refused:
        services.sanction_confirm(actor=supervisor, event=event)
    assert refused.value.code == "sanction_not_pending"


@pytest.mark.parametrize("who", ["leader", "committee", "agent"])
def test_only_the_supervisor_confirms(record, users, agent_person, two_star, who):
    event = record(agent_person, category=Category.SHORT_OF_LEVEL)
    with pytest.raises(Forbidden):
        services.sanction_confirm(actor=users[who], event=event)
    event.refresh_from_db()
    assert event.sanction_status == SanctionStatus.PENDING
    assert _history(agent_person) == [(2, datetime.date(2024, 10, 20), None, "")]


def test_effective_date_between_event_date_and_today(record, supervisor, agent_person, two_star, today, a_while_ago):
    event = record(agent_person, category=Category.SHORT_OF_LEVEL, date=today)
    for wrong in (today - datetime.timedelta(days=1), today + datetime.timedelta(days=1)):
        with pytest.raises(DomainError) as refused:
            services.sanction_confirm(actor=supervisor, event=event, effective_on=wrong)
        assert refused.value.code == "effective_date_invalid"
    assert _history(agent_person) == [(2, datetime.date(2024, 10, 20), None, "")]


def test_sanction_on_the_award_day_is_refused_and_changes_nothing(record, supervisor, agent_person, today):
    TitleSpellFactory(person=agent_person, level=2, start=today)
    event = record(agent_person, category=Category.SHORT_OF_LEVEL)
    with pytest.raises(DomainError) as refused:
        services.sanction_confirm(actor=supervisor, event=event, effective_on=today)
    assert refused.value.code == "title_change_same_day"
    event.refresh_from_db()
    assert event.sanction_status == SanctionStatus.PENDING
    assert _history(agent_person) == [(2, today, None, "")]


def test_lowered_title_keeps_the_old_end(record, supervisor, agent_person, a_while_ago):
    # a spell already known to end at the next award: the lower one holds until then too
    award = a_while_ago + datetime.timedelta(days=400)
    TitleSpellFactory(person=agent_person, level=3, start=datetime.date(2024, 10, 20), end=award, end_reason=TitleEndReason.RENEWAL)
    event = record(agent_person, category=Category.SHORT_OF_LEVEL, date=a_while_ago)
    services.sanction_confirm(actor=supervisor, event=event, effective_on=a_while_ago)
    assert _history(agent_person)[-1] == (2, a_while_ago, award, TitleEndReason.RENEWAL)
