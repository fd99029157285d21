"""Y1–Y3: opening a cycle and its steps, one move at a time, each logged; illegal moves refused, changing nothing."""
import pytest

from stardesk.audit.models import AuditEntry
from stardesk.core.errors import DomainError, Forbidden
from stardesk.cycle import services
from stardesk.cycle.models import Cycle, CycleStage, Step
from stardesk.yearly_policy.models import CyclePolicy
from stardesk.yearly_policy import services as policy_services
from tests.cycle.conftest import D, R

WALK = [Step.LEADER_CHECK, Step.ASSESSMENT, Step.COMMITTEE, Step.AWARD, Step.SUMMARY, Step.COMPLETED]


def walk_to(cycle, target, *, supervisor, committee):
    for step in WALK:
        actor = committee if step == Step.AWARD else supervisor
        cycle = services.cycle_transition(actor=actor, cycle=cycle, to=step)
        if step == target:
            return cycle
    return cycle


def test_y3_cycle_opens_on_the_years_policy_with_its_reference_date(cycle, policy_2026, supervisor):
    # then
    assert cycle.step == Step.APPLICATION and cycle.reference_date == R
    assert (cycle.policy_id, cycle.policy_revision, cycle.policy_version) == (policy_2026.pk, 1, "2026 第1版")
    stages = {s.step: s for s in CycleStage.objects.filter(cycle=cycle)}
    assert set(stages) == set(Step.values)
    assert stages[Step.APPLICATION].started_at is not None and stages[Step.APPLICATION].started_by == supervisor
    assert all(stages[s].started_at is None for s in WALK)
    entry = AuditEntry.objects.get(action="cycle.open")
    assert entry.changes["资格审核基准日"] == [None, "2026-09-30"] and entry.changes["政策版本"] == [None, "2026 第1版"]


def test_y3_reference_date_outside_the_year_is_refused(policy_2026, supervisor, hotline):
    with pytest.raises(DomainError) as refused:
        services.cycle_open(actor=supervisor, hotline=hotline, year=2026, reference_date=D(2025, 12, 31))
    assert refused.value.code == "cycle_invalid" and "不在 2026 年内" in refused.value.message
    assert not Cycle.objects.exists()


def test_y2_planned_dates_must_follow_the_steps(policy_2026, supervisor, hotline):
    with pytest.raises(DomainError) as refused:
        services.cycle_open(actor=supervisor, hotline=hotline, year=2026, reference_date=R,
                            planned={Step.LEADER_CHECK: D(2026, 9, 30), Step.ASSESSMENT: D(2026, 9, 20)})
    fields = {d["field"] for d in refused.value.details}
    assert fields == {Step.LEADER_CHECK, Step.ASSESSMENT}
    assert not Cycle.objects.exists()


def test_y1_one_cycle_per_year_and_only_with_a_policy(cycle, supervisor, hotline):
    with pytest.raises(DomainError) as again:
        services.cycle_open(actor=supervisor, hotline=hotline, year=2026, reference_date=R)
    assert again.value.code == "cycle_exists"
    with pytest.raises(DomainError) as no_policy:
        services.cycle_open(actor=supervisor, hotline=hotline, year=2027, reference_date=D(2027, 9, 30))
    assert no_policy.value.code == "policy_missing" and "2027" in no_policy.value.message


def test_p1_a_frozen_years_policy_cannot_start_a_cycle(policy_2026, committee, supervisor, hotline):
    policy_services.policy_freeze(actor=committee, policy=policy_2026, reason="该年度已评定完毕")
    with pytest.raises(DomainError) as refused:
        services.cycle_open(actor=supervisor, hotline=hotline, year=2026, reference_date=R)
    assert refused.value.code == "cycle_policy_frozen"


@pytest.mark.parametrize("target", [Step.ASSESSMENT, Step.COMMITTEE, Step.COMPLETED, Step.APPLICATION])
def test_y2_only_the_next_step_may_start(cycle, supervisor, target):
    # given
    audits = AuditEntry.objects.count()
    # when
    with pytest.raises(DomainError) as refused:
        services.cycle_transition(actor=supervisor, cycle=cycle, to=target)
    # then
    assert refused.value.code == "cycle_illegal_move"
    assert "只能进入下一步「班长推荐」" in refused.value.message
    cycle.refresh_from_db()
    assert cycle.step == Step.APPLICATION and AuditEntry.objects.count() == audits
    assert not cycle.headcount_rows.exists()


def test_y2_no_step_goes_back(cycle, supervisor):
    services.cycle_transition(actor=supervisor, cycle=cycle, to=Step.LEADER_CHECK)
    with pytest.raises(DomainError) as refused:
        services.cycle_transition(actor=supervisor, cycle=cycle, to=Step.APPLICATION)
    assert refused.value.code == "cycle_illegal_move"
    cycle.refresh_from_db()
    assert cycle.step == Step.LEADER_CHECK


def test_y2_each_move_is_logged_with_its_date(cycle, supervisor):
    services.cycle_transition(actor=supervisor, cycle=cycle, to=Step.LEADER_CHECK, note="申报截止")
    stage = CycleStage.objects.get(cycle=cycle, step=Step.LEADER_CHECK)
    assert stage.started_at is not None and stage.started_by_name == str(supervisor) and stage.note == "申报截止"
    entry = AuditEntry.objects.filter(action="cycle.step").get()
    assert entry.changes["当前步骤"] == ["个人申报", "班长推荐"] and entry.note == "申报截止"


def test_y2_the_whole_cycle_walks_to_completed_and_stops(cycle, supervisor, committee):
    cycle = walk_to(cycle, Step.COMPLETED, supervisor=supervisor, committee=committee)
    assert cycle.step == Step.COMPLETED
    assert CycleStage.objects.filter(cycle=cycle, started_at__isnull=False).count() == len(Step.values)
    with pytest.raises(DomainError) as refused:
        services.cycle_transition(actor=supervisor, cycle=cycle, to=Step.COMPLETED)
    assert "已完成" in refused.value.message


def test_k4_closing_the_committee_decision_is_the_committees_and_freezes_the_policy(cycle, supervisor, committee):
    # given
    cycle = walk_to(cycle, Step.COMMITTEE, supervisor=supervisor, committee=committee)
    # when the supervisor tries
    with pytest.raises(Forbidden):
        services.cycle_transition(actor=supervisor, cycle=cycle, to=Step.AWARD)
    assert not CyclePolicy.objects.get(pk=cycle.policy_id).is_frozen
    # when the committee closes it
    cycle = services.cycle_transition(actor=committee, cycle=cycle, to=Step.AWARD)
    # then (P1)
    assert cycle.step == Step.AWARD
    assert CyclePolicy.objects.get(pk=cycle.policy_id).is_frozen
    assert AuditEntry.objects.filter(action="policy.freeze").exists()


@pytest.mark.parametrize("role", ["agent", "leader", "committee"])
def test_y2_only_the_supervisor_moves_the_steps(cycle, users, role):
    with pytest.raises(Forbidden):
        services.cycle_transition(actor=users[role], cycle=cycle, to=Step.LEADER_CHECK)
    cycle.refresh_from_db()
    assert cycle.step == Step.APPLICATION


@pytest.mark.parametrize("role", ["agent", "leader", "committee"])
def test_y1_only_the_supervisor_opens_a_cycle(policy_2026, hotline, users, role):
    with pytest.raises(Forbidden):
        services.cycle_open(actor=users[role], hotline=hotline, year=2026, reference_date=R)
    assert not Cycle.objects.exists()
