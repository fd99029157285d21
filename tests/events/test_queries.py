"""What the later rules read from the events: M4 month sanctions, E4 honours, E6 confirmed
title sanctions, K1 vetoes of the year, V2 feedback; one query for a whole hotline."""
import datetime
from decimal import Decimal

import pytest

from stardesk.events import queries, services
from stardesk.events.models import Category, Event, Sanction, Severity
from stardesk.policy.conventions import Month
from stardesk.policy.monthly_allowance import allowance_line
from stardesk.policy.yearly import YearlyPolicy
from stardesk.policy import facts
from tests.factories import PersonFactory, TitleSpellFactory

MARCH = datetime.date(2025, 3, 1)


def test_m4_month_sanctions_of_a_person(record, agent_person, colleague):
    # given two month lowerings and a cancel in March, one lowering in April, one for a colleague
    record(agent_person, category=Category.VIOLATION, severity=Severity.GENERAL, date=datetime.date(2025, 3, 3))
    record(agent_person, category=Category.MAJOR_ERROR, severity=Severity.GENERAL, date=datetime.date(2025, 3, 31))
    record(agent_person, category=Category.JUSTIFIED_COMPLAINT, severity=Severity.SERIOUS, date=datetime.date(2025, 3, 15))
    record(agent_person, category=Category.VIOLATION, severity=Severity.GENERAL, date=datetime.date(2025, 4, 1))
    record(colleague, category=Category.VIOLATION, severity=Severity.GENERAL, date=datetime.date(2025, 3, 3))
    # then March has two lowerings and a cancel for 张三 (steps 2–3 of M4)
    march = queries.month_sanctions(agent_person, MARCH)
    assert (march.cancelled, march.lowerings, len(march.event_ids)) == (True, 2, 3)
    assert queries.month_sanctions(agent_person, Month(2025, 4)).lowerings == 1
    assert queries.month_sanctions(agent_person, "2025-05") == queries.MonthSanctions()


def test_m4_title_sanctions_and_praise_are_not_month_sanctions(record, agent_person):
    record(agent_person, category=Category.VIOLATION, severity=Severity.SEVERE, date=datetime.date(2025, 3, 3))
    record(agent_person, category=Category.PRAISE, date=datetime.date(2025, 3, 4))
    assert queries.month_sanctions(agent_person, MARCH) == queries.MonthSanctions()


def test_m4_month_sanctions_of_a_hotline_in_one_query(record, agent_person, colleague, team, hotline, django_assert_num_queries):
    many = [PersonFactory(team=team) for _ in range(5)]
    for person in [agent_person, colleague, *many]:
        record(person, category=Category.VIOLATION, severity=Severity.GENERAL, date=datetime.date(2025, 3, 3))
    record(colleague, category=Category.VIOLATION, severity=Severity.SERIOUS, date=datetime.date(2025, 3, 9))
    with django_assert_num_queries(1):
        found = queries.month_sanctions_of(hotline, MARCH)
    assert len(found) == 7
    assert found[colleague.pk].cancelled and found[colleague.pk].lowerings == 1
    assert not found[agent_person.pk].cancelled


def test_m4_allowance_reads_the_counted_events(record, agent, supervisor, agent_person, hotline):
    # policy.md's example: 3-star with an M5 month lowering and s = 80 → B(1) = 100.00
    TitleSpellFactory(person=agent_person, level=3, start=datetime.date(2024, 10, 20))
    titles = (facts.TitleSpell(3, "话务员", datetime.date(2024, 10, 20)),)
    veto = record(agent_person, category=Category.VIOLATION, severity=Severity.GENERAL, date=datetime.date(2025, 3, 3))

    def amount():
        events = queries.counting_facts_of(hotline, MARCH, datetime.date(2025, 3, 31)).get(agent_person.pk, ())
        return allowance_line("1001", titles, Month(2025, 3), Decimal("80"), events, None, YearlyPolicy.defaults()).amount

    assert amount() == Decimal("100.00")
    # once overturned on appeal the lowering is gone: 3-star, s < 85 → one level down → B(2)
    services.appeal_file(actor=agent, event=veto, reason="系统故障")
    services.appeal_decide(actor=supervisor, event=veto, overturn=True, reason="核实")
    assert amount() == Decimal("200.00")


