"""月度考核 (monthly scores): past months brought in whole, as accepted history (M3, R2).

Matched by (工号, 月份). A month imported is accepted history: each score is
confirmed (source 导入), the register of the team holding it (the team it was
confirmed in, else the person's team) is marked accepted with the import as
its audit record, so the month is locked; then its allowance lines are
computed and M6 checked like any other accepted month (M4–M6).

Rules of a row, beyond its cells:
- the 工号 is on the hotline's roster, and the person was in post some day of
  the month (S2);
- the month has ended (a month is accepted after its end, R1);
- a month already locked by an accepted register is changed only by a
  correction (R2): a row repeating the stored score is unchanged, a row with
  another score is refused.
Importing the same file again changes nothing.
"""
from __future__ import annotations

from collections import namedtuple
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stardesk.assessment import monthly_rules
from stardesk.assessment.models import MonthlyScore, Register, RegisterState, ScoreSource
from stardesk.audit import services as audit
from stardesk.payouts import bulk_writes, month_close
from stardesk.payouts.models import LineCause
from stardesk.people.models import Person, Team
from stardesk.policy.conventions import Month
from stardesk.policy.reasons import num
from stardesk.sheets.cells import Month as MonthCell
from stardesk.sheets.cells import Score, StaffNo
from stardesk.sheets.specs import Column, ImportContext, Outcome, Problems, Row, SheetSpec

COLUMNS = (
    Column("工号", "staff_no", StaffNo(), key=True, note=_("须在本热线花名册中")),
    Column("月份", "month", MonthCell(), key=True, note=_("已结束的月份；该人员当月须在岗")),
    Column("月度得分", "score", Score(), note=_("0–100，最多一位小数")),
)


# A person and a stored score as plain values: a 20,000-row month is compared without a model object per row.
_Who = namedtuple("_Who", "pk staff_no name team_id hotline_start left_on")
_Held = namedtuple("_Held", "pk person_id month team_id score confirmed_at source")


@dataclass(frozen=True)
class _Trail:
    """What audit.entry_for reads of a target (its model, id and name), for a score written without a model object."""

    _meta: object
    pk: int
    text: str

    def __str__(self) -> str:
        return self.text


@dataclass
class ScorePlan:
    new: list[dict] = field(default_factory=list)  # rows for bulk_writes.insert_rows
    new_people: list[_Who] = field(default_factory=list)  # the same order as `new`
    # (stored score, its new values, the person) of the scores the file changes
    changed: list[tuple[_Held, dict, _Who]] = field(default_factory=list)
    # (team id, month) of the registers to mark accepted, with the rows that lock them.
    to_accept: set[tuple[int, Month]] = field(default_factory=set)
    months: set[Month] = field(default_factory=set)
    unchanged: int = 0
    locked_rows: int = 0  # rows whose month was only locked by this import (their score was already stored)


def _basis(score, file_name: str) -> str:
    return f"M3: 月度考核导入（{file_name}），月度得分 {num(score)}分"


def _named(who: _Who) -> str:
    return f"{who.staff_no} {who.name}"


