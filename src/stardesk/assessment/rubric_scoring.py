"""M2: the score of one rubric evaluation, from its per-item deductions.

Deduction-based from 100. An item marked "not applicable" (不适用) leaves both
the numerator and the denominator, and the rest is rescaled:

    score = 100 × (applicable points − deductions) / applicable points

rounded to one decimal, half up (C2). Veto items (一票否决) carry no points;
ticking one flags the evaluation, it does not change the score.
Example: items of 10, 20 and 70 points, the 20 not applicable, 7 deducted on
the 70 → 100 × (80 − 7) / 80 = 91.25 → 91.3.
"""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.utils.translation import gettext, gettext_lazy

from stardesk.policy.conventions import ZERO, round_score

FORMULA_ZH = gettext_lazy("得分 = 100 ×（适用项分值合计 − 扣分合计）÷ 适用项分值合计，保留一位小数（四舍五入）；标记“不适用”的项目不计入分值合计。")


@dataclass(frozen=True, slots=True)
class RubricLine:
    """One item of the rubric version used, as the scoring reads it."""

    item_id: int
    name: str
    points: Decimal
    allows_na: bool = False
    is_veto: bool = False


@dataclass(frozen=True, slots=True)
class Mark:
    """What the evaluator entered for one item."""

    item_id: int
    deduction: Decimal = ZERO
    not_applicable: bool = False
    veto: bool = False


@dataclass(frozen=True, slots=True)
class RubricScore:
    score: Decimal
    applicable_points: Decimal
    deducted: Decimal
    not_applicable: tuple[str, ...]
    vetoes: tuple[str, ...]

    @property
    def explanation(self) -> str:
        text = f"M2: 100 × ({_n(self.applicable_points)} − {_n(self.deducted)}) ÷ {_n(self.applicable_points)} = {_n(self.score)}分"
        if self.not_applicable:
            text += f"；不适用：{'、'.join(self.not_applicable)}"
        if self.vetoes:
            text += f"；一票否决情形：{'、'.join(self.vetoes)}"
        return text


def _n(value: Decimal) -> str:
    return format(value.normalize(), "f") if value != value.to_integral_value() else str(int(value))


def check_marks(lines: list[RubricLine], marks: dict[int, Mark]) -> dict[int, str]:
    """Per-item problems (item id → Chinese message), plus key 0 for the evaluation as a whole."""
    errors: dict[int, str] = {}
    known = {line.item_id for line in lines}
    for item_id in marks:
        if item_id not in known:
            errors[0] = gettext("评分细则已更新，请刷新页面后重新录入。")
    for line in lines:
        mark = marks.get(line.item_id)
        if mark is None:
            continue
        if line.is_veto:
            if mark.deduction or mark.not_applicable:
                errors[line.item_id] = gettext("一票否决项不扣分，只需勾选。")
            continue
        if mark.not_applicable and not line.allows_na:
            errors[line.item_id] = gettext("该项目不能标记为不适用。")
        elif mark.not_applicable and mark.deduction:
            errors[line.item_id] = gettext("不适用的项目不能扣分。")
        elif mark.deduction > line.points:
            errors[line.item_id] = gettext("扣分不能超过该项分值 %(points)s 分。") % {"points": _n(line.points)}
    if not errors and applicable_points(lines, marks) <= 0:
        errors[0] = gettext("至少需要一个适用的考核项目。")
    return errors


def applicable_points(lines: list[RubricLine], marks: dict[int, Mark]) -> Decimal:
    return sum(
        (line.points for line in lines if not line.is_veto and not _na(marks, line.item_id)),
        ZERO,
    )


def _na(marks: dict[int, Mark], item_id: int) -> bool:
    mark = marks.get(item_id)
    return mark is not None and mark.not_applicable


def score_marks(lines: list[RubricLine], marks: dict[int, Mark]) -> RubricScore:
    """M2: the rescaled score; `marks` must have passed check_marks()."""
    applicable = applicable_points(lines, marks)
    deducted = sum(
        (marks[line.item_id].deduction for line in lines if line.item_id in marks and not line.is_veto and not marks[line.item_id].not_applicable),
        ZERO,
    )
    score = round_score(Fraction(100) * Fraction(applicable - deducted) / Fraction(applicable))
    return RubricScore(
        score=score,
        applicable_points=applicable,
        deducted=deducted,
        not_applicable=tuple(line.name for line in lines if not line.is_veto and _na(marks, line.item_id)),
        vetoes=tuple(line.name for line in lines if line.is_veto and line.item_id in marks and marks[line.item_id].veto),
    )
