"""The content of a question version, checked and put in its stored form (shared by the edit page and the sheet).

Answers are typed the way the question sheet writes them:
- 单选 one letter (``B``); 多选 the letters (``ACD``, ``A,C,D`` or ``A、C、D``),
  at least two and never every option (ticking every option never scores);
- 判断 对 / 错 (also 正确, 错误, √, ×, T, F);
- 填空 the blanks separated by ``；``, the accepted answers of one blank by
  ``|``: ``有线电视|CATV；机顶盒``;
- 简答 and 口试 take a reference answer or rubric instead, 打字 the passage to copy.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from stardesk.core.errors import DomainError
from stardesk.exams.models import CHOICE_TYPES, OPTION_LETTERS, QuestionType

MAX_MARKS = Decimal(100)
TRUE_WORDS = {"对", "正确", "是", "√", "✓", "t", "true", "y"}
FALSE_WORDS = {"错", "错误", "否", "×", "✗", "x", "f", "false", "n"}
_BLANK_MARK = re.compile(r"_{3,}|＿{2,}|（\s*）|\(\s*\)")
_LETTER_SEPARATORS = re.compile(r"[\s,，、;；/]+")
_HALF_WIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_HALF_WIDTH[0x3000] = 0x20
BLANK_SEPARATOR = "；"
ALTERNATIVE_SEPARATOR = "|"


@dataclass
class Content:
    """A version's content in its stored form."""

    stem: str
    options: list[str]
    answer: object
    marks: Decimal
    explanation: str = ""
    reference: str = ""
    material: str = ""

    def same_as(self, version) -> bool:
        return (
            self.stem == version.stem
            and self.options == list(version.options or [])
            and self.answer == version.answer
            and self.marks == version.marks
            and self.explanation == version.explanation
            and self.reference == version.reference
            and self.material == version.material
        )


@dataclass
class ContentProblems:
    items: list[dict] = field(default_factory=list)

    def add(self, name: str, message: str) -> None:
        self.items.append({"field": name, "message": message})

    def __bool__(self):
        return bool(self.items)


def _fold(text: str) -> str:
    return (text or "").translate(_HALF_WIDTH).strip()


def _options(raw: list[str], problems: ContentProblems) -> list[str]:
    options = [(text or "").strip() for text in raw[: len(OPTION_LETTERS)]]
    while options and not options[-1]:
        options.pop()
    for position, text in enumerate(options):
        if not text:
            problems.add(f"option_{OPTION_LETTERS[position].lower()}",
                         _("选项%(letter)s为空：选项须从 A 起连续填写") % {"letter": OPTION_LETTERS[position]})
    return options


def _letters(text: str) -> list[str]:
    folded = _fold(text).upper()
    parts = [p for p in _LETTER_SEPARATORS.split(folded) if p]
    letters = []
    for part in parts:
        letters.extend(part)  # "ACD" is three letters
    return letters


def parse_choice_key(qtype: str, text: str, option_count: int, problems: ContentProblems):
    letters = _letters(text)
    if not letters:
        problems.add("answer", _("请填写答案（选项字母）"))
        return None
    strangers = [letter for letter in letters if letter not in OPTION_LETTERS[:option_count]]
    if strangers:
        problems.add("answer", _("答案「%(v)s」不是已填写的选项（A–%(last)s）") % {
            "v": "".join(strangers), "last": OPTION_LETTERS[max(option_count, 1) - 1]})
        return None
    if len(set(letters)) != len(letters):
        problems.add("answer", _("答案中有重复的选项字母"))
        return None
    ordered = [letter for letter in OPTION_LETTERS if letter in letters]
    if qtype == QuestionType.SINGLE:
        if len(ordered) != 1:
            problems.add("answer", _("单选题的答案只能是一个选项"))
            return None
        return ordered[0]
    if len(ordered) < 2:
        problems.add("answer", _("多选题至少有两个正确选项"))
        return None
    if len(ordered) >= option_count:
        problems.add("answer", _("多选题的答案不能是全部选项（全选不得分）"))
        return None
    return ordered


def parse_true_false(text: str, problems: ContentProblems):
    word = _fold(text).lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    problems.add("answer", _("判断题的答案须为「对」或「错」"))
    return None


