"""Every write of the monthly allowance and the M6 proposals: a permission check, one transaction, audit entries.

Lines are written by month_close when a register is accepted, a month is
imported or a locked score is corrected (those services checked the rights);
here the supervisor recomputes a month on demand, and decides the M6
proposals: a proposal goes 待确认 → 已确认 / 已驳回 (or 已撤回 by a
recomputation), any other move is refused.
"""
from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from stardesk.accounts import permissions
from stardesk.assessment import monthly_rules
from stardesk.assessment.models import MonthlyScore
from stardesk.audit import services as audit
from stardesk.core.errors import DomainError, NotFound
from stardesk.payouts import month_close
from stardesk.payouts.models import LineCause, LowScoreProposal, ProposalStatus
from stardesk.people.models import Hotline, TitleEndReason, TitleSpell
from stardesk.policy import facts
from stardesk.policy.conventions import Month
from stardesk.policy.people import TitleChange, apply_title_change, title_on
from stardesk.policy.persistent_low_scores import persistent_low_scores
from stardesk.policy.reasons import basis

REASON_MAX = 500
PROPOSAL_MOVES = {ProposalStatus.PENDING: {ProposalStatus.CONFIRMED, ProposalStatus.REJECTED}}


# --- M4: recompute a month -------------------------------------------------------------


@transaction.atomic
def allowance_recompute(*, actor, hotline: Hotline, month: Month) -> month_close.CloseResult:
    """The supervisor recomputes the month's lines of every accepted team from today's records
    (events recorded or overturned since, title changes): changed lines are written anew, the old ones kept."""
    permissions.require(actor, "payouts.recompute")
    permissions.require_hotline(actor, hotline)
    if not month_close.accepted_teams(hotline, month):
        raise DomainError("allowance_month_open")
    result = month_close.close_month(
        actor=actor, hotline=hotline, month=month, cause=LineCause.RECOMPUTED, note=_("主管重新计算 %(month)s") % {"month": month}
    )
    if result.policy_missing:
        raise DomainError("allowance_policy_missing")
    return result


# --- M6: the supervisor decides ----------------------------------------------------------


def _locked_proposal(actor, proposal: LowScoreProposal) -> LowScoreProposal:
    """The proposal, locked; one outside what the user may read does not exist for them."""
    if not permissions.people_visible_to(actor).filter(pk=proposal.person_id).exists():
        raise NotFound()
    return LowScoreProposal.objects.select_for_update(of=("self",)).select_related("person", "hotline").get(pk=proposal.pk)


def _move(actor, proposal: LowScoreProposal, to: str, *, action: str, reason: str, extra: dict | None = None, changes: dict | None = None):
    """The one way a proposal's state changes: refuse an illegal move, else move and log it."""
    if to not in PROPOSAL_MOVES.get(proposal.status, set()):
        raise DomainError("low_score_not_pending")
    before = proposal.get_status_display()
    proposal.status = to
    proposal.decided_by, proposal.decided_by_name, proposal.decided_at = actor, str(actor), timezone.now()
    proposal.decision_reason = reason
    for name, value in (extra or {}).items():
        setattr(proposal, name, value)
    proposal.save()
    audit.record(
        actor=actor,
        action=action,
        target=proposal,
        changes={"status": [before, proposal.get_status_display()], **(changes or {})},
        note=reason,
    )
    return proposal


def _clean(reason) -> str:
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX:
        raise DomainError("invalid", _("理由不能超过%(n)s字。") % {"n": REASON_MAX})
    return reason


@transaction.atomic
def low_score_reject(*, actor, proposal: LowScoreProposal, reason: str) -> LowScoreProposal:
    """The supervisor rejects an M6 proposal with a reason: the title is untouched and no ban follows.

    A rejected trigger is not proposed again; its months still start the counts
    afresh, as after a lowering (M6), since the supervisor has weighed them.
    """
    permissions.require(actor, "payouts.low_score_decide")
    proposal = _locked_proposal(actor, proposal)
    reason = _clean(reason)
    if not reason:
        raise DomainError("low_score_reason_required")
    return _move(actor, proposal, ProposalStatus.REJECTED, action="low_score.reject", reason=reason)


def _as_fact(spell: TitleSpell) -> facts.TitleSpell:
    reason = facts.EndReason[TitleEndReason(spell.end_reason).name] if spell.end_reason else None
    return facts.TitleSpell(spell.level, spell.job_type, spell.start, spell.end, reason)


def _trigger_now(proposal: LowScoreProposal, spells: list[TitleSpell]):
    """M6 as it stands today for the proposal's trigger month, on the title history as recorded now.

    The counts start again after each earlier trigger (M6), so the rule is run
    on the scores from the month after the previous proposal up to the
    trigger month: the change then reads the title actually held, whether an
    earlier proposal was confirmed or rejected.
    """
    trigger_month = Month.of(proposal.trigger_month)
    version = monthly_rules.policy_for(proposal.hotline, trigger_month)
    if version is None:
        raise DomainError("allowance_policy_missing")
    earlier = (
        LowScoreProposal.objects.filter(person=proposal.person, year=proposal.year, trigger_month__lt=proposal.trigger_month)
        .exclude(status=ProposalStatus.WITHDRAWN)
        .order_by("-trigger_month")
        .values_list("trigger_month", flat=True)
        .first()
    )
    first = Month.of(earlier).next() if earlier else Month(proposal.year, 1)
    scores = {
        Month.of(month): score
        for month, score in MonthlyScore.objects.filter(
            person=proposal.person, month__gte=first.first_day, month__lte=trigger_month.first_day,
            confirmed_at__isnull=False, score__isnull=False,
        ).values_list("month", "score")
    }
    found = persistent_low_scores(proposal.person.staff_no, scores, [_as_fact(s) for s in spells], proposal.year, version.policy)
    return next((t for t in found.triggers if t.trigger_month == trigger_month), None)


