"""监督 (V1, with the title sanctions of M5 and M6): lowering or revoking a title at any time.

V1 belongs to the committee: a member lowers a title that falls short of its
level (不够级) or revokes one that fails (不合格), with category, evidence and
reason, effective on the decision date. The finding is an event of the events
app (奖惩事件), recorded and confirmed in one step; policy.supervision decides
the title change and events.services.title_sanction_apply writes it into the
title history (the spell ends with 降级 or 取消), which is what sets the E6
ban. A V1 finding recorded earlier by a team leader or the supervisor waits
here for the committee to confirm or reject it.

The other title sanctions are confirmed here by the supervisor, through their
own apps' services: an M5 veto's 降级 / 取消星级 (events.services.
sanction_confirm) and an M6 persistent-low-score proposal (payouts.services.
low_score_confirm). After a change the person's allowance lines from that
month on are recomputed (M4 reads the level held on a month's last day).
"""
import datetime

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from stardesk.accounts import permissions
from stardesk.audit import services as audit
from stardesk.core.errors import DomainError, NotFound
from stardesk.events import evidence as evidence_files
from stardesk.events import services as event_services
from stardesk.events.models import (
    SUPERVISION_CATEGORIES,
    AppealStatus,
    Event,
    SanctionDecision,
    SanctionStatus,
)
from stardesk.people.models import Person, TitleSpell


def _clean(text) -> str:
    return (text or "").strip()


def _require_member(actor, person: Person) -> None:
    permissions.require(actor, "supervision.decide")
    if not permissions.people_visible_to(actor).filter(pk=person.pk).exists():
        raise NotFound()


def _effective(effective_on, earliest: datetime.date) -> datetime.date:
    today = timezone.localdate()
    effective_on = effective_on or today
    if not earliest <= effective_on <= today:
        raise DomainError("effective_date_invalid")
    return effective_on


def recompute_allowances(*, actor, person: Person, effective_on: datetime.date, audit_target) -> int:
    """M4: the person's allowance lines from the month of `effective_on` on are recomputed (old lines kept)."""
    from stardesk.payouts import month_close

    return month_close.title_changed(actor=actor, person=person, effective_on=effective_on, audit_target=audit_target,
                                     note=_("监督（V1）变更星级，自 %(day)s 起") % {"day": effective_on.isoformat()})


def _confirm(*, actor, event: Event, reason: str, effective_on: datetime.date) -> SanctionDecision:
    """Carry out a V1 finding: the title changes (or, held by nobody, nothing does) and the decision is kept."""
    ended, started, outcome = event_services.title_sanction_apply(actor=actor, event=event, effective_on=effective_on)
    decision = SanctionDecision.objects.create(
        event=event, outcome=SanctionStatus.CONFIRMED, decided_by=actor, decided_by_name=str(actor), reason=reason,
        effective_on=effective_on, ended_title=ended, started_title=started, title_outcome=outcome[:300],
    )
    before = event.get_sanction_status_display() if event.sanction_status else ""
    event.sanction_status, event.effective_on = SanctionStatus.CONFIRMED, effective_on
    event.save(update_fields=["sanction_status", "effective_on", "updated_at"])
    audit.record(actor=actor, action="event.sanction_confirm", target=event,
                 changes={"sanction_status": [before, str(SanctionStatus.CONFIRMED.label)],
                          "effective_on": [None, effective_on.isoformat()]},
                 note="；".join(part for part in (reason, outcome) if part))
    if ended is not None:
        recompute_allowances(actor=actor, person=event.person, effective_on=effective_on, audit_target=event)
    return decision


