"""Every write to reward and sanction events: a permission check, validation,
one transaction and an audit entry (M5, V1, V2, E4, E6).

Workflows are transition tables: a title sanction goes 待确认 → 已确认 / 已驳回,
an appeal goes 待裁决 → 维持 / 撤销; any other move is refused.
"""
import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from stardesk.accounts import permissions
from stardesk.accounts.models import Role
from stardesk.audit import services as audit
from stardesk.core.errors import DomainError, Forbidden, NotFound
from stardesk.events import evidence as evidence_files
from stardesk.events import sanction_policy
from stardesk.events.models import (
    SANCTIONED_CATEGORIES,
    SUPERVISION_CATEGORIES,
    TITLE_SANCTIONS,
    VETO_CATEGORIES,
    Appeal,
    AppealStatus,
    Category,
    Event,
    EventEvidence,
    Sanction,
    SanctionDecision,
    SanctionStatus,
    Severity,
    as_policy_category,
    as_policy_sanction,
    as_policy_severity,
)
from stardesk.people.models import Person, TitleEndReason, TitleSpell
from stardesk.policy import facts, supervision
from stardesk.policy import people as title_rules
from stardesk.policy.reasons import basis

# The fields a user fills in; the rest is derived or workflow state.
EVENT_FIELDS = ("date", "category", "severity", "sanction", "description", "evidence_text")
# Changing these changes what the event does (M4, E6), so they are frozen once a title sanction is in force.
HANDLING_FIELDS = ("date", "category", "severity", "sanction")

SANCTION_MOVES = {SanctionStatus.PENDING: {SanctionStatus.CONFIRMED, SanctionStatus.REJECTED}}
APPEAL_MOVES = {AppealStatus.PENDING: {AppealStatus.UPHELD, AppealStatus.OVERTURNED}}


def _snapshot(record) -> dict:
    """The audit view of a record; the entry carries its own time, so the record's timestamps are left out."""
    data = audit.snapshot(record)
    data.pop("recorded_at", None)
    data.pop("filed_at", None)
    data.pop("decided_at", None)
    return data


# --- who may touch what -------------------------------------------------------


def _require_visible(actor, person: Person) -> None:
    """A record outside what the user may read does not exist for them (404, never 403)."""
    if not permissions.people_visible_to(actor).filter(pk=person.pk).exists():
        raise NotFound()


def _require_recorder(actor, person: Person) -> None:
    """Leaders record for their own team, the supervisor for the whole hotline."""
    permissions.require(actor, "events.record")
    _require_visible(actor, person)
    if actor.role == Role.LEADER and not (person.team_id and person.team.leader_id == actor.pk):
        raise Forbidden()


def appeal_of(event: Event) -> Appeal | None:
    return event.appeal_or_none()


def is_settled(event: Event) -> bool:
    """Decided on: a title sanction confirmed or rejected, or an appeal decided. Changes are corrections then."""
    appeal = appeal_of(event)
    return event.sanction_status in (SanctionStatus.CONFIRMED, SanctionStatus.REJECTED) or (
        appeal is not None and appeal.status != AppealStatus.PENDING
    )


def can_record(user, person: Person | None = None) -> bool:
    if not permissions.has(user, "events.record"):
        return False
    if person is None or user.role != Role.LEADER:
        return True
    return bool(person.team_id) and person.team.leader_id == user.pk


def can_edit(user, event: Event) -> bool:
    if not can_record(user, event.person):
        return False
    return not is_settled(event) or permissions.has(user, "events.correct")


def can_appeal(user, event: Event) -> bool:
    """The person themself or their team leader, on a veto not yet finally decided (M5)."""
    return (
        permissions.has(user, "events.appeal")
        and event.category in VETO_CATEGORIES
        and appeal_of(event) is None
        and event.sanction_status not in (SanctionStatus.CONFIRMED, SanctionStatus.REJECTED)
    )


def can_decide_appeal(user, event: Event) -> bool:
    appeal = appeal_of(event)
    return permissions.has(user, "events.appeal_decide") and appeal is not None and appeal.status == AppealStatus.PENDING


