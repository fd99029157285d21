"""Reading the audit trail: the search page and a record's own trail."""
import datetime
from dataclasses import dataclass, field
from functools import lru_cache

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stardesk.accounts import permissions
from stardesk.accounts.models import Role
from stardesk.audit.models import AuditEntry

# How an action reads on screen. Other apps add their own actions here; an unknown one shows its code.
ACTION_LABELS = {
    "hotline.create": _("新建热线"),
    "team.create": _("新建班组"),
    "team.update": _("修改班组"),
    "person.create": _("新增人员"),
    "person.update": _("修改人员"),
    "title.add": _("新增星级记录"),
    "title.end": _("终止星级记录"),
    "title.sanction": _("星级处分"),
    "account.create": _("新建账号"),
    "account.update": _("修改账号"),
    "account.reset_password": _("重置密码"),
    "policy.create": _("新建年度政策"),
    "policy.update": _("修改年度政策"),
    "policy.freeze": _("冻结年度政策"),
    "policy.import": _("导入年度政策"),
    "api_token.rotate": _("生成 API 令牌"),
    "api_token.revoke": _("作废 API 令牌"),
    "demo.generate": _("生成演示数据"),
    # The cycle's committee step and award (K, A), and the business assessment's invitations (X3).
    "committee.vote": _("评定委员会投票"),
    "committee.decide": _("集中评定决定"),
    "cycle.award": _("授牌"),
    "cycle.assessment_invite": _("邀请参加业务考核"),
    "cycle.assessment_cascade": _("业务考核逐级补考邀请"),
}
# Families of actions named by a prefix (e.g. import.roster): the family's name and the code's tail.
ACTION_FAMILIES = {"import.": _("导入数据")}

PAGE_SIZE = 50
TRAIL_LIMIT = 200


def _family_member(prefix: str, tail: str) -> str:
    """The member of a family in words: import.roster → 人员名册 (the sheet's own title)."""
    if prefix == "import.":
        from stardesk.sheets.catalog import SHEETS  # the catalog imports every app's sheet: read it late

        spec = SHEETS.get(tail)
        if spec is not None:
            return str(spec.title)
    return tail


def action_label(action: str) -> str:
    if action in ACTION_LABELS:
        return str(ACTION_LABELS[action])
    for prefix, label in ACTION_FAMILIES.items():
        if action.startswith(prefix):
            return f"{label}（{_family_member(prefix, action[len(prefix):])}）"
    return action


@lru_cache(maxsize=64)
def _model(target_type: str):
    try:
        return apps.get_model(target_type)
    except (LookupError, ValueError):
        return None


def type_label(target_type: str) -> str:
    model = _model(target_type)
    return str(model._meta.verbose_name) if model is not None else target_type


# Keys of summary entries (a month close, a ranking) that are not fields of the record they are filed on.
SUMMARY_LABELS = {
    "month": _("月份"),
    "created": _("新增"),
    "changed": _("变更"),
    "unchanged": _("未变"),
    "withdrawn": _("撤销"),
    "pending": _("待确认"),
    "amount": _("金额合计"),
    "policy_version": _("政策版本"),
    "ranked_count": _("参加排名人数"),
    "months": _("月份"),
    "changes": _("变化"),
}


def field_label(target_type: str, name: str) -> str:
    model = _model(target_type)
    try:
        if model is not None:
            return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:
        pass
    return str(SUMMARY_LABELS.get(name, name))


def _shown(value) -> str:
    if value is None or value == "":
        return "—"
    if value is True:
        return str(_("是"))
    if value is False:
        return str(_("否"))
    return str(value)


@dataclass
class Change:
    label: str
    old: str
    new: str
    created: bool  # nothing before: a new record's value, shown without a struck-out old one


@dataclass
class Shown:
    """An entry as the page shows it: labels in words and each field's old → new."""

    entry: AuditEntry
    action: str
    record_type: str
    changes: list[Change] = field(default_factory=list)