def test_e4_honour_year(record, supervisor, agent_person, colleague, stranger, hotline):
    # the calendar year of the honour's date decides the cycle it opens (E4)
    record(agent_person, actor=supervisor, category=Category.COMPANY_AWARD, date=datetime.date(2025, 1, 1))
    record(colleague, actor=supervisor, category=Category.ADVANCED_INDIVIDUAL, date=datetime.date(2024, 12, 31))
    record(stranger, actor=supervisor, category=Category.PRAISE, date=datetime.date(2025, 6, 1))
    assert set(queries.honours_of_year(hotline, 2025)) == {agent_person.pk}
    assert set(queries.honours_of_year(hotline, 2024)) == {colleague.pk}
    assert queries.has_honour(agent_person, 2025) and not queries.has_honour(agent_person, 2024)
    assert not queries.has_honour(stranger, 2025)  # praise is not an honour


def test_e6_confirmed_title_sanctions_with_effective_dates(record, supervisor, agent_person, colleague, two_star, hotline, today):
    lowered = record(agent_person, category=Category.SHORT_OF_LEVEL)
    no_title = record(colleague, category=Category.UNQUALIFIED)
    pending = record(agent_person, category=Category.VIOLATION, severity=Severity.SEVERE)
    services.sanction_confirm(actor=supervisor, event=lowered)
    services.sanction_confirm(actor=supervisor, event=no_title)
    found = {s.event_id: s for s in queries.confirmed_title_sanctions(hotline)}
    assert set(found) == {lowered.pk, no_title.pk}  # the pending one is not in force
    assert found[lowered.pk].effective_on == today and found[lowered.pk].changed_title
    assert not found[no_title.pk].changed_title  # E6: no title, no ban
    assert [s.event_id for s in queries.confirmed_title_sanctions(hotline, person=colleague)] == [no_title.pk]
    assert pending.pk not in found


def test_k1_vetoes_of_the_year(record, agent, supervisor, agent_person, colleague, hotline):
    kept = record(agent_person, category=Category.VIOLATION, severity=Severity.GENERAL, date=datetime.date(2025, 2, 1))
    overturned = record(agent_person, category=Category.MAJOR_ERROR, severity=Severity.GENERAL, date=datetime.date(2025, 3, 1))
    record(agent_person, category=Category.VIOLATION, severity=Severity.GENERAL, date=datetime.date(2024, 12, 31))
    record(colleague, category=Category.UNQUALIFIED, date=datetime.date(2025, 3, 1))  # V1, not a veto
    pending_title = record(colleague, category=Category.JUSTIFIED_COMPLAINT, severity=Severity.SEVERE, date=datetime.date(2025, 5, 1))
    services.appeal_file(actor=agent, event=overturned, reason="不服")
    services.appeal_decide(actor=supervisor, event=overturned, overturn=True, reason="撤销")
    found = queries.vetoes_of_year(hotline, 2025)
    assert {pid: [e.pk for e in events] for pid, events in found.items()} == {
        agent_person.pk: [kept.pk],
        colleague.pk: [pending_title.pk],
    }


def test_v2_feedback_of_a_person(record, agent_person):
    praise = record(agent_person, category=Category.PRAISE, date=datetime.date(2025, 3, 1), description="表扬")
    complaint = record(agent_person, category=Category.JUSTIFIED_COMPLAINT, severity=Severity.GENERAL, date=datetime.date(2025, 4, 1))
    record(agent_person, category=Category.COMPANY_AWARD, date=datetime.date(2025, 5, 1))
    assert list(queries.feedback_of(agent_person)) == [complaint, praise]


def test_as_facts_carry_the_stored_handling(record, agent_person):
    record(agent_person, category=Category.VIOLATION, severity=Severity.SERIOUS, date=datetime.date(2025, 3, 3))
    (fact,) = queries.as_facts(Event.objects.counting())
    assert fact == facts.Event(
        on=datetime.date(2025, 3, 3),
        category=facts.EventCategory.VIOLATION,
        severity=facts.Severity.SERIOUS,
        sanction=facts.Sanction.MONTH_CANCEL,
        note="客户来电态度生硬",
    )


def test_events_of_a_person_for_their_file(record, agent_person, colleague):
    mine = [record(agent_person, category=Category.PRAISE, date=datetime.date(2025, 3, d)) for d in (1, 2)]
    record(colleague, category=Category.PRAISE)
    assert list(queries.events_of(agent_person)) == mine[::-1]


def test_sanction_facts_of_a_pending_title_sanction_do_not_count(record, agent_person):
    record(agent_person, category=Category.UNQUALIFIED, date=datetime.date(2025, 3, 3))
    assert not Event.objects.counting().exists()
    assert Event.objects.get().sanction == Sanction.REVOKE