def can_decide_sanction(user, event: Event) -> bool:
    appeal = appeal_of(event)
    return (
        permissions.has(user, "events.sanction_decide")
        and event.sanction_status == SanctionStatus.PENDING
        and (appeal is None or appeal.status == AppealStatus.UPHELD)
    )


# --- validation -----------------------------------------------------------------


def _clean_text(value) -> str:
    return (value or "").strip()


def _first_problem(*, person: Person, date, category: str, severity: str, sanction: str) -> DomainError | None:
    """What is wrong with an event's facts (the first thing found), or None."""
    if category not in Category.values:
        return DomainError("event_invalid", _("请选择事件类别。"))
    if severity and severity not in Severity.values:
        return DomainError("event_invalid", _("严重程度只能是一般、较重或严重。"))
    if sanction and sanction not in Sanction.values:
        return DomainError("event_invalid", _("处理只能是当月降级、当月取消、降级或取消星级。"))
    if not isinstance(date, datetime.date):
        return DomainError("event_invalid", _("请填写正确的日期。"))
    if date > timezone.localdate():
        return DomainError("event_date_in_future")
    if person.left_on is not None and date >= person.left_on:
        # S2: a person is active on D only when they leave after D.
        return DomainError(
            "event_after_leaving",
            _("%(person)s 已于 %(day)s 离职，不能记录离职日及以后的事件。") % {"person": person, "day": person.left_on},
        )
    if category in VETO_CATEGORIES and not severity:
        return DomainError("event_severity_required")  # M5: the default handling follows the severity
    if category not in SANCTIONED_CATEGORIES and (severity or sanction):
        return DomainError("event_no_handling")
    if category in SUPERVISION_CATEGORIES and sanction and sanction not in TITLE_SANCTIONS:
        return DomainError("event_supervision_title_only")  # V1 lowers or revokes the title itself
    return None


def _check_facts(*, person: Person, date: datetime.date, category: str, severity: str, sanction: str, description: str) -> None:
    problem = _first_problem(person=person, date=date, category=category, severity=severity, sanction=sanction)
    if problem is not None:
        raise problem
    if not description:
        raise DomainError("event_description_required")


def _apply_handling(event: Event, *, chosen: str, policy=None) -> None:
    """M5/V1: the handling is stored explicitly; an empty choice takes the yearly policy's default."""
    policy = policy or sanction_policy.policy_for(event.hotline, event.date)
    handling = sanction_policy.handling(policy, category=event.category, severity=event.severity, chosen=chosen)
    if handling is None:
        event.sanction, event.sanction_is_default, event.sanction_basis = "", False, ""
    else:
        event.sanction, event.sanction_is_default, event.sanction_basis = (
            handling.sanction,
            handling.is_default,
            handling.basis[:200],
        )


# --- recording and changing events ---------------------------------------------


def _store_evidence(*, actor, event: Event, files: list[UploadedFile]) -> list[EventEvidence]:
    stored = []
    for upload in files:
        original = evidence_files.display_name(upload.name)
        item = EventEvidence(
            event=event,
            original_name=original,
            size=upload.size,
            content_type=evidence_files.content_type_of(original),
            uploaded_by=actor,
        )
        item.file.save(evidence_files.stored_name(original), upload, save=False)
        stored.append(item)
    if stored:
        EventEvidence.objects.bulk_create(stored)
        audit.record_many(
            [
                audit.entry_for(
                    actor=actor,
                    action="event.evidence_add",
                    target=item,
                    changes={"original_name": [None, item.original_name], "size": [None, item.size]},
                    hotline=event.hotline,
                )
                for item in stored
            ]
        )
    return stored


