"""Every write to hotlines, teams, people and titles: one transaction, a permission check, an audit entry."""
import datetime

from django.db import IntegrityError, transaction

from stardesk.accounts import permissions
from stardesk.audit import services as audit
from stardesk.core.errors import DomainError
from stardesk.people.models import Hotline, Person, Team, TitleSpell

PERSON_FIELDS = (
    "staff_no",
    "name",
    "employment_type",
    "hotline_start",
    "job_type",
    "job_type_start",
    "team",
    "left_on",
)


def _check_person_facts(*, hotline_start: datetime.date, job_type_start: datetime.date, left_on, team, hotline):
    if left_on is not None and left_on < hotline_start:
        raise DomainError("invalid", "离职日期不能早于进入热线日期。")
    if team is not None and team.hotline_id != hotline.pk:
        raise DomainError("invalid", "班组不属于该热线。")


@transaction.atomic
def hotline_create(*, actor, name: str, code: str, company: str = "") -> Hotline:
    permissions.require(actor, "hotlines.edit")
    if Hotline.objects.filter(name=name).exists() or Hotline.objects.filter(code=code).exists():
        raise DomainError("invalid", "热线名称或代码已存在。")
    hotline = Hotline.objects.create(name=name, code=code, company=company)
    audit.record(actor=actor, action="hotline.create", target=hotline, changes=audit.changes_between({}, audit.snapshot(hotline)), hotline=hotline)
    return hotline


@transaction.atomic
def team_create(*, actor, hotline: Hotline, name: str, leader=None) -> Team:
    permissions.require(actor, "teams.edit")
    permissions.require_hotline(actor, hotline)
    name = name.strip()
    if Team.objects.filter(hotline=hotline, name=name).exists():
        raise DomainError("duplicate_team")
    if leader is not None and leader.hotline_id != hotline.pk:
        raise DomainError("invalid", "班长必须是本热线的账号。")
    team = Team.objects.create(hotline=hotline, name=name, leader=leader)
    audit.record(actor=actor, action="team.create", target=team, changes=audit.changes_between({}, audit.snapshot(team)))
    return team


@transaction.atomic
def team_update(*, actor, team: Team, name: str, leader=None) -> Team:
    permissions.require(actor, "teams.edit")
    permissions.require_hotline(actor, team.hotline)
    team = Team.objects.select_for_update().get(pk=team.pk)
    name = name.strip()
    if Team.objects.filter(hotline=team.hotline, name=name).exclude(pk=team.pk).exists():
        raise DomainError("duplicate_team")
    if leader is not None and leader.hotline_id != team.hotline_id:
        raise DomainError("invalid", "班长必须是本热线的账号。")
    before = audit.snapshot(team)
    team.name, team.leader = name, leader
    team.save()
    changes = audit.changes_between(before, audit.snapshot(team))
    if changes:
        audit.record(actor=actor, action="team.update", target=team, changes=changes)
    return team


@transaction.atomic
def person_create(*, actor, hotline: Hotline, **facts) -> Person:
    permissions.require(actor, "people.edit")
    permissions.require_hotline(actor, hotline)
    _check_person_facts(hotline=hotline, **{k: facts.get(k) for k in ("hotline_start", "job_type_start", "left_on", "team")})
    if Person.objects.filter(hotline=hotline, staff_no=facts["staff_no"]).exists():
        raise DomainError("duplicate_staff_no")
    try:
        with transaction.atomic():
            person = Person.objects.create(hotline=hotline, **{k: facts.get(k) for k in PERSON_FIELDS})
    except IntegrityError as exc:  # a concurrent create of the same 工号
        raise DomainError("duplicate_staff_no") from exc
    audit.record(actor=actor, action="person.create", target=person, changes=audit.changes_between({}, audit.snapshot(person)))
    return person


@transaction.atomic
def person_update(*, actor, person: Person, **facts) -> Person:
    permissions.require(actor, "people.edit")
    permissions.require_hotline(actor, person.hotline)
    person = Person.objects.select_for_update().get(pk=person.pk)
    merged = {k: facts.get(k, getattr(person, k)) for k in PERSON_FIELDS}
    _check_person_facts(hotline=person.hotline, **{k: merged[k] for k in ("hotline_start", "job_type_start", "left_on", "team")})
    if merged["staff_no"] != person.staff_no and Person.objects.filter(hotline=person.hotline, staff_no=merged["staff_no"]).exists():
        raise DomainError("duplicate_staff_no")
    before = audit.snapshot(person)
    for key, value in merged.items():
        setattr(person, key, value)
    person.save()
    changes = audit.changes_between(before, audit.snapshot(person))
    if changes:
        audit.record(actor=actor, action="person.update", target=person, changes=changes)
    return person


@transaction.atomic
def title_add(*, actor, person: Person, level: int, job_type: str, start: datetime.date, end=None, end_reason: str = "") -> TitleSpell:
    """Record a title spell (S4). Spells of one job type may not overlap."""
    permissions.require(actor, "people.edit")
    permissions.require_hotline(actor, person.hotline)
    if level not in (1, 2, 3):
        raise DomainError("invalid", "星级只能是 1、2 或 3。")
    if end is not None and end < start:
        raise DomainError("invalid", "终止日期不能早于授牌日期。")
    if (end is None) != (end_reason == ""):
        raise DomainError("invalid", "终止日期与终止原因须同时填写或同时为空。")
    overlapping = TitleSpell.objects.filter(person=person, job_type=job_type, start__lt=end or datetime.date.max).exclude(
        end__isnull=False, end__lte=start
    )
    if overlapping.exists():
        raise DomainError("invalid", "与已有星级记录的时间重叠。")
    spell = TitleSpell.objects.create(person=person, level=level, job_type=job_type, start=start, end=end, end_reason=end_reason)
    audit.record(actor=actor, action="title.add", target=spell, changes=audit.changes_between({}, audit.snapshot(spell)), hotline=person.hotline)
    return spell
