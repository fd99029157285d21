"""P1–P3: the yearly policy, the one place where every adjustable number lives.

``YearlyPolicy()`` (or ``YearlyPolicy.defaults()``) has the defaults of
policy.md. Field names start with the rule id they belong to; the JSON keys
are the same names with the rule id in capitals (``q1_ratio_level1`` ↔
``"Q1_ratio_level1"``). Decimals travel as strings, so a file round-trips
exactly. Rule functions read these fields and never hard-code the numbers.
"""

from __future__ import annotations

import calendar
import dataclasses
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

from .conventions import HUNDRED, TENTH, ZERO, QuotaRounding
from .errors import PolicyFormatError
from .facts import MONTH_SANCTIONS, TITLE_SANCTIONS, Sanction


class LowerOrCancel(StrEnum):
    """The "lower or cancel" choice of M4 (s < 85), J3 (s <= 65) and M6."""

    LOWER = "降级"
    CANCEL = "取消"


class RankLimitMode(StrEnum):
    """E7: rank limits as a head count or as a share of the ranked staff."""

    COUNT = "名次"
    SHARE = "比例"


@dataclass(frozen=True, order=True, slots=True)
class MonthDay:
    """A day of the year without the year (J3 publication date): ``"07-01"``."""

    month: int
    day: int

    def __str__(self) -> str:
        return f"{self.month:02d}-{self.day:02d}"

    @classmethod
    def parse(cls, text: str) -> "MonthDay":
        m, d = text.strip().split("-")
        return cls(int(m), int(d))

    def is_valid(self) -> bool:
        # 29 Feb is refused: the date must exist in every year.
        return 1 <= self.month <= 12 and 1 <= self.day <= calendar.monthrange(2001, self.month)[1]

    def in_year(self, year: int) -> date:
        return date(year, self.month, self.day)


def _f(default: Any, rule: str, label: str):
    return field(default=default, metadata={"rule": rule, "label": label})


D = Decimal


