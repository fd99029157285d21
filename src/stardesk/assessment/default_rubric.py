"""The rubric a cable-TV hotline starts from (M2); the supervisor edits it from there.

The hotline's own annex is not available, so these items follow the plan's
wording: service norms, business knowledge (analogue TV, digital TV,
broadband), Mandarin and tone, timeliness, discipline. Points sum to 100.
Each entry: (name, points, allows "not applicable", guidance).
"""
from decimal import Decimal

NAME = "话务员周考评评分细则"

SECTIONS: list[tuple[str, list[tuple[str, Decimal, bool, str]]]] = [
    (
        "服务规范",
        [
            ("开头语/结束语", Decimal("5"), False, "未使用规范开头语或结束语，每次扣1分"),
            ("礼貌用语", Decimal("10"), False, "缺少请、您好、谢谢等礼貌用语，每次扣1分"),
            ("服务态度", Decimal("10"), False, "语气生硬、不耐烦、推诿用户，每次扣2–5分"),
        ],
    ),
    (
        "业务准确",
        [
            ("模拟电视业务", Decimal("8"), True, "解答错误或不完整，每次扣2分；本周未受理可标记不适用"),
            ("数字电视业务", Decimal("8"), True, "解答错误或不完整，每次扣2分；本周未受理可标记不适用"),
            ("宽带业务", Decimal("8"), True, "解答错误或不完整，每次扣2分；本周未受理可标记不适用"),
            ("信息记录完整", Decimal("6"), False, "用户信息、故障现象记录缺漏，每次扣1分"),
        ],
    ),
    (
        "普通话与语态",
        [
            ("普通话标准", Decimal("5"), False, "发音不准、夹杂方言，酌情扣1–3分"),
            ("语速语调", Decimal("5"), False, "语速过快过慢、语调平淡，酌情扣1–3分"),
            ("语言技巧", Decimal("5"), False, "表达不清、引导不当，酌情扣1–3分"),
        ],
    ),
    (
        "处理时效与跟进",
        [
            ("通话时长控制", Decimal("5"), False, "无故拖延通话，每次扣1分"),
            ("工单及时处理", Decimal("10"), False, "工单超时未派发或未处理，每张扣2分"),
            ("回访跟进", Decimal("5"), True, "应回访未回访，每次扣1分；本周无回访任务可标记不适用"),
        ],
    ),
    (
        "纪律与考勤",
        [
            ("出勤", Decimal("5"), False, "迟到、早退每次扣1分，旷工扣5分"),
            ("劳动纪律", Decimal("5"), False, "串岗、私人电话、擅离座席，每次扣1分"),
        ],
    ),
]

# Veto items (一票否决, M5) carry no points: ticking one reminds the leader to
# record the veto event; the sanction itself comes from that event.
VETO_SECTION = "一票否决"
VETO_ITEMS: list[tuple[str, str]] = [
    ("违章违纪", "发现后须在奖惩事件中登记"),
    ("重大工作或服务差错", "发现后须在奖惩事件中登记"),
    ("用户有理投诉", "发现后须在奖惩事件中登记"),
]
