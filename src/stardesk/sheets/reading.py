"""Reading an uploaded .xlsx or .csv into rows of raw cells, with their row numbers as Excel shows them.

Anything that is not a spreadsheet we can read (a PDF or picture renamed, an
empty file, a zip that is not a workbook, a file too big) is refused here with
a DomainError whose message says what to do; nothing past this module sees it.
"""
import csv
import io
import zipfile
from dataclasses import dataclass, field

import python_calamine
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from stardesk.core.errors import DomainError
from stardesk.sheets.cells import clean_text, is_blank

EXTENSIONS = (".xlsx", ".csv")
# How far below the top a header row is looked for (a title line above it is common).
HEADER_SEARCH_ROWS = 10
# An .xlsx is a zip; its sheets may not unpack to more than this many times the upload limit.
UNPACKED_RATIO = 15

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_KNOWN_MAGIC = {
    b"%PDF": _("PDF 文件"),
    b"\x89PNG": _("PNG 图片"),
    b"\xff\xd8\xff": _("JPEG 图片"),
    b"GIF8": _("GIF 图片"),
    b"Rar!": _("RAR 压缩包"),
    b"7z\xbc\xaf": _("7z 压缩包"),
}


@dataclass
class Table:
    """The sheet as found: its header cells and the non-blank rows below, each with its Excel row number."""

    sheet_name: str
    header_row: int
    headers: list[str]
    rows: list[tuple[int, list]] = field(default_factory=list)


def normalise_header(value) -> str:
    """Headers match after trimming spaces of any width, inside too (`工 号` is 工号)."""
    if value is None:
        return ""
    text = clean_text(value) if isinstance(value, str) else str(value)
    return "".join(text.split())


def _unreadable(message) -> DomainError:
    return DomainError("import_unreadable", message)


def _too_large(message) -> DomainError:
    return DomainError("import_too_large", message)


def read_bytes(source, *, limit: int) -> bytes:
    """The upload's bytes, refusing more than `limit` without reading all of a huge file."""
    if isinstance(source, bytes):
        data = source
    else:
        if hasattr(source, "seek"):
            source.seek(0)
        data = source.read(limit + 1)
    if len(data) > limit:
        raise _too_large(_("文件超过 %(mb)s MB 的上限，请分批导入。") % {"mb": _megabytes(limit)})
    return data


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g}"


def read_table(source, file_name: str, *, wanted_headers: set[str], preferred_sheet: str = "") -> Table:
    """Read `source` (bytes or a file) named `file_name`; `wanted_headers` locate the header row."""
    limit = settings.STARDESK_IMPORT_MAX_BYTES
    data = read_bytes(source, limit=limit)
    name = (file_name or "").strip().lower()
    if not name.endswith(EXTENSIONS):
        if name.endswith(".xls"):
            raise _unreadable(_("不支持旧版 .xls 格式，请在 Excel 中“另存为” .xlsx 或 CSV 后上传。"))
        raise _unreadable(_("只能导入 .xlsx 或 .csv 文件（当前文件：%(name)s）。") % {"name": file_name or "—"})
    if not data:
        raise _unreadable(_("文件是空的。"))
    for magic, what in _KNOWN_MAGIC.items():
        if data.startswith(magic):
            raise _unreadable(_("这不是表格文件，而是%(what)s；请上传 .xlsx 或 .csv 文件。") % {"what": what})
    if name.endswith(".xlsx"):
        sheet_name, rows = _xlsx_rows(data, preferred_sheet)
    else:
        sheet_name, rows = "", _csv_rows(data)
    return _locate(rows, sheet_name, wanted_headers)


