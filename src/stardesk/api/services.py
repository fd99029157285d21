"""API tokens: issued, replaced and revoked by their owner (or by an operator on the command line).

A token acts with its user's role and hotline, nothing more. The audit trail
records that a token was issued or revoked, never the token itself: the entry
targets the user, not the token row (whose primary key is the secret).
"""
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.models import Token

from stardesk.accounts.models import User
from stardesk.audit import services as audit
from stardesk.core.errors import DomainError, Forbidden


def _require_owner(actor, user) -> None:
    # actor None is an operator at the server's command line, who may act for any account.
    if actor is None:
        return
    if not actor.is_authenticated or not actor.is_active or actor.pk != user.pk:
        raise Forbidden()


def _note(what: str, extra: str) -> str:
    return f"{what}{extra}" if extra else what


@transaction.atomic
def token_issue(*, actor, user: User, note: str = "") -> str:
    """Give the user a new API token, replacing any they had; returns the key, shown once."""
    _require_owner(actor, user)
    # Lock the account so two requests at once cannot both create a token.
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        raise DomainError("invalid", _("账号已停用，不能生成 API 令牌。"))
    replaced, _kinds = Token.objects.filter(user=user).delete()
    token = Token.objects.create(user=user)
    audit.record(
        actor=actor,
        action="api_token.rotate" if replaced else "api_token.create",
        target=user,
        note=_note("重新生成 API 令牌，原令牌已失效。" if replaced else "生成 API 令牌。", note),
    )
    return token.key


@transaction.atomic
def token_revoke(*, actor, user: User, note: str = "") -> bool:
    """Revoke the user's API token at once; False when they had none (nothing is recorded then)."""
    _require_owner(actor, user)
    user = User.objects.select_for_update().get(pk=user.pk)
    deleted, _kinds = Token.objects.filter(user=user).delete()
    if not deleted:
        return False
    audit.record(actor=actor, action="api_token.revoke", target=user, note=_note("吊销 API 令牌。", note))
    return True