def _field_order(target_type: str, names) -> list[str]:
    """The model's own field order: PostgreSQL's jsonb keeps no key order."""
    model = _model(target_type)
    if model is None:
        return sorted(names)
    position = {f.name: i for i, f in enumerate(model._meta.get_fields())}
    return sorted(names, key=lambda name: (position.get(name, len(position)), name))


def describe(entries) -> list[Shown]:
    shown = []
    for entry in entries:
        changes = []
        data = entry.changes if isinstance(entry.changes, dict) else {}
        for name in _field_order(entry.target_type, data):
            pair = data[name]
            old, new = (pair if isinstance(pair, (list, tuple)) and len(pair) == 2 else (None, pair))
            if old in (None, "") and new in (None, ""):
                continue  # a new record's empty field says nothing
            changes.append(Change(field_label(entry.target_type, name), _shown(old), _shown(new), old in (None, "")))
        shown.append(Shown(entry, action_label(entry.action), type_label(entry.target_type), changes))
    return shown


def entries_visible_to(user) -> QuerySet:
    """A supervisor reads their own hotline's trail; a group administrator reads all of it."""
    if not permissions.has(user, "audit.search"):
        return AuditEntry.objects.none()
    if user.role == Role.ADMIN:
        return AuditEntry.objects.all()
    return AuditEntry.objects.filter(hotline_id=user.hotline_id)


@dataclass
class AuditFilter:
    date_from: datetime.date | None = None
    date_to: datetime.date | None = None
    actor: str = ""
    action: str = ""
    target_type: str = ""
    text: str = ""
    hotline_id: int | None = None


def _day_start(day: datetime.date) -> datetime.datetime:
    # Days are Shanghai days (C5); compare on the stored instant so the index on `at` is used.
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min), timezone.get_default_timezone())


def search(user, wanted: AuditFilter) -> QuerySet:
    found = entries_visible_to(user).select_related("hotline")
    if wanted.date_from:
        found = found.filter(at__gte=_day_start(wanted.date_from))
    if wanted.date_to:
        found = found.filter(at__lt=_day_start(wanted.date_to + datetime.timedelta(days=1)))
    if wanted.actor:
        text = wanted.actor.strip()
        found = found.filter(Q(actor_name__icontains=text) | Q(actor__username__iexact=text))
    if wanted.action:
        found = found.filter(action=wanted.action)
    if wanted.target_type:
        found = found.filter(target_type=wanted.target_type)
    if wanted.text:
        found = found.filter(target_repr__icontains=wanted.text.strip())
    if wanted.hotline_id:
        found = found.filter(hotline_id=wanted.hotline_id)
    return found.order_by("-at", "-id")


def action_choices(user) -> list[tuple[str, str]]:
    """The actions that occur in what the user may read, labelled."""
    present = set(entries_visible_to(user).order_by().values_list("action", flat=True).distinct())
    return sorted(((a, action_label(a)) for a in present), key=lambda pair: pair[1])


def type_choices(user) -> list[tuple[str, str]]:
    present = set(entries_visible_to(user).order_by().values_list("target_type", flat=True).distinct())
    return sorted(((t, type_label(t)) for t in present), key=lambda pair: pair[1])


def trail_for(*records, limit: int = TRAIL_LIMIT) -> list[Shown]:
    """The trail of the given records (e.g. a person and their title spells), newest first.

    The caller has already checked that the user may read the records themselves.
    """
    by_type: dict[str, list[str]] = {}
    for record in records:
        by_type.setdefault(record._meta.label_lower, []).append(str(record.pk))
    if not by_type:
        return []
    condition = Q()
    for target_type, ids in by_type.items():
        condition |= Q(target_type=target_type, target_id__in=ids)
    return describe(AuditEntry.objects.filter(condition).order_by("-at", "-id")[:limit])