def prepare(context: ImportContext, rows: list[Row], problems: Problems) -> ScorePlan:
    hotline = context.hotline
    today = timezone.localdate()
    people = {
        who.staff_no: who
        for who in map(_Who._make, Person.objects.filter(hotline=hotline).values_list(*_Who._fields))
    }
    months = {Month.of(row.values["month"]) for row in rows}
    stored = {
        (held.person_id, Month.of(held.month)): held
        for held in map(
            _Held._make,
            MonthlyScore.objects.filter(hotline=hotline, month__in=[m.first_day for m in months]).values_list(*_Held._fields),
        )
    }
    registers = {
        (r.team_id, Month.of(r.month)): r
        for r in Register.objects.filter(hotline=hotline, month__in=[m.first_day for m in months])
    }
    versions = {year: monthly_rules.policy_for(hotline, Month(year, 1)) for year in {m.year for m in months}}
    plan = ScorePlan()
    now = timezone.now()
    actor_id = context.actor.pk if context.actor is not None else None
    for row in rows:
        values = row.values
        person = people.get(values["staff_no"])
        if person is None:
            problems.add(row.number, "工号", _("工号 %(no)s 不在本热线的花名册中（请先导入花名册）") % {"no": values["staff_no"]})
            continue
        month = Month.of(values["month"])
        if month.last_day >= today:
            problems.add(row.number, "月份", _("%(month)s 尚未结束，月底之后才能导入（R1）") % {"month": month})
            continue
        if not (person.hotline_start <= month.last_day and (person.left_on is None or person.left_on > month.first_day)):
            problems.add(row.number, "月份", _("%(person)s 在 %(month)s 不在岗（S2）") % {"person": _named(person), "month": month})
            continue
        score = values["score"]
        existing = stored.get((person.pk, month))
        team_id = existing.team_id if existing is not None and existing.team_id else person.team_id
        register = registers.get((team_id, month)) if team_id else None
        locked = register is not None and register.state == RegisterState.ACCEPTED
        same = existing is not None and existing.score == score and existing.confirmed_at is not None
        if locked:
            if same:
                plan.unchanged += 1
                continue
            problems.add(
                row.number,
                "月度得分",
                _("%(month)s 的登记表已接收，得分已锁定（现为 %(stored)s 分）；如需修改请由主管更正（R2）")
                % {"month": month, "stored": num(existing.score) if existing and existing.score is not None else "—"},
            )
            continue
        plan.months.add(month)
        if team_id:
            plan.to_accept.add((team_id, month))
        version = versions.get(month.year)
        fields = {
            "score": score,
            "source": ScoreSource.IMPORTED,
            "basis": _basis(score, context.file_name),
            "policy_version": version.version if version else "",
            "confirmed_by_id": actor_id,
            "confirmed_at": now,
            "updated_at": now,
        }
        if existing is None:
            plan.new.append({"person_id": person.pk, "hotline_id": hotline.pk, "team_id": team_id, "month": month.first_day, **fields})
            plan.new_people.append(person)
        elif same:
            plan.locked_rows += 1  # the score stands; the import locks its month
        else:
            plan.changed.append((existing, fields, person))
    return plan


def _accept_registers(context: ImportContext, plan: ScorePlan) -> list[Register]:
    """R2: the registers of the imported months are accepted, the import being their audit record."""
    hotline, actor, now = context.hotline, context.actor, timezone.now()
    keys = sorted(plan.to_accept, key=lambda k: (k[1], k[0]))
    if not keys:
        return []
    existing = {
        (r.team_id, Month.of(r.month)): r
        for r in Register.objects.filter(hotline=hotline, month__in=[m.first_day for _t, m in keys]).select_related("team")
    }
    new, changed, entries = [], [], []
    for team_id, month in keys:
        register = existing.get((team_id, month))
        if register is None:
            register = Register(
                hotline=hotline, team_id=team_id, month=month.first_day, state=RegisterState.ACCEPTED,
                accepted_at=now, accepted_by=actor,
            )
            new.append(register)
            continue
        before = register.get_state_display()
        register.state, register.accepted_at, register.accepted_by, register.updated_at = RegisterState.ACCEPTED, now, actor, now
        changed.append((register, before))
    Register.objects.bulk_create(new)
    Register.objects.bulk_update([r for r, _before in changed], ["state", "accepted_at", "accepted_by", "updated_at"])
    accepted_label = RegisterState.ACCEPTED.label
    teams = {t.pk: t for t in Team.objects.filter(pk__in={r.team_id for r in new})}
    for register in new:
        register.team = teams[register.team_id]
        entries.append(audit.entry_for(actor=actor, action="register.accept", target=register,
                                       changes={"state": [None, str(accepted_label)]}, hotline=hotline, note=context.note))
    for register, before in changed:
        entries.append(audit.entry_for(actor=actor, action="register.accept", target=register,
                                       changes={"state": [str(before), str(accepted_label)]}, hotline=hotline, note=context.note))
    audit.record_many(entries)
    return new + [r for r, _before in changed]


