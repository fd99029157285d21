"""星级记录 (title history): the star titles people held before the hotline adopted the product (S4).

Matched by (工号, 工种, 授牌日期). Rules of a row, beyond its cells:
- the 工号 is on the hotline's roster;
- 终止日期 and 终止原因 are both filled (an ended title) or both empty (held);
- 终止日期 is not before 授牌日期, and 授牌日期 is not before the person's
  进入热线日期;
- spells of one person and job type do not overlap (a title is held on days
  start <= d < end), neither within the file nor with stored history;
- history is never overwritten (S4): a stored spell matched by its key is
  unchanged, or still held and now ended by the row (its 终止日期 and
  终止原因 are filled in); any other difference is a bad row.
"""
import datetime
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from stardesk.audit import services as audit
from stardesk.people.models import Person, TitleEndReason, TitleSpell
from stardesk.sheets.cells import Choice, Date, Integer, StaffNo, Text
from stardesk.sheets.specs import Column, ImportContext, Outcome, Problems, Row, SheetSpec

# 降级 and 取消 are sanctions (E6); the words are the file contract of workbook.md.
END_REASON_WORDS = {
    "换届": TitleEndReason.RENEWAL,
    "降级": TitleEndReason.LOWERED,
    "取消": TitleEndReason.REVOKED,
    "名次调整": TitleEndReason.RANK_ADJUSTMENT,
    "离职": TitleEndReason.LEFT,
}
END_REASON_WORD_OF = {value: word for word, value in END_REASON_WORDS.items()}
LEVEL_WORDS = {"一星": 1, "二星": 2, "三星": 3}

COLUMNS = (
    Column("工号", "staff_no", StaffNo(), key=True, note=_("须在本热线花名册中")),
    Column("星级", "level", Integer(minimum=1, maximum=3, units=("星",), words=LEVEL_WORDS), note=_("1、2 或 3（也可写 2星、二星）")),
    Column("工种", "job_type", Text(max_length=30), key=True),
    Column("授牌日期", "start", Date(), key=True),
    Column("终止日期", "end", Date(), required=False, note=_("仍持有时留空；星级在终止日期当天已不再持有")),
    Column("终止原因", "end_reason", Choice(END_REASON_WORDS), required=False, note=_("与终止日期同时填写或同时留空")),
)


@dataclass
class TitlePlan:
    new_spells: list[TitleSpell] = field(default_factory=list)
    # Stored spells still held that the file ends: (spell, end, end_reason).
    ended_spells: list[tuple[TitleSpell, datetime.date, str]] = field(default_factory=list)
    unchanged: int = 0


@dataclass
class _Spell:
    """A spell as it will stand after the import, for the overlap check."""

    start: datetime.date
    end: datetime.date | None
    row: int | None  # the file row, or None for stored history untouched by the file


def _describe(spell: TitleSpell) -> str:
    ended = f"{spell.end:%Y-%m-%d}" if spell.end else str(_("仍持有"))
    return str(_("%(level)s星 %(start)s–%(end)s") % {"level": spell.level, "start": f"{spell.start:%Y-%m-%d}", "end": ended})


def check_row(row: Row, problems: Problems) -> bool:
    """The rules within one title row; a value that could not be read is None and skipped."""
    values = row.values
    start, end, end_reason = values["start"], values["end"], values["end_reason"]
    ok = True
    if not {"end", "end_reason"} & row.unreadable and (end is None) != (end_reason is None):
        column = "终止原因" if end is not None else "终止日期"
        problems.add(row.number, column, _("终止日期与终止原因须同时填写或同时留空"))
        ok = False
    if start is not None and end is not None and end < start:
        problems.add(row.number, "终止日期", _("终止日期早于授牌日期"))
        ok = False
    return ok


def _check_person(row: Row, person: Person | None, problems: Problems) -> bool:
    values = row.values
    if person is None:
        problems.add(row.number, "工号", _("工号 %(no)s 不在本热线的花名册中（请先导入花名册）") % {"no": values["staff_no"]})
        return False
    if values["start"] < person.hotline_start:
        problems.add(
            row.number, "授牌日期", _("授牌日期早于该人员进入热线日期（%(day)s）") % {"day": f"{person.hotline_start:%Y-%m-%d}"}
        )
        return False
    return True


def _check_overlaps(groups: dict[tuple, list[_Spell]], problems: Problems) -> None:
    """Spells of one person and job type may not overlap: sorted by start, each begins after the furthest end so far."""
    for spells in groups.values():
        spells.sort(key=lambda spell: spell.start)
        reach = None
        for spell in spells:
            if reach is not None and (reach.end is None or reach.end > spell.start):
                if spell.row is not None:
                    problems.add(spell.row, "授牌日期", _overlap_reason(reach))
                elif reach.row is not None:
                    problems.add(reach.row, "终止日期", _overlap_reason(spell))
            if reach is None or reach.end is not None and (spell.end is None or spell.end > reach.end):
                reach = spell


