"""花名册 import: all or nothing, every bad row reported, idempotent, audited, in bulk."""
import datetime

import pytest

from stardesk.audit import services as audit
from stardesk.audit.models import AuditEntry
from stardesk.core.errors import Forbidden
from stardesk.people.models import EmploymentType, Person, Team
from stardesk.sheets import services
from stardesk.sheets.models import ImportRun, ImportStatus
from tests.factories import PersonFactory
from tests.sheets.conftest import ROSTER_HEADERS, csv_bytes, roster_file, roster_row, xlsx_bytes

D = datetime.date
BAD_ROWS = {
    # data index → (overrides, Excel row, column, words of the reason)
    17: ({"进入热线日期": "2021-02-30"}, 19, "进入热线日期", "不是存在的日期"),
    58: ({"用工性质": "合同工"}, 60, "用工性质", "不在可选范围内"),
    101: ({"工号": "3003"}, 103, "工号", "与第 5 行重复"),
}


def bad_roster():
    return roster_file(120, bad={index: overrides for index, (overrides, *_) in BAD_ROWS.items()})


def counts():
    return Person.objects.count(), Team.objects.count(), AuditEntry.objects.count()


def test_120_rows_with_3_bad_rows_save_nothing_and_list_exactly_those_rows(supervisor, team, run_import):
    # given
    before = counts()
    # when
    refusal = run_import(supervisor, "roster", bad_roster())
    # then
    assert isinstance(refusal, services.ImportRefused)
    assert counts() == before
    reported = [(e["row"], e["column"]) for e in refusal.details]
    assert reported == [(row, column) for _, row, column, _ in BAD_ROWS.values()]
    for error, (_, _, _, words) in zip(refusal.details, BAD_ROWS.values()):
        assert words in error["reason"]
    run = ImportRun.objects.get()
    assert run.status == ImportStatus.REFUSED and run.error_count == 3 and run.rows == 120
    assert "3 行有问题" in refusal.message


def test_the_fixed_file_imports_every_row_creates_unknown_teams_and_audits_each_record(supervisor, team, run_import):
    # given
    entries_before = AuditEntry.objects.count()
    # when
    run = run_import(supervisor, "roster", roster_file(120))
    # then
    assert run.status == ImportStatus.OK and (run.created, run.updated, run.unchanged) == (120, 0, 0)
    assert Person.objects.filter(hotline=supervisor.hotline).count() == 120
    three = Team.objects.get(hotline=supervisor.hotline, name="三班")
    assert three.members.count() == 60 and team.members.count() == 60
    first = Person.objects.get(staff_no="3000")
    assert (first.name, first.employment_type, first.hotline_start, first.job_type_start, first.left_on) == (
        "客服0", EmploymentType.PERMANENT, D(2020, 1, 1), D(2020, 6, 1), None
    )
    new_entries = AuditEntry.objects.filter(pk__gt=0).count() - entries_before
    assert new_entries == 120 + 1 + 1  # people, the new team 三班, the import itself
    assert AuditEntry.objects.filter(action="person.create").count() == 120
    created = AuditEntry.objects.get(action="person.create", target_id=str(first.pk))
    assert created.changes["name"] == [None, "客服0"] and created.changes["team"] == [None, "三班"]
    assert created.actor == supervisor and "花名册导入" in created.note
    # The same record of a creation as every other service writes.
    assert created.changes == audit.changes_between({}, audit.snapshot(first))
    summary = AuditEntry.objects.get(action="import.roster")
    assert summary.changes["created"] == [None, 120] and summary.changes["file_name"] == [None, "花名册.xlsx"]


def test_the_record_of_a_created_person_is_the_one_every_service_writes(supervisor, run_import):
    rows = [ROSTER_HEADERS, roster_row(0, 班组=None, 状态="离职", 离职日期="2024-06-30"), roster_row(1, 用工性质="外聘")]
    run_import(supervisor, "roster", xlsx_bytes(rows))
    for person in Person.objects.all():
        entry = AuditEntry.objects.get(action="person.create", target_id=str(person.pk))
        assert entry.changes == audit.changes_between({}, audit.snapshot(person))


def test_importing_the_same_file_again_changes_nothing_and_writes_no_audit_entries(supervisor, team, run_import):
    run_import(supervisor, "roster", roster_file(120))
    stamps = dict(Person.objects.values_list("staff_no", "updated_at"))
    entries = AuditEntry.objects.count()
    # when
    again = run_import(supervisor, "roster", roster_file(120))
    # then
    assert (again.created, again.updated, again.unchanged) == (0, 0, 120)
    assert AuditEntry.objects.count() == entries
    assert dict(Person.objects.values_list("staff_no", "updated_at")) == stamps


