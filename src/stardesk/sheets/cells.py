"""Reading one cell as people actually fill it (workbook.md, "Cells as people actually fill them").

Every parser takes the raw cell as the reader gives it (str, float, int, bool,
datetime.date, datetime.datetime) and returns a value, or raises CellError with
a reason in Chinese. A parser never guesses: a form not listed in workbook.md
is refused. Blank cells never reach a parser; the sheet spec handles them.
"""
import datetime
import re
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext_lazy as _

# Full-width ASCII (！ to ～) and the ideographic space, as Chinese input methods type them.
_HALF_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_HALF_WIDTH[0x3000] = 0x20
# Characters that are invisible in Excel but survive copy and paste.
_INVISIBLE = "\ufeff\u200b\u200c\u200d\u2060"
_STRIP = " \t\r\n\u3000\u00a0" + _INVISIBLE

MIN_YEAR, MAX_YEAR = 1900, 2099


class CellError(ValueError):
    """A cell that cannot be read; `reason` is shown to the user beside the row and column."""

    def __init__(self, reason):
        self.reason = str(reason)
        super().__init__(self.reason)


def clean_text(value) -> str:
    """Trim spaces of every width and invisible characters; keep the inside as typed."""
    return str(value).strip(_STRIP)


def half_width(value: str) -> str:
    """`９５．５` → `95.5`: for cells whose meaning is digits and punctuation."""
    return clean_text(value).translate(_HALF_WIDTH).strip()


def is_blank(value) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return clean_text(value) == ""
    return False


