"""Writing sheets: exports (.xlsx and .csv from headers and rows) and the blank templates of each import.

Exports are written row by row: xlsxwriter in constant-memory mode to a
temporary file, CSV as a stream of encoded chunks. 20,000 rows never sit in
memory as a workbook.
"""
import csv
import datetime
import io
import tempfile
from collections.abc import Iterable, Iterator
from decimal import Decimal

import xlsxwriter
from django.conf import settings
from django.utils.translation import gettext as _

from stardesk.sheets.specs import SheetSpec

BOM = "\ufeff"
DATE_FORMAT = "yyyy-mm-dd"
MONTH_FORMAT = "yyyy-mm"
# Excel runs a cell that starts with one of these as a formula when it opens a CSV.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_WORKBOOK_OPTIONS = {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, bool):
        return "是" if value else "否"
    text = str(value)
    if isinstance(value, str) and text.startswith(_FORMULA_START):
        return "'" + text
    return text


def csv_chunks(headers: list[str], rows: Iterable[list], *, rows_per_chunk: int = 500) -> Iterator[bytes]:
    """UTF-8 with a BOM, so Excel on Chinese Windows opens the Chinese text correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write(BOM)
    writer.writerow(headers)
    for count, row in enumerate(rows, start=1):
        writer.writerow([_csv_cell(value) for value in row])
        if count % rows_per_chunk == 0:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


class _Formats:
    def __init__(self, workbook):
        self.header = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "valign": "vcenter"})
        self.required = workbook.add_format({"bold": True, "bg_color": "#FFE699", "border": 1, "valign": "vcenter"})
        self.date = workbook.add_format({"num_format": DATE_FORMAT})
        self.month = workbook.add_format({"num_format": MONTH_FORMAT})
        self.text = workbook.add_format({"num_format": "@"})
        self.wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
        self.title = workbook.add_format({"bold": True, "font_size": 13})


def _column_width(header: str, kind: str) -> int:
    return max(len(header) * 2 + 4, {"date": 14, "month": 11, "staff_no": 12, "choice": 11}.get(kind, 12))


def write_xlsx(target, *, sheet_name: str, headers: list[str], rows: Iterable[list], kinds: list[str] | None = None) -> None:
    """Write `rows` under `headers` to `target` (a path): dates as date cells, 工号-like text as text, numbers as numbers."""
    workbook = xlsxwriter.Workbook(target, {"constant_memory": True, **_WORKBOOK_OPTIONS})
    formats = _Formats(workbook)
    sheet = workbook.add_worksheet(sheet_name[:31])
    kinds = kinds or ["text"] * len(headers)
    for index, (header, kind) in enumerate(zip(headers, kinds)):
        column_format = {"date": formats.date, "month": formats.month, "staff_no": formats.text}.get(kind)
        sheet.set_column(index, index, _column_width(header, kind), column_format)
        sheet.write_string(0, index, header, formats.header)
    sheet.freeze_panes(1, 0)
    for row_index, row in enumerate(rows, start=1):
        for index, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, datetime.datetime):
                sheet.write_datetime(row_index, index, value.replace(tzinfo=None), formats.date)
            elif isinstance(value, datetime.date):
                sheet.write_datetime(row_index, index, value, formats.month if kinds[index] == "month" else formats.date)
            elif isinstance(value, bool):
                sheet.write_string(row_index, index, "是" if value else "否")
            elif isinstance(value, (int, float, Decimal)):
                sheet.write_number(row_index, index, value)
            else:
                sheet.write_string(row_index, index, str(value), formats.text if kinds[index] == "staff_no" else None)
    workbook.close()


def xlsx_file(*, sheet_name: str, headers: list[str], rows: Iterable[list], kinds: list[str] | None = None):
    """An open temporary file holding the workbook, positioned at its start; it is deleted when closed."""
    handle = tempfile.NamedTemporaryFile(suffix=".xlsx", dir=settings.FILE_UPLOAD_TEMP_DIR)
    write_xlsx(handle.name, sheet_name=sheet_name, headers=headers, rows=rows, kinds=kinds)
    handle.seek(0)
    return handle


def spec_kinds(spec: SheetSpec) -> list[str]:
    return [column.parser.kind for column in spec.columns]


def template_xlsx(spec: SheetSpec, *, template_rows: int = 5000) -> bytes:
    """The blank import template: exact headers (required ones highlighted), 工号 formatted as text,
    date columns as dates, drop-down lists for the fixed words, and a sheet of instructions."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, **_WORKBOOK_OPTIONS})
    formats = _Formats(workbook)
    sheet = workbook.add_worksheet(str(spec.title))
    for index, column in enumerate(spec.columns):
        kind = column.parser.kind
        column_format = {"date": formats.date, "month": formats.month, "staff_no": formats.text}.get(kind)
        sheet.set_column(index, index, _column_width(column.header, kind), column_format)
        sheet.write_string(0, index, column.header, formats.required if column.required else formats.header)
        sheet.write_comment(0, index, _hint(column), {"x_scale": 2, "y_scale": 1.2})
        if kind == "choice":
            sheet.data_validation(
                1, index, template_rows, index,
                {
                    "validate": "list",
                    "source": column.parser.choices,
                    "error_title": column.header,
                    "error_message": str(column.parser.hint),
                    "ignore_blank": True,
                },
            )
    sheet.freeze_panes(1, 0)
    _instructions(workbook, formats, spec)
    workbook.close()
    return buffer.getvalue()


def _hint(column) -> str:
    parts = [_("必填") if column.required else _("可留空"), str(column.parser.hint)]
    if column.note:
        parts.append(str(column.note))
    return "；".join(parts)


def _instructions(workbook, formats, spec: SheetSpec) -> None:
    sheet = workbook.add_worksheet(_("填写说明"))
    sheet.set_column(0, 0, 16)
    sheet.set_column(1, 1, 10)
    sheet.set_column(2, 2, 70)
    sheet.write_string(0, 0, _("%(title)s导入模板填写说明") % {"title": spec.title}, formats.title)
    sheet.write_row(2, 0, [_("列名"), _("是否必填"), _("填写要求")], formats.header)
    line = 3
    for column in spec.columns:
        requirement = str(column.parser.hint) + (f"；{column.note}" if column.note else "")
        sheet.write_row(line, 0, [column.header, _("必填") if column.required else _("可留空"), requirement], formats.wrap)
        line += 1
    line += 1
    general = [
        *[str(note) for note in spec.notes],
        _("第 1 行是表头，列的顺序不限；多余的列会被忽略，空行会被跳过。"),
        _("日期可以是日期格式的单元格，也可以写成 2025-03-01、2025/3/1、2025.3.1 或 2025年3月1日。"),
        _("导入要么全部保存，要么一条都不保存：有任何错误时，系统会列出每一个有问题的行、列和原因。"),
        _("同一个文件重复导入不会产生任何变化。"),
        _("系统管理员可以增加一列「热线」，填写热线名称。"),
        _("也可以另存为 CSV（UTF-8 或 GBK 编码均可）后导入。"),
    ]
    sheet.write_string(line, 0, _("注意事项"), formats.title)
    for number, text in enumerate(general, start=1):
        sheet.write_string(line + number, 0, f"{number}. {text}")


def template_csv(spec: SheetSpec) -> bytes:
    return b"".join(csv_chunks(spec.headers, []))
