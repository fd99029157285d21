"""How an objective item is marked, and how a typing test is measured. Pure functions: no database.

The rules, as stated to the candidate on the exam page:
- 单选, 判断: full marks for the right answer, else zero.
- 多选: full marks when exactly the right options are ticked; half marks when
  the ticked options are some (not all) of the right ones and none is wrong;
  zero otherwise. Ticking every option never scores (a key may therefore
  never be every option).
- 填空: each blank is worth an equal share of the marks; a blank is right when
  it matches one of its accepted answers after trimming, turning full-width
  characters into half-width ones and ignoring upper/lower case.
- Item scores are kept to 0.01, half up.
- 打字: speed = correct characters per minute = (characters − errors) × 60 ÷
  seconds; accuracy = 1 − errors ÷ characters. Errors are the fewest character
  edits (insert, delete, replace) turning the typed text into the start of the
  passage the candidate was copying.
"""
from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from stardesk.exams.models import OPTION_LETTERS, QuestionType

CENT = Decimal("0.01")
TENTH = Decimal("0.1")
ZERO = Decimal(0)
# 多选: the share of the marks for a correct but incomplete choice.
PARTIAL_CREDIT = Decimal("0.5")

# Full-width ASCII (！ to ～) and the ideographic space, as Chinese input methods type them.
_HALF_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_HALF_WIDTH[0x3000] = 0x20

PARTIAL_CREDIT_RULE = "多选题：全部选对得满分；少选且没有选错得一半分；选错或不选不得分；全选不得分。"
FILL_IN_RULE = "填空题：每空分值相同；答案不区分大小写和全角半角，首尾空格不计。"


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, ROUND_HALF_UP)


def normalise_blank(text) -> str:
    """Trim, full-width → half-width, case-insensitive (填空)."""
    if text is None:
        return ""
    return str(text).translate(_HALF_WIDTH).strip().casefold()


def choice_letters(response) -> list[str]:
    """The ticked option letters of a response, in letter order, without repeats or strangers."""
    if response is None:
        return []
    if isinstance(response, str):
        response = [response]
    if not isinstance(response, (list, tuple)):
        return []
    ticked = {str(letter).strip().upper() for letter in response}
    return [letter for letter in OPTION_LETTERS if letter in ticked]


def score_single(key: str, response, marks: Decimal) -> Decimal:
    ticked = choice_letters(response)
    return _cents(marks) if ticked == [key] else ZERO


def score_multiple(key: list[str], response, marks: Decimal, option_count: int) -> Decimal:
    """Full marks when exact; PARTIAL_CREDIT when a non-empty subset of the key and nothing wrong; else zero."""
    ticked = set(choice_letters(response))
    right = set(key)
    if not ticked or len(ticked) >= option_count:
        return ZERO  # nothing ticked, or every option ticked: never scores
    if ticked == right:
        return _cents(marks)
    if ticked < right:
        return _cents(marks * PARTIAL_CREDIT)
    return ZERO


def score_true_false(key: bool, response, marks: Decimal) -> Decimal:
    if isinstance(response, str):
        response = {"true": True, "false": False}.get(response.strip().lower())
    return _cents(marks) if isinstance(response, bool) and response is key else ZERO


def score_fill_in(key: list[list[str]], response, marks: Decimal) -> Decimal:
    """Each blank an equal share of the marks; a blank is right when it matches an accepted answer, normalised."""
    if not key:
        return ZERO
    given = response if isinstance(response, (list, tuple)) else [response]
    right = 0
    for position, accepted in enumerate(key):
        typed = normalise_blank(given[position]) if position < len(given) else ""
        if typed and typed in {normalise_blank(a) for a in accepted}:
            right += 1
    return _cents(marks * right / len(key))


def auto_score(qtype: str, key, response, marks: Decimal, *, option_count: int = 0) -> Decimal | None:
    """The score of an objective item; None for an item scored by an examiner."""
    if qtype == QuestionType.SINGLE:
        return score_single(key, response, marks)
    if qtype == QuestionType.MULTIPLE:
        return score_multiple(key, response, marks, option_count)
    if qtype == QuestionType.TRUE_FALSE:
        return score_true_false(key, response, marks)
    if qtype == QuestionType.FILL_IN:
        return score_fill_in(key, response, marks)
    return None


# --- typing test ------------------------------------------------------------------------


def _typed_characters(text: str) -> str:
    # Line breaks are how the text box wraps, not characters of the passage.
    return "".join(ch for ch in (text or "") if ch not in "\r\n")


def typing_errors(typed: str, passage: str) -> int:
    """The fewest edits turning the typed text into some beginning of the passage (one omission is one error)."""
    typed, passage = _typed_characters(typed), _typed_characters(passage)
    if not typed:
        return 0
    # Row i holds the edit distance of typed[:i] to every prefix of the passage.
    previous = list(range(len(passage) + 1))
    for i, ch in enumerate(typed, start=1):
        current = [i] + [0] * len(passage)
        for j, expected in enumerate(passage, start=1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ch != expected))
        previous = current
    return min(previous)


def typing_counts(typed: str, passage: str) -> tuple[int, int]:
    """(characters, errors) of a typing answer."""
    text = _typed_characters(typed)
    return len(text), typing_errors(text, passage)


def typing_speed(characters: int | None, errors: int | None, seconds: int | None) -> Decimal | None:
    """Correct characters per minute, one decimal: (characters − errors) × 60 ÷ seconds."""
    if characters is None or errors is None or not seconds:
        return None
    correct = max(0, characters - errors)
    return (Decimal(correct) * 60 / Decimal(seconds)).quantize(TENTH, ROUND_HALF_UP)


def typing_accuracy(characters: int | None, errors: int | None) -> Decimal | None:
    """1 − errors ÷ characters, to 0.001 (never below 0)."""
    if not characters or errors is None:
        return None
    return max(ZERO, 1 - Decimal(errors) / Decimal(characters)).quantize(Decimal("0.001"), ROUND_HALF_UP)