@transaction.atomic
def supervision_decide(*, actor, person: Person, category: str, reason: str, sanction: str = "", evidence_text: str = "",
                       files=(), effective_on: datetime.date | None = None) -> SanctionDecision:
    """V1: a committee member lowers (不够级) or revokes (不合格) the person's title, effective on the decision
    date, with evidence and reason. An empty `sanction` takes the policy's default for the category."""
    _require_member(actor, person)
    person = Person.objects.select_related("team", "hotline").get(pk=person.pk)
    if category not in SUPERVISION_CATEGORIES:
        raise DomainError("supervision_category", details=[{"field": "category", "message": _("请选择不够级或不合格。")}])
    reason, evidence_text, files = _clean(reason), _clean(evidence_text), list(files)
    if not reason:
        raise DomainError("supervision_reason_required", details=[{"field": "reason", "message": _("请填写理由。")}])
    if not evidence_text and not files:
        raise DomainError("supervision_evidence_required", details=[{"field": "evidence_text", "message": _("请填写证据说明或上传证据文件。")}])
    effective_on = _effective(effective_on, person.hotline_start)
    held = TitleSpell.objects.filter(person=person, start__lte=effective_on).filter(Q(end__isnull=True) | Q(end__gt=effective_on))
    if not held.exists():
        # V1 lowers or revokes a title: someone holding none on that day has nothing to lower.
        raise DomainError("supervision_no_title", _("%(person)s 在 %(day)s 未持有星级，无星级可降低或取消。") % {
            "person": person, "day": effective_on.isoformat()})
    # The same checks as any event (events.services), then the policy's V1 default for an empty handling.
    problem = event_services._first_problem(person=person, date=effective_on, category=category, severity="", sanction=sanction or "")
    if problem is not None:
        raise problem
    evidence_files.check(files)
    event = Event(hotline=person.hotline, person=person, date=effective_on, category=category, description=reason,
                  evidence_text=evidence_text, recorded_by=actor)
    event_services._apply_handling(event, chosen=sanction or "")
    event.sanction_status = SanctionStatus.PENDING
    event.save()
    audit.record(actor=actor, action="event.record", target=event,
                 changes=audit.changes_between({}, event_services._snapshot(event)), note=_("评定委员会监督（V1）"))
    event_services._store_evidence(actor=actor, event=event, files=files)
    event = Event.objects.select_for_update(of=("self",)).select_related("person", "person__team", "hotline").get(pk=event.pk)
    return _confirm(actor=actor, event=event, reason=reason, effective_on=effective_on)


def _locked_finding(actor, event: Event) -> Event:
    event = Event.objects.select_for_update(of=("self",)).select_related("person", "person__team", "hotline").get(pk=event.pk)
    _require_member(actor, event.person)
    if event.category not in SUPERVISION_CATEGORIES or event.sanction_status != SanctionStatus.PENDING:
        raise DomainError("sanction_not_pending")
    return event


@transaction.atomic
def supervision_confirm(*, actor, event: Event, reason: str = "", effective_on: datetime.date | None = None) -> SanctionDecision:
    """V1: the committee confirms a finding recorded earlier; it takes effect on the decision date (default today)."""
    event = _locked_finding(actor, event)
    return _confirm(actor=actor, event=event, reason=_clean(reason), effective_on=_effective(effective_on, event.date))


@transaction.atomic
def supervision_reject(*, actor, event: Event, reason: str) -> SanctionDecision:
    """V1: the committee rejects a finding: the title is untouched and no ban follows."""
    event = _locked_finding(actor, event)
    reason = _clean(reason)
    if not reason:
        raise DomainError("decision_reason_required")
    event.sanction_status = SanctionStatus.REJECTED
    event.save(update_fields=["sanction_status", "updated_at"])
    audit.record(actor=actor, action="event.sanction_reject", target=event,
                 changes={"sanction_status": [str(SanctionStatus.PENDING.label), str(SanctionStatus.REJECTED.label)]},
                 note=reason)
    return SanctionDecision.objects.create(event=event, outcome=SanctionStatus.REJECTED, decided_by=actor,
                                           decided_by_name=str(actor), reason=reason)


# --- reading -----------------------------------------------------------------------------------------------


def may_read(user) -> bool:
    return permissions.has(user, "supervision.view")


def pending_title_sanctions(user, hotline) -> QuerySet:
    """M5 and V1 title sanctions waiting for a decision (an appeal still open is shown, not decidable yet)."""
    return (
        Event.objects.filter(hotline=hotline, person__in=permissions.people_visible_to(user),
                             sanction_status=SanctionStatus.PENDING)
        .exclude(appeal__status=AppealStatus.OVERTURNED)
        .select_related("person", "person__team", "appeal", "recorded_by")
        .order_by("date", "pk")
    )


def appeal_open(event: Event) -> bool:
    appeal = event.appeal_or_none()
    return appeal is not None and appeal.status == AppealStatus.PENDING


def pending_low_scores(user, hotline) -> QuerySet:
    """M6 proposals waiting for the supervisor."""
    from stardesk.payouts.models import LowScoreProposal, ProposalStatus

    return (
        LowScoreProposal.objects.filter(hotline=hotline, person__in=permissions.people_visible_to(user),
                                        status=ProposalStatus.PENDING)
        .select_related("person", "team")
        .order_by("effective_on", "pk")
    )


def recent_decisions(user, hotline, limit: int = 30) -> QuerySet:
    """The latest decisions on title sanctions (V1, M5): who decided, the change and the E6 ban, newest first."""
    return (
        SanctionDecision.objects.filter(event__hotline=hotline, event__person__in=permissions.people_visible_to(user))
        .filter(Q(event__sanction__in=("lower", "revoke")))
        .select_related("event", "event__person", "event__person__team", "ended_title", "started_title")
        .order_by("-decided_at", "-pk")[:limit]
    )
