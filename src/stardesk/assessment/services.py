"""Every write of the daily assessment: a permission check, validation, one transaction, audit entries.

Leaders write their own team only (another team reads as absent: NotFound);
the supervisor edits the rubric, reviews registers and corrects locked scores;
the committee reads.
"""
from __future__ import annotations

import datetime
import os
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from stardesk.accounts import permissions
from stardesk.assessment import default_rubric, monthly_rules, queries
from stardesk.assessment.models import (
    EvaluationMode,
    MonitoringEvaluation,
    MonthlyScore,
    Register,
    Rubric,
    RubricItem,
    RubricSection,
    ScoreCorrection,
    ScoreSource,
    WeeklyEvaluation,
)
from stardesk.assessment.register_workflow import ACCEPT, RETURN, SUBMIT, shanghai_date, transition
from stardesk.assessment.rubric_scoring import Mark, RubricLine, check_marks, score_marks
from stardesk.assessment.score_input import normalise, read_points, read_score
from stardesk.assessment.weeks import IsoWeek
from stardesk.audit import services as audit
from stardesk.core.errors import DomainError, NotFound
from stardesk.people.models import Hotline, Person, Team
from stardesk.policy.conventions import Month

COMMENT_MAX = 500
REASON_MAX = 300
RECORDING_TYPES = {".mp3", ".wav", ".ogg", ".oga", ".m4a", ".aac", ".webm", ".opus", ".flac"}
RECORDING_MAX_BYTES = 50 * 1024 * 1024


def _require_team(actor, team: Team, permission: str) -> None:
    """Another leader's team (or another hotline's) reads as absent; a team the user sees but may not change is forbidden."""
    if not queries.teams_readable(actor).filter(pk=team.pk).exists():
        raise NotFound()
    permissions.require(actor, permission)


def _error(person_id, field_name: str, message: str) -> dict:
    return {"person": person_id, "field": field_name, "message": message}


# --- rubric (M2) -----------------------------------------------------------------


def rubric_current(*, hotline: Hotline) -> Rubric:
    """The version new evaluations use: the newest; a hotline's first one is the default rubric."""
    rubric = Rubric.objects.filter(hotline=hotline).order_by("-version").first()
    return rubric if rubric is not None else _rubric_create_default(hotline)


@transaction.atomic
def _rubric_create_default(hotline: Hotline) -> Rubric:
    try:
        with transaction.atomic():
            rubric = Rubric.objects.create(hotline=hotline, version=1, name=default_rubric.NAME)
    except IntegrityError:  # created at the same moment by another request
        return Rubric.objects.get(hotline=hotline, version=1)
    position = 0
    for s_pos, (section_name, items) in enumerate(default_rubric.SECTIONS, start=1):
        section = RubricSection.objects.create(rubric=rubric, name=section_name, position=s_pos)
        RubricItem.objects.bulk_create(
            RubricItem(rubric=rubric, section=section, name=n, points=p, allows_na=na, guidance=g, position=i)
            for i, (n, p, na, g) in enumerate(items, start=1)
        )
        position = s_pos
    veto = RubricSection.objects.create(rubric=rubric, name=default_rubric.VETO_SECTION, position=position + 1)
    RubricItem.objects.bulk_create(
        RubricItem(rubric=rubric, section=veto, name=n, points=Decimal(0), is_veto=True, guidance=g, position=i)
        for i, (n, g) in enumerate(default_rubric.VETO_ITEMS, start=1)
    )
    audit.record(actor=None, action="rubric.create", target=rubric, note=_("首次使用，按默认评分细则创建"))
    return rubric


@dataclass(frozen=True)
class ItemInput:
    key: str  # the form's name for the row, to mark its errors
    name: str
    points: str | Decimal | None
    item_id: int | None = None
    allows_na: bool = False
    is_veto: bool = False
    guidance: str = ""


@dataclass(frozen=True)
class SectionInput:
    key: str
    name: str
    items: list[ItemInput] = field(default_factory=list)
    section_id: int | None = None


