"""API tokens: the owner's page, the operator's command, the audit trail (never the key itself)."""
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from stardesk.api import services
from stardesk.audit.models import AuditEntry
from stardesk.core.errors import Forbidden
from stardesk.core.navigation import entries_for

TOKEN_PAGE = "/api/token/"


def _works(key) -> bool:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get("/api/v1/people/").status_code == 200


def _key_in_audit(key) -> bool:
    return any(key in str(row) for row in AuditEntry.objects.values_list("target_id", "target_repr", "changes", "note"))


# --- the page ----------------------------------------------------------------


def test_token_page_is_in_every_roles_sidebar(users):
    for user in users.values():
        names = [entry["name"] for _title, entries in entries_for(user) for entry in entries]
        assert "api:token" in names, user.role


def test_token_page_needs_a_login(client, db):
    response = client.get(TOKEN_PAGE)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_page_issues_a_token_and_shows_it_once(client, agent):
    client.force_login(agent)
    assert "尚未生成令牌。" in client.get(TOKEN_PAGE).content.decode()

    response = client.post(TOKEN_PAGE, {"action": "issue"})

    key = Token.objects.get(user=agent).key
    page = response.content.decode()
    assert response.status_code == 200
    assert key in page and "令牌只显示这一次" in page
    assert "no-store" in response["Cache-Control"]
    assert _works(key)
    # shown once: the page never shows it again
    later = client.get(TOKEN_PAGE).content.decode()
    assert key not in later and "已有令牌，生成于" in later


def test_issuing_again_replaces_the_old_token(client, agent):
    client.force_login(agent)
    client.post(TOKEN_PAGE, {"action": "issue"})
    old = Token.objects.get(user=agent).key

    client.post(TOKEN_PAGE, {"action": "issue"})

    new = Token.objects.get(user=agent).key
    assert new != old
    assert not _works(old)
    assert _works(new)
    assert list(AuditEntry.objects.order_by("pk").values_list("action", flat=True)) == ["api_token.create", "api_token.rotate"]


def test_revoked_token_no_longer_works(client, agent):
    client.force_login(agent)
    client.post(TOKEN_PAGE, {"action": "issue"})
    key = Token.objects.get(user=agent).key

    response = client.post(TOKEN_PAGE, {"action": "revoke"}, follow=True)

    assert "API 令牌已吊销" in response.content.decode()
    assert not Token.objects.filter(user=agent).exists()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    refused = api.get("/api/v1/people/")
    assert refused.status_code == 401
    assert refused.json() == {"code": "authentication_failed", "detail": "认证令牌无效。"}


def test_revoking_without_a_token_changes_nothing(client, agent):
    client.force_login(agent)

    response = client.post(TOKEN_PAGE, {"action": "revoke"}, follow=True)

    assert "您当前没有 API 令牌。" in response.content.decode()
    assert AuditEntry.objects.count() == 0


def test_unknown_action_changes_nothing(client, agent):
    client.force_login(agent)

    response = client.post(TOKEN_PAGE, {"action": "steal"}, follow=True)

    assert "无法识别的操作" in response.content.decode()
    assert not Token.objects.exists() and AuditEntry.objects.count() == 0


def test_token_events_are_audited_without_the_key(client, supervisor):
    client.force_login(supervisor)
    client.post(TOKEN_PAGE, {"action": "issue"})
    first = Token.objects.get(user=supervisor).key
    client.post(TOKEN_PAGE, {"action": "issue"})
    second = Token.objects.get(user=supervisor).key
    client.post(TOKEN_PAGE, {"action": "revoke"})

    entries = list(AuditEntry.objects.order_by("pk"))
    assert [(e.action, e.actor, e.hotline, e.target_type, e.target_id) for e in entries] == [
        ("api_token.create", supervisor, supervisor.hotline, "accounts.user", str(supervisor.pk)),
        ("api_token.rotate", supervisor, supervisor.hotline, "accounts.user", str(supervisor.pk)),
        ("api_token.revoke", supervisor, supervisor.hotline, "accounts.user", str(supervisor.pk)),
    ]
    assert not _key_in_audit(first) and not _key_in_audit(second)


def test_a_user_cannot_manage_someone_elses_token(agent, supervisor):
    with pytest.raises(Forbidden):
        services.token_issue(actor=agent, user=supervisor)
    with pytest.raises(Forbidden):
        services.token_revoke(actor=agent, user=supervisor)

    assert not Token.objects.exists() and AuditEntry.objects.count() == 0


def test_token_is_sent_as_a_header_not_taken_from_the_query_string(agent):
    key = services.token_issue(actor=agent, user=agent)

    assert APIClient().get("/api/v1/people/", {"token": key}).status_code == 401


def test_logged_in_browser_session_reads_the_api_too(client, agent):
    client.force_login(agent)

    assert client.get("/api/v1/people/", HTTP_ACCEPT="application/json").json()["count"] == 1


def test_session_writes_need_the_csrf_token(supervisor, hotline):
    api = APIClient(enforce_csrf_checks=True)
    api.force_login(supervisor)

    response = api.post("/api/v1/teams/", {"name": "三班"}, format="json")

    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


# --- the command -------------------------------------------------------------


def test_command_prints_a_working_token(agent):
    out, err = io.StringIO(), io.StringIO()

    call_command("api_token", "agent", stdout=out, stderr=err)

    key = out.getvalue().strip()
    assert key == Token.objects.get(user=agent).key
    assert _works(key)
    assert "已为账号“agent”生成新的 API 令牌" in err.getvalue()
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.actor, entry.actor_name, entry.note) == ("api_token.create", None, "系统", "生成 API 令牌。（命令行）")
    assert not _key_in_audit(key)


def test_command_replaces_and_revokes(agent):
    first = io.StringIO()
    call_command("api_token", "agent", stdout=first, stderr=io.StringIO())
    second = io.StringIO()
    call_command("api_token", "agent", stdout=second, stderr=io.StringIO())
    assert not _works(first.getvalue().strip()) and _works(second.getvalue().strip())

    call_command("api_token", "agent", "--revoke", stdout=io.StringIO(), stderr=io.StringIO())

    assert not Token.objects.exists()
    assert list(AuditEntry.objects.order_by("pk").values_list("action", flat=True)) == ["api_token.create", "api_token.rotate", "api_token.revoke"]


def test_command_refuses_an_unknown_account(db):
    with pytest.raises(CommandError, match="账号“nobody”不存在。"):
        call_command("api_token", "nobody", stdout=io.StringIO())

    assert not Token.objects.exists()


def test_command_refuses_a_deactivated_account(agent):
    agent.is_active = False
    agent.save()

    with pytest.raises(CommandError, match="账号已停用"):
        call_command("api_token", "agent", stdout=io.StringIO())

    assert not Token.objects.exists() and AuditEntry.objects.count() == 0
