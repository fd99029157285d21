"""A benchmark hotline's agents, a share of them holding 1, 2 or 3 stars (the month-close and
recommendation sections build theirs alike)."""
from __future__ import annotations

import datetime
import random
from collections.abc import Callable

HOLDER_SHARE = (0.02, 0.07, 0.21)  # 3, 2 and 1 star


def agents_with_titles(hotline, teams, *, count: int, staff_prefix: str, started: Callable[[int], datetime.date],
                       title_start: datetime.date, rng: random.Random):
    """`count` permanent 话务员 of the hotline spread over `teams`, agent n started on started(n); each
    draws a title level from HOLDER_SHARE. Returns (people by staff number, person id → level held)."""
    from stardesk.people.models import EmploymentType, Person, TitleSpell

    Person.objects.bulk_create(
        [
            Person(
                hotline=hotline, staff_no=f"{staff_prefix}{n:05d}", name=f"客服{n}", employment_type=EmploymentType.PERMANENT,
                hotline_start=started(n), job_type="话务员", job_type_start=started(n), team=teams[n % len(teams)],
            )
            for n in range(1, count + 1)
        ],
        batch_size=2000,
    )
    people = list(Person.objects.filter(hotline=hotline).order_by("staff_no"))
    spells, level_of = [], {}
    for person in people:
        draw = rng.random()
        level = 3 if draw < HOLDER_SHARE[0] else 2 if draw < sum(HOLDER_SHARE[:2]) else 1 if draw < sum(HOLDER_SHARE) else 0
        if level:
            level_of[person.pk] = level
            spells.append(TitleSpell(person=person, level=level, job_type="话务员", start=title_start))
    TitleSpell.objects.bulk_create(spells, batch_size=2000)
    return people, level_of
