"""Every write to the yearly policies: permission check, validation, one transaction, a revision and an audit entry.

P1: a hotline's first cycle starts from the defaults of policy.md, every later
one from a copy of the last; a cycle's policy is frozen once its committee
decision is closed. P2: every save is a new numbered revision holding the full
policy, so "2026 第3版" always means the same numbers.
`as_system` is the command line and the demo generator, acting without an account.
"""
import dataclasses
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from stardesk.accounts import permissions
from stardesk.audit import services as audit
from stardesk.core.errors import DomainError, NotFound
from stardesk.people.models import Hotline
from stardesk.policy.yearly import POLICY_FIELDS, YearlyPolicy, next_cycle_policy, policy_to_dict, validate_policy
from stardesk.yearly_policy.models import CyclePolicy, CyclePolicyRevision, RevisionSource, version_label
from stardesk.yearly_policy.policy_fields import VERSION_FIELD, field_title, shown
from stardesk.yearly_policy.policy_file import MAX_BYTES as MAX_IMPORT_BYTES
from stardesk.yearly_policy.policy_file import policy_json, read_policy_file

FIRST_YEAR, LAST_YEAR = 2000, 2100
_NAMES = {pf.name for pf in POLICY_FIELDS}


def _require(actor, permission: str, hotline, as_system: bool) -> None:
    if as_system:
        return
    permissions.require(actor, permission)
    permissions.require_hotline(actor, hotline)


def _who(actor) -> str:
    return str(actor) if actor is not None else "系统"


def _check_year(year: int) -> None:
    if not isinstance(year, int) or isinstance(year, bool) or not FIRST_YEAR <= year <= LAST_YEAR:
        raise DomainError("invalid", _("评定年度须为 %(first)d–%(last)d 之间的年份。") % {"first": FIRST_YEAR, "last": LAST_YEAR},
                          details=[{"field": "year", "message": _("年份无效")}])


def _check_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("policy_reason_required", details=[{"field": "reason", "message": _("请填写原因。")}])
    return reason


def _stamped(policy: YearlyPolicy, year: int, revision: int) -> dict:
    """P2: the stored form, with the version name decisions will record."""
    return policy_to_dict(dataclasses.replace(policy, p2_version=version_label(year, revision)))


def _locked_hotline(hotline: Hotline) -> Hotline:
    # One creation at a time per hotline, so "the latest year" cannot change under us.
    return Hotline.objects.select_for_update().get(pk=hotline.pk)


def _create(*, actor, hotline: Hotline, year: int, policy: YearlyPolicy, source: str, reason: str, note: str) -> CyclePolicy:
    if CyclePolicy.objects.filter(hotline=hotline, year=year).exists():
        raise DomainError("policy_exists")
    data = _stamped(policy, year, 1)
    try:
        with transaction.atomic():
            record = CyclePolicy.objects.create(hotline=hotline, year=year, data=data, revision=1)
    except IntegrityError as exc:  # the same year created at the same moment
        raise DomainError("policy_exists") from exc
    CyclePolicyRevision.objects.create(
        policy=record, number=1, data=data, source=source, reason=f"{note}；{reason}" if reason else note,
        author=actor, author_name=_who(actor),
    )
    audit.record(
        actor=actor, action="policy.create", target=record, hotline=hotline,
        changes={_("评定年度"): [None, year], _("版本"): [None, record.version]},
        note=note if not reason else f"{note}；{reason}",
    )
    return record


@transaction.atomic
def policy_create_from_defaults(*, actor, hotline: Hotline, year: int, reason: str = "", as_system: bool = False) -> CyclePolicy:
    """P1: the first cycle of a hotline starts from the defaults of policy.md."""
    _require(actor, "policy.edit", hotline, as_system)
    _check_year(year)
    hotline = _locked_hotline(hotline)
    if CyclePolicy.objects.filter(hotline=hotline).exists():
        raise DomainError("policy_not_first")
    return _create(actor=actor, hotline=hotline, year=year, policy=YearlyPolicy.defaults(),
                   source=RevisionSource.DEFAULTS, reason=reason.strip(), note=_("按政策默认值创建"))


@transaction.atomic
def policy_copy_forward(*, actor, hotline: Hotline, year: int | None = None, reason: str = "",
                        as_system: bool = False) -> CyclePolicy:
    """P1: a new cycle starts from a copy of the last one (by default the year after it)."""
    _require(actor, "policy.edit", hotline, as_system)
    hotline = _locked_hotline(hotline)
    latest = CyclePolicy.objects.filter(hotline=hotline).order_by("-year").first()
    if latest is None:
        raise DomainError("policy_none_to_copy")
    year = latest.year + 1 if year is None else year
    _check_year(year)
    if year <= latest.year:
        if CyclePolicy.objects.filter(hotline=hotline, year=year).exists():
            raise DomainError("policy_exists")
        raise DomainError("policy_year_not_after", _("新年度须晚于已有的最近年度 %(year)d。") % {"year": latest.year})
    policy = next_cycle_policy(latest.policy(), version_label(year, 1))
    return _create(actor=actor, hotline=hotline, year=year, policy=policy, source=RevisionSource.COPIED,
                   reason=reason.strip(), note=_("沿用 %(version)s") % {"version": latest.version})