def _shown(value) -> str:
    """The cell as the user would recognise it in a message."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = clean_text(value)
    return text if len(text) <= 30 else text[:30] + "…"


def _number_text(value: float) -> str:
    """A number cell as its shortest exact decimal text (95.5, not 95.49999…)."""
    return str(int(value)) if value.is_integer() else repr(value)


class Parser:
    """Base of the column parsers; `kind` drives template formatting, `hint` the template notes."""

    kind = "text"
    hint = ""

    def __call__(self, value):
        raise NotImplementedError


class Text(Parser):
    kind = "text"

    def __init__(self, max_length: int = 100):
        self.max_length = max_length
        self.hint = _("文字，最多 %(n)s 个字") % {"n": max_length}

    def __call__(self, value) -> str:
        if isinstance(value, bool):
            raise CellError(_("应为文字，不是逻辑值"))
        if isinstance(value, float):
            value = _number_text(value)
        elif isinstance(value, (datetime.date, datetime.datetime, datetime.time)):
            raise CellError(_("应为文字，不是日期"))
        text = clean_text(value)
        if len(text) > self.max_length:
            raise CellError(_("超过 %(n)s 个字") % {"n": self.max_length})
        return text


_STAFF_NO = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_-]*$")
_SCIENTIFIC = re.compile(r"^\d+(\.\d+)?[eE][+-]?\d+$")


class StaffNo(Parser):
    """工号: text; a number cell is its integer (`1023.0` is `1023`)."""

    kind = "staff_no"
    max_length = 30

    def __init__(self):
        self.hint = _("文本格式（保留开头的 0）；字母、数字、- 或 _")

    def __call__(self, value) -> str:
        if isinstance(value, bool) or isinstance(value, (datetime.date, datetime.time)):
            raise CellError(_("「%(v)s」不是有效工号") % {"v": _shown(value)})
        if isinstance(value, (int, float)):
            if value < 0 or not float(value).is_integer():
                raise CellError(_("「%(v)s」不是有效工号：工号应为整数或文字") % {"v": _shown(value)})
            return str(int(value))
        text = half_width(value)
        if _SCIENTIFIC.match(text):
            # Excel shows long numbers as 1.23457E+11 and saves the CSV that way: the digits are lost.
            raise CellError(_("「%(v)s」是科学计数法，工号已丢失位数；请把工号列设为文本格式后重新填写") % {"v": text})
        if len(text) > self.max_length:
            raise CellError(_("工号超过 %(n)s 个字符") % {"n": self.max_length})
        if not _STAFF_NO.match(text):
            raise CellError(_("「%(v)s」不是有效工号：只能包含字母、数字、- 和 _") % {"v": _shown(text)})
        return text


_DATE_FORMS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$"),
)
_MONTH_FORMS = (
    re.compile(r"^(\d{4})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月$"),
)


def _checked_year(year: int, shown: str) -> None:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise CellError(_("「%(v)s」的年份超出范围（%(a)s–%(b)s）") % {"v": shown, "a": MIN_YEAR, "b": MAX_YEAR})


def _text_date(text: str) -> datetime.date | None:
    for form in _DATE_FORMS:
        found = form.match(text)
        if found:
            year, month, day = (int(part) for part in found.groups())
            _checked_year(year, text)
            try:
                return datetime.date(year, month, day)
            except ValueError:
                raise CellError(_("「%(v)s」不是存在的日期") % {"v": text}) from None
    return None


def _date_cell(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        if not MIN_YEAR <= value.year <= MAX_YEAR:
            _checked_year(value.year, value.isoformat())
        return value
    return None


def _refuse_other(value, what) -> CellError:
    if isinstance(value, bool):
        return CellError(_("应为%(what)s，不是逻辑值") % {"what": what})
    if isinstance(value, (int, float)):
        # A date cell formatted as "常规" shows as a serial number such as 45717.
        return CellError(
            _("「%(v)s」是数字，不是%(what)s；请把单元格设为日期格式或填写文字如 2025-03-01") % {"v": _shown(value), "what": what}
        )
    if isinstance(value, datetime.time):
        return CellError(_("应为%(what)s，不是时间") % {"what": what})
    return CellError(_("「%(v)s」不是有效%(what)s") % {"v": _shown(value), "what": what})


class Date(Parser):
    """Dates as date cells, or `2025-03-01`, `2025/3/1`, `2025.3.1`, `2025年3月1日`."""

    kind = "date"

    def __init__(self):
        self.hint = _("日期，如 2025-03-01、2025/3/1、2025.3.1、2025年3月1日")

    def __call__(self, value) -> datetime.date:
        day = _date_cell(value)
        if day is not None:
            return day
        if isinstance(value, str):
            day = _text_date(half_width(value))
            if day is not None:
                return day
        raise _refuse_other(value, _("日期"))


class Month(Parser):
    """Months as date cells (any day: Excel turns a typed 2025-03 into a date), or `2025-03`, `2025/3`, `2025年3月`.

    Returns the first day of the month.
    """

    kind = "month"

    def __init__(self):
        self.hint = _("月份，如 2025-03、2025/3、2025年3月")

    def __call__(self, value) -> datetime.date:
        day = _date_cell(value)
        if day is None and isinstance(value, str):
            text = half_width(value)
            for form in _MONTH_FORMS:
                found = form.match(text)
                if found:
                    year, month = (int(part) for part in found.groups())
                    _checked_year(year, text)
                    if not 1 <= month <= 12:
                        raise CellError(_("「%(v)s」不是存在的月份") % {"v": text})
                    return datetime.date(year, month, 1)
            # A date cell saved to CSV arrives as its text, e.g. 2025/3/1: still that month.
            day = _text_date(text)
        if day is None:
            raise _refuse_other(value, _("月份"))
        return day.replace(day=1)


_DECIMAL_TEXT = re.compile(r"^\d+(\.\d+)?$")
_INTEGER_TEXT = re.compile(r"^\d+$")


class Score(Parser):
    """C2: 0–100, at most one decimal, as a Decimal. `95分` is 95."""

    kind = "number"
    low, high = Decimal(0), Decimal(100)
    step = Decimal("0.1")

    def __init__(self):
        self.hint = _("0–100 的分数，最多一位小数，如 95、95.5、95分")

    def __call__(self, value) -> Decimal:
        if isinstance(value, bool):
            raise CellError(_("应为分数，不是逻辑值"))
        if isinstance(value, (int, float)):
            text = _number_text(float(value)) if isinstance(value, float) else str(value)
            shown = text
        elif isinstance(value, str):
            shown = clean_text(value)
            text = half_width(value)
            if text.endswith("分"):
                text = text[:-1].strip()
        else:
            raise CellError(_("「%(v)s」不是分数") % {"v": _shown(value)})
        if text.startswith("-") and _DECIMAL_TEXT.match(text[1:]):
            raise CellError(_("分数 %(v)s 超出 0–100 的范围") % {"v": shown})
        if not _DECIMAL_TEXT.match(text):
            raise CellError(_("「%(v)s」不是分数") % {"v": shown})
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise CellError(_("「%(v)s」不是分数") % {"v": shown}) from None
        if not self.low <= number <= self.high:
            raise CellError(_("分数 %(v)s 超出 0–100 的范围") % {"v": shown})
        if number != number.quantize(self.step):
            raise CellError(_("分数 %(v)s 超过一位小数") % {"v": shown})
        return number.quantize(self.step)


class Integer(Parser):
    """A whole number as a number cell or text, optionally followed by a unit word (`2星`, `2025年`)."""

    kind = "number"

    def __init__(self, *, minimum: int | None = None, maximum: int | None = None, units: tuple[str, ...] = (), words: dict | None = None):
        self.minimum, self.maximum, self.units = minimum, maximum, units
        self.words = words or {}
        if minimum is not None and maximum is not None:
            self.hint = _("%(a)s 到 %(b)s 的整数") % {"a": minimum, "b": maximum}
        else:
            self.hint = _("整数")

    def __call__(self, value) -> int:
        if isinstance(value, bool):
            raise CellError(_("应为整数，不是逻辑值"))
        if isinstance(value, (int, float)):
            if not float(value).is_integer():
                raise CellError(_("「%(v)s」不是整数") % {"v": _shown(value)})
            number = int(value)
            shown = str(number)
        elif isinstance(value, str):
            shown = clean_text(value)
            if shown in self.words:
                return self.words[shown]
            text = half_width(value)
            for unit in self.units:
                if text.endswith(unit):
                    text = text[: -len(unit)].strip()
                    break
            if text.endswith(".0") and _INTEGER_TEXT.match(text[:-2]):
                text = text[:-2]
            if not _INTEGER_TEXT.match(text):
                raise CellError(_("「%(v)s」不是整数") % {"v": shown})
            number = int(text)
        else:
            raise CellError(_("「%(v)s」不是整数") % {"v": _shown(value)})
        if self.minimum is not None and number < self.minimum:
            raise CellError(_("%(v)s 小于 %(a)s") % {"v": shown, "a": self.minimum} if self.maximum is None else self.hint_error(shown))
        if self.maximum is not None and number > self.maximum:
            raise CellError(_("%(v)s 大于 %(b)s") % {"v": shown, "b": self.maximum} if self.minimum is None else self.hint_error(shown))
        return number

    def hint_error(self, shown: str) -> str:
        return _("%(v)s 超出范围（%(a)s–%(b)s）") % {"v": shown, "a": self.minimum, "b": self.maximum}


class Choice(Parser):
    """One word out of a fixed list of Chinese words; returns the stored value of that word."""

    kind = "choice"

    def __init__(self, words: dict):
        self.words = {str(word): stored for word, stored in words.items()}
        self.hint = _("可选：%(words)s") % {"words": "、".join(self.words)}

    @property
    def choices(self) -> list[str]:
        return list(self.words)

    def __call__(self, value):
        text = clean_text(value) if isinstance(value, str) else _shown(value)
        if text in self.words:
            return self.words[text]
        folded = half_width(text)
        if folded in self.words:
            return self.words[folded]
        raise CellError(_("「%(v)s」不在可选范围内（%(words)s）") % {"v": text, "words": "、".join(self.words)})