def _describe_rubric(rubric: Rubric) -> str:
    lines = []
    for s in queries.rubric_sections(rubric):
        items = "、".join(
            f"{i.name}{'(否决)' if i.is_veto else ' ' + format(i.points.normalize(), 'f')}{'(可不适用)' if i.allows_na else ''}"
            for i in s.item_list
        )
        lines.append(f"{s.name}：{items}")
    return "；".join(lines)


@transaction.atomic
def rubric_save(*, actor, rubric: Rubric, name: str, sections: list[SectionInput]) -> Rubric:
    """Replace a draft version's content: add, rename, reorder (by list order) and delete sections and items.

    Points are positive with one decimal and sum to 100 (veto items carry none).
    A frozen version is refused: the caller creates a new version first.
    """
    permissions.require(actor, "assessment.rubric_edit")
    permissions.require_hotline(actor, rubric.hotline)
    rubric = Rubric.objects.select_for_update().get(pk=rubric.pk)
    if rubric.frozen_at is not None:
        raise DomainError("rubric_frozen")
    errors: list[dict] = []
    name = (name or "").strip()
    if not name:
        errors.append({"field": "name", "message": _("请填写细则名称")})
    elif len(name) > 100:
        errors.append({"field": "name", "message": _("细则名称不能超过100字")})
    existing_sections = {s.pk: s for s in rubric.sections.all()}
    existing_items = {i.pk: i for i in rubric.items.all()}
    total = Decimal(0)
    cleaned: list[tuple[SectionInput, list[tuple[ItemInput, Decimal]]]] = []
    if not sections:
        errors.append({"field": "total", "message": _("至少需要一个类别")})
    for s in sections:
        if not s.name.strip():
            errors.append({"field": f"{s.key}-name", "message": _("请填写类别名称")})
        if s.section_id is not None and s.section_id not in existing_sections:
            errors.append({"field": f"{s.key}-name", "message": _("该类别不属于本版本细则")})
        if not s.items:
            errors.append({"field": f"{s.key}-name", "message": _("类别下至少需要一个项目")})
        items = []
        for i in s.items:
            if not i.name.strip():
                errors.append({"field": f"{i.key}-name", "message": _("请填写项目名称")})
            if i.item_id is not None and i.item_id not in existing_items:
                errors.append({"field": f"{i.key}-name", "message": _("该项目不属于本版本细则")})
            try:
                points = read_points(i.points, what=_("分值"))
            except ValueError as exc:
                errors.append({"field": f"{i.key}-points", "message": str(exc)})
                continue
            if i.is_veto:
                if points:
                    errors.append({"field": f"{i.key}-points", "message": _("一票否决项不设分值，请填0或留空")})
                if i.allows_na:
                    errors.append({"field": f"{i.key}-points", "message": _("一票否决项不能标记为可不适用")})
            elif points <= 0:
                errors.append({"field": f"{i.key}-points", "message": _("分值须大于0")})
            total += points if not i.is_veto else 0
            items.append((i, points))
        cleaned.append((s, items))
    if not errors and total != 100:
        errors.append({"field": "total", "message": _("各项目分值合计须为100分，现为%(total)s分") % {"total": format(total.normalize(), "f")}})
    if errors:
        raise DomainError("rubric_invalid", details=errors)

    before = _describe_rubric(rubric)
    kept_sections, kept_items = set(), set()
    for s_pos, (s, items) in enumerate(cleaned, start=1):
        if s.section_id is not None:
            section = existing_sections[s.section_id]
            section.name, section.position = s.name.strip(), s_pos
            section.save()
        else:
            section = RubricSection.objects.create(rubric=rubric, name=s.name.strip(), position=s_pos)
        kept_sections.add(section.pk)
        for i_pos, (i, points) in enumerate(items, start=1):
            values = {
                "section": section,
                "name": i.name.strip(),
                "points": points,
                "position": i_pos,
                "allows_na": i.allows_na,
                "is_veto": i.is_veto,
                "guidance": i.guidance.strip()[:300],
            }
            if i.item_id is not None:
                item = existing_items[i.item_id]
                for k, v in values.items():
                    setattr(item, k, v)
                item.save()
            else:
                item = RubricItem.objects.create(rubric=rubric, **values)
            kept_items.add(item.pk)
    RubricItem.objects.filter(rubric=rubric).exclude(pk__in=kept_items).delete()
    RubricSection.objects.filter(rubric=rubric).exclude(pk__in=kept_sections).delete()
    old_name = rubric.name
    rubric.name = name
    rubric.save(update_fields=["name"])
    changes = {}
    if old_name != name:
        changes["name"] = [old_name, name]
    after = _describe_rubric(rubric)
    if before != after:
        changes[_("细则内容")] = [before, after]
    if changes:
        audit.record(actor=actor, action="rubric.update", target=rubric, changes=changes)
    return rubric


