"""The rule ids of policy.md with their short titles, as data (used by scripts/rule_coverage.py)."""

from __future__ import annotations

import re

RULES: dict[str, str] = {
    "C1": "界限（以上/以下含本数）Bounds",
    "C2": "分数 Scores",
    "C3": "金额 Money",
    "C4": "名额取整 Quotas rounding",
    "C5": "日期与年限 Dates and tenure",
    "S1": "适用范围 In scope",
    "S2": "人员信息与在职 Person and active",
    "S3": "班长、主管与评定委员会 Roles",
    "S4": "星级与星级历史 Star title and history",
    "Y1": "每年一次评定 One cycle a year",
    "Y2": "评定步骤顺序 Steps in order",
    "Y3": "资格审核基准日 Reference date R",
    "Y4": "星级一年一评 Titles last one cycle",
    "E1": "一星申报条件 1-star",
    "E2": "二星申报条件 2-star",
    "E3": "三星申报条件 3-star",
    "E4": "荣誉优先申报二星 Honour route",
    "E5": "不得越级 No skipping",
    "E6": "处分后一年内不得申报 Ban",
    "E7": "年中考试名次门槛 June ranking gate",
    "E8": "离职人员 Leavers",
    "Q1": "推荐名额 Quotas",
    "Q2": "名额上限 Quota caps",
    "Q3": "推荐排序 Recommendation order",
    "Q4": "超额下转 Overflow",
    "X1": "资格考试内容 Qualification exam",
    "X2": "考试成绩与合格线 Exam score and pass marks",
    "X3": "逐级补考 Cascade",
    "X4": "成绩一年有效 One-year validity",
    "X5": "综合得分 Composite score",
    "X6": "成绩公布 Publication",
    "K1": "评定名单 Committee lists",
    "K2": "评定方案 Proposal within quotas",
    "K3": "逐人评定与名额拒绝 One at a time, quota refusal",
    "K4": "评定结果终局 Final result",
    "A1": "授牌 Award date",
    "A2": "一次性奖励 One-off reward",
    "A3": "证书 Certificates",
    "M1": "考核节奏 Rhythm",
    "M2": "评分细则与监听 Rubric and call monitoring",
    "M3": "月度得分 Monthly score",
    "M4": "月度星级待遇 Monthly allowance",
    "M5": "一票否决 Veto",
    "M6": "持续低分降级 Persistent low scores",
    "M7": "季度/半年/年度评定 Ratings",
    "J1": "年中综合考试与名次 June exam and ranks",
    "J2": "下半年奖金系数 Second-half coefficient",
    "J3": "年中考试后待遇与星级调整 June adjustments",
    "J4": "名次为申报门槛 June gate for the cycle",
    "V1": "监督降级或取消 Supervision",
    "V2": "用户表扬与投诉 Customer feedback",
    "R1": "绩效登记表报送期限 Register deadline",
    "R2": "审核与锁定 Review and lock",
    "R3": "奖金计划与总结 Bonus plan and report",
    "T1": "培训 Training",
    "T2": "个人工作档案 Work file",
    "P1": "年度政策 Yearly policy",
    "P2": "政策版本 Policy version",
    "P3": "决定可解释 Explainable decisions",
}

RULE_LINE = re.compile(r"^- \*\*([A-Z]\d+)\b")


def rule_ids_in(text: str) -> list[str]:
    """The rule ids of a policy.md-style text (lines starting ``- **X1``)."""
    return [m.group(1) for line in text.splitlines() if (m := RULE_LINE.match(line))]
