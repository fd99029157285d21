"""Shared fixtures: two hotlines, two teams in the first, one account per role."""
import pytest

from stardesk.accounts.models import Role
from tests.factories import HotlineFactory, PersonFactory, TeamFactory, UserFactory

PASSWORD = "stardesk-test-pw"


@pytest.fixture(autouse=True)
def _product_language():
    """Each test starts in the product's language: a page rendered in English by an
    earlier test leaves its language active in the thread (no middleware resets it)."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def hotline(db):
    return HotlineFactory(name="有线电视服务热线", code="main")


@pytest.fixture
def other_hotline(db):
    return HotlineFactory(name="分公司服务热线", code="branch")


@pytest.fixture
def leader(hotline):
    return UserFactory(username="leader", role=Role.LEADER, hotline=hotline, display_name="王班长")


@pytest.fixture
def other_leader(hotline):
    return UserFactory(username="leader2", role=Role.LEADER, hotline=hotline, display_name="李班长")


@pytest.fixture
def team(hotline, leader):
    return TeamFactory(hotline=hotline, name="一班", leader=leader)


@pytest.fixture
def other_team(hotline, other_leader):
    return TeamFactory(hotline=hotline, name="二班", leader=other_leader)


@pytest.fixture
def agent_person(team):
    return PersonFactory(team=team, staff_no="1001", name="张三")


@pytest.fixture
def colleague(team):
    return PersonFactory(team=team, staff_no="1002", name="李四")


@pytest.fixture
def stranger(other_team):
    """Someone in the same hotline but another team."""
    return PersonFactory(team=other_team, staff_no="2001", name="王五")


@pytest.fixture
def foreigner(other_hotline):
    """Someone of another hotline of the group."""
    team = TeamFactory(hotline=other_hotline, name="一班")
    return PersonFactory(team=team, staff_no="9001", name="赵六")


@pytest.fixture
def agent(hotline, agent_person):
    return UserFactory(username="agent", role=Role.AGENT, hotline=hotline, person=agent_person)


@pytest.fixture
def supervisor(hotline):
    return UserFactory(username="supervisor", role=Role.SUPERVISOR, hotline=hotline, display_name="陈主管")


@pytest.fixture
def committee(hotline):
    return UserFactory(username="committee", role=Role.COMMITTEE, hotline=hotline, display_name="周委员")


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", role=Role.ADMIN, hotline=None, display_name="管理员")


@pytest.fixture
def users(agent, leader, supervisor, committee, admin_user):
    return {"agent": agent, "leader": leader, "supervisor": supervisor, "committee": committee, "admin": admin_user}
