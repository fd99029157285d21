"""R1–R2: the register's states, its moves, and the one transition() that makes them.

    未提交 draft ──submit──▶ 已提交 submitted ──accept──▶ 已接收 accepted (month locked)
                                  │   ▲
                               return submit
                                  ▼   │
                             已退回 returned

Anything else (accepting a draft, returning an accepted register, submitting
twice) is refused with a DomainError and changes nothing.
"""
from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from stardesk.accounts import permissions
from stardesk.assessment.models import Register, RegisterState
from stardesk.audit import services as audit
from stardesk.core.errors import DomainError
from stardesk.policy import reporting
from stardesk.policy.errors import IllegalTransition

SUBMIT, RETURN, ACCEPT = "submit", "return", "accept"

# action → (state it leads to, who may take it: a named permission of accounts.permissions)
ACTIONS: dict[str, tuple[str, str]] = {
    SUBMIT: (RegisterState.SUBMITTED, "assessment.register_submit"),
    RETURN: (RegisterState.RETURNED, "assessment.register_review"),
    ACCEPT: (RegisterState.ACCEPTED, "assessment.register_review"),
}
ACTION_NAMES = {SUBMIT: _("提交"), RETURN: _("退回"), ACCEPT: _("接收")}

# The table of allowed moves is the policy's (R2: reporting.REGISTER_TRANSITIONS); states map one to one.
POLICY_STATES = {
    RegisterState.DRAFT: reporting.RegisterState.DRAFT,
    RegisterState.SUBMITTED: reporting.RegisterState.SUBMITTED,
    RegisterState.RETURNED: reporting.RegisterState.RETURNED,
    RegisterState.ACCEPTED: reporting.RegisterState.ACCEPTED,
}


def allowed(register: Register, action: str) -> bool:
    target = POLICY_STATES[ACTIONS[action][0]]
    return target in reporting.REGISTER_TRANSITIONS[POLICY_STATES[RegisterState(register.state)]]


def shanghai_date(moment: datetime.datetime) -> datetime.date:
    """C5: the calendar day of an instant in Asia/Shanghai."""
    return timezone.localtime(moment, timezone.get_default_timezone()).date()


def _snapshot(register: Register) -> dict:
    """The register's fields for the trail, its times as Shanghai clock times."""
    data = audit.snapshot(register)
    for name in ("first_submitted_at", "submitted_at", "returned_at", "accepted_at"):
        moment = getattr(register, name)
        data[name] = timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S") if moment else None
    return data


def transition(
    register: Register,
    action: str,
    *,
    actor,
    at: datetime.datetime,
    reason: str = "",
    deadline: datetime.date | None = None,
    late: bool | None = None,
) -> Register:
    """Make one move of the table on a row locked by the caller, and log it (style.md #3).

    `deadline` and `late` are the R1 figures of a submission, decided by the caller.
    """
    target, permission = ACTIONS[action]
    permissions.require(actor, permission)
    try:
        reporting.check_register_transition(POLICY_STATES[RegisterState(register.state)], POLICY_STATES[target])
    except IllegalTransition:
        raise DomainError(
            "register_transition",
            gettext("登记表当前状态为“%(state)s”，不能%(action)s。")
            % {"state": register.get_state_display(), "action": ACTION_NAMES[action]},
        ) from None
    before = _snapshot(register)
    register.state = target
    if action == SUBMIT:
        register.submitted_at, register.submitted_by = at, actor
        if register.first_submitted_at is None:
            # R1: lateness is judged on the first hand-in; a return for fixes does not make it late.
            register.first_submitted_at = at
            register.deadline = deadline
            register.late = bool(late)
    elif action == RETURN:
        register.returned_at, register.returned_by, register.return_reason = at, actor, reason
    elif action == ACCEPT:
        register.accepted_at, register.accepted_by = at, actor
    register.save()
    audit.record(
        actor=actor,
        action=f"register.{action}",
        target=register,
        changes=audit.changes_between(before, _snapshot(register)),
        note=reason,
    )
    return register
