"""Writes of the recommendation list (Q2–Q4): finalising it, and the supervisor's reasoned corrections (Y2).

`finalise_list` is the work of the move 班长推荐 → 业务考核 (services.STEP_WORK):
the list is computed from plain rows (recommendation_list.compute_list),
checked against the quotas kept with the cycle (Q2), inserted in bulk and
audited one entry per row in bulk, so a hotline of 20,000 agents finalises in
a few seconds with a constant number of queries.
"""
import datetime
import json

from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from stardesk.accounts import permissions
from stardesk.audit import services as audit
from stardesk.audit.models import AuditEntry
from stardesk.core.errors import DomainError
from stardesk.cycle import steps
from stardesk.cycle.eligibility import RESULT_FIELDS, check_applications, cycle_policy, reasons_json, store
from stardesk.cycle.models import (
    Application,
    ApplicationStatus,
    Cycle,
    Recommendation,
    RecommendationCorrection,
    ReviewStatus,
    Step,
)
from stardesk.cycle.recommendation_list import CycleList, compute_list, cycle_quotas, listed_rows, ratings_for
from stardesk.payouts import bulk_writes
from stardesk.people.models import Person
from stardesk.policy.reasons import Reason


def _pending_refusal(pending: list[Application]) -> DomainError:
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


def _insert_rows(rows: list[dict]) -> None:
    """The list's rows in bulk: COPY on PostgreSQL (a fraction of an INSERT's time for 20,000 rows), else executemany."""
    if connection.vendor != "postgresql":
        bulk_writes.insert_rows(Recommendation, rows)
        return
    fields = [f for f in Recommendation._meta.concrete_fields if not f.primary_key]
    quote = connection.ops.quote_name
    sql = f"COPY {quote(Recommendation._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row([json.dumps(row[f.attname], ensure_ascii=False) if f.attname == "reasons"
                            else row.get(f.attname, f.get_default()) for f in fields])


