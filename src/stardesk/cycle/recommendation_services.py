"""Writes of the recommendation list (Q2–Q4): finalising it, and the supervisor's reasoned corrections (Y2).

`finalise_list` is the work of the move 班长推荐 → 业务考核 (services.STEP_WORK):
the list is computed from plain rows (recommendation_list.compute_list),
checked against the quotas kept with the cycle (Q2), inserted in bulk and
audited one entry per row in bulk, so a hotline of 20,000 agents finalises in
a few seconds with a constant number of queries.
"""
import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from stardesk.accounts import permissions
from stardesk.audit import services as audit
from stardesk.audit.models import AuditEntry
from stardesk.core.errors import DomainError
from stardesk.cycle import steps
from stardesk.cycle.eligibility import RESULT_FIELDS, check_applications, cycle_policy, reasons_json, store
from stardesk.cycle.models import Application, ApplicationStatus, Cycle, Recommendation, ReviewStatus, Step
from stardesk.cycle.recommendation_list import CycleList, compute_list, cycle_quotas, listed_rows, ratings_for
from stardesk.payouts import bulk_writes
from stardesk.people.models import Person
from stardesk.policy.reasons import Reason


def _pending_refusal(cycle: Cycle, pending: list[Application]) -> DomainError:
    """Y2: the list is final only once every eligible application was reviewed; names the first ten."""
    people = (Person.objects.filter(pk__in=[a.person_id for a in pending]).order_by("staff_no")
              .values_list("staff_no", "name", "team__name"))
    details = [{"staff_no": staff_no, "name": name, "team": team or ""} for staff_no, name, team in people]
    shown = "、".join(f"{d['staff_no']} {d['name']}" for d in details[:10])
    more = _("等 %(n)s 人") % {"n": len(details)} if len(details) > 10 else ""
    return DomainError(
        "reviews_pending",
        _("还有 %(n)s 份符合条件的申报未经班长审核（%(who)s%(more)s），不能确定推荐名单。") % {
            "n": len(details), "who": shown, "more": more},
        details=details,
    )


def _placement(level: int | None, position: int | None) -> str:
    return _("%(level)s星第 %(position)s 位") % {"level": level, "position": position} if level else _("未获推荐")


def finalise_list(cycle: Cycle, actor, now: datetime.datetime, applications: list[Application], policy) -> CycleList:
    """Q3/Q4 over the reviewed eligible applications (already checked at R), Q2 checked, rows kept and audited."""
    pending = [a for a in applications if a.eligible and a.review_status == ReviewStatus.PENDING]
    if pending:
        raise _pending_refusal(cycle, pending)
    listed = listed_rows(cycle)  # eligible, not withheld: the confirmed ones, none pending any more
    ratings = ratings_for(cycle, {a.person_id for a in listed}, policy.policy)
    result = compute_list(cycle, listed, policy.policy, cycle_quotas(cycle, policy.policy), ratings)
    # Q2: the list may never pass the quota kept with the cycle; the system refuses, it does not warn.
    over = {L: (n, cycle.quota_for(L)) for L, n in result.counts().items() if n > (cycle.quota_for(L) or 0)}
    if over:
        raise DomainError("quota_exceeded", details=[{"level": L, "count": n, "quota": q} for L, (n, q) in over.items()])
    version = result.policy_version
    bulk_writes.insert_rows(Recommendation, [
        {"cycle_id": cycle.pk, "application_id": row.application_id, "person_id": row.person.pk,
         "applied_level": row.applied_level, "level": row.level, "position": row.position, "rating": row.rating,
         "honour": row.honour, "leader_exception": row.leader_exception, "overflow": row.overflow,
         "reasons": reasons_json(row.reasons), "policy_version": version}
        for row in result.rows
    ])
    # One entry per row, so each person's trail says where the list put them and why (P3).
    ids = dict(Recommendation.objects.filter(cycle=cycle).values_list("application_id", "pk"))
    actor_id = actor.pk if actor is not None and actor.pk else None
    actor_name, target_type, title = str(actor) if actor is not None else "系统", Recommendation._meta.label_lower, _("推荐名单")
    entries = []
    for row in result.rows:
        placed = _placement(row.level, row.position)
        entries.append(AuditEntry(
            at=now, actor_id=actor_id, actor_name=actor_name, hotline_id=cycle.hotline_id,
            action="recommendation.finalise", target_type=target_type, target_id=str(ids[row.application_id]),
            target_repr=f"{row.person.staff_no} {row.person.name} {cycle.year} {placed}"[:200],
            changes={title: [None, placed]}, note="；".join(f"{r.rule}: {r.text}" for r in row.reasons),
        ))
    audit.record_many(entries)
    return result
