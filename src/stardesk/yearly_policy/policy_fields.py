"""How each field of the yearly policy reads on screen: its rule family, unit and shown value.

The fields themselves (names, rule ids, Chinese labels) come from
`stardesk.policy.yearly.POLICY_FIELDS`; this module only says how a person
reads them: 30%, 500 元, 85 分, 前 5 名, 次月 5 日.
"""
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from stardesk.policy.errors import PolicyFormatError
from stardesk.policy.reasons import num
from stardesk.policy.yearly import POLICY_FIELDS, MonthDay, PolicyField, YearlyPolicy, policy_from_dict, policy_to_dict

# The version is numbered by the system (P2), never typed in.
VERSION_FIELD = "p2_version"

# Rule families in the order of the rulebook; a field goes to the family of its rule id's letter.
FAMILIES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    ("CQ", ("C", "Q"), gettext_lazy("C/Q 名额与取整")),
    ("E", ("E",), gettext_lazy("E 申报条件")),
    ("X", ("X",), gettext_lazy("X 业务考核")),
    ("KA", ("K", "A"), gettext_lazy("K/A 评定与授牌奖励")),
    ("M", ("M",), gettext_lazy("M 日常考核与月度待遇")),
    ("J", ("J",), gettext_lazy("J 年中综合考试")),
    ("V", ("V",), gettext_lazy("V 监督")),
    ("R", ("R",), gettext_lazy("R 报送")),
)
OTHER_FAMILY = ("other", gettext_lazy("其他参数"))


class Unit(Enum):
    PERCENT = "%"
    YUAN = "元"
    SCORE = "分"
    MONTHS = "个月"
    RANK = "名"
    DAY_OF_MONTH = "日"
    PLAIN = ""


# Shares, weights and coefficients are stored as fractions (0.30) and read as percentages (30%).
UNITS: dict[str, Unit] = {
    "q1_ratio_level1": Unit.PERCENT,
    "q1_ratio_level2": Unit.PERCENT,
    "q1_ratio_level3": Unit.PERCENT,
    "e7_limit_level3_count": Unit.RANK,
    "e7_limit_level2_count": Unit.RANK,
    "e7_limit_level3_share": Unit.PERCENT,
    "e7_limit_level2_share": Unit.PERCENT,
    "x2_weight_knowledge": Unit.PERCENT,
    "x2_weight_skills": Unit.PERCENT,
    "x2_pass_mark_level1": Unit.SCORE,
    "x2_pass_mark_level2": Unit.SCORE,
    "x2_pass_mark_level3": Unit.SCORE,
    "x5_weight_monthly": Unit.PERCENT,
    "x5_weight_monitoring": Unit.PERCENT,
    "x5_weight_exam": Unit.PERCENT,
    "a2_reward_level1": Unit.YUAN,
    "a2_reward_level2": Unit.YUAN,
    "a2_reward_level3": Unit.YUAN,
    "m4_base_level1": Unit.YUAN,
    "m4_base_level2": Unit.YUAN,
    "m4_base_level3": Unit.YUAN,
    "m4_full_rate_from": Unit.SCORE,
    "m4_proportional_from": Unit.SCORE,
    "m6_threshold": Unit.SCORE,
    "m6_consecutive_months": Unit.MONTHS,
    "m6_total_months": Unit.MONTHS,
    "m7_preliminary_months": Unit.MONTHS,
    "m7_composite_months": Unit.MONTHS,
    "j2_band1_from": Unit.SCORE,
    "j2_band1_coefficient": Unit.PERCENT,
    "j2_band2_from": Unit.SCORE,
    "j2_band2_coefficient": Unit.PERCENT,
    "j2_band3_from": Unit.SCORE,
    "j2_band3_coefficient": Unit.PERCENT,
    "j3_low_score_at_most": Unit.SCORE,
    "r1_deadline_day": Unit.DAY_OF_MONTH,
}

_DEFAULT_FILE = policy_to_dict(YearlyPolicy())


def unit_of(name: str) -> Unit:
    return UNITS.get(name, Unit.PLAIN)


def family_of(pf: PolicyField) -> tuple[str, str]:
    letter = pf.rule[:1]
    for code, letters, title in FAMILIES:
        if letter in letters:
            return code, str(title)
    return OTHER_FAMILY[0], str(OTHER_FAMILY[1])


def shown(name: str, value) -> str:
    """A value as a person reads it: 30%, 500 元, 85 分, 前 5 名, 次月 5 日, 是 / 否, 7月1日."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, MonthDay):
        return _("%(month)d月%(day)d日") % {"month": value.month, "day": value.day}
    unit = unit_of(name)
    if isinstance(value, (Decimal, int)):
        if unit is Unit.PERCENT:
            return f"{num(value * 100)}%"
        if unit is Unit.RANK:
            return _("前 %(n)s 名") % {"n": value}
        if unit is Unit.DAY_OF_MONTH:
            return _("次月 %(n)s 日") % {"n": value}
        if unit is Unit.PLAIN:
            return num(value)
        return f"{num(value)} {unit.value}"
    return str(value)


def typed(key: str, raw):
    """A value of the file form (as stored in a revision's changes) read back; None when it no longer reads."""
    try:
        pf = next(f for f in POLICY_FIELDS if f.key == key)
        return getattr(policy_from_dict({**_DEFAULT_FILE, key: raw}), pf.name)
    except (StopIteration, PolicyFormatError):
        return None


def shown_raw(key: str, raw) -> str:
    """A file-form value as read on screen (the raw text when the field no longer exists)."""
    if raw is None:
        return "—"
    pf = next((f for f in POLICY_FIELDS if f.key == key), None)
    value = typed(key, raw)
    if pf is None or value is None:
        return str(raw)
    return shown(pf.name, value)


def field_title(key: str) -> str:
    """"Q1 二星名额比例（占一星名额）" for a file key; the key itself when unknown."""
    pf = next((f for f in POLICY_FIELDS if f.key == key), None)
    return f"{pf.rule} {pf.label_zh}" if pf is not None else key


@dataclass(frozen=True)
class FieldRow:
    name: str
    key: str
    rule: str
    label: str
    value: str
    previous: str | None  # the previous cycle's value when it differs


@dataclass(frozen=True)
class FamilyGroup:
    code: str
    title: str
    rows: tuple[FieldRow, ...]


def grouped(policy: YearlyPolicy, previous: YearlyPolicy | None = None) -> list[FamilyGroup]:
    """Every field but the version, grouped by rule family in rulebook order, with changes from `previous`."""
    rows: dict[str, list[FieldRow]] = {}
    titles: dict[str, str] = {}
    for pf in POLICY_FIELDS:
        if pf.name == VERSION_FIELD:
            continue
        code, title = family_of(pf)
        titles[code] = title
        value = getattr(policy, pf.name)
        before = getattr(previous, pf.name) if previous is not None else None
        changed = previous is not None and before != value
        rows.setdefault(code, []).append(
            FieldRow(pf.name, pf.key, pf.rule, pf.label_zh, shown(pf.name, value), shown(pf.name, before) if changed else None)
        )
    order = [code for code, _letters, _title in FAMILIES] + [OTHER_FAMILY[0]]
    return [FamilyGroup(code, titles[code], tuple(rows[code])) for code in order if code in rows]