@dataclass(frozen=True, slots=True)
class YearlyPolicy:
    """P1: every adjustable number and choice of one cycle year, with policy.md defaults."""

    p2_version: str = _f("默认", "P2", "政策版本")
    # C4 / Q1–Q2
    c4_quota_rounding: QuotaRounding = _f(QuotaRounding.HALF_UP, "C4", "名额取整方式")
    q1_ratio_level1: Decimal = _f(D("0.30"), "Q1", "一星名额比例（占在岗总人数）")
    q1_ratio_level2: Decimal = _f(D("0.30"), "Q1", "二星名额比例（占一星名额）")
    q1_ratio_level3: Decimal = _f(D("0.10"), "Q1", "三星名额比例（占一星名额）")
    # E6 / E7
    e6_rank_adjustment_sets_ban: bool = _f(False, "E6", "名次调整是否视为处分（限制申报一年）")
    e7_gate_enabled: bool = _f(True, "E7", "是否启用年中考试名次门槛")
    e7_limit_mode: RankLimitMode = _f(RankLimitMode.COUNT, "E7", "名次门槛方式（名次/比例）")
    e7_limit_level3_count: int = _f(5, "E7", "三星名次门槛（前N名）")
    e7_limit_level2_count: int = _f(10, "E7", "二星名次门槛（前N名）")
    e7_limit_level3_share: Decimal = _f(D("0.05"), "E7", "三星名次门槛（占参考人数比例）")
    e7_limit_level2_share: Decimal = _f(D("0.10"), "E7", "二星名次门槛（占参考人数比例）")
    # X2 / X5
    x2_weight_knowledge: Decimal = _f(D("0.60"), "X2", "资格考试知识部分权重")
    x2_weight_skills: Decimal = _f(D("0.40"), "X2", "资格考试技能部分权重")
    x2_pass_mark_level1: Decimal = _f(D("80"), "X2", "一星资格考试合格线")
    x2_pass_mark_level2: Decimal = _f(D("85"), "X2", "二星资格考试合格线")
    x2_pass_mark_level3: Decimal = _f(D("90"), "X2", "三星资格考试合格线")
    x5_weight_monthly: Decimal = _f(D("0.4"), "X5", "综合得分：月度均分权重")
    x5_weight_monitoring: Decimal = _f(D("0.2"), "X5", "综合得分：监听均分权重")
    x5_weight_exam: Decimal = _f(D("0.4"), "X5", "综合得分：考试成绩权重")
    # A2
    a2_reward_level1: Decimal = _f(D("0"), "A2", "一星一次性奖励（元）")
    a2_reward_level2: Decimal = _f(D("500"), "A2", "二星一次性奖励（元）")
    a2_reward_level3: Decimal = _f(D("800"), "A2", "三星一次性奖励（元）")
    a2_first_time_only: bool = _f(False, "A2", "一次性奖励仅首次获得该星级时发放")
    # M4
    m4_base_level1: Decimal = _f(D("100"), "M4", "一星月度待遇基数（元）")
    m4_base_level2: Decimal = _f(D("200"), "M4", "二星月度待遇基数（元）")
    m4_base_level3: Decimal = _f(D("300"), "M4", "三星月度待遇基数（元）")
    m4_full_rate_from: Decimal = _f(D("95"), "M4", "全额发放分数线（含）")
    m4_proportional_from: Decimal = _f(D("85"), "M4", "按比例发放分数线（含）")
    m4_low_score_choice: LowerOrCancel = _f(LowerOrCancel.LOWER, "M4", "低于按比例分数线时：降一级或取消")
    # M5
    m5_sanction_general: Sanction = _f(Sanction.MONTH_LOWER, "M5", "一票否决默认处理：一般")
    m5_sanction_serious: Sanction = _f(Sanction.MONTH_CANCEL, "M5", "一票否决默认处理：较重")
    m5_sanction_severe: Sanction = _f(Sanction.REVOKE, "M5", "一票否决默认处理：严重")
    # M6
    m6_threshold: Decimal = _f(D("95"), "M6", "持续低分：分数线（低于此分计入）")
    m6_consecutive_months: int = _f(3, "M6", "持续低分：连续月数")
    m6_total_months: int = _f(6, "M6", "持续低分：累计月数")
    m6_choice: LowerOrCancel = _f(LowerOrCancel.LOWER, "M6", "持续低分处理：降一级或取消星级")
    # M7 windows
    m7_preliminary_months: int = _f(6, "M7", "初审评定取最近整月数")
    m7_composite_months: int = _f(12, "M7", "综合得分取最近整月数")
    # J2 / J3
    j2_band1_from: Decimal = _f(D("95"), "J2", "下半年系数第一档分数线（含）")
    j2_band1_coefficient: Decimal = _f(D("1.30"), "J2", "下半年系数第一档")
    j2_band2_from: Decimal = _f(D("90"), "J2", "下半年系数第二档分数线（含）")
    j2_band2_coefficient: Decimal = _f(D("1.20"), "J2", "下半年系数第二档")
    j2_band3_from: Decimal = _f(D("85"), "J2", "下半年系数第三档分数线（含）")
    j2_band3_coefficient: Decimal = _f(D("1.00"), "J2", "下半年系数第三档")
    j3_low_score_at_most: Decimal = _f(D("65"), "J3", "年中考试低分线（含）")
    j3_low_score_choice: LowerOrCancel = _f(LowerOrCancel.LOWER, "J3", "年中考试低分：待遇降一级或取消")
    j3_results_published: MonthDay = _f(MonthDay(7, 1), "J3", "年中考试成绩公布日（名次调整生效日）")
    # V1
    v1_sanction_short_of_level: Sanction = _f(Sanction.LOWER, "V1", "不够级默认处理")
    v1_sanction_unqualified: Sanction = _f(Sanction.REVOKE, "V1", "不合格默认处理")
    # R1
    r1_deadline_day: int = _f(5, "R1", "绩效考核登记表报送截止日（次月几号）")

    @classmethod
    def defaults(cls) -> "YearlyPolicy":
        """The defaults of policy.md."""
        return cls()

    # small lookups used by the rules -----------------------------------
    def base(self, level: int) -> Decimal:
        """M4: B(L); 0 for L <= 0."""
        if level <= 0:
            return ZERO
        if level == 1:
            return self.m4_base_level1
        return self.m4_base_level2 if level == 2 else self.m4_base_level3

    def pass_mark(self, level: int) -> Decimal:
        """X2: the pass mark of the level-L exam."""
        return (self.x2_pass_mark_level1, self.x2_pass_mark_level2, self.x2_pass_mark_level3)[level - 1]

    def reward(self, level: int) -> Decimal:
        """A2: the one-off reward for an award at ``level``."""
        return (self.a2_reward_level1, self.a2_reward_level2, self.a2_reward_level3)[level - 1]


@dataclass(frozen=True, slots=True)
class PolicyField:
    """One editable field: name, JSON key, rule id and Chinese label (for the edit page)."""

    name: str
    key: str
    rule: str
    label_zh: str
    kind: type


def _key(name: str) -> str:
    return name[0].upper() + name[1:]


POLICY_FIELDS: tuple[PolicyField, ...] = tuple(
    PolicyField(f.name, _key(f.name), f.metadata["rule"], f.metadata["label"], type(f.default))
    for f in dataclasses.fields(YearlyPolicy)
)
_BY_NAME = {pf.name: pf for pf in POLICY_FIELDS}
_BY_KEY = {pf.key: pf for pf in POLICY_FIELDS}


