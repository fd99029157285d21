"""Reading files as Chinese Excel writes them, and refusing what is not a spreadsheet."""
import datetime
import io
import zipfile

import pytest

from stardesk.core.errors import DomainError
from stardesk.sheets.reading import read_table
from tests.sheets.conftest import ROSTER_HEADERS, csv_bytes, xlsx_bytes

WANTED = {"工号", "姓名"}
ROWS = [["工号", "姓名", "备注"], ["0012", "张三", "x"], ["1023", "李四", ""]]


def cells(table):
    return [(number, [str(c) for c in row[:2]]) for number, row in table.rows]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_in_every_encoding_chinese_excel_writes(encoding):
    table = read_table(csv_bytes(ROWS, encoding=encoding), "名册.csv", wanted_headers=WANTED)
    assert table.headers[:2] == ["工号", "姓名"]
    assert cells(table) == [(2, ["0012", "张三"]), (3, ["1023", "李四"])]


def test_csv_in_gb18030_keeps_characters_gbk_lacks():
    rows = [["工号", "姓名"], ["1", "王䶮"]]
    table = read_table(csv_bytes(rows, encoding="gb18030"), "a.csv", wanted_headers=WANTED)
    assert table.rows[0][1][1] == "王䶮"


def test_unicode_text_from_excel_is_utf16_with_tabs():
    table = read_table(csv_bytes(ROWS, encoding="utf-16", delimiter="\t"), "a.csv", wanted_headers=WANTED)
    assert cells(table) == [(2, ["0012", "张三"]), (3, ["1023", "李四"])]


def test_xlsx_date_and_number_cells_come_as_values():
    data = xlsx_bytes([["工号", "姓名", "日期", "分数"], [1023, "张三", datetime.date(2025, 3, 1), 95.5]])
    table = read_table(data, "a.xlsx", wanted_headers=WANTED)
    number, row = table.rows[0]
    assert number == 2
    assert row[0] == 1023.0 and row[2] == datetime.date(2025, 3, 1) and row[3] == 95.5


def test_headers_match_after_trimming_spaces_of_any_width():
    data = xlsx_bytes([[" 工号 ", "姓　名", "　备注"], ["1", "张三", ""]])
    table = read_table(data, "a.xlsx", wanted_headers=WANTED)
    assert table.headers == ["工号", "姓名", "备注"]


def test_blank_rows_are_skipped_and_row_numbers_are_excels():
    rows = [["工号", "姓名"], ["1", "甲"], [None, None], ["", "  "], ["2", "乙"]]
    table = read_table(xlsx_bytes(rows), "a.xlsx", wanted_headers=WANTED)
    assert [number for number, _ in table.rows] == [2, 5]
    table = read_table(csv_bytes(rows), "a.csv", wanted_headers=WANTED)
    assert [number for number, _ in table.rows] == [2, 5]


def test_a_title_line_above_the_headers_is_allowed():
    rows = [["2025年花名册"], [], ["工号", "姓名"], ["1", "甲"]]
    table = read_table(xlsx_bytes(rows), "a.xlsx", wanted_headers=WANTED)
    assert table.header_row == 3
    assert [number for number, _ in table.rows] == [4]


def test_the_sheet_named_like_the_import_is_preferred():
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.title = "说明"
    workbook.active.append(["这里是说明"])
    roster = workbook.create_sheet("花名册")
    roster.append(["工号", "姓名"])
    roster.append(["7", "甲"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    table = read_table(buffer.getvalue(), "a.xlsx", wanted_headers=WANTED, preferred_sheet="花名册")
    assert table.sheet_name == "花名册" and table.rows[0][1][:2] == ["7", "甲"]


def _zip(**files) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "data, name, words",
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3 trailer", "名册.xlsx", "PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "名册.xlsx", "PNG"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "名册.csv", "PNG"),
        (b"", "名册.xlsx", "空的"),
        (b"", "名册.csv", "空的"),
        (_zip(**{"readme.txt": "hello"}), "名册.xlsx", "压缩包"),
        (b"just some text, not a workbook", "名册.xlsx", "不是 .xlsx"),
        (b"PK\x03\x04broken zip", "名册.xlsx", "损坏"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "名册.xlsx", ".xls"),
        (b"\x00\x01\x02\x03binary", "名册.csv", "不是 CSV"),
        (csv_bytes(ROWS), "名册.txt", "只能导入 .xlsx 或 .csv"),
        (csv_bytes(ROWS), "名册.pdf", "只能导入 .xlsx 或 .csv"),
        (csv_bytes(ROWS), "名册.xls", ".xls"),
        (csv_bytes([["工号"]]), "名册.csv", "缺少"),
    ],
)
def test_not_a_spreadsheet_gets_a_chinese_message(data, name, words):
    with pytest.raises(DomainError) as error:
        table = read_table(data, name, wanted_headers=WANTED)
        # A readable file without the wanted headers is refused by the sheet spec: check it here too.
        from stardesk.sheets.catalog import SHEETS
        from stardesk.sheets.specs import parse_rows

        parse_rows(SHEETS["roster"], table)
    assert words in error.value.message


def test_a_file_over_the_byte_limit_is_refused_before_reading(settings):
    settings.STARDESK_IMPORT_MAX_BYTES = 1000
    with pytest.raises(DomainError) as error:
        read_table(csv_bytes([ROSTER_HEADERS] + [["1"] * 9] * 200), "a.csv", wanted_headers=WANTED)
    assert error.value.code == "import_too_large"
    assert "上限" in error.value.message


def test_a_file_over_the_row_limit_is_refused(settings):
    settings.STARDESK_IMPORT_MAX_ROWS = 5
    with pytest.raises(DomainError) as error:
        read_table(csv_bytes([["工号", "姓名"]] + [[str(i), "甲"] for i in range(6)]), "a.csv", wanted_headers=WANTED)
    assert error.value.code == "import_too_large" and "5 行" in error.value.message


def test_a_workbook_that_unpacks_to_something_huge_is_refused(settings):
    settings.STARDESK_IMPORT_MAX_BYTES = 10_000
    data = _zip(**{"xl/workbook.xml": "<workbook/>", "xl/worksheets/sheet1.xml": " " * 1_000_000})
    assert len(data) < 10_000
    with pytest.raises(DomainError) as error:
        read_table(data, "a.xlsx", wanted_headers=WANTED)
    assert error.value.code == "import_too_large"


def test_a_file_with_only_blank_rows_says_so():
    with pytest.raises(DomainError) as error:
        read_table(csv_bytes([["", ""], ["  ", ""]]), "a.csv", wanted_headers=WANTED)
    assert "没有任何内容" in error.value.message