def finalise_list(cycle: Cycle, actor, now: datetime.datetime, applications: list[Application], policy) -> CycleList:
    """Q3/Q4 over the reviewed eligible applications (already checked at R), Q2 checked, rows kept and audited."""
    pending = [a for a in applications if a.eligible and a.review_status == ReviewStatus.PENDING]
    if pending:
        raise _pending_refusal(pending)
    listed = listed_rows(cycle)  # eligible, not withheld: the confirmed ones, none pending any more
    ratings = ratings_for(cycle, {a.person_id for a in listed}, policy.policy)
    result = compute_list(cycle, listed, policy.policy, cycle_quotas(cycle, policy.policy), ratings)
    # Q2: the list may never pass the quota kept with the cycle; the system refuses, it does not warn.
    over = {L: (n, cycle.quota_for(L)) for L, n in result.counts().items() if n > (cycle.quota_for(L) or 0)}
    if over:
        raise DomainError("quota_exceeded", details=[{"level": L, "count": n, "quota": q} for L, (n, q) in over.items()])
    version = result.policy_version
    _insert_rows([
        {"cycle_id": cycle.pk, "application_id": row.application_id, "person_id": row.person.pk,
         "applied_level": row.applied_level, "level": row.level, "position": row.position, "rating": row.rating,
         "honour": row.honour, "leader_exception": row.leader_exception, "overflow": row.overflow,
         "reasons": reasons_json(row.reasons), "policy_version": version, "created_at": now}
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


# --- corrections of the finalised list (Y2) ----------------------------------------------------------------


def _placed_text(level: int | None, position: int | None) -> str:
    return _placement(level, position) if level else _("不列入推荐名单")


def _check_placing(cycle: Cycle, application: Application, level: int, recommendation: Recommendation | None) -> None:
    """E/Q2/Q4 for putting `application` on the list at `level`: refused with the reason in Chinese."""
    if application.review_status == ReviewStatus.WITHHELD:
        raise DomainError("list_correction_withheld", _("班长已不推荐该申报（%(why)s），不能列入推荐名单。") % {
            "why": application.review_reason or _("未写理由")})
    if level > application.level:
        raise DomainError("list_correction_above_applied", _(
            "推荐星级不能高于申报星级：%(who)s 申报%(applied)s星，不能列入%(level)s星推荐名单（Q4 只向下转）。") % {
            "who": application.person, "applied": application.level, "level": level})
    if level not in application.levels_eligible():
        failed = "；".join(f"{r['rule']}: {r['text']}" for r in application.failures()) if level == application.level else ""
        raise DomainError("list_correction_not_eligible", _("%(who)s 按基准日不符合%(level)s星申报条件（E），不能列入该级推荐名单。%(why)s") % {
            "who": application.person, "level": level, "why": failed})
    others = Recommendation.objects.filter(cycle=cycle, level=level)
    if recommendation is not None:
        others = others.exclude(pk=recommendation.pk)
    quota = cycle.quota_for(level) or 0
    count = others.count()
    if count + 1 > quota:
        # Q2: the system refuses, it does not warn.
        raise DomainError("list_correction_quota_full", _(
            "%(level)s星推荐名单已有 %(n)s 人，名额 %(q)s 人，不能再列入（Q2）。请先将一人移出该级名单。") % {
            "level": level, "n": count, "q": quota})


@transaction.atomic
def recommendation_correct(*, actor, cycle: Cycle, application: Application, level: int | None, reason: str
                           ) -> Recommendation:
    """Y2: after the list was finalised and before 集中评定 starts, the supervisor puts a candidate on the list at
    `level` (or takes them off, level None) because of a data error, with a reason. The application is checked
    again at R (E, facts corrected since), the quota holds (Q2), the move is kept and audited."""
    permissions.require(actor, "cycle.manage")
    permissions.require_hotline(actor, cycle.hotline)
    cycle = Cycle.objects.select_for_update(of=("self",)).select_related("hotline").get(pk=cycle.pk)
    steps.require_step(cycle, Step.ASSESSMENT, doing=_("更正推荐名单"))
    application = (Application.objects.select_for_update(of=("self",)).select_related("person", "person__team")
                   .filter(pk=application.pk, cycle=cycle, status=ApplicationStatus.ACTIVE).first())
    if application is None:
        raise DomainError("not_found", _("该申报不在本年度评定中，或已撤回。"))
    application.cycle = cycle
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("correction_reason_required", _("请填写更正理由。"),
                          details=[{"field": "reason", "message": _("请填写更正理由。")}])
    if level not in (None, 1, 2, 3):
        raise DomainError("invalid", _("推荐星级须为 1、2 或 3 星，或不列入推荐名单。"))
    recommendation = Recommendation.objects.select_for_update().filter(application=application).first()
    before = (recommendation.level, recommendation.position) if recommendation is not None else (None, None)
    if level == before[0]:
        raise DomainError("correction_unchanged", _("%(who)s 已是%(where)s，无需更正。") % {
            "who": application.person, "where": _placed_text(*before)})
    now = timezone.now()
    policy = cycle_policy(cycle)
    changes = {}
    if level is not None:
        # E at R with the facts as they stand now: the data error may have been corrected since the list was made.
        was = (application.eligible, application.eligible_levels)
        if check_applications(cycle, [application], policy=policy, at=now):
            store([application], RESULT_FIELDS)
            changes[_("符合条件的星级")] = [was[1] or "—", application.eligible_levels or "—"]
        _check_placing(cycle, application, level, recommendation)
    position = None
    if level is not None:
        last = Recommendation.objects.filter(cycle=cycle, level=level).aggregate(models.Max("position"))["position__max"]
        position = (last or 0) + 1  # a correction joins the end of its level; the finalised order stays (Q3)
    if before[0] is not None:
        # Close the gap it leaves at its former level.
        Recommendation.objects.filter(cycle=cycle, level=before[0], position__gt=before[1]).update(
            position=models.F("position") - 1)
    note = Reason("Y2", _("主管更正：%(from)s → %(to)s。理由：%(why)s") % {
        "from": _placed_text(*before), "to": _placed_text(level, position), "why": reason})
    if recommendation is None:
        rating = ratings_for(cycle, [application.person_id], policy.policy)[application.person_id]
        recommendation = Recommendation(
            cycle=cycle, application=application, person=application.person, applied_level=application.level,
            rating=rating.shown, honour=application.honour, leader_exception=application.leader_exception,
            reasons=reasons_json(rating.reasons), policy_version=policy.version,
        )
    recommendation.person = application.person
    recommendation.level, recommendation.position = level, position
    recommendation.overflow = level is not None and level != recommendation.applied_level
    recommendation.reasons = [*recommendation.reasons, *reasons_json([note])]
    recommendation.corrected_at, recommendation.corrected_by_name, recommendation.correction_reason = now, str(actor), reason
    recommendation.save()
    RecommendationCorrection.objects.create(
        cycle=cycle, recommendation=recommendation, from_level=before[0], from_position=before[1], to_level=level,
        to_position=position, reason=reason, corrected_by=actor, corrected_by_name=str(actor), corrected_at=now,
    )
    changes = {_("推荐名单"): [_placed_text(*before), _placed_text(level, position)], **changes}
    audit.record(actor=actor, action="recommendation.correct", target=recommendation, hotline=cycle.hotline,
                 changes=changes, note=reason)
    return recommendation
