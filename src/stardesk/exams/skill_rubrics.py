"""Scoring the skills part of the exam (X1): the typing test from its raw data, the language test on a rubric.

These are the rules the grading page states to the examiner. Pure functions: no database.

打字 (计算机操作). The raw data are kept as recorded: characters typed, errors,
keystrokes and seconds. Speed and accuracy follow marking.py:
    速度 = (录入字数 − 错误字数) × 60 ÷ 用时秒数   (correct characters per minute)
    正确率 = 1 − 错误字数 ÷ 录入字数
and the item scores
    得分 = 分值 × min(1, 速度 ÷ 达标速度)
where 达标速度 (characters per minute) is the standard the examiner states
for the test; one decimal, half up.

语言能力. The examiner scores one of two rubrics:
- 普通话、语态、语言技巧 (the three aspects of X1), each 0–100:
    得分 = 分值 × 三项平均分 ÷ 100;
- 普通话水平测试结构 (the national Putonghua test's four parts with their
  points): 读单音节字词 10, 读多音节词语 20, 朗读短文 30, 命题说话 40:
    得分 = 分值 × 四项合计 ÷ 100.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from stardesk.exams.marking import typing_accuracy, typing_speed

TENTH = Decimal("0.1")
ZERO = Decimal(0)
ONE = Decimal(1)
HUNDRED = Decimal(100)

TYPING_RULE = "打字：速度 =（录入字数 − 错误字数）× 60 ÷ 用时秒数；正确率 = 1 − 错误字数 ÷ 录入字数；得分 = 分值 × min(1, 速度 ÷ 达标速度)，保留一位小数。"


def _tenth(value: Decimal) -> Decimal:
    return value.quantize(TENTH, ROUND_HALF_UP)


@dataclass(frozen=True)
class TypingScore:
    characters: int
    errors: int
    keystrokes: int | None
    seconds: int
    target_speed: Decimal
    speed: Decimal
    accuracy: Decimal
    score: Decimal

    def describe(self, marks: Decimal) -> str:
        return (f"录入 {self.characters} 字，错 {self.errors} 字，用时 {self.seconds} 秒：速度 {self.speed} 字/分钟，"
                f"正确率 {_tenth(self.accuracy * HUNDRED)}%；{marks} × min(1, {self.speed} ÷ {self.target_speed}) = {self.score}")

    def as_parts(self) -> dict:
        return {
            "kind": "typing", "characters": self.characters, "errors": self.errors, "keystrokes": self.keystrokes,
            "seconds": self.seconds, "target_speed": str(self.target_speed), "speed": str(self.speed),
            "accuracy": str(self.accuracy), "rule": TYPING_RULE,
        }


def typing_score(*, marks: Decimal, characters: int, errors: int, seconds: int, target_speed: Decimal,
                 keystrokes: int | None = None) -> TypingScore:
    """The typing item's score from its raw data (call with checked values: seconds > 0, errors <= characters)."""
    speed = typing_speed(characters, errors, seconds)
    accuracy = typing_accuracy(characters, errors) if characters else ZERO
    share = min(ONE, speed / target_speed)
    return TypingScore(characters, errors, keystrokes, seconds, target_speed, speed, accuracy, _tenth(marks * share))


@dataclass(frozen=True)
class RubricPart:
    key: str
    label: str
    full: Decimal


@dataclass(frozen=True)
class Rubric:
    key: str
    label: str
    parts: tuple[RubricPart, ...]
    rule: str

    @property
    def full(self) -> Decimal:
        return sum((p.full for p in self.parts), ZERO)

    def part(self, key: str) -> RubricPart | None:
        return next((p for p in self.parts if p.key == key), None)


ASPECTS = Rubric(
    "aspects", "普通话、语态、语言技巧",
    (RubricPart("mandarin", "普通话", HUNDRED), RubricPart("tone", "语态", HUNDRED), RubricPart("technique", "语言技巧", HUNDRED)),
    "三项各按百分制评分；得分 = 分值 × 三项平均分 ÷ 100，保留一位小数。",
)
PUTONGHUA_TEST = Rubric(
    "putonghua", "普通话水平测试结构",
    (RubricPart("monosyllables", "读单音节字词", Decimal(10)), RubricPart("words", "读多音节词语", Decimal(20)),
     RubricPart("passage", "朗读短文", Decimal(30)), RubricPart("speech", "命题说话", Decimal(40))),
    "按普通话水平测试的四项及其分值评分（共 100 分）；得分 = 分值 × 四项合计 ÷ 100，保留一位小数。",
)
RUBRICS = {rubric.key: rubric for rubric in (ASPECTS, PUTONGHUA_TEST)}


@dataclass(frozen=True)
class LanguageScore:
    rubric: Rubric
    values: dict[str, Decimal]
    score: Decimal

    def describe(self, marks: Decimal) -> str:
        shown = "，".join(f"{p.label} {self.values[p.key]}/{p.full}" for p in self.rubric.parts)
        return f"{self.rubric.label}：{shown}；得分 {self.score}（分值 {marks}）"

    def as_parts(self) -> dict:
        return {
            "kind": "language", "rubric": self.rubric.key, "rubric_label": self.rubric.label,
            "parts": [{"key": p.key, "label": p.label, "full": str(p.full), "score": str(self.values[p.key])} for p in self.rubric.parts],
            "rule": self.rubric.rule,
        }


def language_score(*, rubric: Rubric, values: dict[str, Decimal], marks: Decimal) -> LanguageScore:
    """The spoken item's score on ``rubric`` (call with every part given and within its points)."""
    total = sum((values[p.key] for p in rubric.parts), ZERO)
    return LanguageScore(rubric, dict(values), _tenth(marks * total / rubric.full))
