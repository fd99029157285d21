"""花名册 (roster): people of a hotline, matched by 工号 (S2).

Rules of a roster row, beyond its cells:
- 状态 离职 needs a 离职日期, and a 离职日期 needs 状态 离职;
- 离职日期 and 工种起始日期 are not before 进入热线日期 (the job type counted
  for E2/E3 is the one held at this hotline);
- an unknown 班组 is created in the hotline (without a leader);
- people of the hotline missing from the file are left as they are: leaving
  is a 离职日期, never a deletion.
Only changed fields are written; an unchanged row writes nothing.
"""
from dataclasses import dataclass, field

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stardesk.audit import services as audit
from stardesk.people.models import EmploymentType, Person, Team
from stardesk.sheets.cells import Choice, Date, StaffNo, Text
from stardesk.sheets.specs import Column, ImportContext, Outcome, Problems, Row, SheetSpec

# Headers and words are the file contract of workbook.md: fixed Chinese, never translated.
EMPLOYMENT_WORDS = {"正式": EmploymentType.PERMANENT, "临时": EmploymentType.TEMPORARY, "外聘": EmploymentType.OUTSOURCED}
EMPLOYMENT_WORD_OF = {value: word for word, value in EMPLOYMENT_WORDS.items()}
ACTIVE, LEFT = "在职", "离职"

COLUMNS = (
    Column("工号", "staff_no", StaffNo(), key=True),
    Column("姓名", "name", Text(max_length=50)),
    Column("班组", "team", Text(max_length=50), required=False, note=_("新的班组名会自动建立；留空表示不属于任何班组")),
    Column("用工性质", "employment_type", Choice(EMPLOYMENT_WORDS)),
    Column("进入热线日期", "hotline_start", Date()),
    Column("工种", "job_type", Text(max_length=30), note=_("如 话务员")),
    Column("工种起始日期", "job_type_start", Date(), note=_("不早于进入热线日期")),
    Column("状态", "status", Choice({ACTIVE: ACTIVE, LEFT: LEFT})),
    Column("离职日期", "left_on", Date(), required=False, note=_("状态为离职时必填，在职时留空；不早于进入热线日期")),
)


@dataclass
class RosterPlan:
    new_teams: list[Team] = field(default_factory=list)
    new_people: list[Person] = field(default_factory=list)
    # (person, {field: new value}) for people whose row differs from what is stored.
    changed_people: list[tuple[Person, dict]] = field(default_factory=list)
    unchanged: int = 0


def check_row(row: Row, problems: Problems) -> bool:
    """The rules within one roster row; a value that could not be read is None and skipped."""
    values = row.values
    status, left_on, hotline_start, job_type_start = (values[k] for k in ("status", "left_on", "hotline_start", "job_type_start"))
    ok = True
    if status == LEFT and left_on is None and "left_on" not in row.unreadable:
        problems.add(row.number, "离职日期", _("状态为离职时必须填写离职日期"))
        ok = False
    if status == ACTIVE and left_on is not None:
        problems.add(row.number, "状态", _("填写了离职日期，状态应为离职"))
        ok = False
    if left_on is not None and hotline_start is not None and left_on < hotline_start:
        problems.add(row.number, "离职日期", _("离职日期早于进入热线日期"))
        ok = False
    if job_type_start is not None and hotline_start is not None and job_type_start < hotline_start:
        problems.add(row.number, "工种起始日期", _("工种起始日期早于进入热线日期"))
        ok = False
    return ok


def prepare(context: ImportContext, rows: list[Row], problems: Problems) -> RosterPlan:
    """Compare every row with the hotline's people (one query) and decide what to create and change."""
    hotline = context.hotline
    teams = {team.name: team for team in Team.objects.filter(hotline=hotline)}
    people = {person.staff_no: person for person in Person.objects.filter(hotline=hotline).select_related("team", "hotline")}
    plan = RosterPlan()
    for row in rows:
        values = row.values
        team = None
        if values["team"]:
            team = teams.get(values["team"])
            if team is None:
                team = Team(hotline=hotline, name=values["team"])
                teams[team.name] = team
                plan.new_teams.append(team)
        facts = {
            "name": values["name"],
            "employment_type": values["employment_type"],
            "hotline_start": values["hotline_start"],
            "job_type": values["job_type"],
            "job_type_start": values["job_type_start"],
            "team": team,
            "left_on": values["left_on"],
        }
        person = people.get(values["staff_no"])
        if person is None:
            plan.new_people.append(Person(hotline=hotline, staff_no=values["staff_no"], **facts))
            continue
        changed = {name: value for name, value in facts.items() if name != "team" and getattr(person, name) != value}
        # A team created by this import has no pk yet: that is a change too.
        if team is None and person.team_id is not None or team is not None and (team.pk is None or team.pk != person.team_id):
            changed["team"] = team
        if changed:
            plan.changed_people.append((person, changed))
        else:
            plan.unchanged += 1
    return plan


# The columns a roster writes for a new person, in the order of _insert_people's values.
_INSERTED = ("hotline", "staff_no", "name", "employment_type", "hotline_start", "job_type", "job_type_start", "team", "left_on", "created_at", "updated_at")