def test_a_changed_row_updates_only_its_changed_fields(supervisor, team, other_team, run_import):
    run_import(supervisor, "roster", roster_file(4))
    untouched = Person.objects.get(staff_no="3000").updated_at
    rows = [ROSTER_HEADERS] + [roster_row(i) for i in range(4)]
    rows[2] = roster_row(1, 姓名="改名", 班组="二班")
    # when
    run = run_import(supervisor, "roster", xlsx_bytes(rows))
    # then
    assert (run.created, run.updated, run.unchanged) == (0, 1, 3)
    person = Person.objects.get(staff_no="3001")
    assert person.name == "改名" and person.team == other_team
    entry = AuditEntry.objects.get(action="person.update")
    assert entry.changes == {"name": ["客服1", "改名"], "team": ["一班", "二班"]}
    assert Person.objects.get(staff_no="3000").updated_at == untouched


def test_a_row_can_record_leaving_and_people_missing_from_the_file_stay(supervisor, agent_person, run_import):
    rows = [ROSTER_HEADERS, roster_row(0, 状态="离职", 离职日期="2024/6/30")]
    run = run_import(supervisor, "roster", xlsx_bytes(rows))
    assert run.created == 1
    assert Person.objects.get(staff_no="3000").left_on == D(2024, 6, 30)
    agent_person.refresh_from_db()
    assert agent_person.left_on is None and agent_person.name == "张三"


@pytest.mark.parametrize(
    "overrides, column, words",
    [
        ({"状态": "离职"}, "离职日期", "必须填写离职日期"),
        ({"离职日期": "2024-01-01"}, "状态", "状态应为离职"),
        ({"状态": "离职", "离职日期": "2019-12-31"}, "离职日期", "早于进入热线日期"),
        ({"工种起始日期": "2019-12-31"}, "工种起始日期", "早于进入热线日期"),
        ({"姓名": ""}, "姓名", "必填"),
        ({"状态": "在岗"}, "状态", "不在可选范围内"),
    ],
)
def test_rules_within_a_roster_row(supervisor, run_import, overrides, column, words):
    refusal = run_import(supervisor, "roster", xlsx_bytes([ROSTER_HEADERS, roster_row(0, **overrides)]))
    assert [(e["row"], e["column"]) for e in refusal.details] == [(2, column)]
    assert words in refusal.details[0]["reason"]
    assert not Person.objects.exists()


def test_a_row_with_a_bad_cell_also_reports_its_other_problems(supervisor, run_import):
    row = roster_row(0, 用工性质="合同工", 状态="离职")
    refusal = run_import(supervisor, "roster", xlsx_bytes([ROSTER_HEADERS, row]))
    assert {e["column"] for e in refusal.details} == {"用工性质", "离职日期"}


def test_a_repeated_staff_no_is_found_even_when_the_first_row_has_a_bad_cell(supervisor, run_import):
    rows = [ROSTER_HEADERS, roster_row(0, 用工性质="合同工"), roster_row(1), roster_row(2, 工号="3000")]
    refusal = run_import(supervisor, "roster", xlsx_bytes(rows))
    assert [(e["row"], e["column"]) for e in refusal.details] == [(2, "用工性质"), (4, "工号")]
    assert refusal.details[1]["reason"] == "与第 2 行重复（同一工号）"


def test_a_gbk_csv_roster_from_chinese_excel_imports(supervisor, run_import):
    rows = [ROSTER_HEADERS, ["０１２３", " 欧阳娜娜 ", "一班", "外聘", "2023年5月6日", "话务员", "2023.5.6", "在职", ""]]
    run = run_import(supervisor, "roster", csv_bytes(rows, encoding="gbk"), file_name="花名册.csv")
    assert run.created == 1
    person = Person.objects.get(staff_no="0123")
    assert person.name == "欧阳娜娜" and person.employment_type == EmploymentType.OUTSOURCED
    assert person.hotline_start == D(2023, 5, 6)


def test_number_cells_for_staff_no_and_date_cells_import(supervisor, run_import):
    rows = [ROSTER_HEADERS, roster_row(0, 工号=1023.0, 进入热线日期=datetime.datetime(2020, 3, 1), 工种起始日期=D(2020, 3, 1))]
    run = run_import(supervisor, "roster", xlsx_bytes(rows))
    assert run.created == 1
    assert Person.objects.get(staff_no="1023").hotline_start == D(2020, 3, 1)


def test_extra_columns_are_ignored_and_columns_may_come_in_any_order(supervisor, run_import):
    headers = list(reversed(ROSTER_HEADERS)) + ["备注"]
    rows = [headers, list(reversed(roster_row(0))) + ["随便写"]]
    run = run_import(supervisor, "roster", xlsx_bytes(rows))
    assert run.created == 1 and Person.objects.get().name == "客服0"