@transaction.atomic
def rubric_new_version(*, actor, hotline: Hotline) -> Rubric:
    """A frozen rubric is changed through a copy: the next version, a draft that new evaluations use."""
    permissions.require(actor, "assessment.rubric_edit")
    permissions.require_hotline(actor, hotline)
    current = rubric_current(hotline=hotline)
    current = Rubric.objects.select_for_update().get(pk=current.pk)
    if current.frozen_at is None:
        return current  # the newest is still a draft: edit it directly
    copy = Rubric.objects.create(
        hotline=hotline, version=current.version + 1, name=current.name, based_on=current, created_by=actor
    )
    for s in queries.rubric_sections(current):
        section = RubricSection.objects.create(rubric=copy, name=s.name, position=s.position)
        RubricItem.objects.bulk_create(
            RubricItem(
                rubric=copy,
                section=section,
                name=i.name,
                points=i.points,
                position=i.position,
                allows_na=i.allows_na,
                is_veto=i.is_veto,
                guidance=i.guidance,
            )
            for i in s.item_list
        )
    audit.record(actor=actor, action="rubric.new_version", target=copy, note=_("复制自第%(version)s版") % {"version": current.version})
    return copy


def _rubric_in_use(hotline: Hotline, expected_id: int | None, *, needs_items: bool) -> tuple[Rubric, list[RubricLine]]:
    """Lock the current version for an evaluation and freeze it (M2): from now on it never changes."""
    current = rubric_current(hotline=hotline)
    rubric = Rubric.objects.select_for_update().get(pk=current.pk)
    if needs_items and expected_id is not None and expected_id != rubric.pk:
        raise DomainError("rubric_stale")
    lines = queries.rubric_lines(queries.rubric_sections(rubric))
    return rubric, lines


def _freeze(rubric: Rubric, at: datetime.datetime) -> None:
    if rubric.frozen_at is None:
        rubric.frozen_at = at
        rubric.save(update_fields=["frozen_at"])


def _marks_json(marks: dict[int, Mark]) -> list[dict]:
    return [
        {"item": m.item_id, "deduction": str(m.deduction), "na": m.not_applicable, "veto": m.veto}
        for m in sorted(marks.values(), key=lambda m: m.item_id)
        if m.deduction or m.not_applicable or m.veto
    ]


@dataclass(frozen=True)
class MarkInput:
    """One rubric item as entered: the deduction as typed, 不适用, or a ticked veto item."""

    item_id: int
    deduction: str | Decimal | None = None
    not_applicable: bool = False
    veto: bool = False


def _read_marks(lines: list[RubricLine], inputs: dict[int, MarkInput], person_id) -> tuple[dict[int, Mark], list[dict]]:
    """Parse and check per-item entries (M2); errors name the item so the page marks its cell."""
    marks: dict[int, Mark] = {}
    errors: list[dict] = []
    for item_id, entry in inputs.items():
        try:
            deduction = read_points(entry.deduction)
        except ValueError as exc:
            errors.append(_error(person_id, f"item-{item_id}", str(exc)))
            continue
        marks[item_id] = Mark(item_id, deduction, entry.not_applicable, entry.veto)
    if not errors:
        errors = [
            _error(person_id, "form" if item_id == 0 else f"item-{item_id}", message)
            for item_id, message in check_marks(lines, marks).items()
        ]
    return marks, errors


# --- weekly evaluations (M1, M2) -------------------------------------------------


@dataclass(frozen=True)
class WeekCell:
    """One agent's entry on the week grid: a direct total, or per-item marks (then `score` is ignored)."""

    person_id: int
    score: str | Decimal | None = None
    comment: str = ""
    marks: dict[int, MarkInput] | None = None