def _insert_people(hotline, people: list[Person]) -> None:
    """Insert new people in bulk; afterwards every person has its pk.

    PostgreSQL: bulk_create, which Django sends as one UNNEST insert per batch.
    SQLite: bulk_create caps a statement at 999 parameters (83 people) and
    prepares each of a 20,000-person roster's 240,000 values one by one; every
    type here is known, so the values go in one executemany as they are and
    the ids are read back in one query, at about a third of the cost.
    """
    if connection.vendor != "sqlite":
        Person.objects.bulk_create(people, batch_size=1000)
        return
    meta = Person._meta
    quote = connection.ops.quote_name
    columns = ", ".join(quote(meta.get_field(name).column) for name in _INSERTED)
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(_INSERTED))})"
    day = connection.ops.adapt_datefield_value
    now = timezone.now()
    stamp = connection.ops.adapt_datetimefield_value(now)
    values = []
    for person in people:
        if person.team is not None and person.team_id is None:
            # A team created by this import got its pk just before: assigning again copies it to team_id.
            person.team = person.team
        person.created_at = person.updated_at = now
        values.append(
            (hotline.pk, person.staff_no, person.name, person.employment_type, day(person.hotline_start), person.job_type,
             day(person.job_type_start), person.team_id, day(person.left_on), stamp, stamp)
        )
    with connection.cursor() as cursor:
        cursor.executemany(sql, values)
    ids = dict(Person.objects.filter(hotline=hotline).values_list("staff_no", "pk"))
    for person in people:
        person.pk = ids[person.staff_no]
        person._state.adding, person._state.db = False, connection.alias


def _created_changes(person: Person, employment_labels: dict) -> dict:
    """What audit.changes_between({}, audit.snapshot(person)) gives, built directly: 20,000 snapshots are slow."""
    facts = {
        "hotline": person.hotline.name,
        "staff_no": person.staff_no,
        "name": person.name,
        "employment_type": employment_labels[person.employment_type],
        "hotline_start": str(person.hotline_start),
        "job_type": person.job_type,
        "job_type_start": str(person.job_type_start),
        "team": person.team.name if person.team is not None else None,
        "left_on": str(person.left_on) if person.left_on is not None else None,
    }
    return {name: [None, value] for name, value in facts.items() if value is not None}


def apply(context: ImportContext, plan: RosterPlan) -> Outcome:
    """Write the plan in bulk: one insert per kind of row, one update per set of changed fields."""
    actor, hotline, note = context.actor, context.hotline, context.note
    entries = []
    if plan.new_teams:
        Team.objects.bulk_create(plan.new_teams)
        entries += [
            audit.entry_for(actor=actor, action="team.create", target=team, changes=audit.changes_between({}, audit.snapshot(team)), hotline=hotline, note=note)
            for team in plan.new_teams
        ]
    if plan.new_people:
        _insert_people(hotline, plan.new_people)
        labels = {value: str(label) for value, label in EmploymentType.choices}
        entries += [
            audit.entry_for(actor=actor, action="person.create", target=person, changes=_created_changes(person, labels), hotline=hotline, note=note)
            for person in plan.new_people
        ]
    by_fields: dict[tuple, list[Person]] = {}
    now = timezone.now()
    for person, changed in plan.changed_people:
        before = audit.snapshot(person)
        for name, value in changed.items():
            setattr(person, name, value)
        person.updated_at = now
        entries.append(
            audit.entry_for(actor=actor, action="person.update", target=person, changes=audit.changes_between(before, audit.snapshot(person)), hotline=hotline, note=note)
        )
        by_fields.setdefault(tuple(sorted(changed)), []).append(person)
    for fields, people in by_fields.items():
        Person.objects.bulk_update(people, [*fields, "updated_at"], batch_size=500)
    audit.record_many(entries)
    return Outcome(created=len(plan.new_people), updated=len(plan.changed_people), unchanged=plan.unchanged)


def export_rows(hotline):
    """The hotline's roster in the import's own columns, so an export re-imports unchanged."""
    people = Person.objects.filter(hotline=hotline).select_related("team").order_by("staff_no")
    for person in people.iterator(chunk_size=2000):
        yield [
            person.staff_no,
            person.name,
            person.team.name if person.team_id else "",
            EMPLOYMENT_WORD_OF.get(person.employment_type, person.employment_type),
            person.hotline_start,
            person.job_type,
            person.job_type_start,
            LEFT if person.left_on else ACTIVE,
            person.left_on,
        ]


SPEC = SheetSpec(
    kind="roster",
    title="花名册",
    description=_("人员名册：新增人员、更新人员信息（按工号对应）；未知的班组会自动建立。"),
    columns=COLUMNS,
    prepare=prepare,
    apply=apply,
    permission="imports.people",
    export_rows=export_rows,
    check_row=check_row,
    notes=(
        _("按工号对应：工号已存在的人员只更新有变化的字段，新的工号新增人员。"),
        _("文件中没有的人员保持不变；人员离职请把状态改为离职并填写离职日期。"),
    ),
)
