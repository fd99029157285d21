"""Y2: the steps of a cycle and the one table of moves between them.

    个人申报 ──▶ 班长推荐 ──▶ 业务考核 ──▶ 集中评定 ──▶ 授牌 ──▶ 总结上报 ──▶ 已完成
   application  leader_check  assessment   committee    award    summary    completed

Only the next step may start (the policy's check_step_move; 已完成 closes the
summary report). Each move names who may make it. What a move does besides
changing the step (keep the quota basis, finalise the recommendation list,
freeze the policy) is in services.STEP_WORK, run by services.cycle_transition,
the one transition() of the cycle.

A step's records are frozen once the next step starts: `step_is_open`
is the one test every write of a step's records goes through.
"""
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from stardesk.core.errors import DomainError
from stardesk.cycle.models import STEP_ORDER, Cycle, Step
from stardesk.policy import cycle as rules
from stardesk.policy.errors import IllegalTransition

# The six steps of the rulebook, one to one with ours (已完成 has no rule of its own).
POLICY_STEPS: dict[str, rules.CycleStep] = dict(zip(STEP_ORDER, rules.STEP_ORDER))


@dataclass(frozen=True)
class Move:
    source: str
    target: str
    permission: str  # a named permission of accounts.permissions
    label: str  # the button that makes the move
    explanation: str  # what happens, said before the user confirms


MOVES: dict[str, Move] = {
    move.source: move
    for move in (
        Move(Step.APPLICATION, Step.LEADER_CHECK, "cycle.manage", _("截止申报，开始班长推荐"),
             _("申报截止，申报记录冻结；按基准日重新检查所有申报的资格，并保存名额依据（基准日在岗人数及名单，Q1）。")),
        Move(Step.LEADER_CHECK, Step.ASSESSMENT, "cycle.manage", _("确定推荐名单，开始业务考核"),
             _("按 Q3 排序、Q4 超额下转确定推荐名单并保存；推荐记录冻结。须所有符合条件的申报都已经班长审核。")),
        Move(Step.ASSESSMENT, Step.COMMITTEE, "cycle.manage", _("结束业务考核，开始集中评定"),
             _("业务考核记录冻结，评定委员会开始集中评定。")),
        Move(Step.COMMITTEE, Step.AWARD, "cycle.close_decision", _("结束集中评定（决定生效）"),
             _("须已对每名候选人逐人评定（K3）；评定委员会的决定为最终决定（K4），本年度政策随之冻结（P1）。")),
        Move(Step.AWARD, Step.SUMMARY, "cycle.manage", _("授牌完成，开始总结上报"),
             _("授牌记录冻结，开始总结上报。")),
        Move(Step.SUMMARY, Step.COMPLETED, "cycle.manage", _("完成总结上报，结束本年度评定"),
             _("本年度评定结束，所有记录冻结。")),
    )
}


def next_move(step: str) -> Move | None:
    return MOVES.get(step)


def check_move(cycle: Cycle, target: str) -> Move:
    """Y2: the move from the cycle's step to `target`, or a DomainError naming both steps."""
    move = MOVES.get(cycle.step)
    current = Step(cycle.step).label
    wanted = Step(target).label if target in Step.values else str(target)
    allowed = move is not None and move.target == target
    if allowed and target in POLICY_STEPS and cycle.step in POLICY_STEPS:
        try:  # the rulebook's own order (Y2) has the last word
            rules.check_step_move(POLICY_STEPS[cycle.step], POLICY_STEPS[target])
        except IllegalTransition:
            allowed = False
    if not allowed:
        if move is None:
            message = _("本年度评定已完成，不能再变更步骤。")
        else:
            message = _("评定当前处于「%(current)s」，只能进入下一步「%(next)s」，不能进入「%(wanted)s」。") % {
                "current": current, "next": Step(move.target).label, "wanted": wanted}
        raise DomainError("cycle_illegal_move", message)
    return move


def step_is_open(cycle: Cycle, step: str) -> bool:
    """Y2: the records of `step` may change only while it is the current step."""
    return cycle.step == step


def require_step(cycle: Cycle, *steps: str, doing: str) -> None:
    """Refuse `doing` unless the cycle is in one of `steps` (records of earlier steps are frozen)."""
    if cycle.step in steps:
        return
    allowed = "、".join(f"「{Step(s).label}」" for s in steps)
    raise DomainError(
        "cycle_step_closed",
        _("评定当前处于「%(current)s」，%(doing)s只能在%(allowed)s步骤进行。") % {
            "current": Step(cycle.step).label, "doing": doing, "allowed": allowed},
    )