def _apply_change(*, actor, proposal: LowScoreProposal, spells: list[TitleSpell], change: TitleChange):
    """S4: end the spell held on the effective date with 降级/取消 and, for a lowering, start the lower one.

    The new history is the rule's (policy.people.apply_title_change); this only
    writes the difference. Returns (ended spell, started spell or None).
    """
    history = [_as_fact(s) for s in spells]
    held = title_on(history, change.effective_on, change.job_type)
    if held is None or held.level != change.level_before:
        raise DomainError("low_score_title_changed")
    spell = spells[history.index(held)]
    if spell.start == change.effective_on:
        # The lower spell would start the same day as the one it replaces (one spell per job type and start).
        raise DomainError("title_change_same_day")
    after = apply_title_change(history, change)
    ended_fact = next(t for t in after if t.job_type == spell.job_type and t.start == spell.start and t.level == spell.level)
    before = audit.snapshot(spell)
    old_end, old_reason = spell.end, spell.end_reason
    spell.end = ended_fact.end
    spell.end_reason = TitleEndReason[facts.EndReason(ended_fact.end_reason).name]
    spell.save(update_fields=["end", "end_reason"])
    note = _("持续低分（M6）提议 #%(pk)s：%(change)s") % {"pk": proposal.pk, "change": change.describe()}
    audit.record(
        actor=actor, action="title.sanction", target=spell, changes=audit.changes_between(before, audit.snapshot(spell)),
        note=note, hotline=proposal.hotline,
    )
    started = None
    new_fact = next((t for t in after if t not in history and t.start == change.effective_on and t.level == change.level_after), None)
    if new_fact is not None:
        started = TitleSpell.objects.create(
            person=proposal.person, level=new_fact.level, job_type=new_fact.job_type, start=new_fact.start,
            end=old_end, end_reason=old_reason,
        )
        audit.record(
            actor=actor, action="title.add", target=started, changes=audit.changes_between({}, audit.snapshot(started)),
            note=note, hotline=proposal.hotline,
        )
    return spell, started


@transaction.atomic
def low_score_confirm(*, actor, proposal: LowScoreProposal, reason: str = "") -> LowScoreProposal:
    """The supervisor confirms an M6 proposal: from the effective date (the first day of the month after
    the trigger) the title is lowered one level or revoked until the next award; the spell ends with
    降级/取消, which is the E6 ban. The person's allowance lines from that month on are recomputed."""
    permissions.require(actor, "payouts.low_score_decide")
    proposal = _locked_proposal(actor, proposal)
    reason = _clean(reason)
    if proposal.status != ProposalStatus.PENDING:
        raise DomainError("low_score_not_pending")
    spells = list(TitleSpell.objects.select_for_update().filter(person=proposal.person).order_by("start", "pk"))
    trigger = _trigger_now(proposal, spells)
    if trigger is None:
        raise DomainError("low_score_stale")
    if trigger.already_applied:
        raise DomainError("low_score_already_applied")
    extra: dict = {"basis": basis(trigger)}
    changes: dict = {}
    if trigger.change is None:
        # Nothing held that day: nothing to lower and no ban (E6); the decision is still recorded.
        extra.update(ended_title=None, started_title=None)
    else:
        change = trigger.change
        ended, started = _apply_change(actor=actor, proposal=proposal, spells=spells, change=change)
        end_reason = TitleEndReason[facts.EndReason(change.end_reason).name]
        for name, value in (("level_before", change.level_before), ("level_after", change.level_after), ("end_reason", end_reason)):
            if getattr(proposal, name) != value:
                changes[name] = [str(getattr(proposal, name)), str(value)]
        extra.update(
            ended_title=ended, started_title=started, level_before=change.level_before, level_after=change.level_after,
            end_reason=end_reason, effective_on=change.effective_on,
        )
    proposal = _move(actor, proposal, ProposalStatus.CONFIRMED, action="low_score.confirm", reason=reason, extra=extra, changes=changes)
    if trigger.change is not None:
        _recompute_from(actor, proposal, trigger.change.effective_on)
    return proposal


def _recompute_from(actor, proposal: LowScoreProposal, effective_on: datetime.date) -> None:
    """M4: the level held on a month's last day changed from `effective_on` on: the person's lines
    of those months are recomputed (the old ones kept)."""
    month_close.title_changed(actor=actor, person=proposal.person, effective_on=effective_on, audit_target=proposal,
                              note=_("持续低分（M6）降级确认，星级自 %(day)s 起变更") % {"day": effective_on.isoformat()})