def test_missing_required_headers_are_named(supervisor, run_import):
    rows = [["工号", "姓名"], ["1", "甲"]]
    refusal = run_import(supervisor, "roster", xlsx_bytes(rows))
    assert refusal.code == "import_missing_headers"
    assert "缺少必需的列：用工性质、进入热线日期、工种、工种起始日期、状态" in refusal.message
    assert ImportRun.objects.get().status == ImportStatus.REFUSED


# --- who may import, and into which hotline ----------------------------------------

@pytest.mark.parametrize("role", ["agent", "leader", "committee"])
def test_only_supervisors_and_group_admins_may_import(users, role):
    before = counts()
    with pytest.raises(Forbidden):
        services.sheet_import(actor=users[role], kind="roster", source=roster_file(3), file_name="a.xlsx")
    assert counts() == before and not ImportRun.objects.exists()


def test_a_supervisor_imports_into_their_own_hotline_only(supervisor, other_hotline, run_import):
    with pytest.raises(Forbidden):
        services.sheet_import(actor=supervisor, kind="roster", source=roster_file(3), file_name="a.xlsx", hotline=other_hotline)
    rows = [ROSTER_HEADERS + ["热线"], roster_row(0) + ["分公司服务热线"]]
    refusal = run_import(supervisor, "roster", xlsx_bytes(rows))
    assert refusal.details == [{"row": 2, "column": "热线", "reason": "只能导入本热线（有线电视服务热线）的数据"}]
    assert not Person.objects.exists()


def test_a_group_admin_chooses_the_hotline(admin_user, hotline, other_hotline, run_import):
    run = run_import(admin_user, "roster", roster_file(3), hotline=other_hotline)
    assert run.hotline == other_hotline
    assert Person.objects.filter(hotline=other_hotline).count() == 3
    assert not Person.objects.filter(hotline=hotline).exists()


def test_a_group_admin_may_name_the_hotline_in_a_column(admin_user, hotline, other_hotline, run_import):
    rows = [ROSTER_HEADERS + ["热线"], roster_row(0) + ["分公司服务热线"], roster_row(1) + [" 分公司服务热线 "]]
    run = run_import(admin_user, "roster", xlsx_bytes(rows))
    assert run.hotline == other_hotline and run.created == 2


def test_a_group_admin_without_a_hotline_is_asked_for_one(admin_user, hotline, run_import):
    refusal = run_import(admin_user, "roster", roster_file(2))
    assert refusal.code == "no_hotline" and "请选择热线" in refusal.message
    assert not Person.objects.exists()


def test_one_import_is_one_hotline(admin_user, hotline, other_hotline, run_import):
    rows = [ROSTER_HEADERS + ["热线"], roster_row(0) + ["有线电视服务热线"], roster_row(1) + ["分公司服务热线"], roster_row(2) + ["不存在的热线"]]
    refusal = run_import(admin_user, "roster", xlsx_bytes(rows))
    assert [(e["row"], e["column"]) for e in refusal.details] == [(3, "热线"), (4, "热线")]
    assert "一次只能导入一个热线" in refusal.details[0]["reason"] and "不存在" in refusal.details[1]["reason"]
    assert not Person.objects.exists()


def test_same_staff_no_in_another_hotline_is_another_person(supervisor, foreigner, run_import):
    rows = [ROSTER_HEADERS, roster_row(0, 工号=foreigner.staff_no)]
    assert run_import(supervisor, "roster", xlsx_bytes(rows)).created == 1
    foreigner.refresh_from_db()
    assert foreigner.name == "赵六"


# --- bulk --------------------------------------------------------------------

def _queries_by_kind(captured) -> dict:
    kinds: dict[str, int] = {}
    for query in captured:
        verb = query["sql"].split(None, 1)[0].upper()
        kinds[verb] = kinds.get(verb, 0) + 1
    return kinds


def test_the_number_of_reads_and_updates_does_not_grow_with_the_rows(supervisor, team, run_import):
    """Bulk: one query per kind of row, not one per row (20,000 agents must stay fast).

    Inserts come in batches (SQLite caps the parameters of one statement), so only
    they may grow, and far slower than the rows.
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    # Staff numbers outside the file's 3000+ range, whatever the factory's sequence has reached.
    for n in range(5):
        PersonFactory(team=team, staff_no=f"90{n}")
    with CaptureQueriesContext(connection) as small:
        run_import(supervisor, "roster", roster_file(10))
    with CaptureQueriesContext(connection) as large:
        run_import(supervisor, "roster", roster_file(1500, bad={i: {"姓名": f"新名{i}"} for i in range(0, 10)}))
    small_kinds, large_kinds = _queries_by_kind(small.captured_queries), _queries_by_kind(large.captured_queries)
    assert large_kinds["SELECT"] == small_kinds["SELECT"]
    assert large_kinds["UPDATE"] <= small_kinds["UPDATE"] + 1  # the ten renamed people: one bulk update
    assert large_kinds["INSERT"] < 1500 / 20