def parse_fill_in(text: str, stem: str, problems: ContentProblems):
    raw = (text or "").strip()
    if not raw:
        problems.add("answer", _("请填写每个空的答案，多个空用「；」分隔，同一空的多个可接受答案用「|」分隔"))
        return None
    blanks = []
    for part in re.split(r"[;；]", raw):
        accepted = [a.strip() for a in re.split(r"[|｜]", part) if a.strip()]
        if not accepted:
            problems.add("answer", _("有一个空没有答案（相邻的「；」之间为空）"))
            return None
        blanks.append(accepted)
    marked = len(_BLANK_MARK.findall(stem or ""))
    if marked and marked != len(blanks):
        problems.add("answer", _("题干有 %(m)s 个空，答案有 %(n)s 个空") % {"m": marked, "n": len(blanks)})
        return None
    return blanks


def parse_marks(raw, problems: ContentProblems) -> Decimal | None:
    if isinstance(raw, Decimal):
        value = raw
    else:
        text = _fold(str(raw if raw is not None else "")).removesuffix("分").strip()
        try:
            value = Decimal(text)
        except InvalidOperation:
            problems.add("marks", _("分值「%(v)s」不是数字") % {"v": raw})
            return None
    if not value.is_finite() or value <= 0 or value > MAX_MARKS:
        problems.add("marks", _("分值须大于 0 且不超过 100"))
        return None
    if value != value.quantize(Decimal("0.1")):
        problems.add("marks", _("分值最多一位小数"))
        return None
    return value.quantize(Decimal("0.1"))


def build_content(*, qtype: str, stem: str, options: list[str] | None = None, answer_text: str = "", marks,
                  explanation: str = "", reference: str = "", material: str = "") -> Content:
    """Check a version's content for its type; DomainError("question_invalid") lists every problem by field."""
    problems = ContentProblems()
    stem = (stem or "").strip()
    if not stem:
        problems.add("stem", _("请填写题干"))
    options = _options(list(options or []), problems) if qtype in CHOICE_TYPES else []
    if qtype in CHOICE_TYPES and len(options) < (2 if qtype == QuestionType.SINGLE else 3):
        need = 2 if qtype == QuestionType.SINGLE else 3
        problems.add("option_a", _("%(type)s至少需要 %(n)s 个选项") % {"type": QuestionType(qtype).label, "n": need})
    answer = None
    reference = (reference or "").strip()
    material = (material or "").strip()
    if qtype in CHOICE_TYPES:
        if len(options) >= 2:
            answer = parse_choice_key(qtype, answer_text, len(options), problems)
    elif qtype == QuestionType.TRUE_FALSE:
        answer = parse_true_false(answer_text, problems)
    elif qtype == QuestionType.FILL_IN:
        answer = parse_fill_in(answer_text, stem, problems)
    elif qtype in (QuestionType.SHORT_ANSWER, QuestionType.SPEAKING):
        if not reference:
            problems.add("reference", _("请填写参考答案或评分要点，供阅卷人评分"))
    elif qtype == QuestionType.TYPING:
        if not material:
            problems.add("material", _("请填写录入原文"))
    else:
        problems.add("qtype", _("题型无效"))
    marks_value = parse_marks(marks, problems)
    if problems:
        raise DomainError("question_invalid", details=problems.items)
    return Content(stem=stem, options=options, answer=answer, marks=marks_value,
                   explanation=(explanation or "").strip(), reference=reference, material=material)


def answer_text(qtype: str, answer) -> str:
    """The key as the sheet and the edit form write it."""
    if answer is None:
        return ""
    if qtype == QuestionType.SINGLE:
        return str(answer)
    if qtype == QuestionType.MULTIPLE:
        return "".join(answer)
    if qtype == QuestionType.TRUE_FALSE:
        return "对" if answer else "错"
    if qtype == QuestionType.FILL_IN:
        return BLANK_SEPARATOR.join(ALTERNATIVE_SEPARATOR.join(accepted) for accepted in answer)
    return ""


def sheet_answer(qtype: str, version) -> str:
    """The 答案 cell of the question sheet: the key, or the reference answer / the passage."""
    if qtype in (QuestionType.SHORT_ANSWER, QuestionType.SPEAKING):
        return version.reference
    if qtype == QuestionType.TYPING:
        return version.material
    return answer_text(qtype, version.answer)
