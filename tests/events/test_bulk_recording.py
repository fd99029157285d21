"""Recording many events at once (the 奖惩事件 sheet): same checks and defaults, all or nothing,
the same rows twice change nothing, a constant number of queries."""
import datetime

import pytest

from stardesk.audit.models import AuditEntry
from stardesk.core.errors import DomainError, Forbidden
from stardesk.events.models import Event, Sanction, SanctionStatus
from stardesk.events.services import EventRow, events_record_many
from tests.factories import PersonFactory

D = datetime.date(2025, 3, 3)


def test_m5_v1_defaults_in_bulk(supervisor, hotline, agent_person, colleague, stranger):
    rows = [
        EventRow(2, agent_person, D, "violation", "general"),
        EventRow(3, colleague, D, "unqualified"),
        EventRow(4, stranger, D, "company_award", description="年度服务明星"),
        EventRow(5, agent_person, D, "justified_complaint", "severe", "month_cancel", "客户投诉"),
    ]
    outcome = events_record_many(actor=supervisor, hotline=hotline, rows=rows)
    assert len(outcome.created) == 4 and outcome.unchanged == 0
    found = {(e.person.staff_no, e.category): e for e in Event.objects.select_related("person")}
    assert (found["1001", "violation"].sanction, found["1001", "violation"].sanction_is_default) == (Sanction.MONTH_LOWER, True)
    assert (found["1002", "unqualified"].sanction, found["1002", "unqualified"].sanction_status) == (Sanction.REVOKE, SanctionStatus.PENDING)
    assert found["2001", "company_award"].month == datetime.date(2025, 3, 1)
    assert found["1001", "justified_complaint"].sanction == Sanction.MONTH_CANCEL
    assert AuditEntry.objects.filter(action="event.record").count() == 4


def test_same_rows_twice_change_nothing(supervisor, hotline, agent_person):
    rows = [EventRow(2, agent_person, D, "violation", "general", description="迟到")]
    events_record_many(actor=supervisor, hotline=hotline, rows=rows)
    again = events_record_many(actor=supervisor, hotline=hotline, rows=rows)
    assert (again.created, again.unchanged) == ([], 1)
    assert Event.objects.count() == 1


def test_every_bad_row_is_reported_and_nothing_is_saved(supervisor, hotline, agent_person, foreigner, today):
    events_record_many(actor=supervisor, hotline=hotline, rows=[EventRow(2, agent_person, D, "praise", description="表扬")])
    rows = [
        EventRow(2, agent_person, D, "violation"),  # no severity
        EventRow(3, agent_person, D, "short_of_level", sanction="month_lower"),
        EventRow(4, agent_person, today + datetime.timedelta(days=1), "praise"),
        EventRow(5, foreigner, D, "praise"),
        EventRow(6, agent_person, datetime.date(2025, 3, 4), "praise"),
        EventRow(7, agent_person, datetime.date(2025, 3, 4), "praise"),
        EventRow(8, agent_person, D, "praise", description="另一条表扬"),
        EventRow(9, agent_person, D, "company_award", severity="general"),
    ]
    with pytest.raises(DomainError) as refused:
        events_record_many(actor=supervisor, hotline=hotline, rows=rows)
    reasons = {d["row"]: d["reason"] for d in refused.value.details}
    assert set(reasons) == {2, 3, 4, 5, 7, 8, 9}
    assert "严重程度" in reasons[2] and "降级或取消星级" in reasons[3] and "晚于今天" in reasons[4]
    assert "9001" in reasons[5] and "第 6 行重复" in reasons[7] and "内容不同" in reasons[8]
    assert Event.objects.count() == 1


def test_leader_bulk_records_for_own_team_only(leader, hotline, agent_person, stranger):
    with pytest.raises(DomainError) as refused:
        events_record_many(actor=leader, hotline=hotline, rows=[EventRow(2, agent_person, D, "praise"), EventRow(3, stranger, D, "praise")])
    assert [d["row"] for d in refused.value.details] == [3]
    assert not Event.objects.exists()


def test_agent_cannot_bulk_record(agent, hotline, agent_person):
    with pytest.raises(Forbidden):
        events_record_many(actor=agent, hotline=hotline, rows=[EventRow(2, agent_person, D, "praise")])


def test_bulk_queries_do_not_grow_with_the_rows(supervisor, hotline, team, django_assert_max_num_queries):
    def rows(n, start):
        return [EventRow(i, PersonFactory(team=team), D, "violation", "general") for i in range(start, start + n)]

    small, large = rows(3, 2), rows(60, 100)
    with django_assert_max_num_queries(20) as few:
        events_record_many(actor=supervisor, hotline=hotline, rows=small)
    with django_assert_max_num_queries(len(few.captured_queries)):
        events_record_many(actor=supervisor, hotline=hotline, rows=large)
    assert Event.objects.count() == 63