@dataclass
class WeekSaveResult:
    created: int = 0
    updated: int = 0
    deleted: int = 0

    @property
    def changed(self) -> int:
        return self.created + self.updated + self.deleted


def _register_for_update(team: Team, month: Month) -> Register:
    register, _created = Register.objects.get_or_create(team=team, month=month.first_day, defaults={"hotline": team.hotline})
    return Register.objects.select_for_update().get(pk=register.pk)


def _require_open(register: Register | None) -> None:
    """R2: the leader changes a month only while its register is with them."""
    if register is None or register.is_open:
        return
    raise DomainError("register_locked" if register.is_locked else "register_pending")


@transaction.atomic
def week_save(*, actor, team: Team, week: IsoWeek, cells: list[WeekCell], rubric_id: int | None = None) -> WeekSaveResult:
    """Save a team's week in one go (M1): every cell valid or nothing saved.

    A blank total clears an earlier direct total. A changed week un-confirms the
    month's score of that agent, so the leader confirms the month again.
    """
    _require_team(actor, team, "assessment.evaluate")
    today = timezone.localdate()
    if week.monday > today:
        raise DomainError("week_invalid", _("本周尚未开始，不能录入考评。"))
    month = week.month
    register = Register.objects.select_for_update().filter(team=team, month=month.first_day).first()
    _require_open(register)

    people = {p.pk: p for p in queries.week_members(team, week)}
    existing = {
        e.person_id: e for e in WeeklyEvaluation.objects.select_for_update().filter(person__in=list(people), week_start=week.monday)
    }
    for e in existing.values():
        e.person = people[e.person_id]  # for the audit text, without a query per row
    needs_items = any(c.marks is not None for c in cells)
    rubric, lines = _rubric_in_use(team.hotline, rubric_id, needs_items=needs_items)

    errors: list[dict] = []
    plans: list[tuple[Person, dict]] = []
    to_delete: list[WeeklyEvaluation] = []
    seen = set()
    for cell in cells:
        person = people.get(cell.person_id)
        if person is None or cell.person_id in seen:
            errors.append(_error(cell.person_id, "form", _("该人员不在本班组或本周不在岗")))
            continue
        seen.add(cell.person_id)
        comment = (cell.comment or "").strip()
        if len(comment) > COMMENT_MAX:
            errors.append(_error(person.pk, "comment", _("评语不能超过%(n)s字") % {"n": COMMENT_MAX}))
            continue
        before = existing.get(person.pk)
        if cell.marks is not None:
            marks, problems = _read_marks(lines, cell.marks, person.pk)
            if problems:
                errors.extend(problems)
                continue
            result = score_marks(lines, marks)
            plans.append(
                (
                    person,
                    {
                        "mode": EvaluationMode.ITEMS,
                        "marks": _marks_json(marks),
                        "score": result.score,
                        "veto_flagged": bool(result.vetoes),
                        "comment": comment,
                    },
                )
            )
            continue
        if normalise(cell.score) == "":
            if before is not None and before.mode == EvaluationMode.TOTAL:
                to_delete.append(before)
            elif comment and before is None:
                errors.append(_error(person.pk, "score", _("填写了评语，请同时填写得分")))
            continue
        try:
            score = read_score(cell.score)
        except ValueError as exc:
            errors.append(_error(person.pk, "score", str(exc)))
            continue
        plans.append(
            (person, {"mode": EvaluationMode.TOTAL, "marks": [], "score": score, "veto_flagged": False, "comment": comment})
        )
    if errors:
        raise DomainError("week_invalid", details=errors)

    now = timezone.now()
    result = WeekSaveResult()
    new, changed, entries = [], [], []
    for person, values in plans:
        before = existing.get(person.pk)
        if before is None:
            new.append(
                WeeklyEvaluation(
                    person=person,
                    hotline=team.hotline,
                    team=team,
                    week_start=week.monday,
                    iso_year=week.year,
                    iso_week=week.week,
                    month=month.first_day,
                    rubric=rubric,
                    evaluator=actor,
                    **values,
                )
            )
            continue
        diff = {k: [str(getattr(before, k)), str(v)] for k, v in values.items() if getattr(before, k) != v}
        if not diff:
            continue
        for k, v in values.items():
            setattr(before, k, v)
        before.rubric, before.evaluator, before.team, before.updated_at = rubric, actor, team, now
        changed.append(before)
        entries.append(
            audit.entry_for(actor=actor, action="weekly.update", target=before, changes=diff, hotline=team.hotline)
        )
    if new:
        WeeklyEvaluation.objects.bulk_create(new)
        for e in new:
            entries.append(
                audit.entry_for(
                    actor=actor,
                    action="weekly.create",
                    target=e,
                    changes={"score": [None, str(e.score)], "mode": [None, e.get_mode_display()], "comment": [None, e.comment]},
                    hotline=team.hotline,
                )
            )
    if changed:
        WeeklyEvaluation.objects.bulk_update(
            changed, ["mode", "marks", "score", "veto_flagged", "comment", "rubric", "evaluator", "team", "updated_at"]
        )
    for e in to_delete:
        entries.append(
            audit.entry_for(actor=actor, action="weekly.delete", target=e, changes={"score": [str(e.score), None]}, hotline=team.hotline)
        )
    if to_delete:
        WeeklyEvaluation.objects.filter(pk__in=[e.pk for e in to_delete]).delete()
    result.created, result.updated, result.deleted = len(new), len(changed), len(to_delete)
    if result.changed:
        _freeze(rubric, now)
        touched = [e.person_id for e in new + changed + to_delete]
        # M3: a confirmed month built on the old weeks must be confirmed again.
        MonthlyScore.objects.filter(person__in=touched, month=month.first_day, confirmed_at__isnull=False).update(
            confirmed_at=None, confirmed_by=None, updated_at=now
        )
        audit.record_many(entries)
    return result