def _xlsx_rows(data: bytes, preferred_sheet: str) -> tuple[str, list[tuple[int, list]]]:
    if data.startswith(_OLE_MAGIC):
        raise _unreadable(_("这是加密的或旧版（.xls）Excel 文件；请取消密码保护并另存为 .xlsx 后上传。"))
    if not data.startswith(_ZIP_MAGIC):
        raise _unreadable(_("文件内容不是 .xlsx 格式；请在 Excel 中“另存为” .xlsx 后上传。"))
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, EOFError, ValueError):
        raise _unreadable(_("文件已损坏，无法打开；请在 Excel 中重新保存后上传。")) from None
    if "xl/workbook.xml" not in names:
        raise _unreadable(_("这是一个压缩包，不是 Excel 工作簿；请上传 .xlsx 文件。"))
    if unpacked > settings.STARDESK_IMPORT_MAX_BYTES * UNPACKED_RATIO:
        raise _too_large(_("工作簿解压后过大，请删除多余的工作表或分批导入。"))
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheet = workbook.get_sheet_by_name(_pick_sheet(workbook, preferred_sheet))
        raw = list(sheet.iter_rows())
        start, end = sheet.start, sheet.end
    except DomainError:
        raise
    except Exception:  # calamine raises several error types for a damaged file; all mean the same to the user
        raise _unreadable(_("文件已损坏或格式不受支持，无法读取；请在 Excel 中重新保存为 .xlsx 后上传。")) from None
    if not raw:
        return sheet.name, []
    # iter_rows starts at row 1 when the sheet is padded, at the first used row when not.
    offset = 0 if start is None or len(raw) == end[0] + 1 else start[0]
    return sheet.name, [(index + offset + 1, cells) for index, cells in enumerate(raw)]


def _pick_sheet(workbook, preferred: str) -> str:
    """The sheet named like the import (花名册) if there is one, else the first visible worksheet."""
    visible = [
        meta.name
        for meta in workbook.sheets_metadata
        if meta.visible == python_calamine.SheetVisibleEnum.Visible and meta.typ == python_calamine.SheetTypeEnum.WorkSheet
    ]
    if not visible:
        raise _unreadable(_("工作簿里没有可见的工作表。"))
    for name in visible:
        if preferred and normalise_header(name) == preferred:
            return name
    return visible[0]


def _decode(data: bytes) -> str:
    """UTF-8 (with or without BOM) first, then GB18030 (a superset of GBK), as Chinese Excel saves CSV."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        # Excel's "Unicode text" is UTF-16 with a BOM.
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise _unreadable(_("无法识别文件的文字编码；请另存为“CSV UTF-8”后上传。")) from None
    if b"\x00" in data:
        raise _unreadable(_("文件内容不是 CSV 文本；请上传 .xlsx 文件或用 Excel 另存为 CSV。"))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _unreadable(_("无法识别文件的文字编码；请另存为“CSV UTF-8”或 GBK 编码的 CSV 后上传。"))


def _csv_rows(data: bytes) -> list[tuple[int, list]]:
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    # Excel's "Unicode text" is separated by tabs; a CSV by commas.
    delimiter = "\t" if "\t" in first_line and "," not in first_line else ","
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        return [(index, cells) for index, cells in enumerate(reader, start=1)]
    except csv.Error:
        raise _unreadable(_("CSV 文件格式有误（引号不配对等），无法读取；请用 Excel 重新保存后上传。")) from None


def _row_is_blank(cells) -> bool:
    return all(is_blank(cell) for cell in cells)


def _locate(rows: list[tuple[int, list]], sheet_name: str, wanted_headers: set[str]) -> Table:
    """The header row is the first row holding every wanted header (or, failing that, the first non-blank row)."""
    max_rows = settings.STARDESK_IMPORT_MAX_ROWS
    candidates = []
    for position, (number, cells) in enumerate(rows):
        if _row_is_blank(cells):
            continue
        candidates.append(position)
        headers = [normalise_header(cell) for cell in cells]
        if wanted_headers <= set(headers):
            header_position = position
            break
        if len(candidates) >= HEADER_SEARCH_ROWS:
            header_position = candidates[0]
            break
    else:
        if not candidates:
            raise _unreadable(_("文件里没有任何内容。"))
        header_position = candidates[0]
    header_number, header_cells = rows[header_position]
    table = Table(sheet_name=sheet_name, header_row=header_number, headers=[normalise_header(c) for c in header_cells])
    data_rows = table.rows
    for number, cells in rows[header_position + 1 :]:
        if _row_is_blank(cells):
            continue
        data_rows.append((number, cells))
        if len(data_rows) > max_rows:
            raise _too_large(_("数据超过 %(n)s 行的上限，请分批导入。") % {"n": max_rows})
    return table
