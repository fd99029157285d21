"""Builders of import files, written in the tests themselves (openpyxl for .xlsx, csv for .csv)."""
import csv
import datetime
import io

import openpyxl
import pytest

from stardesk.sheets import services

ROSTER_HEADERS = ["工号", "姓名", "班组", "用工性质", "进入热线日期", "工种", "工种起始日期", "状态", "离职日期"]
TITLE_HEADERS = ["工号", "星级", "工种", "授牌日期", "终止日期", "终止原因"]


def xlsx_bytes(rows, *, title="Sheet1", formats=None) -> bytes:
    """A workbook whose first sheet holds `rows`; `formats` maps a 1-based column to a number format."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = title
    for row in rows:
        sheet.append(list(row))
    for column, number_format in (formats or {}).items():
        for (cell,) in sheet.iter_rows(min_col=column, max_col=column):
            cell.number_format = number_format
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows, *, encoding="utf-8-sig", delimiter=",") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode(encoding)


def roster_row(number: int, **overrides) -> list:
    """A good roster row: 工号 3000+n, in 一班 or 三班 (the latter unknown to the fixtures)."""
    values = {
        "工号": f"{3000 + number}",
        "姓名": f"客服{number}",
        "班组": "一班" if number % 2 else "三班",
        "用工性质": ["正式", "临时", "外聘"][number % 3],
        "进入热线日期": datetime.date(2020, 1, 1) + datetime.timedelta(days=number),
        "工种": "话务员",
        "工种起始日期": datetime.date(2020, 6, 1) + datetime.timedelta(days=number),
        "状态": "在职",
        "离职日期": None,
    }
    values.update(overrides)
    return [values[header] for header in ROSTER_HEADERS]


def roster_file(count: int, *, bad: dict | None = None) -> bytes:
    """An .xlsx roster of `count` people; `bad` maps a data row index (0-based) to overrides."""
    bad = bad or {}
    rows = [ROSTER_HEADERS] + [roster_row(i, **bad.get(i, {})) for i in range(count)]
    return xlsx_bytes(rows, title="花名册")


@pytest.fixture
def run_import():
    """Import `data` as `kind` on behalf of `actor`; returns the run, or the refusal when nothing was saved."""

    def run(actor, kind, data, file_name="花名册.xlsx", hotline=None):
        try:
            return services.sheet_import(actor=actor, kind=kind, source=data, file_name=file_name, hotline=hotline)
        except services.ImportRefused as refusal:
            return refusal

    return run