# --- call monitoring (M2) ------------------------------------------------------------


def _require_person(actor, person: Person, permission: str) -> None:
    if not permissions.people_visible_to(actor).filter(pk=person.pk).exists():
        raise NotFound()
    permissions.require(actor, permission)
    if person.team_id is None or not permissions.teams_visible_to(actor).filter(pk=person.team_id).exists():
        raise NotFound()


def _monitoring_snapshot(evaluation: MonitoringEvaluation) -> dict:
    data = audit.snapshot(evaluation)
    data.pop("marks", None)  # the per-item figures show on the page; the trail keeps the score
    data["recording"] = evaluation.recording.name or ""
    return data


@transaction.atomic
def monitoring_save(
    *,
    actor,
    person: Person,
    call_no: str,
    call_date: datetime.date | None,
    comment: str = "",
    score: str | Decimal | None = None,
    marks: dict[int, MarkInput] | None = None,
    recording=None,
    evaluation: MonitoringEvaluation | None = None,
    rubric_id: int | None = None,
) -> MonitoringEvaluation:
    """Record (or change) the evaluation of one recorded call: per-item marks or a direct total."""
    _require_person(actor, person, "assessment.evaluate")
    if evaluation is not None:
        evaluation = MonitoringEvaluation.objects.select_for_update().get(pk=evaluation.pk)
        if evaluation.person_id != person.pk:
            raise NotFound()
    errors: list[dict] = []
    call_no = (call_no or "").strip()
    comment = (comment or "").strip()
    if not call_no:
        errors.append(_error(person.pk, "call_no", _("请填写录音编号")))
    elif len(call_no) > 60:
        errors.append(_error(person.pk, "call_no", _("录音编号不能超过60字")))
    elif MonitoringEvaluation.objects.filter(person=person, call_no=call_no).exclude(pk=getattr(evaluation, "pk", None)).exists():
        errors.append(_error(person.pk, "call_no", _("该人员已有此录音编号的评分")))
    if call_date is None:
        errors.append(_error(person.pk, "call_date", _("请填写通话日期")))
    elif call_date > timezone.localdate():
        errors.append(_error(person.pk, "call_date", _("通话日期不能晚于今天")))
    elif not person.active_on(call_date):
        errors.append(_error(person.pk, "call_date", _("该人员在通话日期不在岗")))
    if len(comment) > COMMENT_MAX:
        errors.append(_error(person.pk, "comment", _("评语不能超过%(n)s字") % {"n": COMMENT_MAX}))
    if recording is not None:
        extension = os.path.splitext(recording.name)[1].lower()
        if extension not in RECORDING_TYPES:
            errors.append(_error(person.pk, "recording", _("录音文件须为 mp3、wav、ogg、m4a、aac、webm、opus 或 flac 格式")))
        elif recording.size > RECORDING_MAX_BYTES:
            errors.append(_error(person.pk, "recording", _("录音文件不能超过50MB")))
    rubric, lines = _rubric_in_use(person.hotline, rubric_id, needs_items=marks is not None)
    values: dict = {}
    if marks is not None:
        read, problems = _read_marks(lines, marks, person.pk)
        errors.extend(problems)
        if not problems:
            scored = score_marks(lines, read)
            values = {"mode": EvaluationMode.ITEMS, "marks": _marks_json(read), "score": scored.score, "veto_flagged": bool(scored.vetoes)}
    else:
        try:
            values = {"mode": EvaluationMode.TOTAL, "marks": [], "score": read_score(score), "veto_flagged": False}
        except ValueError as exc:
            errors.append(_error(person.pk, "score", str(exc)))
    if errors:
        raise DomainError("monitoring_invalid", details=errors)

    values.update(call_no=call_no, call_date=call_date, comment=comment)
    now = timezone.now()
    if evaluation is None:
        evaluation = MonitoringEvaluation(
            person=person, hotline=person.hotline, team=person.team, rubric=rubric, evaluator=actor, **values
        )
        before = {}
        action = "monitoring.create"
    else:
        before = _monitoring_snapshot(evaluation)
        for k, v in values.items():
            setattr(evaluation, k, v)
        evaluation.rubric, evaluation.evaluator = rubric, actor
        action = "monitoring.update"
    if recording is not None:
        if evaluation.recording:
            evaluation.recording.delete(save=False)
        evaluation.recording.save(recording.name, recording, save=False)
    evaluation.save()
    _freeze(rubric, now)
    changes = audit.changes_between(before, _monitoring_snapshot(evaluation))
    audit.record(actor=actor, action=action, target=evaluation, changes=changes)
    return evaluation


