"""Regrading after a corrected key, a voided question or a grade corrected after the release: a dry run of every
downstream change, kept, then the commit based on it.

What a regrade proposes:
- a key correction (RegradeKind.KEY): a frozen version keeps what the agents
  saw; the correction is a KeyCorrection that grading reads from then on
  (attempt_scores), in every sitting that used the version;
- a grade correction (RegradeKind.GRADE): once results are released (X6) the
  grading forms are closed; an examiner or the supervisor corrects a grade
  (e.g. a wrongly added-up spoken score) with a reason, and the commit records
  a new Grade (grades are append-only; the latest counts).

The dry run computes every sitting concerned with the proposal and lists what
would change, and keeps that as a RegradeDryRun (who, when, the proposal, the
changes, a summary and a fingerprint of the data it looked at); nothing else
is written:
- each candidate's knowledge, skills and exam score, and pass/fail (X2);
- for a released June sitting, the June ranking of that year: ranks (J1/E7),
  coefficients (J2) and J3 adjustments of everyone whose line changes;
- cascade offers (X3): an offer that a new pass makes unwarranted is
  withdrawn (when not yet started), a new fail may now be offered the level below.
The commit names its dry run, recomputes all of it and refuses when the data
have changed since (the fingerprint differs: a stale dry run), so what is
committed is what was shown. It records the correction (or the grade), updates
the objective scores, the released results and a stored June ranking,
withdraws the unstarted offers, and logs one Regrade per sitting with its
changes and its dry run, plus the audit trail.
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from stardesk.accounts import permissions
from stardesk.audit import services as audit
from stardesk.core.errors import DomainError, Forbidden, NotFound
from stardesk.exams import marking, result_actions  # noqa: F401  (audit labels)
from stardesk.exams import services as exam_services
from stardesk.exams.grading import checked_score
from stardesk.exams.attempt_scores import LEVEL_KINDS, KeyInForce, keys_in_force, latest_grades
from stardesk.exams.june_ranking import plan_ranking, recompute_if_stored
from stardesk.exams.models import (
    MANUAL_TYPES,
    OBJECTIVE_TYPES,
    Answer,
    Attempt,
    AttemptStatus,
    Grade,
    Invitation,
    JuneRanking,
    KeyCorrection,
    QuestionType,
    QuestionVersion,
    Regrade,
    RegradeDryRun,
    RegradeKind,
    RegradeStatus,
    Sitting,
    SittingKind,
    SittingResult,
    SittingStatus,
)
from stardesk.exams.question_content import ContentProblems, answer_text, parse_choice_key, parse_fill_in, parse_true_false
from stardesk.exams.results import SittingComputation, compute_sitting, store_results
from stardesk.policy.exams import exam_level, next_sitting
from stardesk.policy.facts import ExamResult
from stardesk.policy.reasons import level as level_text
from stardesk.policy.reasons import num

MAX_REASON = 1000
# Who may commit (and run) each kind of regrade.
PERMISSION = {RegradeKind.KEY: "exams.results", RegradeKind.GRADE: "exams.grade_correct"}


@dataclass
class Change:
    """One downstream change, as the dry run lists it and the Regrade log keeps it."""

    sitting: str
    staff_no: str
    name: str
    what: str
    old: str
    new: str
    note: str = ""

    def as_dict(self) -> dict:
        return {"sitting": self.sitting, "staff_no": self.staff_no, "name": self.name, "what": self.what,
                "old": self.old, "new": self.new, "note": self.note}


@dataclass
class SittingPlan:
    sitting: Sitting
    before: dict[int, dict]  # attempt id → figures now
    after: SittingComputation
    changes: list[Change] = field(default_factory=list)
    withdraw: list[Invitation] = field(default_factory=list)


@dataclass
class Proposal:
    """What a regrade would change: the key of a version (KEY) or the grade of one answer (GRADE)."""

    kind: str
    version: QuestionVersion | None = None
    key: KeyInForce | None = None
    answer: Answer | None = None
    score: Decimal | None = None
    previous: Grade | None = None  # the grade in force before a grade correction

    @property
    def keys(self) -> dict[int, KeyInForce] | None:
        return {self.version.pk: self.key} if self.kind == RegradeKind.KEY else None

    @property
    def grades(self) -> dict[int, Decimal] | None:
        return {self.answer.pk: self.score} if self.kind == RegradeKind.GRADE else None


@dataclass
class RegradePlan:
    proposal: Proposal
    subject: str
    reason: str
    sittings: list[SittingPlan]
    june_changes: list[Change] = field(default_factory=list)
    june_years: dict = field(default_factory=dict)  # (hotline id, year) → hotline
    answers_rescored: int = 0

    @property
    def changes(self) -> list[Change]:
        return [c for plan in self.sittings for c in plan.changes] + self.june_changes

    @property
    def people_changed(self) -> int:
        return len({(c.sitting, c.staff_no) for plan in self.sittings for c in plan.changes})

    @property
    def summary(self) -> dict:
        return {"sittings": len(self.sittings), "answers": self.answers_rescored, "people": self.people_changed,
                "changes": len(self.changes)}


def _text(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "合格" if value else "不合格"
    return str(value)


def parse_key(version: QuestionVersion, answer_text_value: str, voided: bool) -> KeyInForce:
    """The corrected key in its stored form (the question sheet's way of writing it), or the voiding."""
    qtype = version.question.qtype
    if voided:
        return KeyInForce(None, True)
    if qtype not in OBJECTIVE_TYPES:
        raise DomainError("regrade_invalid", _("简答、打字、口试题由阅卷人评分，不能更正答案；可作废该题，或在阅卷页面更正评分。"))
    problems = ContentProblems()
    text = (answer_text_value or "").strip()
    if qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        answer = parse_choice_key(qtype, text, len(version.options or []), problems)
    elif qtype == QuestionType.TRUE_FALSE:
        answer = parse_true_false(text, problems)
    else:
        answer = parse_fill_in(text, version.stem, problems)
    if problems:
        raise DomainError("regrade_invalid", details=[{"field": "answer", "message": item["message"]} for item in problems.items])
    return KeyInForce(answer, False)


def _reason(reason: str, code: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(code, details=[{"field": "reason", "message": _("请填写更正原因")}])
    if len(reason) > MAX_REASON:
        raise DomainError(code, details=[{"field": "reason", "message": _("更正原因最多 %(n)s 字") % {"n": MAX_REASON}}])
    return reason


def sittings_using(version: QuestionVersion):
    """Every sitting with an attempt that holds the version."""
    return Sitting.objects.filter(pk__in=Answer.objects.filter(item__version=version).values("attempt__sitting_id")).select_related("hotline")


def _figures(result: SittingResult | None, score) -> dict:
    if result is not None:
        return {"knowledge": result.knowledge_score, "skills": result.skills_score, "score": result.score, "passed": result.passed}
    if score is None:
        return {}
    return {"knowledge": score.knowledge, "skills": score.skills, "score": score.score, "passed": score.passed}


FIGURE_LABELS = {"knowledge": "知识得分", "skills": "技能得分", "score": "成绩", "passed": "是否合格"}


def _plan_sitting(sitting: Sitting, proposal: Proposal) -> SittingPlan:
    released = sitting.status == SittingStatus.RELEASED
    before_computation = None if released else compute_sitting(sitting)
    after = compute_sitting(sitting, proposed=proposal.keys, proposed_grades=proposal.grades)
    stored = {r.attempt_id: r for r in SittingResult.objects.filter(sitting=sitting, attempt__isnull=False)} if released else {}
    people = {a.pk: a.person for a in Attempt.objects.filter(sitting=sitting).select_related("person")}
    plan = SittingPlan(sitting, {}, after)
    offers: dict[int, list[Invitation]] = {}
    if sitting.kind in LEVEL_KINDS:
        for invitation in Invitation.objects.filter(offered_after__sitting=sitting).select_related("sitting", "person", "attempt"):
            invitation.started = hasattr(invitation, "attempt")
            offers.setdefault(invitation.offered_after_id, []).append(invitation)
    for attempt_id, score in after.scores.items():
        person = people[attempt_id]
        before = _figures(stored.get(attempt_id), None if released else before_computation.scores.get(attempt_id))
        plan.before[attempt_id] = before
        if not score.complete:
            continue  # still being graded: its result comes with the grades
        now = _figures(None, score)
        for name, label in FIGURE_LABELS.items():
            if name == "passed" and sitting.kind not in LEVEL_KINDS:
                continue
            if before.get(name) != now.get(name):
                plan.changes.append(Change(sitting.name, person.staff_no, person.name, label, _text(before.get(name)), _text(now.get(name))))
        if sitting.kind in LEVEL_KINDS and before.get("passed") is not None and before.get("passed") != now.get("passed"):
            if now.get("passed"):
                for invitation in offers.get(attempt_id, []):
                    if invitation.started:
                        plan.changes.append(Change(sitting.name, person.staff_no, person.name, "逐级补考（X3）",
                                                   invitation.sitting.name, "保留", _("补考已开始，保留；请人工复核")))
                    elif invitation.sitting.status in (SittingStatus.DRAFT, SittingStatus.OPEN):
                        plan.withdraw.append(invitation)
                        plan.changes.append(Change(sitting.name, person.staff_no, person.name, "逐级补考（X3）",
                                                   invitation.sitting.name, "撤销邀请", _("改判合格，不再需要补考")))
            else:
                # X3: the level policy.exams.next_sitting offers after this failed sitting.
                failed = ExamResult(sitting.exam_kind, sitting.exam_date, score=score.score, knowledge=score.knowledge, skills=score.skills)
                below = next_sitting(exam_level(sitting.exam_kind), [failed], after.policy)
                if below:
                    plan.changes.append(Change(sitting.name, person.staff_no, person.name, "逐级补考（X3）", "—",
                                               f"可参加{level_text(below)}资格考试", _("改判不合格；请在成绩页发出补考邀请")))
    return plan


def _june_changes(sitting_plans: list[SittingPlan]) -> tuple[list[Change], dict]:
    """J1–J3 of each year whose released June results change: every line of the ranking that moves."""
    changes: list[Change] = []
    years = {}
    for plan in sitting_plans:
        sitting = plan.sitting
        if sitting.kind != SittingKind.JUNE or sitting.status != SittingStatus.RELEASED:
            continue
        stored = {r.attempt_id: r for r in SittingResult.objects.filter(sitting=sitting, attempt__isnull=False)}
        overrides = {stored[a].pk: s.score for a, s in plan.after.scores.items() if a in stored and s.complete}
        if all(stored[a].score == s.score for a, s in plan.after.scores.items() if a in stored and s.complete):
            continue
        years[(sitting.hotline_id, sitting.year)] = sitting.hotline
        before = plan_ranking(sitting.hotline, sitting.year).by_person()
        after = plan_ranking(sitting.hotline, sitting.year, overrides=overrides).by_person()
        title = f"{sitting.year}年年中综合考试排名"
        for person_id, line in after.items():
            old = before.get(person_id)
            person = line.person
            pairs = [
                ("名次（J1/E7）", old.result.rank if old and old.result else None, line.result.rank if line.result else None),
                ("下半年奖金系数（J2）", old.coefficient.coefficient if old else None, line.coefficient.coefficient),
                ("年中调整（J3）", _adjustment(old) if old else "", _adjustment(line)),
            ]
            for label, was, now in pairs:
                if was != now:
                    changes.append(Change(title, person.staff_no, person.name, label, _text(was or None), _text(now or None)))
    return changes, years


def _adjustment(line) -> str:
    from stardesk.exams.june_ranking import describe_treatment

    fields = line.change_fields()
    return describe_treatment(fields["treatment"], fields["level_before"], fields["level_after"], fields["change_on"])


def _key_plan(proposal: Proposal, reason: str) -> RegradePlan:
    version, key = proposal.version, proposal.key
    sittings = list(sittings_using(version))
    if any(s.status == SittingStatus.OPEN for s in sittings):
        raise DomainError("regrade_sitting_open")
    current = keys_in_force([version.pk]).get(version.pk) or KeyInForce(version.answer)
    if current.voided == key.voided and (key.voided or current.answer == key.answer):
        raise DomainError("regrade_unchanged")
    plans = [_plan_sitting(s, proposal) for s in sittings if s.status in (SittingStatus.CLOSED, SittingStatus.RELEASED)]
    june_changes, years = _june_changes(plans)
    if key.voided:
        subject = _("%(q)s：作废") % {"q": version}
    else:
        subject = _("%(q)s：答案更正为「%(k)s」") % {"q": version, "k": answer_text(version.question.qtype, key.answer)}
    rescored = Answer.objects.filter(item__version=version, attempt__sitting__in=[p.sitting for p in plans]).count()
    return RegradePlan(proposal, subject, reason, plans, june_changes, years, rescored)


def _grade_plan(proposal: Proposal, reason: str) -> RegradePlan:
    """A grade corrected after the release: the answer's sitting (and its June ranking) with the new grade."""
    answer = proposal.answer
    sitting = answer.attempt.sitting
    version = answer.item.version
    if answer.attempt.status != AttemptStatus.SUBMITTED:
        raise DomainError("grade_not_submitted")
    if version.question.qtype not in MANUAL_TYPES:
        raise DomainError("grade_not_manual")
    if sitting.status != SittingStatus.RELEASED:
        raise DomainError("grade_correction_not_released")
    key = keys_in_force([version.pk]).get(version.pk)
    if key is not None and key.voided:
        raise DomainError("grade_voided")
    proposal.previous = latest_grades({"answer": answer}).get(answer.pk)
    if proposal.previous is not None and proposal.previous.score == proposal.score:
        raise DomainError("grade_correction_unchanged")
    plans = [_plan_sitting(sitting, proposal)]
    june_changes, years = _june_changes(plans)
    person = answer.attempt.person
    subject = _("%(s)s · %(p)s · %(q)s：评分由 %(a)s 分更正为 %(b)s 分") % {
        "s": sitting.name, "p": f"{person.staff_no} {person.name}", "q": f"{version.question.number} {version.question.get_qtype_display()}",
        "a": num(proposal.previous.score) if proposal.previous is not None else "—", "b": num(proposal.score)}
    return RegradePlan(proposal, subject, reason, plans, june_changes, years, 1)


def _plan(proposal: Proposal, reason: str) -> RegradePlan:
    return _key_plan(proposal, reason) if proposal.kind == RegradeKind.KEY else _grade_plan(proposal, reason)


def _fingerprint(plan: RegradePlan) -> str:
    """What the plan was computed from and what it found: a commit on a dry run whose fingerprint differs is stale."""
    sittings = [p.sitting for p in plan.sittings]
    versions = Answer.objects.filter(attempt__sitting__in=sittings).values("item__version_id")
    data = {
        "proposal": [plan.proposal.kind, plan.proposal.version.pk if plan.proposal.version else None,
                     plan.proposal.answer.pk if plan.proposal.answer else None],
        "corrections": KeyCorrection.objects.filter(version_id__in=versions).aggregate(last=Max("pk"))["last"],
        "grades": Grade.objects.filter(answer__attempt__sitting__in=sittings).aggregate(last=Max("pk"))["last"],
        "sittings": sorted([p.sitting.pk, p.sitting.status, p.after.policy_version, len(p.after.scores)] for p in plan.sittings),
        "results": sorted([r.pk, str(r.score), r.passed, r.computed_at.isoformat(), r.released_at is not None]
                          for r in SittingResult.objects.filter(sitting__in=sittings)),
        "offers": sorted(Invitation.objects.filter(offered_after__sitting__in=sittings).values_list("pk", flat=True)),
        "june": sorted([str(r.pk), r.computed_at.isoformat()] for r in JuneRanking.objects.filter(
            hotline_id__in=[h for h, _y in plan.june_years], year__in=[y for _h, y in plan.june_years])),
        "changes": sorted(json.dumps(c.as_dict(), ensure_ascii=False, sort_keys=True) for c in plan.changes),
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()


def _user(actor):
    return actor if actor is not None and actor.pk else None


def _keep(actor, plan: RegradePlan, hotline) -> RegradeDryRun:
    """The dry run, kept with its changes and fingerprint; audited."""
    proposal = plan.proposal
    run = RegradeDryRun.objects.create(
        hotline=hotline, kind=proposal.kind, version=proposal.version,
        key_answer=proposal.key.answer if proposal.key is not None else None,
        voided=bool(proposal.key is not None and proposal.key.voided), answer=proposal.answer, score=proposal.score,
        subject=plan.subject[:300], reason=plan.reason, changes=[c.as_dict() for c in plan.changes], summary=plan.summary,
        fingerprint=_fingerprint(plan), run_by=_user(actor), run_by_name=str(actor) if actor is not None else "系统",
    )
    run.sittings.set([p.sitting for p in plan.sittings])
    audit.record(actor=actor, action="regrade.dry_run", target=run, hotline=hotline,
                 changes={"changes": [None, len(run.changes)], "people": [None, plan.people_changed]},
                 note=_("%(s)s；原因：%(r)s") % {"s": plan.subject, "r": plan.reason})
    run.plan = plan
    return run


@transaction.atomic
def regrade_dry_run(*, actor, version: QuestionVersion, answer_text: str = "", voided: bool = False, reason: str = "") -> RegradeDryRun:
    """Every change a corrected key (or voiding) of ``version`` would make, kept as a dry run; nothing else is written."""
    permissions.require(actor, PERMISSION[RegradeKind.KEY])
    version = QuestionVersion.objects.select_related("question", "question__hotline").get(pk=version.pk)
    permissions.require_hotline(actor, version.question.hotline)
    reason = _reason(reason, "regrade_invalid")
    proposal = Proposal(RegradeKind.KEY, version=version, key=parse_key(version, answer_text, voided))
    return _keep(actor, _plan(proposal, reason), version.question.hotline)


def _answer(pk: int) -> Answer:
    return Answer.objects.select_related("attempt__sitting__hotline", "attempt__person", "item__version__question").get(pk=pk)


@transaction.atomic
def grade_correction_dry_run(*, actor, answer: Answer, score, reason: str = "") -> RegradeDryRun:
    """Every change a corrected grade of ``answer`` (after the release) would make, kept as a dry run."""
    permissions.require(actor, PERMISSION[RegradeKind.GRADE])
    answer = _answer(answer.pk)
    permissions.require_hotline(actor, answer.attempt.sitting.hotline)
    value = checked_score(score, "score", _("得分"), answer.item.marks)
    reason = _reason(reason, "grade_invalid")
    proposal = Proposal(RegradeKind.GRADE, answer=answer, score=value)
    return _keep(actor, _plan(proposal, reason), answer.attempt.sitting.hotline)


def _rescore_objective(version: QuestionVersion, key: KeyInForce, sittings: list[Sitting]) -> None:
    """The stored objective scores follow the corrected key (a voided item scores nothing), in bulk."""
    answers = list(Answer.objects.filter(item__version=version, attempt__sitting__in=sittings).select_related("item"))
    if version.question.qtype not in OBJECTIVE_TYPES:
        return
    touched = set()
    for answer in answers:
        answer.auto_score = (marking.auto_score(version.question.qtype, key.answer, answer.response, answer.item.marks,
                                                option_count=len(version.options or []))
                             if not key.voided else None)
        touched.add(answer.attempt_id)
    Answer.objects.bulk_update(answers, ["auto_score"], batch_size=2000)
    totals: dict[int, object] = {}
    for attempt_id, score in Answer.objects.filter(attempt_id__in=touched, auto_score__isnull=False).values_list("attempt_id", "auto_score"):
        totals[attempt_id] = totals.get(attempt_id, 0) + score
    attempts = list(Attempt.objects.filter(pk__in=touched))
    for attempt in attempts:
        attempt.auto_score = totals.get(attempt.pk, 0)
    Attempt.objects.bulk_update(attempts, ["auto_score"], batch_size=1000)


def _locked_proposal(run: RegradeDryRun) -> Proposal:
    """The dry run's proposal, its rows locked so nothing moves while it is applied (no grade, close, release or regrade)."""
    if run.kind == RegradeKind.KEY:
        version = QuestionVersion.objects.select_for_update(of=("self",)).select_related("question", "question__hotline").get(pk=run.version_id)
        list(Sitting.objects.select_for_update().filter(pk__in=sittings_using(version).values("pk")))
        return Proposal(RegradeKind.KEY, version=version, key=KeyInForce(run.key_answer, run.voided))
    answers = Answer.objects.filter(pk=run.answer_id)
    list(Attempt.objects.select_for_update().filter(pk__in=answers.values("attempt_id")))
    list(Sitting.objects.select_for_update().filter(pk__in=answers.values("attempt__sitting_id")))
    return Proposal(RegradeKind.GRADE, answer=_answer(run.answer_id), score=run.score)


def _record(actor, plan: RegradePlan, now) -> tuple[dict, KeyCorrection | None, Grade | None]:
    """Record the correction itself: the KeyCorrection (objective scores follow), or the new Grade. Returns the audit figures."""
    proposal = plan.proposal
    if proposal.kind == RegradeKind.KEY:
        version, key = proposal.version, proposal.key
        key_before = answer_text_of(version)
        correction = KeyCorrection.objects.create(version=version, answer=key.answer, voided=key.voided, reason=plan.reason,
                                                  corrected_at=now, corrected_by=_user(actor),
                                                  corrected_by_name=str(actor) if actor is not None else "系统")
        _rescore_objective(version, key, [p.sitting for p in plan.sittings])
        shown = _("作废") if key.voided else answer_text(version.question.qtype, key.answer)
        return {"key": [key_before, shown]}, correction, None
    previous = proposal.previous
    before = num(previous.score) if previous is not None else None
    summary = _("更正评分：原 %(a)s 分，更正为 %(b)s 分；原因：%(r)s") % {"a": before or "—", "b": num(proposal.score), "r": plan.reason}
    grade = Grade.objects.create(answer=proposal.answer, score=proposal.score, comment=previous.comment if previous else "",
                                 parts={"kind": "correction", "previous": before, "reason": plan.reason, "summary": summary},
                                 graded_at=now, grader=_user(actor), grader_name=str(actor) if actor is not None else "系统")
    audit.record(actor=actor, action="grade.correct", target=grade, hotline=proposal.answer.attempt.sitting.hotline,
                 changes={"score": [before, num(proposal.score)]}, note=summary)
    return {"score": [before, num(proposal.score)]}, None, grade


@transaction.atomic
def regrade_commit(*, actor, dry_run: RegradeDryRun) -> list[Regrade]:
    """Apply what ``dry_run`` showed: refused when it was committed already or is stale (the data changed since)."""
    permissions.require(actor, PERMISSION[RegradeKind(dry_run.kind)])
    run = RegradeDryRun.objects.select_for_update().select_related("hotline").get(pk=dry_run.pk)
    permissions.require_hotline(actor, run.hotline)
    if run.committed_at is not None:
        raise DomainError("regrade_committed")
    proposal = _locked_proposal(run)
    try:
        plan = _plan(proposal, run.reason)
    except DomainError as error:
        # The proposal no longer applies (e.g. the same key was corrected since): the dry run is stale.
        raise DomainError("regrade_stale", details=[str(error.message)]) from None
    if _fingerprint(plan) != run.fingerprint:
        raise DomainError("regrade_stale")
    now = timezone.now()
    figures, correction, grade = _record(actor, plan, now)
    regrades = []
    entries = []
    for sitting_plan in plan.sittings:
        sitting = sitting_plan.sitting
        if sitting.status == SittingStatus.RELEASED:
            before = {r.attempt_id: r.score for r in SittingResult.objects.filter(sitting=sitting, attempt__isnull=False)}
            _created, updated = store_results(sitting_plan.after, released_at=None)
            for result in updated:
                if before.get(result.attempt_id) != result.score:
                    entries.append(audit.entry_for(actor=actor, action="result.regrade", target=result, hotline=sitting.hotline,
                                                   changes={"score": [str(before.get(result.attempt_id)), str(result.score)]},
                                                   note=plan.subject))
        for invitation in sitting_plan.withdraw:
            exam_services.invite_withdraw(actor=actor, invitation=invitation)
        changes = [c.as_dict() for c in sitting_plan.changes]
        if sitting.kind == SittingKind.JUNE:
            changes += [c.as_dict() for c in plan.june_changes if c.sitting.startswith(str(sitting.year))]
        regrade = Regrade.objects.create(
            sitting=sitting, correction=correction, grade=grade, dry_run=run, status=RegradeStatus.COMMITTED, changes=changes,
            reason=plan.reason, created_at=run.run_at, created_by=run.run_by, committed_at=now, committed_by=_user(actor),
        )
        regrades.append(regrade)
        audit.record(actor=actor, action="regrade.commit", target=regrade, hotline=sitting.hotline,
                     changes={**figures, "changes": [None, len(changes)]},
                     note=_("%(q)s：%(r)s；%(n)s 处变化（试算 #%(d)s）") % {"q": plan.subject, "r": plan.reason, "n": len(changes), "d": run.pk})
    audit.record_many(entries)
    for (_hotline_id, year), hotline in sorted(plan.june_years.items(), key=lambda kv: kv[0]):
        recompute_if_stored(actor=actor, hotline=hotline, year=year)
    run.committed_at = now
    run.save(update_fields=["committed_at"])
    return regrades


def answer_text_of(version: QuestionVersion) -> str:
    """The key in force before the correction, as the sheet writes it."""
    current = keys_in_force([version.pk]).get(version.pk)
    if current is not None and current.voided:
        return str(_("作废"))
    return answer_text(version.question.qtype, current.answer if current is not None else version.answer)


def regrades_of(sitting: Sitting):
    return (Regrade.objects.filter(sitting=sitting)
            .select_related("correction", "correction__version__question", "dry_run", "grade", "committed_by")
            .order_by("-created_at", "-pk"))


def dry_runs_of(sitting: Sitting):
    """The sitting's kept dry runs, newest first."""
    return RegradeDryRun.objects.filter(sittings=sitting).order_by("-run_at", "-pk")


def dry_run_for(user, sitting: Sitting, pk: int) -> RegradeDryRun:
    """A dry run that concerns ``sitting`` (already checked as readable by ``user``)."""
    run = dry_runs_of(sitting).filter(pk=pk).first()
    if run is None:
        raise NotFound()
    return run


def can_commit(user, run: RegradeDryRun) -> bool:
    if run.committed_at is not None or not permissions.has(user, PERMISSION[RegradeKind(run.kind)]):
        return False
    try:
        permissions.require_hotline(user, run.hotline)
    except Forbidden:
        return False
    return True
