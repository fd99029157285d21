"""Every write of the exams: the bank, blueprints and papers, sittings and invitations, attempts and answers.

Each function checks its permission, validates, writes in one transaction and
records the audit entry inside it. Answers are many: an attempt's start and its
end are audited, not every save. A save is one UPDATE of the answer row made
when the attempt started, under a lock on the attempt row, so saves of one
agent are serialised (last write wins), saves of different agents never wait
on each other, and no save can slip in after the attempt was closed.
"""
from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from stardesk.accounts import permissions
from stardesk.audit import services as audit
from stardesk.core.errors import DomainError, Forbidden, NotFound
from stardesk.exams import marking, papers
from stardesk.exams.models import (
    CHOICE_TYPES,
    KNOWLEDGE_AREAS,
    OBJECTIVE_TYPES,
    OPTION_LETTERS,
    SITTING_TRANSITIONS,
    SKILL_AREAS,
    Answer,
    Area,
    Attempt,
    AttemptStatus,
    Blueprint,
    BlueprintRule,
    BlueprintSection,
    EndedBy,
    FocusEvent,
    FocusKind,
    Invitation,
    InvitedHow,
    Paper,
    PaperItem,
    PaperMode,
    Question,
    QuestionLevel,
    QuestionStatus,
    QuestionType,
    QuestionVersion,
    ReleaseRule,
    SectionKind,
    Sitting,
    SittingKind,
    SittingStatus,
)
from stardesk.exams.question_content import Content, build_content
from stardesk.people.models import Hotline, Person, TitleSpell
from stardesk.policy.reasons import percent

MAX_TEXT_ANSWER = 5000
MAX_BLANK = 200
MAX_FOCUS_EVENTS = 2000
MAX_TIME_LIMIT = 600  # minutes
MAX_GRACE = 600  # seconds
# A timer-triggered submission this long before the deadline is recorded as the agent's own.
TIMER_SLACK = datetime.timedelta(seconds=5)
SYSTEM = None


def _user(actor):
    return actor if actor is not None and actor.pk else None


def _who(actor) -> str:
    return str(actor) if actor is not None else "系统"


# --- question bank -------------------------------------------------------------------


def _check_classification(*, area: str, qtype: str, level: int, difficulty: int, status: str) -> None:
    problems = []
    if area not in Area.values:
        problems.append({"field": "area", "message": _("知识领域无效")})
    if qtype not in QuestionType.values:
        problems.append({"field": "qtype", "message": _("题型无效")})
    if level not in QuestionLevel.values:
        problems.append({"field": "level", "message": _("级别须为一星、二星、三星或通用")})
    if not isinstance(difficulty, int) or not 1 <= difficulty <= 5:
        problems.append({"field": "difficulty", "message": _("难度须为 1–5")})
    if status not in QuestionStatus.values:
        problems.append({"field": "status", "message": _("状态无效")})
    if qtype == QuestionType.TYPING and area != Area.COMPUTER:
        problems.append({"field": "area", "message": _("打字题属于「计算机操作」")})
    if qtype == QuestionType.SPEAKING and area != Area.LANGUAGE:
        problems.append({"field": "area", "message": _("口试题属于「语言能力」")})
    if problems:
        raise DomainError("question_invalid", details=problems)


def next_question_number(hotline) -> str:
    """The next free 题号 of a hotline: one more than the largest all-digit number, four digits at least."""
    numbers = Question.objects.filter(hotline=hotline).values_list("number", flat=True)
    highest = max((int(n) for n in numbers if n.isdigit()), default=0)
    return f"{highest + 1:04d}"


VERSION_FIELDS = ("stem", "options", "answer", "marks", "explanation", "reference", "material")


def _version_snapshot(version: QuestionVersion) -> dict:
    """The content for the audit trail, keyed by the fields' Chinese names (the trail shows a question's entries)."""
    from stardesk.exams.question_content import answer_text

    values = {
        "stem": version.stem,
        "options": "；".join(f"{letter}. {text}" for letter, text in version.option_pairs()),
        "answer": answer_text(version.question.qtype, version.answer),
        "marks": str(version.marks),
        "explanation": version.explanation,
        "reference": version.reference,
        "material": version.material,
    }
    return {str(QuestionVersion._meta.get_field(name).verbose_name): value for name, value in values.items()}


def _new_version(question: Question, content: Content, number: int, actor, note: str) -> QuestionVersion:
    return QuestionVersion(
        question=question,
        number=number,
        stem=content.stem,
        options=content.options,
        answer=content.answer,
        marks=content.marks,
        explanation=content.explanation,
        reference=content.reference,
        material=content.material,
        note=note[:200],
        created_by=_user(actor),
        created_by_name=_who(actor),
    )


@transaction.atomic
def question_create(*, actor, hotline: Hotline, area: str, qtype: str, level: int, difficulty: int, stem: str,
                    options=(), answer_text: str = "", marks, explanation: str = "", reference: str = "",
                    material: str = "", number: str = "", status: str = QuestionStatus.ACTIVE, note: str = "") -> Question:
    permissions.require(actor, "exams.edit")
    permissions.require_hotline(actor, hotline)
    _check_classification(area=area, qtype=qtype, level=level, difficulty=difficulty, status=status)
    content = build_content(qtype=qtype, stem=stem, options=list(options), answer_text=answer_text, marks=marks,
                            explanation=explanation, reference=reference, material=material)
    hotline = Hotline.objects.select_for_update().get(pk=hotline.pk)  # one new 题号 at a time
    number = (number or "").strip() or next_question_number(hotline)
    if Question.objects.filter(hotline=hotline, number=number).exists():
        raise DomainError("question_number_taken", details=[{"field": "number", "message": str(_("题号 %(n)s 已存在") % {"n": number})}])
    try:
        with transaction.atomic():
            question = Question.objects.create(hotline=hotline, number=number, area=area, qtype=qtype, level=level,
                                               difficulty=difficulty, status=status)
    except IntegrityError as exc:
        raise DomainError("question_number_taken") from exc
    version = _new_version(question, content, 1, actor, note)
    version.save()
    question.current = version
    question.save(update_fields=["current"])
    changes = audit.changes_between({}, {**audit.snapshot(question), **_version_snapshot(version)})
    audit.record(actor=actor, action="question.create", target=question, changes=changes)
    return question


