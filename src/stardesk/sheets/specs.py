"""The declaration of a sheet: its columns (header, parser, required, key) and what saves it.

Every import and its downloadable template come from one SheetSpec; a new
sheet (月度考核, 监听评分, …) is a spec plus its prepare and apply functions,
listed in `catalog.py`.
"""
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from stardesk.core.errors import DomainError
from stardesk.sheets.cells import CellError, Parser, clean_text, is_blank
from stardesk.sheets.reading import Table

# Optional in every import: a group administrator may name the hotline row by row.
HOTLINE_HEADER = "热线"


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    parser: Parser
    required: bool = True
    key: bool = False
    note: str = ""


@dataclass
class Row:
    """One non-blank row of the file: its Excel row number and its parsed values by field name."""

    number: int
    values: dict
    hotline_name: str = ""
    # False when the row has a problem; such a row is reported and goes no further.
    complete: bool = True
    # Fields whose cell could not be read (their value is None, the problem already reported).
    unreadable: frozenset = frozenset()


@dataclass(frozen=True)
class Problem:
    row: int | None
    column: str
    reason: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "reason": self.reason}


class Problems:
    """Every bad row of an import, collected before anything is saved."""

    def __init__(self):
        self.items: list[Problem] = []

    def add(self, row: int | None, column: str, reason) -> None:
        self.items.append(Problem(row, str(column), str(reason)))

    def __bool__(self) -> bool:
        return bool(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def as_list(self) -> list[dict]:
        ordered = sorted(self.items, key=lambda p: (p.row is not None, p.row or 0))
        return [problem.as_dict() for problem in ordered]


class RowsRefused(Exception):
    """Raised by a save function when rows are bad: the transaction rolls back and every problem is reported."""

    def __init__(self, problems: Problems):
        self.problems = problems
        super().__init__(f"{len(problems)} bad rows")


@dataclass
class Outcome:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)


@dataclass
class ImportContext:
    """What a save function needs besides the rows: who imports, into which hotline, from which file."""

    actor: object
    hotline: object
    file_name: str
    note: str = ""


@dataclass(frozen=True)
class SheetSpec:
    kind: str
    title: str
    description: str
    columns: tuple[Column, ...]
    # prepare: compare the good rows with what is stored, add problems, return a plan; nothing is written.
    prepare: Callable[[ImportContext, list[Row], Problems], object]
    # apply: write the plan (only called when there are no problems) and its audit entries.
    apply: Callable[[ImportContext, object], Outcome]
    permission: str
    # The rows of the same sheet for a hotline, in column order: an export re-imports unchanged.
    export_rows: Callable[[object], Iterable[list]] | None = None
    # check_row: the rules within one row (e.g. 离职 needs 离职日期), run on every row, even one with a
    # bad cell (its value is None), so a user sees all of a row's problems at once. False when bad.
    check_row: Callable[[Row, Problems], bool] | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def headers(self) -> list[str]:
        return [column.header for column in self.columns]

    @property
    def required_headers(self) -> set[str]:
        return {column.header for column in self.columns if column.required}

    @property
    def key_columns(self) -> list[Column]:
        return [column for column in self.columns if column.key]

    def column(self, field_name: str) -> Column:
        for column in self.columns:
            if column.field == field_name:
                return column
        raise KeyError(field_name)


def _column_positions(spec: SheetSpec, table: Table) -> tuple[dict[str, int], int | None]:
    positions: dict[str, int] = {}
    known = set(spec.headers) | {HOTLINE_HEADER}
    for index, header in enumerate(table.headers):
        if header in known:
            if header in positions:
                raise DomainError(
                    "import_missing_headers",
                    _("第 %(row)s 行的表头「%(h)s」出现了两次，请删除多余的一列。") % {"row": table.header_row, "h": header},
                )
            positions[header] = index
    missing = [column.header for column in spec.columns if column.required and column.header not in positions]
    if missing:
        raise DomainError(
            "import_missing_headers",
            _("缺少必需的列：%(missing)s。第 %(row)s 行的表头应为：%(expected)s（顺序不限）。")
            % {"missing": "、".join(missing), "row": table.header_row, "expected": "、".join(spec.headers)},
        )
    hotline_position = positions.pop(HOTLINE_HEADER, None)
    return positions, hotline_position


def parse_rows(spec: SheetSpec, table: Table) -> tuple[list[Row], Problems]:
    """Every row parsed cell by cell, then checked on its own (`check_row`); bad cells, bad rows and
    keys repeated within the file become problems. Rows that are not good come back with `complete` False."""
    positions, hotline_position = _column_positions(spec, table)
    plan = [(column, positions.get(column.header)) for column in spec.columns]
    keys = spec.key_columns
    key_label = "、".join(column.header for column in keys)
    seen: dict[tuple, int] = {}
    problems = Problems()
    rows: list[Row] = []
    for number, cells in table.rows:
        width = len(cells)
        values = {}
        unreadable = set()
        row_ok = True
        for column, position in plan:
            raw = cells[position] if position is not None and position < width else None
            if is_blank(raw):
                if column.required:
                    problems.add(number, column.header, _("必填，不能为空"))
                    row_ok = False
                values[column.field] = None
                continue
            try:
                values[column.field] = column.parser(raw)
            except CellError as error:
                problems.add(number, column.header, error.reason)
                unreadable.add(column.field)
                row_ok = False
                values[column.field] = None
        hotline_name = ""
        if hotline_position is not None and hotline_position < width and not is_blank(cells[hotline_position]):
            hotline_name = clean_text(cells[hotline_position])
        key = tuple(values[column.field] for column in keys)
        # A repeated key is found even when other cells of either row are bad.
        if keys and None not in key:
            if key in seen:
                problems.add(number, key_label, _("与第 %(row)s 行重复（同一%(key)s）") % {"row": seen[key], "key": key_label})
                row_ok = False
            else:
                seen[key] = number
        row = Row(number=number, values=values, hotline_name=hotline_name, complete=row_ok, unreadable=frozenset(unreadable))
        if spec.check_row is not None and not spec.check_row(row, problems):
            row.complete = False
        rows.append(row)
    return rows, problems