# --- the month (M3) ----------------------------------------------------------------


@dataclass(frozen=True)
class MonthLine:
    """One agent's row on the month page: a month-level deduction with its reason,
    or, for an agent without weekly evaluations, the score the leader enters."""

    person_id: int
    deduction: str | Decimal | None = None
    deduction_reason: str = ""
    entered_score: str | Decimal | None = None


@transaction.atomic
def month_confirm(*, actor, team: Team, month: Month, lines: list[MonthLine]) -> list[MonthlyScore]:
    """The leader confirms the month's score of every agent of the team (M3), all rows or none.

    With weekly evaluations the score is the policy's M3 figure (mean less the
    deduction); without any, the leader must enter it. The register's
    hand-in checks that every row is confirmed.
    """
    _require_team(actor, team, "assessment.month_confirm")
    if month.first_day > timezone.localdate():
        raise DomainError("month_invalid", _("该月份尚未开始，不能确认月度得分。"))
    register = _register_for_update(team, month)
    _require_open(register)
    sheet = queries.month_sheet(team, month)
    given = {line.person_id: line for line in lines}
    known = {row.person.pk for row in sheet.rows}
    errors = [_error(pid, "form", _("该人员不在本班组本月的考核名单中")) for pid in given if pid not in known]
    now = timezone.now()
    version = monthly_rules.policy_for(team.hotline, month)
    people = {row.person.pk: row.person for row in sheet.rows}
    existing = {
        m.person_id: m for m in MonthlyScore.objects.select_for_update().filter(person__in=list(known), month=month.first_day)
    }
    for m in existing.values():
        m.person = people[m.person_id]  # for the audit text, without a query per row
    plans: list[tuple[Person, dict]] = []
    for row in sheet.rows:
        if row.settled_elsewhere is not None:
            continue  # confirmed in the register another team has handed in
        line = given.get(row.person.pk, MonthLine(row.person.pk))
        pid = row.person.pk
        reason = (line.deduction_reason or "").strip()
        if len(reason) > REASON_MAX:
            errors.append(_error(pid, "deduction_reason", _("扣分原因不能超过%(n)s字") % {"n": REASON_MAX}))
            continue
        try:
            deduction = read_points(line.deduction, what=_("月度扣分"))
        except ValueError as exc:
            errors.append(_error(pid, "deduction", str(exc)))
            continue
        if deduction and not reason:
            errors.append(_error(pid, "deduction_reason", _("有月度扣分时须填写扣分原因")))
            continue
        entered = normalise(line.entered_score)
        if row.has_weeks:
            if entered:
                errors.append(_error(pid, "entered_score", _("已有周考评，月度得分按周考评计算；如需调整请填写月度扣分")))
                continue
            decision = monthly_rules.month_score(row.weekly_scores, deduction)
            values = {
                "weeks_count": len(row.weekly_scores),
                "computed_score": decision.score,
                "deduction": deduction,
                "deduction_reason": reason,
                "score": decision.score,
                "source": ScoreSource.COMPUTED,
                "basis": monthly_rules.explain(decision),
            }
        else:
            if not entered:
                errors.append(_error(pid, "entered_score", _("本月没有周考评，请录入月度得分")))
                continue
            if deduction:
                errors.append(_error(pid, "deduction", _("直接录入月度得分时不另行扣分")))
                continue
            try:
                score = read_score(entered)
            except ValueError as exc:
                errors.append(_error(pid, "entered_score", str(exc)))
                continue
            values = {
                "weeks_count": 0,
                "computed_score": None,
                "deduction": Decimal("0.0"),
                "deduction_reason": reason,
                "score": score,
                "source": ScoreSource.ENTERED,
                "basis": f"M3: 本月无周考评，班长录入月度得分 {format(score.normalize(), 'f')}分",
            }
        values.update(team=team, policy_version=version.version if version else "", confirmed_by=actor, confirmed_at=now, updated_at=now)
        plans.append((row.person, values))
    if errors:
        raise DomainError("month_invalid", details=errors)

    saved, new, changed, entries = [], [], [], []
    tracked = ["team", "weeks_count", "computed_score", "deduction", "deduction_reason", "score", "source", "basis"]
    for person, values in plans:
        before = existing.get(person.pk)
        if before is None:
            score = MonthlyScore(person=person, hotline=team.hotline, month=month.first_day, **values)
            new.append(score)
        else:
            diff = {k: [str(getattr(before, k)), str(values[k])] for k in tracked if getattr(before, k) != values[k]}
            for k, v in values.items():
                setattr(before, k, v)
            changed.append(before)
            entries.append(audit.entry_for(actor=actor, action="monthly.confirm", target=before, changes=diff, hotline=team.hotline))
        saved.append(new[-1] if before is None else before)
    MonthlyScore.objects.bulk_create(new)
    for score in new:
        entries.append(
            audit.entry_for(
                actor=actor,
                action="monthly.confirm",
                target=score,
                changes={"score": [None, str(score.score)], "source": [None, score.get_source_display()]},
                hotline=team.hotline,
            )
        )
    MonthlyScore.objects.bulk_update(changed, ["policy_version", "confirmed_by", "confirmed_at", "updated_at", *tracked])
    audit.record_many(entries)
    return saved


