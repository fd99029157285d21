"""Every write to login accounts: permission check, validation, one transaction, an audit entry.

Passwords are only ever stored hashed and never written to the audit trail.
"""
import secrets

from axes.utils import reset as axes_reset
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from stardesk.accounts import permissions
from stardesk.accounts.models import Role, User
from stardesk.audit import services as audit
from stardesk.core.errors import MESSAGES, DomainError, Forbidden

# The facts of an account that the trail shows; the password is never among them.
ACCOUNT_FIELDS = ("username", "display_name", "role", "hotline", "person", "is_active")

# A supervisor runs the accounts of their own hotline, but may not create or manage
# another supervisor or a group administrator.
SUPERVISOR_GRANTS = frozenset({Role.AGENT, Role.LEADER, Role.COMMITTEE})

# Letters and digits a person can read out over the phone without confusion (no 0/O, 1/l/I).
_TEMPORARY_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
TEMPORARY_PASSWORD_LENGTH = 12


def _facts(account: User) -> dict:
    data = audit.snapshot(account)
    return {name: data.get(name) for name in ACCOUNT_FIELDS}


def accounts_visible_to(user):
    """Accounts a manager may see: their hotline's, or all of them for a group administrator."""
    found = User.objects.all()
    if not permissions.has(user, "accounts.manage"):
        return found.none()
    if user.role == Role.ADMIN:
        return found
    return found.filter(hotline_id=user.hotline_id)


def grantable_roles(actor) -> list[str]:
    """The roles this actor may give (and manage)."""
    if actor.role == Role.ADMIN:
        return list(Role.values)
    if permissions.has(actor, "accounts.manage"):
        return [role for role in Role.values if role in SUPERVISOR_GRANTS]
    return []


def _require_role(actor, role: str) -> None:
    if role not in Role.values:
        raise DomainError("invalid", _("未知的角色。"))
    if role not in grantable_roles(actor):
        raise DomainError("role_not_allowed")


def _require_manages(actor, account: User) -> None:
    """The actor manages this account: same hotline, and a role the actor may grant."""
    permissions.require(actor, "accounts.manage")
    if actor.role != Role.ADMIN:
        if account.hotline_id != actor.hotline_id:
            raise Forbidden()
        if account.role not in SUPERVISOR_GRANTS:
            raise Forbidden(MESSAGES["role_not_allowed"])


def _check_person(person, *, hotline, account: User | None = None) -> None:
    if person is None:
        return
    if hotline is None or person.hotline_id != hotline.pk:
        raise DomainError("invalid", _("关联的人员不属于该账号的热线。"))
    linked = User.objects.filter(person=person)
    if account is not None:
        linked = linked.exclude(pk=account.pk)
    if linked.exists():
        raise DomainError("person_already_linked")


def _check_password(password: str, account: User) -> None:
    try:
        validate_password(password, account)
    except ValidationError as exc:
        raise DomainError("invalid", " ".join(exc.messages), details=[{"field": "password", "messages": exc.messages}]) from exc


def temporary_password() -> str:
    return "".join(secrets.choice(_TEMPORARY_ALPHABET) for _i in range(TEMPORARY_PASSWORD_LENGTH))


@transaction.atomic
def account_create(*, actor, hotline, username: str, role: str, display_name: str = "", password: str, person=None) -> User:
    """A new login. A group administrator account has no hotline; every other account has one (S1)."""
    permissions.require(actor, "accounts.manage")
    _require_role(actor, role)
    if role == Role.ADMIN:
        hotline = None
    else:
        if hotline is None:
            raise DomainError("no_hotline")
        permissions.require_hotline(actor, hotline)
    username = (username or "").strip()
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError as exc:
        raise DomainError("invalid", _("用户名只能包含字母、数字和 @/./+/-/_ 字符。")) from exc
    if not username or len(username) > 150:
        raise DomainError("invalid", _("请填写用户名（不超过 150 个字符）。"))
    if User.objects.filter(username__iexact=username).exists():
        raise DomainError("duplicate_username")
    _check_person(person, hotline=hotline)
    account = User(username=username, role=role, hotline=hotline, person=person, display_name=display_name.strip())
    _check_password(password, account)
    account.set_password(password)
    account.is_superuser = account.is_staff = False
    try:
        with transaction.atomic():
            account.save()
    except IntegrityError as exc:  # a concurrent create of the same username or person link
        raise DomainError("duplicate_username") from exc
    audit.record(
        actor=actor, action="account.create", target=account, changes=audit.changes_between({}, _facts(account)), hotline=hotline
    )
    return account


_UNCHANGED = object()


@transaction.atomic
def account_update(
    *, actor, account: User, role=_UNCHANGED, is_active=_UNCHANGED, person=_UNCHANGED, display_name=_UNCHANGED
) -> User:
    """Change role, active flag, person link or name. Nobody changes their own role or locks themselves out."""
    _require_manages(actor, account)
    account = User.objects.select_for_update().get(pk=account.pk)
    before = _facts(account)
    if role is not _UNCHANGED and role != account.role:
        if account.pk == actor.pk:
            raise DomainError("own_account")
        _require_role(actor, role)
        if role == Role.ADMIN or account.role == Role.ADMIN:
            # The hotline link is what separates the two kinds (see the User constraint).
            raise DomainError("invalid", _("系统管理员账号与热线账号不能互相转换，请新建账号。"))
        if account.role == Role.LEADER and account.led_teams.exists():
            raise DomainError("leader_still_leads", details=[{"field": "role"}])
        account.role = role
    if is_active is not _UNCHANGED and bool(is_active) != account.is_active:
        if account.pk == actor.pk:
            raise DomainError("own_account")
        if not is_active and account.role == Role.LEADER and account.led_teams.exists():
            raise DomainError("leader_still_leads", details=[{"field": "is_active"}])
        account.is_active = bool(is_active)
    if person is not _UNCHANGED and person != account.person:
        _check_person(person, hotline=account.hotline, account=account)
        account.person = person
    if display_name is not _UNCHANGED:
        account.display_name = (display_name or "").strip()
    try:
        with transaction.atomic():
            account.save()
    except IntegrityError as exc:
        raise DomainError("person_already_linked") from exc
    changes = audit.changes_between(before, _facts(account))
    if changes:
        audit.record(actor=actor, action="account.update", target=account, changes=changes)
    return account


@transaction.atomic
def account_set_password(*, actor, account: User, password: str | None = None) -> str:
    """Reset someone's password; returns it so it can be shown once (a temporary one unless given).

    The new hash also ends the account's open sessions and lifts a login lock-out.
    """
    _require_manages(actor, account)
    if account.pk == actor.pk:
        raise DomainError("own_account", _("请通过“修改密码”修改自己的密码。"))
    account = User.objects.select_for_update().get(pk=account.pk)
    password = password or temporary_password()
    _check_password(password, account)
    account.set_password(password)
    account.save(update_fields=["password"])
    axes_reset(username=account.username)
    audit.record(actor=actor, action="account.reset_password", target=account, note=str(_("密码已重置")))
    return password
