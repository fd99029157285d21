"""Every cell form of workbook.md ("Cells as people actually fill them"), accepted and refused."""
import datetime
from decimal import Decimal

import pytest

from stardesk.sheets.cells import CellError, Choice, Date, Integer, Month, Score, StaffNo, Text, is_blank

D = datetime.date


# --- 工号 -------------------------------------------------------------------

@pytest.mark.parametrize(
    "raw, expected",
    [
        ("1023", "1023"),
        ("0012", "0012"),  # text keeps its leading zeros
        (1023.0, "1023"),  # a number cell is its integer
        (1023, "1023"),
        ("  1023　", "1023"),  # spaces and a full-width space around
        ("１０２３", "1023"),  # full-width digits
        ("KF-001", "KF-001"),
        ("\ufeff1023", "1023"),  # an invisible BOM left by copy and paste
    ],
)
def test_staff_no_accepted_forms(raw, expected):
    assert StaffNo()(raw) == expected


@pytest.mark.parametrize(
    "raw, words",
    [
        (1023.5, "整数"),
        (-5.0, "整数"),
        ("1.23457E+11", "科学计数法"),  # Excel lost the digits
        ("10 23", "只能包含"),
        ("1023.0", "只能包含"),  # text: not a number cell, so not guessed
        (True, "不是有效工号"),
        (D(2025, 3, 1), "不是有效工号"),
        ("1" * 31, "30"),
    ],
)
def test_staff_no_refused_forms(raw, words):
    with pytest.raises(CellError) as error:
        StaffNo()(raw)
    assert words in error.value.reason


# --- dates -------------------------------------------------------------------

@pytest.mark.parametrize(
    "raw",
    [
        D(2025, 3, 1),
        datetime.datetime(2025, 3, 1, 0, 0),
        "2025-03-01",
        "2025-3-1",
        "2025/3/1",
        "2025/03/01",
        "2025.3.1",
        "2025年3月1日",
        "2025 年 3 月 1 日",
        " 2025-03-01　",
        "２０２５－０３－０１",
        "２０２５年３月１日",
    ],
)
def test_date_accepted_forms(raw):
    assert Date()(raw) == D(2025, 3, 1)


@pytest.mark.parametrize(
    "raw, words",
    [
        ("2025-02-30", "不是存在的日期"),
        ("2025-13-01", "不是存在的日期"),
        ("2025/3", "不是有效日期"),  # a month is not a date
        ("20250301", "不是有效日期"),
        ("2025-3/1", "不是有效日期"),  # mixed separators
        ("3/1/2025", "不是有效日期"),  # no guessing at day-month order
        ("明天", "不是有效日期"),
        (45717.0, "是数字"),  # a date cell formatted as 常规 shows its serial number
        (True, "逻辑值"),
        ("1899-12-31", "年份超出范围"),
        (datetime.time(10, 0), "时间"),
    ],
)
def test_date_refused_forms(raw, words):
    with pytest.raises(CellError) as error:
        Date()(raw)
    assert words in error.value.reason


# --- months ------------------------------------------------------------------

@pytest.mark.parametrize(
    "raw",
    [
        D(2025, 3, 1),
        D(2025, 3, 17),  # a date cell: any day of the month
        datetime.datetime(2025, 3, 31, 8, 0),
        "2025-03",
        "2025-3",
        "2025/3",
        "2025/03",
        "2025年3月",
        "２０２５年３月",
        "2025/3/1",  # a date cell saved to CSV
    ],
)
def test_month_accepted_forms(raw):
    assert Month()(raw) == D(2025, 3, 1)


@pytest.mark.parametrize(
    "raw, words",
    [
        ("2025-13", "不是存在的月份"),
        ("2025-00", "不是存在的月份"),
        ("2025.3", "不是有效月份"),
        ("202503", "不是有效月份"),
        ("三月", "不是有效月份"),
        (202503.0, "是数字"),
    ],
)
def test_month_refused_forms(raw, words):
    with pytest.raises(CellError) as error:
        Month()(raw)
    assert words in error.value.reason


# --- scores (C2) ---------------------------------------------------------------

@pytest.mark.parametrize(
    "raw, expected",
    [
        (95, Decimal("95.0")),
        (95.0, Decimal("95.0")),
        (95.5, Decimal("95.5")),
        (90.1, Decimal("90.1")),  # a float cell read as its shortest decimal, never 90.0999…
        ("95", Decimal("95.0")),
        ("95.5", Decimal("95.5")),
        ("９５．５", Decimal("95.5")),
        ("95分", Decimal("95.0")),
        ("95.5 分", Decimal("95.5")),
        (" 100 ", Decimal("100.0")),
        ("0", Decimal("0.0")),
        ("88.0", Decimal("88.0")),
    ],
)
def test_c2_score_accepted_forms(raw, expected):
    value = Score()(raw)
    assert value == expected and isinstance(value, Decimal)


@pytest.mark.parametrize(
    "raw, words",
    [
        ("95.55", "超过一位小数"),
        (95.55, "超过一位小数"),
        ("100.1", "超出 0–100"),
        (101, "超出 0–100"),
        ("-1", "超出 0–100"),
        (-0.5, "超出 0–100"),
        ("九十五", "不是分数"),
        ("95%", "不是分数"),
        ("95.", "不是分数"),
        (True, "逻辑值"),
        (D(2025, 3, 1), "不是分数"),
    ],
)
def test_c2_score_refused_forms(raw, words):
    with pytest.raises(CellError) as error:
        Score()(raw)
    assert words in error.value.reason


# --- integers ----------------------------------------------------------------

@pytest.mark.parametrize("raw, expected", [(2, 2), (2.0, 2), ("2", 2), ("２", 2), ("2星", 2), ("二星", 2), (" 3 ", 3), ("1.0", 1)])
def test_integer_accepted_forms(raw, expected):
    assert Integer(minimum=1, maximum=3, units=("星",), words={"一星": 1, "二星": 2, "三星": 3})(raw) == expected


@pytest.mark.parametrize("raw, words", [(4, "超出范围"), ("0", "超出范围"), (2.5, "不是整数"), ("2.5", "不是整数"), ("两星", "不是整数"), (True, "逻辑值")])
def test_integer_refused_forms(raw, words):
    with pytest.raises(CellError) as error:
        Integer(minimum=1, maximum=3, units=("星",), words={"一星": 1})(raw)
    assert words in error.value.reason


def test_integer_with_one_bound_names_that_bound():
    with pytest.raises(CellError) as error:
        Integer(minimum=2000)("1999")
    assert "小于 2000" in error.value.reason


# --- choices and text ----------------------------------------------------------

def test_choice_returns_the_stored_value_of_the_word():
    parse = Choice({"正式": "permanent", "临时": "temporary", "外聘": "outsourced"})
    assert parse("正式") == "permanent"
    assert parse(" 外聘　") == "outsourced"


def test_choice_refuses_a_word_outside_the_list_and_names_the_list():
    with pytest.raises(CellError) as error:
        Choice({"正式": "permanent", "临时": "temporary"})("合同工")
    assert "「合同工」" in error.value.reason and "正式、临时" in error.value.reason


def test_text_is_trimmed_and_limited():
    assert Text(max_length=5)("  张三　") == "张三"
    assert Text()(12.0) == "12"
    with pytest.raises(CellError) as error:
        Text(max_length=2)("张三丰")
    assert "超过 2 个字" in error.value.reason


@pytest.mark.parametrize("raw, blank", [(None, True), ("", True), ("  　", True), ("\ufeff", True), ("0", False), (0.0, False)])
def test_blank_cells(raw, blank):
    assert is_blank(raw) is blank