def _overlap_reason(other: _Spell) -> str:
    if other.row is not None:
        return str(_("与第 %(row)s 行的星级记录时间重叠") % {"row": other.row})
    ended = f"{other.end:%Y-%m-%d}" if other.end else str(_("仍持有"))
    return str(_("与已保存的星级记录（%(start)s–%(end)s）时间重叠") % {"start": f"{other.start:%Y-%m-%d}", "end": ended})


def prepare(context: ImportContext, rows: list[Row], problems: Problems) -> TitlePlan:
    hotline = context.hotline
    people = {
        person.staff_no: person
        for person in Person.objects.filter(hotline=hotline).only("id", "hotline_id", "staff_no", "name", "hotline_start")
    }
    stored = {
        (spell.person_id, spell.job_type, spell.start): spell
        for spell in TitleSpell.objects.filter(person__hotline=hotline).order_by()
    }
    plan = TitlePlan()
    groups: dict[tuple, list[_Spell]] = {}
    matched = set()
    for row in rows:
        values = row.values
        person = people.get(values["staff_no"])
        if not _check_person(row, person, problems):
            continue
        end_reason = values["end_reason"] or ""
        key = (person.pk, values["job_type"], values["start"])
        spell = stored.get(key)
        if spell is not None:
            matched.add(key)
            same = spell.level == values["level"] and spell.end == values["end"] and spell.end_reason == end_reason
            if same:
                plan.unchanged += 1
            elif spell.level == values["level"] and spell.end is None and values["end"] is not None:
                plan.ended_spells.append((spell, values["end"], end_reason))
            else:
                problems.add(
                    row.number,
                    "星级" if spell.level != values["level"] else "终止日期",
                    _("与已保存的记录（%(stored)s）不一致；星级历史不能改写") % {"stored": _describe(spell)},
                )
                continue
        else:
            new = TitleSpell(person=person, level=values["level"], job_type=values["job_type"], start=values["start"], end=values["end"], end_reason=end_reason)
            plan.new_spells.append(new)
        groups.setdefault((person.pk, values["job_type"]), []).append(_Spell(values["start"], values["end"], row.number))
    touched = set(groups)
    for key, spell in stored.items():
        group = (spell.person_id, spell.job_type)
        if key not in matched and group in touched:
            groups[group].append(_Spell(spell.start, spell.end, None))
    _check_overlaps(groups, problems)
    return plan


def apply(context: ImportContext, plan: TitlePlan) -> Outcome:
    actor, hotline, note = context.actor, context.hotline, context.note
    entries = []
    if plan.new_spells:
        TitleSpell.objects.bulk_create(plan.new_spells, batch_size=1000)
        entries += [
            audit.entry_for(actor=actor, action="title.add", target=spell, changes=audit.changes_between({}, audit.snapshot(spell)), hotline=hotline, note=note)
            for spell in plan.new_spells
        ]
    if plan.ended_spells:
        spells = []
        for spell, end, end_reason in plan.ended_spells:
            before = audit.snapshot(spell)
            spell.end, spell.end_reason = end, end_reason
            spells.append(spell)
            entries.append(
                audit.entry_for(actor=actor, action="title.end", target=spell, changes=audit.changes_between(before, audit.snapshot(spell)), hotline=hotline, note=note)
            )
        TitleSpell.objects.bulk_update(spells, ["end", "end_reason"], batch_size=500)
    audit.record_many(entries)
    return Outcome(created=len(plan.new_spells), updated=len(plan.ended_spells), unchanged=plan.unchanged)


def export_rows(hotline):
    spells = TitleSpell.objects.filter(person__hotline=hotline).select_related("person").order_by("person__staff_no", "job_type", "start")
    for spell in spells.iterator(chunk_size=2000):
        yield [
            spell.person.staff_no,
            spell.level,
            spell.job_type,
            spell.start,
            spell.end,
            END_REASON_WORD_OF.get(spell.end_reason, spell.end_reason) if spell.end_reason else "",
        ]


SPEC = SheetSpec(
    kind="titles",
    title="星级记录",
    description=_("历史星级：启用系统前各人员获得和终止的星级（按工号、工种、授牌日期对应）。"),
    columns=COLUMNS,
    prepare=prepare,
    apply=apply,
    permission="imports.people",
    export_rows=export_rows,
    check_row=check_row,
    notes=(
        _("工号须已在花名册中；请先导入花名册。"),
        _("同一人同一工种的星级时间不能重叠；终止原因为降级或取消的记录视为处分（E6）。"),
        _("已保存的星级记录不会被改写；仍持有的星级可以通过再次导入补填终止日期和终止原因。"),
    ),
)
