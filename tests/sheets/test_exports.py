"""Templates and exports: exact headers, 工号 as text, and an export that re-imports unchanged."""
import datetime
import io

import openpyxl
import python_calamine

from stardesk.audit.models import AuditEntry
from stardesk.people.models import Person
from stardesk.sheets import catalog, queries, writing
from tests.factories import PersonFactory, TitleSpellFactory
from tests.sheets.conftest import ROSTER_HEADERS, TITLE_HEADERS

D = datetime.date


def test_the_xlsx_template_has_the_exact_headers_and_staff_no_formatted_as_text():
    workbook = openpyxl.load_workbook(io.BytesIO(writing.template_xlsx(catalog.SHEETS["roster"])))
    sheet = workbook.worksheets[0]
    assert sheet.title == "花名册"
    assert [cell.value for cell in sheet[1]] == ROSTER_HEADERS
    assert sheet.column_dimensions["A"].number_format == "@"  # leading zeros survive typing
    assert sheet.column_dimensions["E"].number_format == "yyyy-mm-dd"
    lists = {str(rule.sqref).split(":")[0]: rule.formula1 for rule in sheet.data_validations.dataValidation}
    assert lists["D2"] == '"正式,临时,外聘"' and lists["H2"] == '"在职,离职"'
    assert workbook.worksheets[1].title == "填写说明"
    assert sheet.max_row == 1  # no example row that could be imported by mistake


def test_the_csv_template_is_the_header_line_with_a_bom():
    data = writing.template_csv(catalog.SHEETS["titles"])
    assert data.startswith("\ufeff".encode())
    assert data.decode("utf-8-sig").strip() == ",".join(TITLE_HEADERS)


def test_a_filled_template_imports(supervisor, run_import):
    workbook = openpyxl.load_workbook(io.BytesIO(writing.template_xlsx(catalog.SHEETS["roster"])))
    sheet = workbook.worksheets[0]
    sheet.append(["00123", "张三", "一班", "正式", D(2022, 3, 1), "话务员", D(2022, 3, 1), "在职", None])
    buffer = io.BytesIO()
    workbook.save(buffer)
    run = run_import(supervisor, "roster", buffer.getvalue())
    assert run.created == 1 and Person.objects.get().staff_no == "00123"


def _export_xlsx(tmp_path, supervisor, kind) -> bytes:
    spec, rows = queries.sheet_export(actor=supervisor, kind=kind, hotline=supervisor.hotline)
    path = tmp_path / f"{kind}.xlsx"
    writing.write_xlsx(str(path), sheet_name=str(spec.title), headers=spec.headers, rows=rows, kinds=writing.spec_kinds(spec))
    return path.read_bytes()


def _export_csv(supervisor, kind) -> bytes:
    spec, rows = queries.sheet_export(actor=supervisor, kind=kind, hotline=supervisor.hotline)
    return b"".join(writing.csv_chunks(spec.headers, rows))


def _varied_roster(team, other_team):
    PersonFactory(team=team, staff_no="0007", name="欧阳娜娜", employment_type="outsourced", hotline_start=D(2021, 5, 6), job_type_start=D(2022, 1, 1))
    PersonFactory(team=other_team, staff_no="1001", name="张三", left_on=D(2024, 6, 30))
    PersonFactory(team=None, hotline=team.hotline, staff_no="KF-9", name="无班组", employment_type="temporary")


def test_a_roster_export_reimports_unchanged_as_xlsx(tmp_path, supervisor, team, other_team, run_import):
    _varied_roster(team, other_team)
    data = _export_xlsx(tmp_path, supervisor, "roster")
    sheet = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0)
    rows = list(sheet.iter_rows())
    assert rows[0] == ROSTER_HEADERS
    assert rows[1][0] == "0007" and rows[1][4] == D(2021, 5, 6)  # 工号 as text, dates as date cells
    entries = AuditEntry.objects.count()
    run = run_import(supervisor, "roster", data)
    assert (run.created, run.updated, run.unchanged) == (0, 0, 3)
    assert AuditEntry.objects.count() == entries


def test_a_roster_export_reimports_unchanged_as_csv(supervisor, team, other_team, run_import):
    _varied_roster(team, other_team)
    data = _export_csv(supervisor, "roster")
    assert data.startswith("\ufeff".encode())
    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0] == ",".join(ROSTER_HEADERS)
    assert lines[1] == "0007,欧阳娜娜,一班,外聘,2021-05-06,话务员,2022-01-01,在职,"
    run = run_import(supervisor, "roster", data, file_name="花名册.csv")
    assert (run.created, run.updated, run.unchanged) == (0, 0, 3)


def test_a_title_export_reimports_unchanged(tmp_path, supervisor, agent_person, run_import):
    TitleSpellFactory(person=agent_person, level=1, start=D(2022, 10, 20), end=D(2023, 10, 20), end_reason="renewal")
    TitleSpellFactory(person=agent_person, level=2, start=D(2023, 10, 20))
    for data, name in ((_export_xlsx(tmp_path, supervisor, "titles"), "a.xlsx"), (_export_csv(supervisor, "titles"), "a.csv")):
        run = run_import(supervisor, "titles", data, file_name=name)
        assert (run.created, run.updated, run.unchanged) == (0, 0, 2)


def test_csv_export_neutralises_cells_excel_would_run_as_formulas():
    data = b"".join(writing.csv_chunks(["姓名"], [["=HYPERLINK(\"http://x\")"], ["张三"]]))
    assert data.decode("utf-8-sig").splitlines()[1:] == ["\"'=HYPERLINK(\"\"http://x\"\")\"", "张三"]


def test_csv_export_streams_in_chunks():
    chunks = list(writing.csv_chunks(["工号"], ([str(i)] for i in range(2000)), rows_per_chunk=500))
    assert len(chunks) == 5
