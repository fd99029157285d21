"""Results of a sitting (X2, X3, X4, X6): release, and the cascade offer to the level below. Every write.

A sitting's results are computed from its attempts (attempt_scores) and
stored as SittingResult rows when they are released: by the supervisor
(ReleaseRule.MANUAL), or by the system as soon as the sitting is closed and
every answer graded (ReleaseRule.ON_CLOSE; checked whenever the last grade
lands or the results are read). Before the release an agent sees neither
score nor key; after it, their answers, the key and their rank (X6). A
released result changes only through a regrade (regrading.py), logged.

X3: a candidate who failed a qualification exam is offered the exam of the
level below (policy.exams.next_sitting decides which), as an invitation to a
sitting of that level linked to the failed attempt (Invitation.offered_after).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from stardesk.accounts import permissions
from stardesk.audit import services as audit
from stardesk.core.errors import DomainError
from stardesk.exams import result_actions  # noqa: F401  (audit labels)
from stardesk.exams import services as exam_services
from stardesk.exams.attempt_scores import LEVEL_KINDS, AttemptScore, KeyInForce, score_attempts, sitting_policy
from stardesk.exams.models import (
    Attempt,
    AttemptStatus,
    Invitation,
    InvitedHow,
    ReleaseRule,
    ResultSource,
    Sitting,
    SittingKind,
    SittingResult,
    SittingStatus,
)
from stardesk.policy.exams import exam_level, exam_score, next_sitting
from stardesk.policy.facts import ExamResult
from stardesk.policy.reasons import Reason, basis
from stardesk.policy.reasons import level as level_text

SYSTEM = None
RESULT_FIELDS = ["knowledge_score", "skills_score", "score", "passed", "basis", "policy_version", "computed_at", "released_at", "source"]


@dataclass
class SittingComputation:
    """A sitting's results as they would be stored now (or with a proposed key, for a regrade's dry run)."""

    sitting: Sitting
    scores: dict[int, AttemptScore]  # by attempt id
    attempts: dict[int, Attempt]
    policy_version: str
    policy: object = None

    @property
    def pending(self) -> int:
        """Answers still waiting for an examiner."""
        return sum(score.pending for score in self.scores.values())

    @property
    def ungraded_attempts(self) -> int:
        return sum(1 for score in self.scores.values() if not score.complete)


def compute_sitting(sitting: Sitting, *, proposed: dict[int, KeyInForce] | None = None,
                    proposed_grades: dict | None = None) -> SittingComputation:
    """Every submitted attempt of the sitting scored (one query per kind of row); ``proposed…`` as score_attempts."""
    policy, version = sitting_policy(sitting)
    attempts = list(Attempt.objects.filter(sitting=sitting, status=AttemptStatus.SUBMITTED).select_related("sitting", "sitting__hotline"))
    for attempt in attempts:
        attempt.sitting = sitting
    scores = score_attempts(attempts, policy=policy, proposed=proposed, proposed_grades=proposed_grades)
    return SittingComputation(sitting, scores, {a.pk: a for a in attempts}, version, policy)


def _fill(result: SittingResult, score: AttemptScore, computation: SittingComputation, now) -> None:
    result.knowledge_score, result.skills_score, result.score = score.knowledge, score.skills, score.score
    result.passed = score.passed
    result.basis = basis(score.reasons)
    result.policy_version = computation.policy_version
    result.computed_at = now
    result.source = ResultSource.ONLINE


def store_results(computation: SittingComputation, *, released_at) -> tuple[list[SittingResult], list[SittingResult]]:
    """Write the computed results (new rows and changed rows, in bulk); returns (created, updated)."""
    now = timezone.now()
    stored = {r.attempt_id: r for r in SittingResult.objects.filter(sitting=computation.sitting, attempt__isnull=False)}
    created, updated = [], []
    for attempt_id, score in computation.scores.items():
        attempt = computation.attempts[attempt_id]
        result = stored.get(attempt_id)
        if result is None:
            result = SittingResult(sitting=computation.sitting, person_id=attempt.person_id, attempt=attempt)
            created.append(result)
        else:
            updated.append(result)
        _fill(result, score, computation, now)
        if released_at is not None and result.released_at is None:
            result.released_at = released_at
    SittingResult.objects.bulk_create(created, batch_size=1000)
    SittingResult.objects.bulk_update(updated, RESULT_FIELDS, batch_size=1000)
    return created, updated


def _require_manager(actor, sitting: Sitting) -> None:
    permissions.require(actor, "exams.results")
    permissions.require_hotline(actor, sitting.hotline)


@transaction.atomic
def results_release(*, actor, sitting: Sitting) -> Sitting:
    """X6: publish a closed sitting's results (every answer graded): scores, pass/fail, answers and key.

    ``actor`` None is the system releasing a sitting whose rule is "when closed and graded".
    """
    if actor is not SYSTEM:
        _require_manager(actor, sitting)
    sitting = Sitting.objects.select_for_update(of=("self",)).select_related("hotline").get(pk=sitting.pk)
    if sitting.status == SittingStatus.RELEASED:
        raise DomainError("results_released")
    if sitting.status != SittingStatus.CLOSED:
        raise DomainError("results_not_closed")
    computation = compute_sitting(sitting)
    if computation.pending:
        raise DomainError("results_grading_pending", _("还有 %(a)s 份答卷的 %(n)s 道题未评分，评完后才能公布成绩。") % {
            "a": computation.ungraded_attempts, "n": computation.pending})
    now = timezone.now()
    created, updated = store_results(computation, released_at=now)
    sitting.status, sitting.released_at = SittingStatus.RELEASED, now
    sitting.save(update_fields=["status", "released_at", "updated_at"])
    results = created + updated
    people = {a.person_id: a.person for a in Attempt.objects.filter(sitting=sitting).select_related("person")}
    entries = []
    for result in results:
        result.person = people[result.person_id]
        result.sitting = sitting
        shown = {"score": [None, str(result.score) if result.score is not None else None]}
        if result.passed is not None:
            shown["passed"] = [None, "合格" if result.passed else "不合格"]
        entries.append(audit.entry_for(actor=actor, action="result.release", target=result, hotline=sitting.hotline, changes=shown,
                                       note=result.basis[:500]))
    audit.record_many(entries)
    note = _("公布 %(n)s 人的成绩") % {"n": len(results)}
    if actor is SYSTEM:
        note += _("（场次已关闭且阅卷完成，按公布方式自动公布）")
    audit.record(actor=actor, action="sitting.release", target=sitting,
                 changes={"status": [str(SittingStatus.CLOSED.label), str(SittingStatus.RELEASED.label)]}, note=note)
    return sitting


def release_if_due(sitting: Sitting) -> bool:
    """ReleaseRule.ON_CLOSE: release a closed sitting once every answer is graded. True when it did."""
    if sitting.release_rule != ReleaseRule.ON_CLOSE or sitting.status != SittingStatus.CLOSED:
        return False
    try:
        with transaction.atomic():
            results_release(actor=SYSTEM, sitting=sitting)
    except DomainError:
        return False
    sitting.refresh_from_db()
    return True


# --- X3: the cascade ---------------------------------------------------------------------------


@dataclass
class CascadeCheck:
    """Whether a failed result may be offered ``target``'s level, and why (X3)."""

    result: SittingResult
    allowed: bool
    reasons: list[Reason] = field(default_factory=list)