def policy_field(name: str) -> PolicyField:
    """The :class:`PolicyField` of a field name (``"q1_ratio_level1"``) or key (``"Q1_ratio_level1"``)."""
    return _BY_NAME.get(name) or _BY_KEY[name]


def field_label(name: str) -> str:
    return policy_field(name).label_zh


def field_rule(name: str) -> str:
    return policy_field(name).rule


# --- P1 file format ----------------------------------------------------------

def policy_to_dict(p: YearlyPolicy) -> dict[str, Any]:
    """The JSON form: rule-id keys, Decimals as strings, choices as their Chinese words."""
    out: dict[str, Any] = {}
    for pf in POLICY_FIELDS:
        value = getattr(p, pf.name)
        if isinstance(value, Decimal):
            out[pf.key] = str(value)
        elif isinstance(value, (StrEnum, MonthDay)):
            out[pf.key] = str(value)
        else:
            out[pf.key] = value
    return out


def _read(pf: PolicyField, raw: Any) -> Any:
    kind = pf.kind
    where = f"{pf.key}（{pf.label_zh}）"
    if kind is Decimal:
        if isinstance(raw, bool) or not isinstance(raw, (str, int)):
            raise PolicyFormatError(f"{where} 须为十进制数字符串，例如 \"0.30\"，不能是 {raw!r}")
        try:
            value = Decimal(raw.strip()) if isinstance(raw, str) else Decimal(raw)
        except InvalidOperation:
            raise PolicyFormatError(f"{where} 不是数字：{raw!r}") from None
        if not value.is_finite():
            raise PolicyFormatError(f"{where} 不是有限数字：{raw!r}")
        return value
    if kind is bool:
        if not isinstance(raw, bool):
            raise PolicyFormatError(f"{where} 须为 true 或 false，不能是 {raw!r}")
        return raw
    if kind is int:
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise PolicyFormatError(f"{where} 须为整数，不能是 {raw!r}")
        return raw
    if kind is str:
        if not isinstance(raw, str):
            raise PolicyFormatError(f"{where} 须为文字，不能是 {raw!r}")
        return raw
    if kind is MonthDay:
        try:
            value = MonthDay.parse(raw)
        except (AttributeError, ValueError):
            raise PolicyFormatError(f"{where} 须为 \"MM-DD\" 形式，例如 \"07-01\"，不能是 {raw!r}") from None
        return value
    if issubclass(kind, StrEnum):
        try:
            return kind(raw)
        except ValueError:
            allowed = " / ".join(v.value for v in kind)
            raise PolicyFormatError(f"{where} 须为 {allowed} 之一，不能是 {raw!r}") from None
    raise PolicyFormatError(f"{where} 类型无法读取")  # pragma: no cover


def policy_from_dict(d: dict[str, Any]) -> YearlyPolicy:
    """Read the JSON form back; unknown or missing keys and wrong types raise :class:`PolicyFormatError`."""
    if not isinstance(d, dict):
        raise PolicyFormatError("政策文件须为键值对象")
    unknown = sorted(set(d) - set(_BY_KEY))
    missing = sorted(set(_BY_KEY) - set(d))
    if unknown or missing:
        parts = []
        if unknown:
            parts.append("未知的键：" + "、".join(unknown))
        if missing:
            parts.append("缺少的键：" + "、".join(missing))
        raise PolicyFormatError("；".join(parts))
    return YearlyPolicy(**{pf.name: _read(pf, d[pf.key]) for pf in POLICY_FIELDS})


def next_cycle_policy(previous: YearlyPolicy, version: str) -> YearlyPolicy:
    """P1: a new cycle starts from a copy of the last one, under a new version name."""
    return dataclasses.replace(previous, p2_version=version)


# --- P1 validation -----------------------------------------------------------

@dataclass(frozen=True, slots=True)
class PolicyProblem:
    """One reason a policy cannot be used: the field name and a Chinese message."""

    field: str
    message_zh: str