@transaction.atomic
def event_record(
    *,
    actor,
    person: Person,
    date: datetime.date,
    category: str,
    severity: str = "",
    sanction: str = "",
    description: str,
    evidence_text: str = "",
    files: Iterable[UploadedFile] = (),
) -> Event:
    """Record an event. An empty `sanction` takes the policy default (M5 by severity, V1 by finding)."""
    _require_recorder(actor, person)
    files = list(files)
    severity, sanction, description = severity or "", sanction or "", _clean_text(description)
    _check_facts(person=person, date=date, category=category, severity=severity, sanction=sanction, description=description)
    evidence_files.check(files)
    event = Event(
        hotline=person.hotline,
        person=person,
        date=date,
        category=category,
        severity=severity,
        description=description,
        evidence_text=_clean_text(evidence_text),
        recorded_by=actor,
    )
    _apply_handling(event, chosen=sanction)
    # M5/V1: a title sanction waits for the supervisor's confirmation.
    event.sanction_status = SanctionStatus.PENDING if event.sanction in TITLE_SANCTIONS else ""
    event.save()
    audit.record(actor=actor, action="event.record", target=event, changes=audit.changes_between({}, _snapshot(event)))
    _store_evidence(actor=actor, event=event, files=files)
    return event


@dataclass(frozen=True)
class EventRow:
    """One event of a bulk recording (the 奖惩事件 sheet); `number` names the row in refusals."""

    number: int
    person: Person
    date: datetime.date
    category: str
    severity: str = ""
    sanction: str = ""
    description: str = ""


@dataclass
class BulkOutcome:
    created: list[Event]
    unchanged: int


@transaction.atomic
def events_record_many(*, actor, hotline, rows: list[EventRow]) -> BulkOutcome:
    """Record many events at once, all or nothing, in a constant number of queries (the 奖惩事件 sheet).

    Each row gets the same checks and policy default as event_record (an empty 说明 is accepted for
    history brought in from spreadsheets). A row whose person, date and category match an event on
    file with the same severity, handling and description is left alone, so loading the same file
    twice changes nothing; the same key with other content is refused, because a recorded event is
    changed on its own page, with its history. Every bad row is reported in `details` as
    {"row", "reason"}; then nothing is saved.
    """
    permissions.require(actor, "events.record")
    permissions.require_hotline(actor, hotline)
    people_ids = {row.person.pk for row in rows}
    recordable = permissions.people_visible_to(actor).filter(hotline=hotline, pk__in=people_ids)
    if actor.role == Role.LEADER:
        recordable = recordable.filter(team__leader=actor)
    recordable = set(recordable.values_list("pk", flat=True))
    on_file = {}
    for event in Event.objects.filter(person_id__in=people_ids).order_by("pk"):
        on_file.setdefault((event.person_id, event.date, event.category), event)
    policies: dict[int, object] = {}
    problems, seen, new, unchanged = [], {}, [], 0

    def refuse(row, reason):
        problems.append({"row": row.number, "reason": str(reason)})

    for row in rows:
        severity, sanction, description = row.severity or "", row.sanction or "", _clean_text(row.description)
        if row.person.pk not in recordable:
            refuse(row, _("工号 %(no)s 不在您可以记录的人员中。") % {"no": row.person.staff_no})
            continue
        problem = _first_problem(person=row.person, date=row.date, category=row.category, severity=severity, sanction=sanction)
        if problem is not None:
            refuse(row, problem.message)
            continue
        key = (row.person.pk, row.date, row.category)
        if key in seen:
            refuse(row, _("与第 %(row)s 行重复（同一工号、日期、类别）。") % {"row": seen[key]})
            continue
        seen[key] = row.number
        if row.date.year not in policies:
            policies[row.date.year] = sanction_policy.policy_for(hotline, row.date)
        event = Event(
            hotline=hotline,
            person=row.person,
            date=row.date,
            month=row.date.replace(day=1),  # bulk_create does not call save()
            category=row.category,
            severity=severity,
            description=description,
            recorded_by=actor,
        )
        _apply_handling(event, chosen=sanction, policy=policies[row.date.year])
        event.sanction_status = SanctionStatus.PENDING if event.sanction in TITLE_SANCTIONS else ""
        existing = on_file.get(key)
        if existing is not None:
            if (existing.severity, existing.sanction, existing.description) == (event.severity, event.sanction, event.description):
                unchanged += 1
            else:
                refuse(row, _("已有该工号当天的同类事件，内容不同；请在该事件的页面修改。"))
            continue
        new.append(event)
    if problems:
        raise DomainError("event_rows_invalid", details=problems)
    Event.objects.bulk_create(new, batch_size=1000)
    audit.record_many(
        [
            audit.entry_for(actor=actor, action="event.record", target=event, changes=audit.changes_between({}, _snapshot(event)), hotline=hotline)
            for event in new
        ]
    )
    return BulkOutcome(created=new, unchanged=unchanged)