def _as_exam_result(result: SittingResult) -> ExamResult:
    return ExamResult(result.sitting.exam_kind, result.sitting.exam_date, score=result.score, knowledge=result.knowledge_score,
                      skills=result.skills_score, name=result.sitting.name)


def cascade_checks(results: list[SittingResult], target: Sitting, policy) -> list[CascadeCheck]:
    """X3 for each failed result: the level policy.exams.next_sitting offers must be ``target``'s.

    Every released qualification result of the person in the same year counts
    (a pass at any level ends the cascade; after failing 1-star nothing follows).
    """
    target_level = exam_level(target.exam_kind)
    people = {r.person_id for r in results}
    same_year = SittingResult.objects.filter(
        person_id__in=people, released_at__isnull=False, sitting__kind__in=LEVEL_KINDS, sitting__hotline=target.hotline,
    ).select_related("sitting")
    year_results: dict[int, list[SittingResult]] = {}
    for other in same_year:
        if other.sitting.year == results[0].sitting.year:
            year_results.setdefault(other.person_id, []).append(other)
    checks = []
    for result in results:
        level = exam_level(result.sitting.exam_kind)
        sat = year_results.get(result.person_id, [])
        if all(other.pk != result.pk for other in sat):
            sat = [*sat, result]
        facts = [_as_exam_result(r) for r in sat]
        scored = exam_score(_as_exam_result(result), policy)
        offered = next_sitting(max(exam_level(r.sitting.exam_kind) for r in sat), facts, policy)
        reasons = list(scored.reasons)
        allowed = offered is not None and offered == target_level and result.passed is False
        if result.released_at is None:
            allowed = False
            reasons.append(Reason("X6", "成绩尚未公布", False))
        elif offered is None:
            reasons.append(Reason("X3", "已有合格成绩或一星资格考试未通过，不再逐级补考", False))
        elif offered != target_level:
            reasons.append(Reason("X3", f"{level_text(level)}资格考试不合格，可参加{level_text(offered)}资格考试，"
                                        f"与所选场次（{level_text(target_level)}）不符", False))
        else:
            reasons.append(Reason("X3", f"{level_text(level)}资格考试不合格，可参加{level_text(offered)}资格考试", True))
        checks.append(CascadeCheck(result, allowed, reasons))
    return checks