def _save_revision(*, actor, record: CyclePolicy, new: YearlyPolicy, source: str, reason: str, action: str) -> CyclePolicy:
    old = record.policy()
    number = record.revision + 1
    data = _stamped(new, record.year, number)
    changes, shown_changes = {}, {}
    for pf in POLICY_FIELDS:
        if pf.name == VERSION_FIELD:
            continue
        before, after = getattr(old, pf.name), getattr(new, pf.name)
        if before != after:
            changes[pf.key] = [record.data.get(pf.key), data[pf.key]]
            shown_changes[field_title(pf.key)] = [shown(pf.name, before), shown(pf.name, after)]
    if not changes:
        raise DomainError("policy_unchanged")
    previous_version = record.version
    record.data, record.revision = data, number
    record.save(update_fields=["data", "revision", "updated_at"])
    CyclePolicyRevision.objects.create(
        policy=record, number=number, data=data, source=source, changes=changes, reason=reason,
        author=actor, author_name=_who(actor),
    )
    shown_changes[_("版本")] = [previous_version, record.version]
    audit.record(actor=actor, action=action, target=record, changes=shown_changes, note=reason)
    return record


def _locked(record: CyclePolicy) -> CyclePolicy:
    record = CyclePolicy.objects.select_for_update(of=("self",)).select_related("hotline").get(pk=record.pk)
    if record.is_frozen:
        raise DomainError("policy_frozen")
    return record


@transaction.atomic
def policy_update(*, actor, policy: CyclePolicy, values: Mapping[str, Any], reason: str,
                  expected_revision: int | None = None, as_system: bool = False) -> CyclePolicy:
    """P1: change some fields of a cycle's policy (by field name, typed values).

    Refuses a frozen policy, a stale edit (someone saved in between), a
    change without reason, and a policy `validate_policy` finds problems
    with: `details` lists each as {field: field name, message}.
    """
    _require(actor, "policy.edit", policy.hotline, as_system)
    record = _locked(policy)
    if expected_revision is not None and expected_revision != record.revision:
        raise DomainError("policy_stale", _("该政策已被他人修改为 %(version)s，请刷新页面后重新修改。") % {"version": record.version})
    reason = _check_reason(reason)
    unknown = sorted(set(values) - _NAMES)
    if unknown or VERSION_FIELD in values:
        raise DomainError("invalid", _("不能修改的参数：%(names)s") % {"names": "、".join(unknown or [VERSION_FIELD])})
    current = record.policy()
    # Only real changes are applied, so "0.30" stays "0.30" when the page sends back 30%.
    changed = {name: value for name, value in values.items() if getattr(current, name) != value}
    new = dataclasses.replace(current, **changed)
    problems = validate_policy(new)
    if problems:
        raise DomainError("policy_invalid", details=[{"field": p.field, "message": p.message_zh} for p in problems])
    return _save_revision(actor=actor, record=record, new=new, source=RevisionSource.EDITED, reason=reason,
                          action="policy.update")


@transaction.atomic
def policy_freeze(*, actor, policy: CyclePolicy, reason: str, as_system: bool = False) -> CyclePolicy:
    """P1: the cycle's committee decision is closed, so its policy no longer changes."""
    _require(actor, "policy.freeze", policy.hotline, as_system)
    record = CyclePolicy.objects.select_for_update(of=("self",)).select_related("hotline").get(pk=policy.pk)
    if record.is_frozen:
        raise DomainError("policy_already_frozen")
    reason = _check_reason(reason)
    record.frozen_at = timezone.now()
    record.frozen_by = actor
    record.frozen_by_name = _who(actor)
    record.freeze_reason = reason
    record.save(update_fields=["frozen_at", "frozen_by", "frozen_by_name", "freeze_reason", "updated_at"])
    audit.record(actor=actor, action="policy.freeze", target=record,
                 changes={_("状态"): [_("可编辑"), _("已冻结")]}, note=f"{record.version}：{reason}")
    return record


@transaction.atomic
def policy_import(*, actor, hotline: Hotline, year: int, content: bytes | str, reason: str,
                  as_system: bool = False) -> CyclePolicy:
    """P1: a whole policy from a JSON file, all or nothing, into a year that is not frozen.

    A new year is created from the file; an existing one gets a new revision.
    A bad file raises "policy_import_invalid" with every problem in
    `details` ({field: file key or None, message}); nothing is saved.
    The file's own 版本 is replaced by the system's revision name (P2).
    """
    _require(actor, "policy.edit", hotline, as_system)
    _check_year(year)
    reason = _check_reason(reason)
    hotline = _locked_hotline(hotline)
    existing = CyclePolicy.objects.filter(hotline=hotline, year=year).first()
    if existing is not None and existing.is_frozen:
        raise DomainError("policy_frozen")
    policy, problems = read_policy_file(content)
    if problems:
        raise DomainError("policy_import_invalid", details=[p.as_detail() for p in problems])
    if existing is None:
        return _create(actor=actor, hotline=hotline, year=year, policy=policy, source=RevisionSource.IMPORTED,
                       reason=reason, note=_("从文件导入"))
    return _save_revision(actor=actor, record=_locked(existing), new=policy, source=RevisionSource.IMPORTED,
                          reason=reason, action="policy.import")


def policy_export(*, actor, policy: CyclePolicy, revision: int | None = None, as_system: bool = False) -> str:
    """P1: the policy (or one of its revisions) as its file: pretty JSON text, keys as in policy_to_dict."""
    _require(actor, "policy.view", policy.hotline, as_system)
    policy = CyclePolicy.objects.get(pk=policy.pk)  # what is stored now, not what the caller read earlier
    if revision is None or revision == policy.revision:
        return policy_json(policy.policy())
    found = policy.revisions.filter(number=revision).first()
    if found is None:
        raise NotFound()
    return policy_json(found.policy_data())


def export_file_name(policy: CyclePolicy, revision: int | None = None) -> str:
    return f"年度政策-{policy.hotline.code}-{policy.year}-第{revision or policy.revision}版.json"