def _locked(event: Event) -> Event:
    return Event.objects.select_for_update(of=("self",)).select_related("person", "person__team", "hotline").get(pk=event.pk)


@transaction.atomic
def event_update(*, actor, event: Event, correction_reason: str = "", **changes) -> Event:
    """Change an event. Once decided on (is_settled) a change is a correction: supervisor only, with a reason;
    a title sanction in force keeps its date, category, severity and handling."""
    unknown = set(changes) - set(EVENT_FIELDS)
    if unknown:
        raise DomainError("event_invalid")
    event = _locked(event)
    _require_recorder(actor, event.person)
    correction_reason = _clean_text(correction_reason)
    settled = is_settled(event)
    if settled:
        permissions.require(actor, "events.correct")
        if not correction_reason:
            raise DomainError("event_correction_reason_required")
    merged = {name: changes.get(name, getattr(event, name)) for name in EVENT_FIELDS}
    merged["severity"], merged["sanction"] = merged["severity"] or "", merged["sanction"] or ""
    merged["description"], merged["evidence_text"] = _clean_text(merged["description"]), _clean_text(merged["evidence_text"])
    if "sanction" not in changes and event.sanction_is_default:
        merged["sanction"] = ""  # a default follows the new severity or category
    handling_changed = any(merged[name] != getattr(event, name) for name in ("category", "severity")) or (
        merged["sanction"] != event.sanction and not (merged["sanction"] == "" and event.sanction_is_default)
    )
    if event.sanction_status == SanctionStatus.CONFIRMED and (handling_changed or merged["date"] != event.date):
        raise DomainError("event_sanction_in_force")
    if appeal_of(event) is not None and merged["category"] not in VETO_CATEGORIES:
        raise DomainError("event_appealed_category")
    _check_facts(person=event.person, **{name: merged[name] for name in ("date", "category", "severity", "sanction", "description")})

    before = _snapshot(event)
    event.date, event.category, event.severity = merged["date"], merged["category"], merged["severity"]
    event.description, event.evidence_text = merged["description"], merged["evidence_text"]
    if handling_changed:
        _apply_handling(event, chosen=merged["sanction"])
        # A new title sanction (or one changed after a rejection) goes back to the supervisor.
        event.sanction_status = SanctionStatus.PENDING if event.sanction in TITLE_SANCTIONS else ""
    event.save()
    diff = audit.changes_between(before, _snapshot(event))
    if diff:
        audit.record(
            actor=actor,
            action="event.correct" if settled else "event.update",
            target=event,
            changes=diff,
            note=correction_reason,
        )
    return event


@transaction.atomic
def evidence_add(*, actor, event: Event, files: Iterable[UploadedFile]) -> list[EventEvidence]:
    event = _locked(event)
    _require_recorder(actor, event.person)
    files = list(files)
    if not files:
        raise DomainError("evidence_missing")
    evidence_files.check(files)
    return _store_evidence(actor=actor, event=event, files=files)


# --- workflows --------------------------------------------------------------------


def _transition(*, actor, record, moves: dict, to: str, refusal: str, action: str, target=None, note: str = "", extra: dict | None = None):
    """The one way a workflow state changes: refuse an illegal move, else move and log it."""
    current = record.status if isinstance(record, Appeal) else record.sanction_status
    if to not in moves.get(current, set()):
        raise DomainError(refusal)
    before = _snapshot(record)
    if isinstance(record, Appeal):
        record.status = to
    else:
        record.sanction_status = to
    for name, value in (extra or {}).items():
        setattr(record, name, value)
    record.save()
    audit.record(actor=actor, action=action, target=target or record, changes=audit.changes_between(before, _snapshot(record)), note=note)
    return record