# --- the register (R1, R2) --------------------------------------------------------------


@transaction.atomic
def register_submit(*, actor, team: Team, month: Month, at: datetime.datetime | None = None) -> Register:
    """R1: the leader hands in the month's register; late when the Shanghai date of the first
    hand-in is after the policy's deadline day of the next month."""
    _require_team(actor, team, "assessment.register_submit")
    at = at or timezone.now()
    register = _register_for_update(team, month)
    _require_open(register)
    if shanghai_date(at) <= month.last_day:
        raise DomainError("month_incomplete", _("本月尚未结束，月底之后才能提交登记表。"))
    sheet = queries.month_sheet(team, month)
    missing = [f"{r.person.staff_no} {r.person.name}" for r in sheet.rows if not r.confirmed]
    if missing:
        raise DomainError(
            "month_incomplete",
            _("以下人员的月度得分尚未确认，不能提交：%(names)s") % {"names": "、".join(missing)},
            details=[{"field": "form", "message": m} for m in missing],
        )
    version = monthly_rules.policy_for(team.hotline, month)
    if version is None:
        raise DomainError("policy_missing", _("%(year)s年度政策尚未设置，无法确定登记表截止日（R1），请联系主管。") % {"year": month.year})
    timeliness = monthly_rules.timeliness(month, shanghai_date(at), version)
    return transition(register, SUBMIT, actor=actor, at=at, deadline=timeliness.deadline, late=timeliness.late)