@transaction.atomic
def question_revise(*, actor, question: Question, area: str, level: int, difficulty: int, status: str, stem: str,
                    options=(), answer_text: str = "", marks, explanation: str = "", reference: str = "",
                    material: str = "", note: str = "") -> QuestionVersion:
    """Change a question: its classification in place; its content in place while no paper holds the
    current version, otherwise as a new version (the frozen one stays as the agents saw it).

    Returns the current version afterwards.
    """
    permissions.require(actor, "exams.edit")
    permissions.require_hotline(actor, question.hotline)
    question = Question.objects.select_for_update(of=("self",)).select_related("current", "hotline").get(pk=question.pk)
    _check_classification(area=area, qtype=question.qtype, level=level, difficulty=difficulty, status=status)
    content = build_content(qtype=question.qtype, stem=stem, options=list(options), answer_text=answer_text, marks=marks,
                            explanation=explanation, reference=reference, material=material)
    before = audit.snapshot(question)
    question.area, question.level, question.difficulty, question.status = area, level, difficulty, status
    current = question.current
    if current is None or not content.same_as(current):
        old = _version_snapshot(current) if current is not None else {}
        if current is None or current.is_frozen:
            number = (question.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
            current = _new_version(question, content, number, actor, note)
            current.save()
            question.current = current
            action = "question.new_version"
        else:
            for name in VERSION_FIELDS:
                setattr(current, name, getattr(content, name))
            current.note = note[:200]
            current.save()
            action = "question.revise"
        question.save()
        changes = {**audit.changes_between(before, audit.snapshot(question)),
                   **audit.changes_between(old, _version_snapshot(current))}
        changes.pop("current", None)
        audit.record(actor=actor, action=action, target=question, changes=changes,
                     note=str(_("第%(n)s版") % {"n": current.number}) + (f"：{note}" if note else ""))
    else:
        question.save()
        changes = audit.changes_between(before, audit.snapshot(question))
        if changes:
            audit.record(actor=actor, action="question.revise", target=question, changes=changes)
    return current


# --- blueprints and papers ---------------------------------------------------------------


@dataclass
class RuleInput:
    area: str
    qtype: str
    count: int
    marks: Decimal
    difficulty: int | None = None


@dataclass
class SectionInput:
    name: str
    kind: str
    weight: Decimal
    rules: list[RuleInput] = field(default_factory=list)


def _check_blueprint(name: str, kind: str, sections: list[SectionInput]) -> None:
    problems = []

    def bad(where: str, message) -> None:
        problems.append({"field": where, "message": str(message)})

    if not (name or "").strip():
        bad("name", _("请填写蓝图名称"))
    if kind not in SittingKind.values:
        bad("kind", _("考试类别无效"))
    if not sections:
        bad("sections", _("至少需要一个部分"))
    total = Decimal(0)
    for number, section in enumerate(sections, start=1):
        where = f"section-{number}"
        if not section.name.strip():
            bad(where, _("第 %(n)s 部分没有名称") % {"n": number})
        if section.kind not in SectionKind.values:
            bad(where, _("第 %(n)s 部分的类型无效") % {"n": number})
        if section.weight is None or not Decimal(0) < section.weight <= 1:
            bad(where, _("第 %(n)s 部分的权重须大于 0%% 且不超过 100%%") % {"n": number})
        else:
            total += section.weight
        if not section.rules:
            bad(where, _("「%(s)s」没有抽题规则") % {"s": section.name or number})
        allowed = KNOWLEDGE_AREAS if section.kind == SectionKind.KNOWLEDGE else SKILL_AREAS
        for position, rule in enumerate(section.rules, start=1):
            at = f"rule-{number}-{position}"
            if rule.area not in allowed:
                area = Area(rule.area).label if rule.area in Area.values else rule.area
                bad(at, _("「%(s)s」第 %(p)s 条规则：%(kind)s部分不能抽取「%(area)s」的试题（X1）") % {
                    "s": section.name, "p": position, "kind": SectionKind(section.kind).label if section.kind in SectionKind.values else "", "area": area})
            if rule.qtype not in QuestionType.values:
                bad(at, _("「%(s)s」第 %(p)s 条规则：题型无效") % {"s": section.name, "p": position})
            if rule.difficulty is not None and not 1 <= rule.difficulty <= 5:
                bad(at, _("「%(s)s」第 %(p)s 条规则：难度须为 1–5 或不限") % {"s": section.name, "p": position})
            if not rule.count or rule.count < 1 or rule.count > 200:
                bad(at, _("「%(s)s」第 %(p)s 条规则：题数须为 1–200") % {"s": section.name, "p": position})
            if rule.marks is None or rule.marks <= 0 or rule.marks > 100 or rule.marks != rule.marks.quantize(Decimal("0.1")):
                bad(at, _("「%(s)s」第 %(p)s 条规则：每题分值须大于 0、不超过 100、最多一位小数") % {"s": section.name, "p": position})
    if sections and total != 1:
        bad("sections", _("各部分权重之和须为 100%%，现为 %(t)s") % {"t": percent(total)})
    if problems:
        raise DomainError("blueprint_invalid", details=problems)


def _blueprint_summary(blueprint: Blueprint) -> dict:
    return {
        "name": blueprint.name,
        "kind": str(SittingKind(blueprint.kind).label),
        "sections": [
            f"{s.name}（{SectionKind(s.kind).label}，{percent(s.weight)}）："
            + "；".join(f"{r.get_area_display()} {r.get_qtype_display()} 难度{r.difficulty or '不限'} {r.count}题×{r.marks}分"
                       for r in s.rules.all())
            for s in blueprint.sections.prefetch_related("rules").order_by("position")
        ],
    }


def _write_sections(blueprint: Blueprint, sections: list[SectionInput]) -> None:
    blueprint.sections.all().delete()
    rows = BlueprintSection.objects.bulk_create(
        [BlueprintSection(blueprint=blueprint, position=n, name=s.name.strip(), kind=s.kind, weight=s.weight)
         for n, s in enumerate(sections, start=1)]
    )
    BlueprintRule.objects.bulk_create(
        [BlueprintRule(section=row, position=p, area=r.area, qtype=r.qtype, difficulty=r.difficulty, count=r.count, marks=r.marks)
         for row, s in zip(rows, sections) for p, r in enumerate(s.rules, start=1)]
    )


@transaction.atomic
def blueprint_create(*, actor, hotline: Hotline, name: str, kind: str, sections: list[SectionInput], description: str = "") -> Blueprint:
    permissions.require(actor, "exams.edit")
    permissions.require_hotline(actor, hotline)
    _check_blueprint(name, kind, sections)
    blueprint = Blueprint.objects.create(hotline=hotline, name=name.strip(), kind=kind, description=description.strip())
    _write_sections(blueprint, sections)
    audit.record(actor=actor, action="blueprint.create", target=blueprint,
                 changes=audit.changes_between({}, _blueprint_summary(blueprint)))
    return blueprint


@transaction.atomic
def blueprint_update(*, actor, blueprint: Blueprint, name: str, kind: str, sections: list[SectionInput], description: str = "") -> Blueprint:
    """Papers already drawn keep their questions; the change applies to papers drawn from now on."""
    permissions.require(actor, "exams.edit")
    permissions.require_hotline(actor, blueprint.hotline)
    _check_blueprint(name, kind, sections)
    blueprint = Blueprint.objects.select_for_update().get(pk=blueprint.pk)
    if blueprint.kind != kind and blueprint.sittings.exclude(status=SittingStatus.DRAFT).exists():
        raise DomainError("blueprint_in_use")
    before = _blueprint_summary(blueprint)
    blueprint.name, blueprint.kind, blueprint.description = name.strip(), kind, description.strip()
    blueprint.save()
    _write_sections(blueprint, sections)
    changes = audit.changes_between(before, _blueprint_summary(blueprint))
    if changes:
        audit.record(actor=actor, action="blueprint.update", target=blueprint, changes=changes)
    return blueprint


def _unfillable(shortages) -> DomainError:
    return DomainError("blueprint_unfillable", details=[s.message() for s in shortages])


@transaction.atomic
def paper_materialise(*, actor, blueprint: Blueprint, title: str = "") -> Paper:
    """One paper for everyone (统一命题): a fixed list of question versions, frozen from now on."""
    permissions.require(actor, "exams.edit")
    permissions.require_hotline(actor, blueprint.hotline)
    seed = papers.new_seed()
    planned, shortages = papers.draw(blueprint, papers.candidates(blueprint.hotline, blueprint.kind), seed)
    if shortages:
        raise _unfillable(shortages)
    title = (title or "").strip() or f"{blueprint.name} {timezone.localtime():%Y-%m-%d %H:%M}"
    paper = papers.paper_for(blueprint, title=title[:100], seed=seed, actor=actor)
    papers.write_papers([(paper, planned)])
    items = paper.items.count()
    audit.record(actor=actor, action="paper.materialise", target=paper, hotline=blueprint.hotline,
                 changes=audit.changes_between({}, {"blueprint": blueprint.name, "items": items, "total_marks": str(paper.total_marks)}))
    return paper


def _draw_for_invitations(sitting: Sitting, invitations: list[Invitation], actor) -> None:
    """按人抽题: one paper per invitation, seeded by the sitting's seed and the person (stored, repeatable)."""
    if sitting.mode != PaperMode.PER_PERSON or not invitations:
        return
    blueprint = sitting.blueprint
    pool = papers.candidates(sitting.hotline, blueprint.kind)
    sections = papers.blueprint_sections(blueprint)
    plans = []
    for invitation in invitations:
        seed = papers.derived_seed(sitting.seed, "paper", invitation.person_id)
        planned, shortages = papers.draw(blueprint, pool, seed, sections)
        if shortages:
            raise _unfillable(shortages)
        title = f"{sitting.name} · {invitation.person.staff_no}"[:100]
        plans.append((papers.paper_for(blueprint, title=title, mode=PaperMode.PER_PERSON, seed=seed, actor=actor, invitation=invitation), planned))
    papers.write_papers(plans)


# --- sittings ----------------------------------------------------------------------------------


def _check_sitting(*, hotline, name, kind, mode, paper, blueprint, opens_at, closes_at, time_limit_minutes,
                   grace_seconds, release_rule) -> None:
    problems = []

    def bad(where, message):
        problems.append({"field": where, "message": str(message)})

    if not (name or "").strip():
        bad("name", _("请填写场次名称"))
    if kind not in SittingKind.values:
        bad("kind", _("考试类别无效"))
    if release_rule not in ReleaseRule.values:
        bad("release_rule", _("成绩公布方式无效"))
    if mode == PaperMode.SHARED:
        if paper is None:
            bad("paper", _("统一命题须选择一份试卷"))
        elif paper.hotline_id != hotline.pk or paper.mode != PaperMode.SHARED:
            bad("paper", _("试卷不属于本热线"))
        elif paper.blueprint is not None and paper.blueprint.kind != kind:
            bad("paper", _("该试卷按「%(k)s」蓝图生成，与场次的考试类别不符") % {"k": SittingKind(paper.blueprint.kind).label})
    elif mode == PaperMode.PER_PERSON:
        if blueprint is None:
            bad("blueprint", _("按人抽题须选择组卷蓝图"))
        elif blueprint.hotline_id != hotline.pk:
            bad("blueprint", _("蓝图不属于本热线"))
        elif blueprint.kind != kind:
            bad("blueprint", _("该蓝图的考试类别为「%(k)s」，与场次不符") % {"k": SittingKind(blueprint.kind).label})
    else:
        bad("mode", _("命题方式无效"))
    if opens_at is None or closes_at is None:
        bad("opens_at", _("请填写开始和结束时间"))
    elif closes_at <= opens_at:
        bad("closes_at", _("结束时间须晚于开始时间"))
    if not isinstance(time_limit_minutes, int) or not 1 <= time_limit_minutes <= MAX_TIME_LIMIT:
        bad("time_limit_minutes", _("答题时长须为 1–%(n)s 分钟") % {"n": MAX_TIME_LIMIT})
    if not isinstance(grace_seconds, int) or not 0 <= grace_seconds <= MAX_GRACE:
        bad("grace_seconds", _("交卷宽限须为 0–%(n)s 秒") % {"n": MAX_GRACE})
    if problems:
        raise DomainError("sitting_invalid", details=problems)


SITTING_FIELDS = ("name", "kind", "mode", "paper", "blueprint", "opens_at", "closes_at", "time_limit_minutes",
                  "grace_seconds", "release_rule", "shuffle_questions", "shuffle_options")


@transaction.atomic
def sitting_create(*, actor, hotline: Hotline, name: str, kind: str, mode: str, opens_at, closes_at, time_limit_minutes: int,
                   grace_seconds: int = 60, release_rule: str = ReleaseRule.MANUAL, paper: Paper | None = None,
                   blueprint: Blueprint | None = None, shuffle_questions: bool = True, shuffle_options: bool = True) -> Sitting:
    permissions.require(actor, "exams.edit")
    permissions.require_hotline(actor, hotline)
    if mode == PaperMode.SHARED:
        blueprint = None
    else:
        paper = None
    _check_sitting(hotline=hotline, name=name, kind=kind, mode=mode, paper=paper, blueprint=blueprint, opens_at=opens_at,
                   closes_at=closes_at, time_limit_minutes=time_limit_minutes, grace_seconds=grace_seconds, release_rule=release_rule)
    sitting = Sitting.objects.create(
        hotline=hotline, name=name.strip(), kind=kind, mode=mode, paper=paper, blueprint=blueprint, opens_at=opens_at,
        closes_at=closes_at, time_limit_minutes=time_limit_minutes, grace_seconds=grace_seconds, release_rule=release_rule,
        shuffle_questions=shuffle_questions, shuffle_options=shuffle_options, seed=papers.new_seed(),
    )
    audit.record(actor=actor, action="sitting.create", target=sitting, changes=audit.changes_between({}, audit.snapshot(sitting)))
    return sitting


@transaction.atomic
def sitting_update(*, actor, sitting: Sitting, **values) -> Sitting:
    """Change a sitting while it is a draft; once open only its closing time may move (never before now)."""
    permissions.require(actor, "exams.edit")
    permissions.require_hotline(actor, sitting.hotline)
    sitting = Sitting.objects.select_for_update().get(pk=sitting.pk)
    merged = {name: values.get(name, getattr(sitting, name)) for name in SITTING_FIELDS}
    if merged["mode"] == PaperMode.SHARED:
        merged["blueprint"] = None
    else:
        merged["paper"] = None
    if sitting.status != SittingStatus.DRAFT:
        changed = [name for name in SITTING_FIELDS if name != "closes_at" and merged[name] != getattr(sitting, name)]
        if sitting.status != SittingStatus.OPEN or changed:
            raise DomainError("sitting_not_draft")
        if merged["closes_at"] <= timezone.now():
            raise DomainError("sitting_invalid", details=[{"field": "closes_at", "message": str(_("进行中的场次，结束时间须晚于现在"))}])
    _check_sitting(hotline=sitting.hotline, **{k: merged[k] for k in SITTING_FIELDS if k not in ("shuffle_questions", "shuffle_options")})
    before = audit.snapshot(sitting)
    for name, value in merged.items():
        setattr(sitting, name, value)
    if isinstance(sitting.name, str):
        sitting.name = sitting.name.strip()
    sitting.save()
    changes = audit.changes_between(before, audit.snapshot(sitting))
    if changes:
        audit.record(actor=actor, action="sitting.update", target=sitting, changes=changes)
    return sitting


def _transition(sitting: Sitting, to: str) -> None:
    if (sitting.status, to) not in SITTING_TRANSITIONS:
        raise DomainError("sitting_transition", _("场次当前状态为「%(s)s」，不能变为「%(t)s」。") % {
            "s": SittingStatus(sitting.status).label, "t": SittingStatus(to).label})
    sitting.status = to


def _section_weights(sitting: Sitting) -> dict[str, Decimal]:
    sections = sitting.paper.sections.all() if sitting.mode == PaperMode.SHARED else sitting.blueprint.sections.all()
    totals = {SectionKind.KNOWLEDGE: Decimal(0), SectionKind.SKILLS: Decimal(0)}
    for section in sections:
        totals[section.kind] += section.weight
    return totals


def _check_x2_weights(sitting: Sitting) -> None:
    """X2: a qualification exam weighs knowledge and skills as the year's policy says."""
    if sitting.kind not in (SittingKind.LEVEL1, SittingKind.LEVEL2, SittingKind.LEVEL3):
        return
    from stardesk.yearly_policy.queries import cycle_policy

    try:
        policy = cycle_policy(sitting.hotline, sitting.year).policy
    except DomainError:
        raise DomainError("sitting_policy_missing", _("%(y)s 年度政策尚未建立，无法核对知识与技能的权重（X2）。请先建立年度政策。") % {"y": sitting.year}) from None
    totals = _section_weights(sitting)
    expected = {SectionKind.KNOWLEDGE: policy.x2_weight_knowledge, SectionKind.SKILLS: policy.x2_weight_skills}
    if any(totals[kind] != expected[kind] for kind in expected):
        raise DomainError("sitting_weights_mismatch", _("X2：%(y)s 年度政策规定知识 %(pk)s、技能 %(ps)s，本场次试卷为知识 %(k)s、技能 %(s)s。请调整蓝图各部分的权重。") % {
            "y": sitting.year, "pk": percent(expected[SectionKind.KNOWLEDGE]), "ps": percent(expected[SectionKind.SKILLS]),
            "k": percent(totals[SectionKind.KNOWLEDGE]), "s": percent(totals[SectionKind.SKILLS])})


@transaction.atomic
def sitting_open(*, actor, sitting: Sitting) -> Sitting:
    """Draft → open: the paper is fixed (or each invited person's paper drawn) and agents may start."""
    permissions.require(actor, "exams.edit")
    permissions.require_hotline(actor, sitting.hotline)
    sitting = Sitting.objects.select_for_update(of=("self",)).select_related("hotline", "paper", "blueprint").get(pk=sitting.pk)
    _transition(sitting, SittingStatus.OPEN)
    now = timezone.now()
    if sitting.closes_at <= now:
        raise DomainError("sitting_window_over")
    _check_x2_weights(sitting)
    if sitting.mode == PaperMode.PER_PERSON:
        waiting = list(sitting.invitations.filter(drawn_paper__isnull=True).select_related("person"))
        if waiting:
            _draw_for_invitations(sitting, waiting, actor)  # refuses the first draw the bank cannot fill
        else:
            shortages = papers.shortages_of(sitting.blueprint)
            if shortages:
                raise _unfillable(shortages)
    sitting.opened_at = now
    sitting.save(update_fields=["status", "opened_at", "updated_at"])
    audit.record(actor=actor, action="sitting.open", target=sitting, changes={"status": [str(SittingStatus.DRAFT.label), str(SittingStatus.OPEN.label)]})
    return sitting


@transaction.atomic
def sitting_close(*, actor, sitting: Sitting) -> Sitting:
    """Open → closed: attempts still running are collected and graded. ``actor`` None is the system at the window's end."""
    if actor is not SYSTEM:
        permissions.require(actor, "exams.edit")
        permissions.require_hotline(actor, sitting.hotline)
    sitting = Sitting.objects.select_for_update(of=("self",)).select_related("hotline").get(pk=sitting.pk)
    _transition(sitting, SittingStatus.CLOSED)
    now = timezone.now()
    running = list(Attempt.objects.select_for_update(of=("self",)).select_related("sitting__hotline", "person")
                   .filter(sitting=sitting, status=AttemptStatus.IN_PROGRESS))
    _close_attempts(running, EndedBy.SITTING_CLOSED, now, actor)
    sitting.closed_at = now
    sitting.save(update_fields=["status", "closed_at", "updated_at"])
    note = str(_("收卷 %(n)s 份") % {"n": len(running)}) if running else ""
    audit.record(actor=actor, action="sitting.close", target=sitting, changes={"status": [str(SittingStatus.OPEN.label), str(SittingStatus.CLOSED.label)]}, note=note)
    return sitting


def sitting_close_if_over(sitting: Sitting, now: datetime.datetime | None = None) -> bool:
    """Close an open sitting whose window (and grace) has passed; called whenever it is read."""
    now = now or timezone.now()
    if sitting.status != SittingStatus.OPEN or now <= sitting.closes_at + sitting.grace:
        return False
    with transaction.atomic():
        fresh = Sitting.objects.select_for_update().get(pk=sitting.pk)
        if fresh.status != SittingStatus.OPEN:
            return False
        sitting_close(actor=SYSTEM, sitting=fresh)
    sitting.refresh_from_db()
    return True


# --- invitations -----------------------------------------------------------------------------


def _people_of(sitting: Sitting):
    return Person.objects.filter(hotline=sitting.hotline).active_on(timezone.localdate())


@transaction.atomic
def invite_people(*, actor, sitting: Sitting, people, how: str = InvitedHow.HAND, offered_after: Attempt | None = None) -> list[Invitation]:
    """Invite people (already invited ones are left as they are). Returns the new invitations."""
    permissions.require(actor, "exams.edit")
    permissions.require_hotline(actor, sitting.hotline)
    sitting = Sitting.objects.select_for_update(of=("self",)).select_related("hotline", "blueprint").get(pk=sitting.pk)
    if sitting.status not in (SittingStatus.DRAFT, SittingStatus.OPEN):
        raise DomainError("sitting_not_inviting")
    if how not in InvitedHow.values:
        raise DomainError("invalid")
    wanted = {p.pk for p in people}
    allowed = set(_people_of(sitting).filter(pk__in=wanted).values_list("pk", flat=True))
    strangers = wanted - allowed
    if strangers:
        names = Person.objects.filter(pk__in=strangers).order_by("staff_no").values_list("staff_no", "name")[:20]
        raise DomainError("invite_not_allowed", details=[f"{no} {name}" for no, name in names])
    already = set(sitting.invitations.filter(person_id__in=allowed).values_list("person_id", flat=True))
    now = timezone.now()
    fresh = [Invitation(sitting=sitting, person_id=pk, how=how, offered_after=offered_after, invited_at=now, invited_by=_user(actor))
             for pk in sorted(allowed - already)]
    Invitation.objects.bulk_create(fresh, batch_size=2000)
    if sitting.status == SittingStatus.OPEN:
        fresh = list(Invitation.objects.filter(sitting=sitting, person_id__in=[i.person_id for i in fresh]).select_related("person"))
        _draw_for_invitations(sitting, fresh, actor)
    people_by_pk = Person.objects.in_bulk([i.person_id for i in fresh])
    entries = []
    for invitation in fresh:
        invitation.person = people_by_pk[invitation.person_id]
        entries.append(audit.entry_for(actor=actor, action="invitation.create", target=invitation, hotline=sitting.hotline,
                                       changes={"how": [None, str(InvitedHow(how).label)]}))
    audit.record_many(entries)
    return fresh


def people_holding(sitting: Sitting, level: int):
    """Active people of the sitting's hotline holding ``level`` today (0 = holding no title)."""
    today = timezone.localdate()
    people = _people_of(sitting)
    # S4: a title is held on days start <= d < end.
    held = TitleSpell.objects.filter(person__hotline=sitting.hotline, start__lte=today).filter(Q(end__isnull=True) | Q(end__gt=today))
    if level == 0:
        return people.exclude(pk__in=held.values("person_id"))
    return people.filter(pk__in=held.filter(level=level).values("person_id"))


def invite_by_level(*, actor, sitting: Sitting, level: int) -> list[Invitation]:
    if level not in (0, 1, 2, 3):
        raise DomainError("invalid")
    return invite_people(actor=actor, sitting=sitting, people=list(people_holding(sitting, level).only("pk")), how=InvitedHow.LEVEL)


def invite_everyone(*, actor, sitting: Sitting) -> list[Invitation]:
    """J1: every active agent of the hotline (the June comprehensive exam)."""
    return invite_people(actor=actor, sitting=sitting, people=list(_people_of(sitting).only("pk")), how=InvitedHow.EVERYONE)


@transaction.atomic
def invite_withdraw(*, actor, invitation: Invitation) -> None:
    permissions.require(actor, "exams.edit")
    permissions.require_hotline(actor, invitation.sitting.hotline)
    invitation = Invitation.objects.select_for_update(of=("self",)).select_related("sitting", "person").get(pk=invitation.pk)
    if hasattr(invitation, "attempt"):
        raise DomainError("invitation_started")
    if invitation.sitting.status not in (SittingStatus.DRAFT, SittingStatus.OPEN):
        raise DomainError("sitting_not_inviting")
    audit.record(actor=actor, action="invitation.withdraw", target=invitation, hotline=invitation.sitting.hotline,
                 changes={"person": [str(invitation.person), None]})
    Paper.objects.filter(invitation=invitation).delete()
    invitation.delete()


# --- attempts ------------------------------------------------------------------------------------


def _own_invitation(actor, invitation: Invitation) -> None:
    permissions.require(actor, "exams.sit")
    if actor.person_id is None or invitation.person_id != actor.person_id:
        raise NotFound()


def _own_attempt(actor, attempt: Attempt) -> None:
    if actor is None or not actor.is_authenticated or actor.person_id is None or attempt.person_id != actor.person_id:
        raise NotFound()
    permissions.require(actor, "exams.sit")


def _orders(items: list[PaperItem], sitting: Sitting, seed: int) -> tuple[list[int], dict[str, list[int]]]:
    """This agent's question order (shuffled within each section) and option order of each choice item."""
    rng = random.Random(seed)
    order = []
    by_section: dict[int, list[PaperItem]] = {}
    for item in items:
        by_section.setdefault(item.section.position, []).append(item)
    for position in sorted(by_section):
        group = list(by_section[position])
        if sitting.shuffle_questions:
            rng.shuffle(group)
        order.extend(item.pk for item in group)
    options = {}
    for item in items:
        if item.version.question.qtype in CHOICE_TYPES:
            perm = list(range(len(item.version.options)))
            if sitting.shuffle_options:
                rng.shuffle(perm)
            options[str(item.pk)] = perm
    return order, options


@transaction.atomic
def attempt_start(*, actor, invitation: Invitation) -> Attempt:
    """Open the exam: the server's clock starts now (an attempt already started is simply returned)."""
    _own_invitation(actor, invitation)
    invitation = Invitation.objects.select_for_update(of=("self",)).select_related("sitting", "sitting__hotline", "person").get(pk=invitation.pk)
    existing = Attempt.objects.filter(invitation=invitation).select_related("sitting").first()
    if existing is not None:
        return existing
    sitting = invitation.sitting
    now = timezone.now()
    if sitting.status != SittingStatus.OPEN:
        raise DomainError("sitting_not_open")
    if now < sitting.opens_at:
        raise DomainError("sitting_not_yet", _("考试将于 %(t)s 开始。") % {"t": timezone.localtime(sitting.opens_at).strftime("%Y-%m-%d %H:%M")})
    if now >= sitting.closes_at:
        raise DomainError("sitting_window_over")
    paper = sitting.paper if sitting.mode == PaperMode.SHARED else Paper.objects.filter(invitation=invitation).first()
    if paper is None:
        raise DomainError("paper_missing")
    items = list(PaperItem.objects.filter(paper=paper).select_related("section", "version__question").order_by("position"))
    seed = papers.derived_seed(sitting.seed, "order", invitation.person_id)
    item_order, option_orders = _orders(items, sitting, seed)
    attempt = Attempt.objects.create(
        invitation=invitation, sitting=sitting, person=invitation.person, paper=paper, started_at=now,
        deadline=min(now + sitting.time_limit, sitting.closes_at),  # never past the window's close
        item_order=item_order, option_orders=option_orders, seed=seed,
    )
    Answer.objects.bulk_create([Answer(attempt=attempt, item=item) for item in items])
    audit.record(actor=actor, action="attempt.start", target=attempt, hotline=sitting.hotline,
                 changes={"started_at": [None, str(timezone.localtime(now))], "deadline": [None, str(timezone.localtime(attempt.deadline))]})
    return attempt


def _locked_open_attempt(actor, attempt: Attempt, now) -> Attempt:
    _own_attempt(actor, attempt)
    attempt = Attempt.objects.select_for_update(of=("self",)).select_related("sitting__hotline", "person").get(pk=attempt.pk)
    if attempt.status != AttemptStatus.IN_PROGRESS:
        raise DomainError("attempt_time_over" if attempt.ended_by == EndedBy.EXPIRED else "attempt_submitted")
    if now > attempt.accepts_until:
        raise DomainError("attempt_time_over")
    return attempt


def clean_response(qtype: str, version: QuestionVersion, values: list[str]):
    """The stored form of what the agent gave for one item; DomainError("answer_invalid") when it cannot be."""
    values = [v if isinstance(v, str) else str(v) for v in (values or [])]
    letters = OPTION_LETTERS[: len(version.options or [])]
    if qtype == QuestionType.SINGLE:
        chosen = [v.strip().upper() for v in values if v.strip()]
        if not chosen:
            return None
        if len(chosen) != 1 or chosen[0] not in letters:
            raise DomainError("answer_invalid")
        return chosen[0]
    if qtype == QuestionType.MULTIPLE:
        chosen = {v.strip().upper() for v in values if v.strip()}
        if not chosen <= set(letters):
            raise DomainError("answer_invalid")
        return [letter for letter in letters if letter in chosen] or None
    if qtype == QuestionType.TRUE_FALSE:
        chosen = [v.strip().lower() for v in values if v.strip()]
        if not chosen:
            return None
        if chosen[0] not in ("true", "false") or len(chosen) != 1:
            raise DomainError("answer_invalid")
        return chosen[0] == "true"
    if qtype == QuestionType.FILL_IN:
        blanks = len(version.answer or [])
        if len(values) > blanks or any(len(v) > MAX_BLANK for v in values):
            raise DomainError("answer_invalid")
        given = values + [""] * (blanks - len(values))
        return given if any(v.strip() for v in given) else None
    text = values[0] if values else ""
    if len(values) > 1 or len(text) > MAX_TEXT_ANSWER:
        raise DomainError("answer_invalid")
    return text if text.strip() else None


def answer_save(*, actor, attempt: Attempt, item_id: int, values: list[str], keystrokes: int | None = None,
                typing_seconds: int | None = None) -> Answer:
    """Save one answer as it is given: idempotent, the last write wins; refused after deadline + grace."""
    now = timezone.now()
    with transaction.atomic():
        attempt = _locked_open_attempt(actor, attempt, now)
        answer = Answer.objects.select_related("item__version__question").filter(attempt=attempt, item_id=item_id).first()
        if answer is None:
            raise NotFound()
        version = answer.item.version
        response = clean_response(version.question.qtype, version, values)
        fields = {"response": response, "saved_at": now, "saves": F("saves") + 1}
        if version.question.qtype == QuestionType.TYPING:
            for name, value in (("keystrokes", keystrokes), ("typing_seconds", typing_seconds)):
                if value is not None:
                    if not isinstance(value, int) or not 0 <= value <= 10_000_000:
                        raise DomainError("answer_invalid")
                    fields[name] = value
        Answer.objects.filter(pk=answer.pk).update(**fields)
    answer.refresh_from_db()
    answer.attempt = attempt
    return answer


AUDIO_TYPES = ("audio/", "video/webm", "video/mp4", "application/ogg")
MAX_AUDIO = 20 * 1024 * 1024


def answer_audio_save(*, actor, attempt: Attempt, item_id: int, file) -> Answer:
    """A spoken answer recorded or uploaded for the examiner (口试)."""
    now = timezone.now()
    with transaction.atomic():
        attempt = _locked_open_attempt(actor, attempt, now)
        answer = Answer.objects.select_related("item__version__question").filter(attempt=attempt, item_id=item_id).first()
        if answer is None:
            raise NotFound()
        if answer.item.version.question.qtype != QuestionType.SPEAKING:
            raise DomainError("answer_invalid")
        content_type = (getattr(file, "content_type", "") or "").lower()
        if file.size > MAX_AUDIO or not content_type.startswith(AUDIO_TYPES):
            raise DomainError("audio_invalid")
        old = answer.audio.name if answer.audio else ""
        answer.audio.save(f"{attempt.pk}-{answer.item_id}-{file.name}"[-100:], file, save=False)
        answer.saved_at = now
        answer.saves += 1
        answer.save(update_fields=["audio", "saved_at", "saves"])
    if old and old != answer.audio.name:
        answer.audio.storage.delete(old)
    return answer


def focus_event_log(*, actor, attempt: Attempt, kind: str) -> FocusEvent | None:
    """Evidence for the examiner: the page lost or regained focus. Never a penalty; ignored once the attempt ended."""
    if kind not in FocusKind.values:
        raise DomainError("invalid")
    now = timezone.now()
    with transaction.atomic():
        _own_attempt(actor, attempt)
        attempt = Attempt.objects.select_for_update().get(pk=attempt.pk)
        if attempt.status != AttemptStatus.IN_PROGRESS or attempt.focus_events.count() >= MAX_FOCUS_EVENTS:
            return None
        event = FocusEvent.objects.create(attempt=attempt, kind=kind, at=now)
        if kind == FocusKind.AWAY:
            Attempt.objects.filter(pk=attempt.pk).update(focus_losses=F("focus_losses") + 1)
    return event


def _grade(answers: list[Answer]) -> Decimal:
    """Auto-grade the objective items (marking.py) and measure typing answers; returns the objective total."""
    total = Decimal(0)
    for answer in answers:
        version = answer.item.version
        qtype = version.question.qtype
        if qtype in OBJECTIVE_TYPES:
            answer.auto_score = marking.auto_score(qtype, version.answer, answer.response, answer.item.marks,
                                                   option_count=len(version.options or []))
            total += answer.auto_score
        elif qtype == QuestionType.TYPING:
            answer.typed_characters, answer.typing_errors = marking.typing_counts(answer.response or "", version.material)
    return total


def _close_attempts(attempts: list[Attempt], ended_by: str, now, actor) -> None:
    """Submit and grade attempts in bulk (one query per kind of row), each with its audit entry."""
    if not attempts:
        return
    answers = list(Answer.objects.filter(attempt__in=attempts).select_related("item__version__question"))
    by_attempt: dict[int, list[Answer]] = {}
    for answer in answers:
        by_attempt.setdefault(answer.attempt_id, []).append(answer)
    entries = []
    for attempt in attempts:
        attempt.auto_score = _grade(by_attempt.get(attempt.pk, []))
        attempt.status, attempt.submitted_at, attempt.ended_by = AttemptStatus.SUBMITTED, now, ended_by
        action = "attempt.submit" if ended_by in (EndedBy.AGENT, EndedBy.TIMER) else "attempt.close"
        entries.append(audit.entry_for(
            actor=actor, action=action, target=attempt, hotline=attempt.sitting.hotline,
            changes={"status": [str(AttemptStatus.IN_PROGRESS.label), str(AttemptStatus.SUBMITTED.label)],
                     "ended_by": [None, str(EndedBy(ended_by).label)], "auto_score": [None, str(attempt.auto_score)]},
        ))
    Answer.objects.bulk_update(answers, ["auto_score", "typed_characters", "typing_errors"], batch_size=2000)
    Attempt.objects.bulk_update(attempts, ["status", "submitted_at", "ended_by", "auto_score"], batch_size=1000)
    audit.record_many(entries)


def attempt_submit(*, actor, attempt: Attempt, ended_by: str = EndedBy.AGENT) -> Attempt:
    """The agent hands in (or the page's timer does at zero); accepted until deadline + grace."""
    if ended_by not in (EndedBy.AGENT, EndedBy.TIMER):
        raise DomainError("invalid")
    now = timezone.now()
    with transaction.atomic():
        _own_attempt(actor, attempt)
        attempt = Attempt.objects.select_for_update(of=("self",)).select_related("sitting__hotline", "person").get(pk=attempt.pk)
        if attempt.status != AttemptStatus.IN_PROGRESS:
            return attempt  # handing in twice changes nothing
        if now > attempt.accepts_until:
            _close_attempts([attempt], EndedBy.EXPIRED, now, SYSTEM)
            return attempt
        if ended_by == EndedBy.TIMER and now < attempt.deadline - TIMER_SLACK:
            ended_by = EndedBy.AGENT
        _close_attempts([attempt], ended_by, now, actor)
    return attempt


def attempts_close_expired(*, now: datetime.datetime | None = None, sitting: Sitting | None = None, person=None) -> int:
    """Close every attempt past deadline + grace (and every sitting past its window); returns the attempts closed.

    Run by `close_expired_attempts` and, lazily, whenever an attempt or a sitting is read.
    """
    now = now or timezone.now()
    closed = 0
    with transaction.atomic():
        expired = Attempt.objects.select_for_update(of=("self",)).filter(status=AttemptStatus.IN_PROGRESS)
        if sitting is not None:
            expired = expired.filter(sitting=sitting)
        if person is not None:
            expired = expired.filter(person=person)
        candidates = list(expired.select_related("sitting__hotline", "person").filter(deadline__lt=now))
        # The grace period differs per sitting: keep only those past their own deadline + grace.
        late = [a for a in candidates if now > a.accepts_until]
        _close_attempts(late, EndedBy.EXPIRED, now, SYSTEM)
        closed += len(late)
    sittings = Sitting.objects.filter(status=SittingStatus.OPEN, closes_at__lt=now)
    if sitting is not None:
        sittings = sittings.filter(pk=sitting.pk)
    if person is not None:
        sittings = sittings.filter(invitations__person=person)
    for over in sittings.distinct():
        sitting_close_if_over(over, now)
    return closed


def attempt_close_if_expired(attempt: Attempt, now: datetime.datetime | None = None) -> bool:
    """Lazily close one attempt read after its deadline + grace."""
    now = now or timezone.now()
    if attempt.status != AttemptStatus.IN_PROGRESS or now <= attempt.accepts_until:
        return False
    with transaction.atomic():
        fresh = Attempt.objects.select_for_update(of=("self",)).select_related("sitting__hotline", "person").get(pk=attempt.pk)
        if fresh.status != AttemptStatus.IN_PROGRESS:
            return False
        _close_attempts([fresh], EndedBy.EXPIRED, now, SYSTEM)
    attempt.refresh_from_db()
    return True


def can_manage(user, hotline) -> bool:
    if not permissions.has(user, "exams.edit"):
        return False
    try:
        permissions.require_hotline(user, hotline)
    except Forbidden:
        return False
    return True
