"""ISO weeks and the month a week belongs to (M1, M3).

A week (Monday–Sunday) belongs to the month of its Thursday: the month that
holds at least four of its seven days, the same rule ISO 8601 uses to give a
week to a year. So every week belongs to exactly one month, and a month has
four or five weeks. Example: Monday 2025-03-31 – Sunday 2025-04-06 has its
Thursday on 3 April, so it is a week of April.
"""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from stardesk.policy.conventions import Month

_WEEK_RE = re.compile(r"^(\d{4})-W(\d{1,2})$")


@dataclass(frozen=True, order=True, slots=True)
class IsoWeek:
    year: int
    week: int

    def __post_init__(self):
        # Raises ValueError for a week the ISO year does not have (e.g. 2025-W53).
        datetime.date.fromisocalendar(self.year, self.week, 1)

    @classmethod
    def of(cls, day: datetime.date) -> "IsoWeek":
        year, week, _ = day.isocalendar()
        return cls(year, week)

    @classmethod
    def parse(cls, text: str) -> "IsoWeek":
        """``"2025-W14"`` → IsoWeek(2025, 14); ValueError for anything else."""
        match = _WEEK_RE.match(text.strip())
        if not match:
            raise ValueError(text)
        return cls(int(match.group(1)), int(match.group(2)))

    @property
    def monday(self) -> datetime.date:
        return datetime.date.fromisocalendar(self.year, self.week, 1)

    @property
    def thursday(self) -> datetime.date:
        return self.monday + datetime.timedelta(days=3)

    @property
    def sunday(self) -> datetime.date:
        return self.monday + datetime.timedelta(days=6)

    @property
    def month(self) -> Month:
        """The month this week belongs to: the month of its Thursday."""
        return Month.of(self.thursday)

    def next(self) -> "IsoWeek":
        return IsoWeek.of(self.monday + datetime.timedelta(days=7))

    def prev(self) -> "IsoWeek":
        return IsoWeek.of(self.monday - datetime.timedelta(days=7))

    def __str__(self) -> str:
        return f"{self.year}-W{self.week:02d}"


def weeks_of_month(month: Month) -> list[IsoWeek]:
    """The weeks whose Thursday falls in `month`, in order (four or five)."""
    first_thursday = month.first_day + datetime.timedelta(days=(3 - month.first_day.weekday()) % 7)
    weeks = []
    day = first_thursday
    while day <= month.last_day:
        weeks.append(IsoWeek.of(day))
        day += datetime.timedelta(days=7)
    return weeks