@transaction.atomic
def appeal_file(*, actor, event: Event, reason: str) -> Appeal:
    """申诉 against a veto, by the person or their team leader (M5)."""
    permissions.require(actor, "events.appeal")
    event = _locked(event)
    _require_visible(actor, event.person)  # the person themself, or the leader of their team
    if event.category not in VETO_CATEGORIES:
        raise DomainError("appeal_not_veto")
    if appeal_of(event) is not None:
        raise DomainError("appeal_exists")
    if event.sanction_status in (SanctionStatus.CONFIRMED, SanctionStatus.REJECTED):
        raise DomainError("appeal_after_decision")
    reason = _clean_text(reason)
    if not reason:
        raise DomainError("appeal_reason_required")
    appeal = Appeal.objects.create(event=event, reason=reason, filed_by=actor)
    audit.record(actor=actor, action="event.appeal_file", target=appeal, changes=audit.changes_between({}, _snapshot(appeal)))
    return appeal


@transaction.atomic
def appeal_decide(*, actor, event: Event, overturn: bool, reason: str) -> Appeal:
    """The supervisor upholds or overturns an appeal; an overturned veto stays on file but no longer counts (M5)."""
    permissions.require(actor, "events.appeal_decide")
    event = _locked(event)
    _require_visible(actor, event.person)
    appeal = appeal_of(event)
    if appeal is None:
        raise DomainError("appeal_missing")
    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
    reason = _clean_text(reason)
    if not reason:
        raise DomainError("decision_reason_required")
    return _transition(
        actor=actor,
        record=appeal,
        moves=APPEAL_MOVES,
        to=AppealStatus.OVERTURNED if overturn else AppealStatus.UPHELD,
        refusal="appeal_decided",
        action="event.appeal_overturn" if overturn else "event.appeal_uphold",
        note=reason,
        extra={"decided_by": actor, "decided_at": timezone.now(), "decision_reason": reason},
    )


def _require_sanction_decidable(actor, event: Event) -> None:
    permissions.require(actor, "events.sanction_decide")
    _require_visible(actor, event.person)
    appeal = appeal_of(event)
    if appeal is not None and appeal.status == AppealStatus.OVERTURNED:
        raise DomainError("event_overturned")
    if appeal is not None and appeal.status == AppealStatus.PENDING:
        raise DomainError("appeal_pending")


def _as_fact(spell: TitleSpell) -> facts.TitleSpell:
    reason = facts.EndReason[TitleEndReason(spell.end_reason).name] if spell.end_reason else None
    return facts.TitleSpell(spell.level, spell.job_type, spell.start, spell.end, reason)


