"""The 评定结果 export of workbook.md (工号, 姓名, 评定星级, 综合得分, 依据): the committee's final result (K4).

One row per candidate of the committee, best level first: 评定星级 is the
level decided (无 when not awarded); 综合得分 the X5 figure (empty when a part
was missing); 依据 the rules and figures behind it: the exams and X5, the
proposal (K2) and each decision of the committee with its member, time and
reason (K3). Only once the decision is closed: before that the result is not
final and is not handed out.
"""
from collections import defaultdict
from collections.abc import Iterator

from django.utils import timezone
from django.utils.translation import gettext as _

from stardesk.core.errors import DomainError
from stardesk.cycle.eligibility import reasons_from_json
from stardesk.cycle.exports import Export
from stardesk.cycle.models import CommitteeCandidate, CommitteeDecision, Cycle, Step
from stardesk.policy.reasons import Reason, basis

NOT_AWARDED = "无"
RESULT = Export(
    "result", "评定结果", ("工号", "姓名", "评定星级", "综合得分", "依据"), ("staff_no", "text", "number", "number", "text"),
)


def decision_reason(d: CommitteeDecision) -> Reason:
    """K3 as written in 依据: who, when, what, why."""
    at = timezone.localtime(d.decided_at).strftime("%Y-%m-%d %H:%M")
    change = f"{d.from_level}星→{d.to_level}星" if d.to_level else f"{d.from_level}星→不予评定"
    return Reason("K3", f"{at} {d.member_name}：{d.get_action_display()}（{change}），理由：{d.reason}")


def result_rows(cycle: Cycle) -> Iterator[list]:
    """Refused (DomainError) before the committee closes its decision (K4)."""
    if not cycle.reached(Step.AWARD):
        raise DomainError("cycle_step_closed", _("集中评定尚未结束，评定结果尚未生效（K4），不能导出。"))
    return _rows(cycle)


def _rows(cycle: Cycle) -> Iterator[list]:
    decisions = defaultdict(list)
    for d in CommitteeDecision.objects.filter(cycle=cycle).order_by("decided_at", "pk"):
        decisions[d.candidate_id].append(d)
    candidates = (
        CommitteeCandidate.objects.filter(cycle=cycle)
        .select_related("person")
        .order_by("-level", "-start_level", "list_position", "person__staff_no")
    )
    for c in candidates.iterator(chunk_size=2000):
        reasons = reasons_from_json(c.reasons) + tuple(decision_reason(d) for d in decisions.get(c.pk, ()))
        yield [c.person.staff_no, c.person.name, c.level or NOT_AWARDED, c.composite, basis(reasons)]
