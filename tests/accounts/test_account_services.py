"""accounts.services: who may create and manage which accounts; passwords never in clear."""
import pytest

from stardesk.accounts import services
from stardesk.accounts.models import Role, User
from stardesk.audit.models import AuditEntry
from stardesk.core.errors import DomainError, Forbidden

PW = "Long-enough-pw-1"


def test_supervisor_creates_agent_leader_and_committee_accounts_in_their_hotline(supervisor, hotline, colleague):
    agent = services.account_create(actor=supervisor, hotline=hotline, username="lisi", role=Role.AGENT, password=PW, person=colleague)
    leader = services.account_create(actor=supervisor, hotline=hotline, username="boss", role=Role.LEADER, password=PW)
    member = services.account_create(actor=supervisor, hotline=hotline, username="judge", role=Role.COMMITTEE, password=PW)
    assert (agent.role, agent.person, agent.hotline) == (Role.AGENT, colleague, hotline)
    assert leader.role == Role.LEADER and member.role == Role.COMMITTEE
    assert AuditEntry.objects.filter(action="account.create").count() == 3


@pytest.mark.parametrize("role", [Role.SUPERVISOR, Role.ADMIN])
def test_supervisor_may_not_create_supervisor_or_admin_accounts(supervisor, hotline, role):
    with pytest.raises(DomainError) as refused:
        services.account_create(actor=supervisor, hotline=hotline, username="x", role=role, password=PW)
    assert refused.value.code == "role_not_allowed"
    assert not User.objects.filter(username="x").exists()


def test_s1_supervisor_may_not_create_accounts_in_another_hotline(supervisor, other_hotline):
    with pytest.raises(Forbidden):
        services.account_create(actor=supervisor, hotline=other_hotline, username="x", role=Role.AGENT, password=PW)


@pytest.mark.parametrize("actor", ["leader", "committee", "agent"])
def test_other_roles_may_not_create_accounts(request, hotline, actor):
    with pytest.raises(Forbidden):
        services.account_create(actor=request.getfixturevalue(actor), hotline=hotline, username="x", role=Role.AGENT, password=PW)


def test_group_admin_creates_any_role_and_an_admin_has_no_hotline(admin_user, other_hotline):
    boss = services.account_create(actor=admin_user, hotline=other_hotline, username="boss", role=Role.SUPERVISOR, password=PW)
    admin = services.account_create(actor=admin_user, hotline=other_hotline, username="root2", role=Role.ADMIN, password=PW)
    assert boss.hotline == other_hotline
    assert admin.hotline is None


def test_password_is_hashed_and_never_audited(supervisor, hotline):
    account = services.account_create(actor=supervisor, hotline=hotline, username="lisi", role=Role.AGENT, password=PW)
    assert account.password != PW and account.check_password(PW)
    entry = AuditEntry.objects.get(action="account.create")
    assert "password" not in entry.changes
    assert PW not in str(entry.changes) and PW not in entry.note


def test_username_is_unique_ignoring_case(supervisor, hotline):
    with pytest.raises(DomainError) as refused:
        services.account_create(actor=supervisor, hotline=hotline, username="SUPERVISOR", role=Role.AGENT, password=PW)
    assert refused.value.code == "duplicate_username"


def test_weak_password_is_refused_in_chinese(supervisor, hotline):
    with pytest.raises(DomainError) as refused:
        services.account_create(actor=supervisor, hotline=hotline, username="lisi", role=Role.AGENT, password="123")
    assert "密码" in refused.value.message
    assert not User.objects.filter(username="lisi").exists()


def test_person_link_must_be_in_the_hotline_and_free(supervisor, hotline, agent, agent_person, foreigner):
    with pytest.raises(DomainError) as elsewhere:
        services.account_create(actor=supervisor, hotline=hotline, username="a", role=Role.AGENT, password=PW, person=foreigner)
    assert elsewhere.value.code == "invalid"
    with pytest.raises(DomainError) as taken:
        services.account_create(actor=supervisor, hotline=hotline, username="b", role=Role.AGENT, password=PW, person=agent_person)
    assert taken.value.code == "person_already_linked"


def test_update_role_and_link_is_audited_old_to_new(supervisor, agent, colleague):
    services.account_update(actor=supervisor, account=agent, role=Role.COMMITTEE, person=colleague)
    entry = AuditEntry.objects.get(action="account.update")
    assert entry.changes["role"] == ["客服人员", "评定委员会"]
    assert entry.changes["person"] == ["1001 张三", "1002 李四"]


def test_nobody_changes_their_own_role_or_deactivates_themselves(admin_user):
    with pytest.raises(DomainError) as role:
        services.account_update(actor=admin_user, account=admin_user, role=Role.AGENT)
    with pytest.raises(DomainError) as active:
        services.account_update(actor=admin_user, account=admin_user, is_active=False)
    assert role.value.code == active.value.code == "own_account"
    assert User.objects.get(pk=admin_user.pk).is_active


def test_s3_a_leader_who_leads_a_team_keeps_the_role_until_replaced(supervisor, leader, team):
    with pytest.raises(DomainError) as refused:
        services.account_update(actor=supervisor, account=leader, is_active=False)
    assert refused.value.code == "leader_still_leads"
    assert User.objects.get(pk=leader.pk).is_active


def test_supervisor_may_not_manage_another_supervisor(supervisor, hotline):
    peer = User.objects.create_user(username="peer", password=PW, role=Role.SUPERVISOR, hotline=hotline)
    with pytest.raises(Forbidden):
        services.account_update(actor=supervisor, account=peer, display_name="x")
    with pytest.raises(Forbidden):
        services.account_set_password(actor=supervisor, account=peer)


def test_reset_gives_a_working_temporary_password_and_ends_the_old_one(supervisor, agent):
    password = services.account_set_password(actor=supervisor, account=agent)
    assert len(password) == services.TEMPORARY_PASSWORD_LENGTH
    stored = User.objects.get(pk=agent.pk)
    assert not stored.check_password("stardesk-test-pw")
    assert stored.check_password(password)
    entry = AuditEntry.objects.get(action="account.reset_password")
    assert password not in str(entry.changes) + entry.note
    assert User.objects.get(pk=agent.pk).password != password


def test_reset_of_ones_own_password_goes_through_password_change(admin_user):
    with pytest.raises(DomainError) as refused:
        services.account_set_password(actor=admin_user, account=admin_user)
    assert refused.value.code == "own_account"


def test_reset_lifts_a_login_lock_out(supervisor, agent):
    from axes.models import AccessAttempt

    AccessAttempt.objects.create(
        username="agent", ip_address="127.0.0.1", user_agent="x", http_accept="*/*", path_info="/login/",
        get_data="", post_data="", failures_since_start=5,
    )
    services.account_set_password(actor=supervisor, account=agent)
    assert not AccessAttempt.objects.filter(username="agent").exists()
