"""API fixtures: a client per role authenticated by its own API token, and the whole cast at once."""
from types import SimpleNamespace

import pytest
from rest_framework.test import APIClient

from stardesk.api import services


def token_client(user) -> APIClient:
    client = APIClient()
    key = services.token_issue(actor=user, user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.fixture
def api_as():
    """api_as(user) → an APIClient sending that user's (freshly issued) token."""
    return token_client


@pytest.fixture
def world(hotline, other_hotline, team, other_team, agent_person, colleague, stranger, foreigner, users):
    """Two hotlines; in the first, 一班 (leader, agent 1001, colleague 1002) and 二班 (stranger 2001); 9001 abroad."""
    return SimpleNamespace(
        hotline=hotline,
        other_hotline=other_hotline,
        team=team,
        other_team=other_team,
        foreign_team=foreigner.team,
        agent_person=agent_person,
        colleague=colleague,
        stranger=stranger,
        foreigner=foreigner,
        users=users,
    )
