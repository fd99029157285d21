"""星级申报 (applications) as a sheet of workbook.md: 工号, 年度, 申报星级, 班长推荐, 推荐理由.

Matched by (工号, 年度): one application per person and cycle (E). Rules of a
row, beyond its cells:
- the 工号 is on the hotline's roster;
- the hotline has a cycle of that 年度, taking applications (step 个人申报);
- 班长推荐 是 (the E1 "表现突出" exception) needs a written 推荐理由, and a
  推荐理由 without 班长推荐 是 is refused rather than guessed at.

An application already stored with the same level and flag is unchanged;
one with another level or flag is updated; every new or changed application
is checked at once (E1–E8) and audited. All or nothing, like every import.
"""
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stardesk.audit import services as audit
from stardesk.cycle.eligibility import CHECK_FIELDS, check_applications, store
from stardesk.cycle.models import Application, ApplicationSource, ApplicationStatus, Cycle, Step
from stardesk.people.models import Person
from stardesk.sheets.cells import Choice, Integer, StaffNo, Text
from stardesk.sheets.specs import Column, ImportContext, Outcome, Problems, Row, SheetSpec

LEVEL_WORDS = {"一星": 1, "二星": 2, "三星": 3}
YES_NO = {"是": True, "否": False}  # the words of the sheet (workbook.md)
SYSTEM = "系统"

COLUMNS = (
    Column("工号", "staff_no", StaffNo(), key=True, note=_("须在本热线花名册中")),
    Column("年度", "year", Integer(minimum=2000, maximum=2100, units=("年",)), key=True, note=_("正在个人申报阶段的评定年度")),
    Column("申报星级", "level", Integer(minimum=1, maximum=3, units=("星",), words=LEVEL_WORDS), note=_("1、2 或 3（也可写 2星、二星）")),
    Column("班长推荐", "leader_recommended", Choice(YES_NO), required=False, note=_("班长推荐“表现突出”（E1 入职不满一年的例外）；留空即“否”")),
    Column("推荐理由", "recommendation_reason", Text(max_length=500), required=False, note=_("班长推荐为“是”时必填")),
)


def _yes(value: bool) -> str:
    return "是" if value else "否"


def check_row(row: Row, problems: Problems) -> bool:
    values = row.values
    recommended = values.get("leader_recommended")
    reason = values.get("recommendation_reason") or ""
    if "leader_recommended" in row.unreadable:
        return False
    if recommended and not reason:
        problems.add(row.number, "推荐理由", _("班长推荐为“是”时须填写推荐理由（E1）"))
        return False
    if reason and not recommended:
        problems.add(row.number, "班长推荐", _("填写了推荐理由，班长推荐须为“是”"))
        return False
    return True


@dataclass
class ApplicationPlan:
    new: list[Application] = field(default_factory=list)
    changed: list[tuple[Application, dict]] = field(default_factory=list)  # (application, {field: [old, new]})
    unchanged: int = 0
    cycles: dict[int, Cycle] = field(default_factory=dict)


def prepare(context: ImportContext, rows: list[Row], problems: Problems) -> ApplicationPlan:
    hotline = context.hotline
    years = {row.values["year"] for row in rows}
    cycles = {c.year: c for c in Cycle.objects.select_for_update().filter(hotline=hotline, year__in=years)}
    people = {p.staff_no: p for p in Person.objects.filter(hotline=hotline).only("id", "staff_no", "name", "hotline_id")}
    stored = {
        (a.person_id, a.cycle_id): a
        for a in Application.objects.filter(cycle__in=cycles.values(), status=ApplicationStatus.ACTIVE).select_related("person")
    }
    plan = ApplicationPlan(cycles={c.pk: c for c in cycles.values()})
    for row in rows:
        values = row.values
        person = people.get(values["staff_no"])
        cycle = cycles.get(values["year"])
        ok = True
        if person is None:
            problems.add(row.number, "工号", _("工号 %(no)s 不在本热线的花名册中") % {"no": values["staff_no"]})
            ok = False
        if cycle is None:
            problems.add(row.number, "年度", _("本热线没有 %(year)s 年度的评定") % {"year": values["year"]})
            ok = False
        elif cycle.step != Step.APPLICATION:
            problems.add(row.number, "年度", _("%(year)s 年度评定当前处于「%(step)s」，不再接受申报") % {
                "year": cycle.year, "step": Step(cycle.step).label})
            ok = False
        if not ok:
            continue
        recommended = bool(values.get("leader_recommended"))
        reason = (values.get("recommendation_reason") or "").strip()
        existing = stored.get((person.pk, cycle.pk))
        if existing is None:
            plan.new.append(Application(
                cycle=cycle, person=person, level=values["level"], source=ApplicationSource.IMPORT,
                leader_recommended=recommended, recommendation_reason=reason,
            ))
            continue
        changes = {}
        if existing.level != values["level"]:
            changes[str(_("申报星级"))] = [f"{existing.level}星", f"{values['level']}星"]
        if existing.leader_recommended != recommended:
            changes[str(_("班长推荐表现突出"))] = [_yes(existing.leader_recommended), _yes(recommended)]
        if existing.recommendation_reason != reason:
            changes[str(_("推荐理由"))] = [existing.recommendation_reason, reason]
        if not changes:
            plan.unchanged += 1
            continue
        existing.level, existing.leader_recommended, existing.recommendation_reason = values["level"], recommended, reason
        existing.cycle = cycle
        plan.changed.append((existing, changes))
    return plan


