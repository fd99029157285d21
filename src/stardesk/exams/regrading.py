"""Regrading after a corrected key or a voided question: a dry run of every downstream change, then the commit.

A frozen version keeps what the agents saw; the correction is a KeyCorrection
that grading reads from then on (attempt_scores). The dry run computes every
sitting that used the version with the proposed key and lists what would
change, writing nothing:
- each candidate's knowledge, skills and exam score, and pass/fail (X2);
- for a released June sitting, the June ranking of that year: ranks (J1/E7),
  coefficients (J2) and J3 adjustments of everyone whose line changes;
- cascade offers (X3): an offer that a new pass makes unwarranted is
  withdrawn (when not yet started), a new fail may now be offered the level below.
The commit recomputes all of it (never trusting an old dry run), records the
correction, updates the objective scores, the released results and a stored
June ranking, withdraws the unstarted offers, and logs one Regrade per sitting
with its changes, plus the audit trail.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from stardesk.accounts import permissions
from stardesk.audit import services as audit
from stardesk.core.errors import DomainError
from stardesk.exams import marking, result_actions  # noqa: F401  (audit labels)
from stardesk.exams import services as exam_services
from stardesk.exams.attempt_scores import LEVEL_KINDS, KeyInForce, keys_in_force
from stardesk.exams.june_ranking import plan_ranking, recompute_if_stored
from stardesk.exams.models import (
    OBJECTIVE_TYPES,
    Answer,
    Attempt,
    Invitation,
    KeyCorrection,
    QuestionType,
    QuestionVersion,
    Regrade,
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

MAX_REASON = 1000


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
class RegradePlan:
    version: QuestionVersion
    key: KeyInForce
    key_text: str
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
        raise DomainError("regrade_invalid", _("简答、打字、口试题由阅卷人评分，不能更正答案；可作废该题。"))
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


def _check(actor, version: QuestionVersion, reason: str) -> str:
    permissions.require(actor, "exams.results")
    permissions.require_hotline(actor, version.question.hotline)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("regrade_invalid", details=[{"field": "reason", "message": _("请填写更正原因")}])
    if len(reason) > MAX_REASON:
        raise DomainError("regrade_invalid", details=[{"field": "reason", "message": _("更正原因最多 %(n)s 字") % {"n": MAX_REASON}}])
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


def _plan_sitting(sitting: Sitting, version: QuestionVersion, key: KeyInForce) -> SittingPlan:
    released = sitting.status == SittingStatus.RELEASED
    before_computation = None if released else compute_sitting(sitting)
    after = compute_sitting(sitting, proposed={version.pk: key})
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


def _plan(version: QuestionVersion, key: KeyInForce, reason: str) -> RegradePlan:
    sittings = list(sittings_using(version))
    if any(s.status == SittingStatus.OPEN for s in sittings):
        raise DomainError("regrade_sitting_open")
    current = keys_in_force([version.pk]).get(version.pk) or KeyInForce(version.answer)
    if current.voided == key.voided and (key.voided or current.answer == key.answer):
        raise DomainError("regrade_unchanged")
    plans = [_plan_sitting(s, version, key) for s in sittings if s.status in (SittingStatus.CLOSED, SittingStatus.RELEASED)]
    june_changes, years = _june_changes(plans)
    shown = _("作废") if key.voided else answer_text(version.question.qtype, key.answer)
    rescored = Answer.objects.filter(item__version=version, attempt__sitting__in=[p.sitting for p in plans]).count()
    return RegradePlan(version, key, shown, reason, plans, june_changes, years, rescored)


def regrade_dry_run(*, actor, version: QuestionVersion, answer_text: str = "", voided: bool = False, reason: str = "") -> RegradePlan:
    """Every change a corrected key (or voiding) of ``version`` would make; writes nothing."""
    reason = _check(actor, version, reason)
    version = QuestionVersion.objects.select_related("question", "question__hotline").get(pk=version.pk)
    return _plan(version, parse_key(version, answer_text, voided), reason)


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


@transaction.atomic
def regrade_commit(*, actor, version: QuestionVersion, answer_text: str = "", voided: bool = False, reason: str = "") -> list[Regrade]:
    """Apply the correction: recompute, record it, update results and the June ranking, log every change."""
    reason = _check(actor, version, reason)
    version = QuestionVersion.objects.select_for_update(of=("self",)).select_related("question", "question__hotline").get(pk=version.pk)
    key = parse_key(version, answer_text, voided)
    # The sittings stay as they are while the correction is applied (no close, release or second regrade in between).
    list(Sitting.objects.select_for_update().filter(pk__in=sittings_using(version).values("pk")))
    plan = _plan(version, key, reason)
    now = timezone.now()
    key_before = answer_text_of(version)
    correction = KeyCorrection.objects.create(version=version, answer=key.answer, voided=key.voided, reason=reason, corrected_at=now,
                                              corrected_by=actor if actor is not None and actor.pk else None,
                                              corrected_by_name=str(actor) if actor is not None else "系统")
    sittings = [p.sitting for p in plan.sittings]
    _rescore_objective(version, key, sittings)
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
                                                   note=str(_("答案更正：%(q)s") % {"q": version})))
        for invitation in sitting_plan.withdraw:
            exam_services.invite_withdraw(actor=actor, invitation=invitation)
        changes = [c.as_dict() for c in sitting_plan.changes]
        if sitting.kind == SittingKind.JUNE:
            changes += [c.as_dict() for c in plan.june_changes if c.sitting.startswith(str(sitting.year))]
        regrade = Regrade.objects.create(
            sitting=sitting, correction=correction, status=RegradeStatus.COMMITTED, changes=changes, reason=reason, created_at=now,
            created_by=actor if actor is not None and actor.pk else None, committed_at=now,
            committed_by=actor if actor is not None and actor.pk else None,
        )
        regrades.append(regrade)
        audit.record(actor=actor, action="regrade.commit", target=regrade, hotline=sitting.hotline,
                     changes={"key": [key_before, plan.key_text], "changes": [None, len(changes)]},
                     note=_("%(q)s：%(r)s；%(n)s 处变化") % {"q": version, "r": reason, "n": len(changes)})
    audit.record_many(entries)
    for (_hotline_id, year), hotline in sorted(plan.june_years.items(), key=lambda kv: kv[0]):
        recompute_if_stored(actor=actor, hotline=hotline, year=year)
    return regrades


def answer_text_of(version: QuestionVersion) -> str:
    """The key in force before the correction, as the sheet writes it."""
    current = keys_in_force([version.pk]).get(version.pk)
    if current is not None and current.voided:
        return str(_("作废"))
    return answer_text(version.question.qtype, current.answer if current is not None else version.answer)


def regrades_of(sitting: Sitting):
    return Regrade.objects.filter(sitting=sitting).select_related("correction", "correction__version__question").order_by("-created_at", "-pk")