def apply(context: ImportContext, plan: ScorePlan) -> Outcome:
    actor, hotline, note = context.actor, context.hotline, context.note
    bulk_writes.insert_rows(MonthlyScore, plan.new)
    meta = MonthlyScore._meta
    imported = str(ScoreSource.IMPORTED.label)  # once, not a translation lookup per row (20,000 rows)
    labels = dict(ScoreSource.choices)
    entries = []
    if plan.new:
        # The new ids, read back by the natural key (person, month), for the audit trail.
        ids = {
            (person_id, month): pk
            for person_id, month, pk in MonthlyScore.objects.filter(
                hotline=hotline, month__in=sorted({row["month"] for row in plan.new})
            ).values_list("person_id", "month", "pk")
        }
        for row, who in zip(plan.new, plan.new_people):
            target = _Trail(meta, ids[(row["person_id"], row["month"])], f"{_named(who)} {row['month']:%Y-%m}")
            entries.append(audit.entry_for(actor=actor, action="monthly.confirm", target=target, hotline=hotline, note=note,
                                           changes={"score": [None, str(row["score"])], "source": [None, imported]}))
    if plan.changed:
        changed = [MonthlyScore(pk=held.pk, **fields) for held, fields, _who in plan.changed]
        MonthlyScore.objects.bulk_update(
            changed, ["score", "source", "basis", "policy_version", "confirmed_by", "confirmed_at", "updated_at"], batch_size=1000
        )
        for held, fields, who in plan.changed:
            target = _Trail(meta, held.pk, f"{_named(who)} {held.month:%Y-%m}")
            old = str(held.score) if held.score is not None else None
            entries.append(audit.entry_for(actor=actor, action="monthly.confirm", target=target, hotline=hotline, note=note,
                                           changes={"score": [old, str(fields["score"])], "source": [str(labels[held.source]), imported]}))
    audit.record_many(entries)
    registers = _accept_registers(context, plan)
    teams_by_month: dict[Month, set[int]] = {}
    for register in registers:
        teams_by_month.setdefault(Month.of(register.month), set()).add(register.team_id)
    for month in sorted(plan.months):
        # M4–M6 for the month's newly locked teams (and the holders in no team).
        month_close.close_month(
            actor=actor, hotline=hotline, month=month, cause=LineCause.IMPORTED, note=note,
            teams=teams_by_month.get(month, set()),
        )
    return Outcome(created=len(plan.new), updated=len(plan.changed) + plan.locked_rows, unchanged=plan.unchanged)


def export_rows(hotline):
    """The hotline's confirmed monthly scores, as the import reads them back."""
    scores = (
        MonthlyScore.objects.filter(hotline=hotline, confirmed_at__isnull=False, score__isnull=False)
        .select_related("person")
        .order_by("month", "person__staff_no")
    )
    for s in scores.iterator(chunk_size=2000):
        yield [s.person.staff_no, s.month, s.score]


SPEC = SheetSpec(
    kind="monthly_scores",
    title="月度考核",
    description=_("历史月度得分（M3）：整月导入即为已接收的历史，登记表锁定，并按 M4–M6 计算该月的星级待遇。"),
    columns=COLUMNS,
    prepare=prepare,
    apply=apply,
    permission="imports.assessment",
    export_rows=export_rows,
    notes=(
        _("导入的月份视为已接收：所在班组的登记表标记为已接收（R2），得分锁定，并计算该月的月度星级待遇。"),
        _("登记表已接收的月份，得分只能由主管更正；与已保存得分相同的行不作改动。"),
        _("该人员当月须在岗；尚未结束的月份不能导入。"),
    ),
)
