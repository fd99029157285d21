"""`import_sheet` and `export_sheet` on the command line."""
import pytest
from django.core.management import CommandError, call_command

from stardesk.audit.models import AuditEntry
from stardesk.people.models import Person
from stardesk.sheets.models import ImportRun, ImportStatus
from tests.sheets.conftest import roster_file


def test_import_sheet_imports_and_reports_the_counts(tmp_path, hotline, capsys):
    path = tmp_path / "花名册.xlsx"
    path.write_bytes(roster_file(7))
    call_command("import_sheet", "roster", str(path), "--hotline", "main")
    out = capsys.readouterr().out
    assert "新增 7" in out and "有线电视服务热线" in out
    assert Person.objects.filter(hotline=hotline).count() == 7
    run = ImportRun.objects.get()
    assert run.actor is None and run.actor_name == "系统"
    assert AuditEntry.objects.filter(action="person.create", actor_name="系统").count() == 7


def test_import_sheet_prints_every_bad_row_saves_nothing_and_fails(tmp_path, hotline, capsys):
    path = tmp_path / "花名册.xlsx"
    path.write_bytes(roster_file(10, bad={2: {"工号": "1.2E+05"}, 7: {"离职日期": "2024-01-01"}}))
    with pytest.raises(CommandError) as error:
        call_command("import_sheet", "roster", str(path), "--hotline", "main")
    assert "未保存任何数据" in str(error.value)
    table = capsys.readouterr().err.splitlines()
    assert table[0].split() == ["行", "列", "原因"]
    assert table[2].startswith("4 ") and "工号" in table[2] and "科学计数法" in table[2]
    assert table[3].startswith("9 ") and "状态" in table[3]
    assert not Person.objects.exists()
    assert ImportRun.objects.get().status == ImportStatus.REFUSED


def test_import_sheet_as_an_account_checks_its_permission(tmp_path, hotline, leader, supervisor):
    path = tmp_path / "a.xlsx"
    path.write_bytes(roster_file(2))
    with pytest.raises(CommandError, match="没有权限"):
        call_command("import_sheet", "roster", str(path), "--actor", "leader")
    call_command("import_sheet", "roster", str(path), "--actor", "supervisor")
    assert Person.objects.filter(hotline=hotline).count() == 2
    assert ImportRun.objects.get().actor == supervisor


@pytest.mark.parametrize(
    "args, words",
    [
        (["roster", "missing.xlsx", "--hotline", "main"], "文件不存在"),
        (["roster", "{file}", "--hotline", "nowhere"], "热线「nowhere」不存在"),
        (["roster", "{file}"], "请选择热线"),
        (["roster", "{file}", "--actor", "nobody"], "账号「nobody」不存在"),
    ],
)
def test_import_sheet_explains_bad_arguments(tmp_path, hotline, args, words):
    path = tmp_path / "a.xlsx"
    path.write_bytes(roster_file(1))
    with pytest.raises(CommandError) as error:
        call_command("import_sheet", *[arg.replace("{file}", str(path)) for arg in args])
    assert words in str(error.value)


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_export_sheet_writes_the_roster_that_reimports_unchanged(tmp_path, hotline, agent_person, colleague, stranger, capsys, suffix):
    path = tmp_path / f"花名册{suffix}"
    call_command("export_sheet", "roster", "--hotline", "main", "-o", str(path))
    assert "3 行" in capsys.readouterr().out
    entries = AuditEntry.objects.count()
    call_command("import_sheet", "roster", str(path), "--hotline", "main")
    assert "新增 0，修改 0，未变 3" in capsys.readouterr().out
    assert AuditEntry.objects.count() == entries


def test_export_sheet_refuses_an_unknown_format(tmp_path, hotline):
    with pytest.raises(CommandError, match=".xlsx 或 .csv"):
        call_command("export_sheet", "roster", "--hotline", "main", "-o", str(tmp_path / "a.pdf"))