def _review_scope(actor, register: Register) -> Register:
    if not queries.teams_readable(actor).filter(pk=register.team_id).exists():
        raise NotFound()
    return Register.objects.select_for_update(of=("self",)).select_related("team", "hotline").get(pk=register.pk)


@transaction.atomic
def register_return(*, actor, register: Register, reason: str) -> Register:
    """R2: the supervisor sends a handed-in register back to the leader, with the reason."""
    register = _review_scope(actor, register)
    reason = (reason or "").strip()
    permissions.require(actor, "assessment.register_review")
    if not reason:
        raise DomainError("invalid", _("请填写退回原因。"))
    if len(reason) > COMMENT_MAX:
        raise DomainError("invalid", _("退回原因不能超过%(n)s字。") % {"n": COMMENT_MAX})
    return transition(register, RETURN, actor=actor, at=timezone.now(), reason=reason)


@transaction.atomic
def register_accept(*, actor, register: Register) -> Register:
    """R2: the supervisor accepts the register; the team's month is locked from now on."""
    register = _review_scope(actor, register)
    register = transition(register, ACCEPT, actor=actor, at=timezone.now())
    # M4–M6: the accepted month's allowance lines and persistent-low-score checks (stardesk.payouts).
    from stardesk.payouts import month_close

    month_close.register_accepted(actor=actor, register=register)
    return register


@transaction.atomic
def score_correct(*, actor, monthly_score: MonthlyScore, new_score, reason: str) -> ScoreCorrection:
    """R2: change a locked month's score: the new value, a reason, the author and the time are kept."""
    if not permissions.people_visible_to(actor).filter(pk=monthly_score.person_id).exists():
        raise NotFound()
    permissions.require(actor, "assessment.score_correct")
    score = MonthlyScore.objects.select_for_update(of=("self",)).select_related("person", "team").get(pk=monthly_score.pk)
    register = Register.objects.filter(team=score.team_id, month=score.month).first() if score.team_id else None
    if register is None or not register.is_locked:
        raise DomainError("register_not_locked")
    errors = []
    try:
        value = read_score(new_score)
    except ValueError as exc:
        errors.append({"field": "new_score", "message": str(exc)})
        value = None
    reason = (reason or "").strip()
    if not reason:
        errors.append({"field": "reason", "message": _("请填写更正原因")})
    elif len(reason) > COMMENT_MAX:
        errors.append({"field": "reason", "message": _("更正原因不能超过%(n)s字") % {"n": COMMENT_MAX}})
    if value is not None and value == score.score:
        errors.append({"field": "new_score", "message": _("新值与原值相同")})
    if errors:
        raise DomainError("invalid", details=errors)
    correction = ScoreCorrection.objects.create(
        monthly_score=score, old_score=score.score, new_score=value, reason=reason, author=actor, author_name=str(actor)
    )
    old_source = score.get_source_display()
    old = score.score
    score.score, score.source = value, ScoreSource.CORRECTED
    score.basis = f"{score.basis}；R2: {timezone.localtime(correction.at):%Y-%m-%d %H:%M} {actor} 更正 {old}→{value}，原因：{reason}"
    score.save(update_fields=["score", "source", "basis", "updated_at"])
    audit.record(
        actor=actor,
        action="monthly.correct",
        target=score,
        changes={"score": [str(old), str(value)], "source": [old_source, score.get_source_display()]},
        note=reason,
    )
    # M4/M6: the corrected month's allowance line is recomputed, the old line kept (stardesk.payouts).
    from stardesk.payouts import month_close

    month_close.score_corrected(actor=actor, monthly_score=score, old_score=old, reason=reason)
    return correction
