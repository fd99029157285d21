import datetime

import pytest

from stardesk.people.models import EmploymentType
from tests.factories import PersonFactory, TitleSpellFactory


@pytest.fixture
def as_user(client):
    """Log the test client in as the given user and hand it back."""

    def login(user):
        client.force_login(user)
        return client

    return login


@pytest.fixture
def crowd(team):
    """A team of people to search, filter and sort: one left, one temporary, title holders."""

    def make(count: int, *, prefix: str = "5"):
        people = []
        for n in range(count):
            people.append(
                PersonFactory(
                    team=team,
                    staff_no=f"{prefix}{n:03d}",
                    name=f"成员{n:03d}",
                    hotline_start=datetime.date(2020, 1, 1) + datetime.timedelta(days=n),
                )
            )
        for n, person in enumerate(people):
            if n % 3 == 0:
                TitleSpellFactory(person=person, level=1 + n % 2, start=datetime.date(2024, 10, 20))
        return people

    return make


@pytest.fixture
def mixed_people(team, other_team):
    """Four people who differ in exactly the ways the roster filters by."""
    temp = PersonFactory(team=team, staff_no="7001", name="临时工甲", employment_type=EmploymentType.TEMPORARY)
    gone = PersonFactory(team=team, staff_no="7002", name="已走乙", left_on=datetime.date(2024, 5, 31))
    star = PersonFactory(team=other_team, staff_no="7003", name="三星丙")
    TitleSpellFactory(person=star, level=3, start=datetime.date(2024, 10, 20))
    ended = PersonFactory(team=other_team, staff_no="7004", name="降级丁")
    TitleSpellFactory(person=ended, level=2, start=datetime.date(2023, 10, 20), end=datetime.date(2024, 3, 1), end_reason="lowered")
    return {"temp": temp, "gone": gone, "star": star, "ended": ended}