def title_sanction_apply(*, actor, event: Event, effective_on: datetime.date) -> tuple[TitleSpell | None, TitleSpell | None, str]:
    """Carry out a confirmed title sanction on the title history (S4, V1, E6).

    policy.supervision decides the change: the spell held on the effective date
    ends that day with reason 降级 or 取消, and for 降级 a spell one level lower
    starts that day, inheriting the old end (it holds until the next award).
    Someone holding no title keeps their history: nothing changes and no ban
    follows (E6). Returns (ended spell, started spell, what happened in words).
    Call inside a transaction.
    """
    person = event.person
    spells = list(TitleSpell.objects.select_for_update().filter(person=person).order_by("start", "pk"))
    as_facts = [_as_fact(spell) for spell in spells]
    decided = supervision.title_sanction(
        person.staff_no,
        as_facts,
        facts.Event(
            on=effective_on,  # V1: a title sanction takes effect on the decision date
            category=as_policy_category(event.category),
            severity=as_policy_severity(event.severity),
            sanction=as_policy_sanction(event.sanction),
        ),
        sanction_policy.policy_for(event.hotline, effective_on),
    )
    if decided is None:
        raise DomainError("sanction_not_pending")
    if decided.change is None:
        return None, None, basis(decided)
    change = decided.change
    held = title_rules.title_on(as_facts, effective_on)
    spell = spells[next(i for i, fact in enumerate(as_facts) if fact is held)]
    if spell.start == effective_on:
        # The lower spell would start the same day as the one it replaces (one spell per job type and start).
        raise DomainError("title_change_same_day")
    before = audit.snapshot(spell)
    old_end, old_reason = spell.end, spell.end_reason
    spell.end = effective_on
    spell.end_reason = TitleEndReason[facts.EndReason(change.end_reason).name]
    spell.save(update_fields=["end", "end_reason"])
    note = _("奖惩事件 #%(pk)s：%(change)s") % {"pk": event.pk, "change": change.describe()}
    audit.record(
        actor=actor,
        action="title.sanction",
        target=spell,
        changes=audit.changes_between(before, audit.snapshot(spell)),
        note=note,
        hotline=person.hotline,
    )
    started = None
    if change.level_after > 0:
        started = TitleSpell.objects.create(
            person=person, level=change.level_after, job_type=spell.job_type, start=effective_on, end=old_end, end_reason=old_reason
        )
        audit.record(
            actor=actor,
            action="title.add",
            target=started,
            changes=audit.changes_between({}, audit.snapshot(started)),
            note=note,
            hotline=person.hotline,
        )
    return spell, started, basis(decided)


@transaction.atomic
def sanction_confirm(*, actor, event: Event, reason: str = "", effective_on: datetime.date | None = None) -> SanctionDecision:
    """The supervisor confirms a title sanction (M5/V1): it takes effect on `effective_on` (default: today, the decision date)."""
    event = _locked(event)
    _require_sanction_decidable(actor, event)
    today = timezone.localdate()
    effective_on = effective_on or today
    if not event.date <= effective_on <= today:
        raise DomainError("effective_date_invalid")
    if event.sanction_status != SanctionStatus.PENDING:
        raise DomainError("sanction_not_pending")
    ended, started, outcome = title_sanction_apply(actor=actor, event=event, effective_on=effective_on)
    reason = _clean_text(reason)
    decision = SanctionDecision.objects.create(
        event=event,
        outcome=SanctionStatus.CONFIRMED,
        decided_by=actor,
        decided_by_name=str(actor),
        reason=reason,
        effective_on=effective_on,
        ended_title=ended,
        started_title=started,
        title_outcome=outcome[:300],
    )
    _transition(
        actor=actor,
        record=event,
        moves=SANCTION_MOVES,
        to=SanctionStatus.CONFIRMED,
        refusal="sanction_not_pending",
        action="event.sanction_confirm",
        note="；".join(part for part in (reason, outcome) if part),
        extra={"effective_on": effective_on},
    )
    if ended is not None:
        # M4 follows the level held on a month's last day: the lines from the effective month on are recomputed
        # (after the confirmation, from which the sanction counts).
        from stardesk.payouts import month_close

        rule = "V1" if event.category in SUPERVISION_CATEGORIES else "M5"
        month_close.title_changed(actor=actor, person=event.person, effective_on=effective_on, audit_target=event,
                                  note=_("%(rule)s 星级处分确认，自 %(day)s 起变更") % {"rule": rule, "day": effective_on.isoformat()})
    return decision


@transaction.atomic
def sanction_reject(*, actor, event: Event, reason: str) -> SanctionDecision:
    """The supervisor rejects a title sanction: the title is untouched and no ban follows."""
    event = _locked(event)
    _require_sanction_decidable(actor, event)
    reason = _clean_text(reason)
    if not reason:
        raise DomainError("decision_reason_required")
    _transition(
        actor=actor,
        record=event,
        moves=SANCTION_MOVES,
        to=SanctionStatus.REJECTED,
        refusal="sanction_not_pending",
        action="event.sanction_reject",
        note=reason,
    )
    return SanctionDecision.objects.create(
        event=event, outcome=SanctionStatus.REJECTED, decided_by=actor, decided_by_name=str(actor), reason=reason
    )