@transaction.atomic
def cascade_offer(*, actor, results: list[SittingResult], target: Sitting) -> list[Invitation]:
    """X3: invite failed candidates to ``target`` (the level below), each invitation linked to the failed attempt.

    All or nothing: one result that may not be offered refuses the whole offer,
    with the reason per person. People already invited to ``target`` are left as they are.
    """
    _require_manager(actor, target)
    permissions.require(actor, "exams.edit")
    target = Sitting.objects.select_for_update(of=("self",)).select_related("hotline").get(pk=target.pk)
    if target.kind not in LEVEL_KINDS:
        raise DomainError("cascade_invalid", _("补考须邀请到星级资格考试的场次。"))
    if target.status not in (SittingStatus.DRAFT, SittingStatus.OPEN):
        raise DomainError("cascade_invalid", _("所选场次已关闭，不能再邀请。"))
    results = list(SittingResult.objects.filter(pk__in=[r.pk for r in results]).select_related("sitting", "person", "attempt"))
    if not results:
        raise DomainError("cascade_invalid", _("请选择不合格的考生。"))
    if any(r.sitting.hotline_id != target.hotline_id for r in results):
        raise DomainError("cascade_invalid", _("只能邀请本热线的考生。"))
    policy, _version = sitting_policy(target)
    refused = [c for c in cascade_checks(results, target, policy) if not c.allowed]
    if refused:
        raise DomainError("cascade_invalid", details=[
            f"{c.result.person.staff_no} {c.result.person.name}：{basis([r for r in c.reasons if r.passed is False] or c.reasons)}"
            for c in refused])
    already = set(target.invitations.filter(person_id__in=[r.person_id for r in results]).values_list("person_id", flat=True))
    wanted = [r for r in results if r.person_id not in already]
    fresh = exam_services.invite_people(actor=actor, sitting=target, people=[r.person for r in wanted], how=InvitedHow.CASCADE)
    failed_attempt = {r.person_id: r for r in wanted}
    entries = []
    for invitation in fresh:
        result = failed_attempt[invitation.person_id]
        invitation.offered_after_id = result.attempt_id
        entries.append(audit.entry_for(
            actor=actor, action="invitation.cascade", target=invitation, hotline=target.hotline,
            changes={"offered_after": [None, f"{result.sitting.name}（{result.score}分）"]},
            note=basis(_cascade_reason(result, target)),
        ))
    Invitation.objects.bulk_update(fresh, ["offered_after"], batch_size=1000)
    audit.record_many(entries)
    return fresh


def _cascade_reason(result: SittingResult, target: Sitting) -> list[Reason]:
    level = exam_level(result.sitting.exam_kind)
    return [Reason("X3", f"{level_text(level)}资格考试（{result.sitting.name}）{result.score}分不合格，"
                         f"邀请参加{level_text(exam_level(target.exam_kind))}资格考试（{target.name}）")]


def offer_targets(sitting: Sitting):
    """The sittings a failed candidate of ``sitting`` may be offered (X3): the level below, still inviting."""
    level = exam_level(sitting.exam_kind)
    if level is None or level <= 1:
        return Sitting.objects.none()
    # Only the choices offered on the page; cascade_offer checks each candidate by policy.exams.next_sitting.
    kind = {2: SittingKind.LEVEL1, 3: SittingKind.LEVEL2}[level]
    return Sitting.objects.filter(hotline=sitting.hotline, kind=kind,
                                  status__in=(SittingStatus.DRAFT, SittingStatus.OPEN)).order_by("opens_at", "pk")