def validate_policy(p: YearlyPolicy) -> list[PolicyProblem]:
    """Every problem of ``p`` (empty list when usable), with Chinese messages."""
    problems: list[PolicyProblem] = []

    def bad(name: str, message: str) -> None:
        problems.append(PolicyProblem(name, f"{field_label(name)}：{message}"))

    def share(name: str) -> None:
        v = getattr(p, name)
        if not ZERO <= v <= 1:
            bad(name, f"比例须在 0%–100% 之间，现为 {v * 100}%")

    def mark(name: str) -> None:
        v = getattr(p, name)
        if not ZERO <= v <= HUNDRED:
            bad(name, f"分数须在 0–100 之间，现为 {v}")
        elif v != v.quantize(TENTH):
            bad(name, f"分数最多一位小数，现为 {v}")

    def at_least(name: str, low: Decimal | int) -> None:
        v = getattr(p, name)
        if v < low:
            bad(name, f"不能小于 {low}，现为 {v}")

    if not p.p2_version.strip():
        bad("p2_version", "不能为空")
    for name in ("q1_ratio_level1", "q1_ratio_level2", "q1_ratio_level3",
                 "e7_limit_level3_share", "e7_limit_level2_share",
                 "x2_weight_knowledge", "x2_weight_skills",
                 "x5_weight_monthly", "x5_weight_monitoring", "x5_weight_exam"):
        share(name)
    if p.x2_weight_knowledge + p.x2_weight_skills != 1:
        bad("x2_weight_skills", f"知识与技能权重之和须为 100%，现为 {(p.x2_weight_knowledge + p.x2_weight_skills) * 100}%")
    x5_sum = p.x5_weight_monthly + p.x5_weight_monitoring + p.x5_weight_exam
    if x5_sum != 1:
        bad("x5_weight_exam", f"三项权重之和须为 100%，现为 {x5_sum * 100}%")
    # E7 limits: 3-star must be at least as strict as 2-star.
    at_least("e7_limit_level3_count", 0)
    at_least("e7_limit_level2_count", 0)
    if p.e7_limit_level3_count > p.e7_limit_level2_count:
        bad("e7_limit_level3_count", f"三星名次门槛（前{p.e7_limit_level3_count}名）不能宽于二星（前{p.e7_limit_level2_count}名）")
    if p.e7_limit_level3_share > p.e7_limit_level2_share:
        bad("e7_limit_level3_share", "三星比例门槛不能宽于二星")
    for name in ("x2_pass_mark_level1", "x2_pass_mark_level2", "x2_pass_mark_level3",
                 "m4_full_rate_from", "m4_proportional_from", "m6_threshold",
                 "j2_band1_from", "j2_band2_from", "j2_band3_from", "j3_low_score_at_most"):
        mark(name)
    if p.m4_proportional_from > p.m4_full_rate_from:
        bad("m4_proportional_from", f"按比例分数线 {p.m4_proportional_from} 不能高于全额分数线 {p.m4_full_rate_from}")
    if not p.j2_band3_from <= p.j2_band2_from <= p.j2_band1_from:
        bad("j2_band2_from", "三档分数线须由高到低排列（第一档 ≥ 第二档 ≥ 第三档）")
    for name in ("j2_band1_coefficient", "j2_band2_coefficient", "j2_band3_coefficient"):
        at_least(name, ZERO)
    if not p.j2_band3_coefficient <= p.j2_band2_coefficient <= p.j2_band1_coefficient:
        bad("j2_band2_coefficient", "系数须随分数档由高到低不增")
    for name in ("m4_base_level1", "m4_base_level2", "m4_base_level3",
                 "a2_reward_level1", "a2_reward_level2", "a2_reward_level3"):
        at_least(name, ZERO)
    if not p.m4_base_level1 <= p.m4_base_level2 <= p.m4_base_level3:
        bad("m4_base_level2", "基数须按星级不减（一星 ≤ 二星 ≤ 三星）")
    for name in ("m7_preliminary_months", "m7_composite_months"):
        v = getattr(p, name)
        if not 1 <= v <= 24:
            bad(name, f"月数须在 1–24 之间，现为 {v}")
    for name in ("m6_consecutive_months", "m6_total_months"):
        v = getattr(p, name)
        if not 1 <= v <= 12:
            bad(name, f"月数须在 1–12 之间（一个自然年内计数），现为 {v}")
    if p.m6_consecutive_months > p.m6_total_months:
        bad("m6_consecutive_months", "连续月数不能多于累计月数")
    for name in ("m5_sanction_general", "m5_sanction_serious", "m5_sanction_severe"):
        if getattr(p, name) not in MONTH_SANCTIONS | TITLE_SANCTIONS:
            bad(name, "处理方式无效")  # pragma: no cover - enum typed
    for name in ("v1_sanction_short_of_level", "v1_sanction_unqualified"):
        if getattr(p, name) not in TITLE_SANCTIONS:
            bad(name, f"监督处理只能是降级或取消星级，不能是 {getattr(p, name)}")
    if not p.j3_results_published.is_valid():
        bad("j3_results_published", f"日期无效：{p.j3_results_published}")
    if not 1 <= p.r1_deadline_day <= 28:
        bad("r1_deadline_day", f"截止日须在 1–28 日之间（每个月都有），现为 {p.r1_deadline_day}")
    return problems
