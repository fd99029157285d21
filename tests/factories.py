"""Factories that keep hotline, team, person and account consistent."""
import datetime

import factory

from stardesk.accounts.models import Role, User
from stardesk.people.models import EmploymentType, Hotline, Person, Team, TitleSpell


class HotlineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Hotline
        django_get_or_create = ("code",)

    name = factory.Sequence(lambda n: f"服务热线{n}")
    code = factory.Sequence(lambda n: f"hotline-{n}")


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    hotline = factory.SubFactory(HotlineFactory)
    name = factory.Sequence(lambda n: f"第{n}班")


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    team = factory.SubFactory(TeamFactory)
    hotline = factory.SelfAttribute("team.hotline")
    staff_no = factory.Sequence(lambda n: f"{1000 + n}")
    name = factory.Sequence(lambda n: f"客服{n}")
    employment_type = EmploymentType.PERMANENT
    hotline_start = datetime.date(2022, 3, 1)
    job_type = "话务员"
    job_type_start = factory.SelfAttribute("hotline_start")


class TitleSpellFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TitleSpell

    person = factory.SubFactory(PersonFactory)
    level = 1
    job_type = factory.SelfAttribute("person.job_type")
    start = datetime.date(2024, 10, 20)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.AGENT
    hotline = factory.SubFactory(HotlineFactory)
    password = factory.PostGenerationMethodCall("set_password", "stardesk-test-pw")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()