def apply(context: ImportContext, plan: ApplicationPlan) -> Outcome:
    actor, hotline, note = context.actor, context.hotline, context.note
    who = str(actor) if actor is not None else SYSTEM
    now = timezone.now()
    for application in plan.new:
        application.submitted_by, application.submitted_by_name = actor, who
    for application in [*plan.new, *(a for a, _changes in plan.changed)]:
        if application.leader_recommended:
            application.flagged_by_name, application.flagged_at = who, now
    # E1–E8 at once, per cycle, for everything new or changed: one query per kind of fact.
    by_cycle: dict[int, list[Application]] = {}
    for application in [*plan.new, *(a for a, _changes in plan.changed)]:
        by_cycle.setdefault(application.cycle_id, []).append(application)
    for cycle_id, applications in by_cycle.items():
        check_applications(plan.cycles[cycle_id], applications, at=now)
    Application.objects.bulk_create(plan.new, batch_size=1000)
    store([a for a, _changes in plan.changed],
          ["level", "leader_recommended", "recommendation_reason", "flagged_by_name", "flagged_at", *CHECK_FIELDS])
    entries = [
        audit.entry_for(actor=actor, action="application.import", target=a, hotline=hotline, note=note, changes={
            str(_("申报星级")): [None, f"{a.level}星"], str(_("符合申报条件")): [None, _yes(a.eligible)],
            **({str(_("班长推荐表现突出")): [None, a.recommendation_reason]} if a.leader_recommended else {}),
        })
        for a in plan.new
    ]
    entries += [
        audit.entry_for(actor=actor, action="application.import", target=a, hotline=hotline, note=note,
                        changes={**changes, str(_("符合申报条件")): [None, _yes(a.eligible)]})
        for a, changes in plan.changed
    ]
    audit.record_many(entries)
    return Outcome(created=len(plan.new), updated=len(plan.changed), unchanged=plan.unchanged)


def export_rows(hotline):
    """The applications of the hotline's cycles taking applications, as the import reads them back."""
    applications = (
        Application.objects.filter(cycle__hotline=hotline, cycle__step=Step.APPLICATION, status=ApplicationStatus.ACTIVE)
        .select_related("person", "cycle")
        .order_by("cycle__year", "person__staff_no")
    )
    for a in applications.iterator(chunk_size=2000):
        yield [a.person.staff_no, a.cycle.year, a.level, _yes(a.leader_recommended), a.recommendation_reason]


SPEC = SheetSpec(
    kind="applications",
    title="星级申报",
    description=_("星级申报：每人每个评定年度申报一个星级，导入后立即检查申报条件（E1–E8）。"),
    columns=COLUMNS,
    prepare=prepare,
    apply=apply,
    permission="cycle.import",
    export_rows=export_rows,
    check_row=check_row,
    notes=(
        _("年度须为本热线正在“个人申报”阶段的评定年度。"),
        _("同一工号同一年度只能有一行；已申报的人员再次导入时按本表更新申报星级。"),
        _("入职服务热线不满一年申报一星，须班长推荐为“是”并填写推荐理由（E1）。"),
    ),
)
