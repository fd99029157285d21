"""M1/M3: which month a week belongs to — the month of its Thursday."""
import datetime

import pytest

from stardesk.assessment.weeks import IsoWeek, weeks_of_month
from stardesk.policy.conventions import Month


@pytest.mark.parametrize(
    ("monday", "month"),
    [
        # given a week that straddles the end of a month, when it is assigned, then its Thursday decides
        (datetime.date(2025, 3, 31), Month(2025, 4)),  # Mon 31 Mar – Sun 6 Apr: Thursday 3 April
        (datetime.date(2025, 3, 24), Month(2025, 3)),  # Mon 24 – Sun 30 Mar
        (datetime.date(2025, 4, 28), Month(2025, 5)),  # Mon 28 Apr – Sun 4 May: Thursday 1 May
        (datetime.date(2025, 5, 26), Month(2025, 5)),  # Mon 26 May – Sun 1 Jun: Thursday 29 May
        (datetime.date(2024, 12, 30), Month(2025, 1)),  # ISO 2025-W01 starts in December 2024
        (datetime.date(2026, 12, 28), Month(2026, 12)),  # ISO 2026-W53 ends in January 2027
    ],
)
def test_m3_week_belongs_to_the_month_of_its_thursday(monday, month):
    assert IsoWeek.of(monday).month == month
    # every day of the week names the same week
    assert {IsoWeek.of(monday + datetime.timedelta(days=d)) for d in range(7)} == {IsoWeek.of(monday)}


def test_m3_a_month_has_the_weeks_of_its_thursdays():
    assert weeks_of_month(Month(2025, 3)) == [IsoWeek(2025, 10), IsoWeek(2025, 11), IsoWeek(2025, 12), IsoWeek(2025, 13)]
    assert [w.monday for w in weeks_of_month(Month(2025, 7))] == [
        datetime.date(2025, 6, 30),
        datetime.date(2025, 7, 7),
        datetime.date(2025, 7, 14),
        datetime.date(2025, 7, 21),
        datetime.date(2025, 7, 28),
    ]


def test_m3_every_week_of_a_year_belongs_to_exactly_one_month():
    weeks = [w for m in range(1, 13) for w in weeks_of_month(Month(2026, m))]
    assert len(weeks) == len(set(weeks)) == 53  # 2026 is a 53-week ISO year
    assert weeks[0] == IsoWeek(2026, 1) and weeks[-1] == IsoWeek(2026, 53)


def test_week_names_parse_and_refuse_weeks_a_year_does_not_have():
    assert IsoWeek.parse("2025-W14") == IsoWeek(2025, 14)
    assert str(IsoWeek(2025, 1)) == "2025-W01"
    assert IsoWeek(2025, 1).next() == IsoWeek(2025, 2) and IsoWeek(2025, 1).prev() == IsoWeek(2024, 52)
    for bad in ("2025-W53", "2025-14", "W14", "2025-W00"):
        with pytest.raises(ValueError):
            IsoWeek.parse(bad)
