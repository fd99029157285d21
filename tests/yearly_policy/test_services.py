"""The yearly policy services: P1 (defaults, copy forward, freeze, validation) and P2 (every revision kept)."""
import json
from decimal import Decimal

import pytest

from stardesk.audit.models import AuditEntry
from stardesk.core.errors import DomainError, Forbidden
from stardesk.policy.quotas import quotas_for
from stardesk.policy.yearly import YearlyPolicy, policy_to_dict
from stardesk.yearly_policy import queries, services
from stardesk.yearly_policy.models import CyclePolicy, CyclePolicyRevision, RevisionSource
from tests.factories import UserFactory


def _state(record: CyclePolicy):
    """Everything a refusal must leave as it was."""
    record.refresh_from_db()
    return record.revision, record.data, record.frozen_at, CyclePolicyRevision.objects.count(), AuditEntry.objects.count()


def test_p1_first_year_starts_from_the_defaults(hotline, supervisor):
    # when
    record = services.policy_create_from_defaults(actor=supervisor, hotline=hotline, year=2025)
    # then
    assert record.version == "2025 第1版"
    policy = record.policy()
    assert policy.q1_ratio_level1 == Decimal("0.30") and policy.x2_pass_mark_level3 == Decimal("90")
    assert policy.p2_version == "2025 第1版"
    revision = record.revisions.get()
    assert (revision.number, revision.source, revision.author) == (1, RevisionSource.DEFAULTS, supervisor)
    assert AuditEntry.objects.get(action="policy.create").target_id == str(record.pk)


def test_p1_defaults_only_for_the_first_year_of_a_hotline(policy_2025, hotline, supervisor):
    with pytest.raises(DomainError) as refused:
        services.policy_create_from_defaults(actor=supervisor, hotline=hotline, year=2026)
    assert refused.value.code == "policy_not_first"
    assert CyclePolicy.objects.filter(hotline=hotline).count() == 1


def test_p1_new_year_copies_last_policy(policy_2025, hotline, supervisor, committee):
    # given: 2025 was changed during its cycle, then closed
    services.policy_update(actor=supervisor, policy=policy_2025, values={"q1_ratio_level2": Decimal("0.35"),
                           "m4_base_level3": Decimal("320")}, reason="委员会决定")
    services.policy_freeze(actor=committee, policy=policy_2025, reason="评定结束")
    # when
    record = services.policy_copy_forward(actor=supervisor, hotline=hotline)
    # then: 2026 is a copy of the last version of 2025, under its own version name
    assert record.year == 2026 and record.version == "2026 第1版" and not record.is_frozen
    old, new = CyclePolicy.objects.get(hotline=hotline, year=2025).policy(), record.policy()
    assert new.q1_ratio_level2 == Decimal("0.35") and new.m4_base_level3 == Decimal("320")
    assert {k: v for k, v in policy_to_dict(new).items() if k != "P2_version"} == \
        {k: v for k, v in policy_to_dict(old).items() if k != "P2_version"}
    assert record.revisions.get().source == RevisionSource.COPIED


def test_p1_copy_forward_refuses_a_year_that_exists_or_is_not_after_the_last(policy_2026, hotline, supervisor):
    with pytest.raises(DomainError) as exists:
        services.policy_copy_forward(actor=supervisor, hotline=hotline, year=2026)
    with pytest.raises(DomainError) as earlier:
        services.policy_copy_forward(actor=supervisor, hotline=hotline, year=2020)
    assert (exists.value.code, earlier.value.code) == ("policy_exists", "policy_year_not_after")
    assert CyclePolicy.objects.filter(hotline=hotline).count() == 2


def test_p1_copy_forward_needs_a_first_year(hotline, supervisor):
    with pytest.raises(DomainError) as refused:
        services.policy_copy_forward(actor=supervisor, hotline=hotline)
    assert refused.value.code == "policy_none_to_copy"


def test_p1_frozen_policy_refuses_changes(closed_2025, hotline, supervisor, admin_user):
    before = _state(closed_2025)
    with pytest.raises(DomainError) as update:
        services.policy_update(actor=admin_user, policy=closed_2025, values={"q1_ratio_level2": Decimal("0.5")}, reason="试图修改")
    with pytest.raises(DomainError) as imported:
        services.policy_import(actor=supervisor, hotline=hotline, year=2025,
                               content=json.dumps(policy_to_dict(YearlyPolicy())), reason="试图导入")
    with pytest.raises(DomainError) as again:
        services.policy_freeze(actor=supervisor, policy=closed_2025, reason="再次冻结")
    assert (update.value.code, imported.value.code, again.value.code) == ("policy_frozen", "policy_frozen", "policy_already_frozen")
    assert _state(closed_2025) == before


def test_p1_update_refuses_an_invalid_policy_with_every_problem(policy_2026, supervisor):
    before = _state(policy_2026)
    with pytest.raises(DomainError) as refused:
        services.policy_update(actor=supervisor, policy=policy_2026, reason="试算", values={
            "q1_ratio_level2": Decimal("1.5"),
            "x2_weight_knowledge": Decimal("0.7"),
            "m4_base_level1": Decimal("-10"),
        })
    assert refused.value.code == "policy_invalid"
    fields = {d["field"] for d in refused.value.details}
    assert {"q1_ratio_level2", "x2_weight_skills", "m4_base_level1"} <= fields
    assert all(d["message"] for d in refused.value.details)
    assert _state(policy_2026) == before


def test_p1_update_needs_a_reason_and_a_real_change(policy_2026, supervisor):
    before = _state(policy_2026)
    with pytest.raises(DomainError) as no_reason:
        services.policy_update(actor=supervisor, policy=policy_2026, values={"q1_ratio_level2": Decimal("0.4")}, reason="  ")
    with pytest.raises(DomainError) as no_change:
        # 30% typed back as 0.3 is the same number as the stored "0.30"
        services.policy_update(actor=supervisor, policy=policy_2026, values={"q1_ratio_level2": Decimal("0.3")}, reason="无变化")
    assert (no_reason.value.code, no_change.value.code) == ("policy_reason_required", "policy_unchanged")
    assert _state(policy_2026) == before


def test_p1_update_refuses_an_edit_based_on_an_old_revision(policy_2026, supervisor, admin_user):
    services.policy_update(actor=admin_user, policy=policy_2026, values={"q1_ratio_level3": Decimal("0.12")}, reason="先改")
    before = _state(policy_2026)
    with pytest.raises(DomainError) as stale:
        services.policy_update(actor=supervisor, policy=policy_2026, values={"q1_ratio_level2": Decimal("0.4")},
                               reason="后改", expected_revision=1)
    assert stale.value.code == "policy_stale"
    assert _state(policy_2026) == before


def test_p2_revision_recorded_with_full_data_old_and_new(policy_2026, hotline, supervisor):
    # when
    services.policy_update(actor=supervisor, policy=policy_2026, values={"q1_ratio_level2": Decimal("0.35")},
                           reason="委员会 3 月会议决定", expected_revision=1)
    # then: a second revision with the whole policy, the change and who made it why
    policy_2026.refresh_from_db()
    assert policy_2026.version == "2026 第2版"
    second = policy_2026.revisions.get(number=2)
    assert second.changes == {"Q1_ratio_level2": ["0.30", "0.35"]}
    assert (second.author, second.reason, second.source) == (supervisor, "委员会 3 月会议决定", RevisionSource.EDITED)
    assert second.data["Q1_ratio_level2"] == "0.35" and second.data["P2_version"] == "2026 第2版"
    entry = AuditEntry.objects.get(action="policy.update")
    assert entry.changes["Q1 二星名额比例（占一星名额）"] == ["30%", "35%"]
    assert entry.changes["版本"] == ["2026 第1版", "2026 第2版"]
    assert entry.note == "委员会 3 月会议决定" and entry.hotline == hotline
    # the first version is still there, exactly as it was (P2)
    assert queries.policy_version(hotline, 2026, 1).policy.q1_ratio_level2 == Decimal("0.30")
    assert queries.policy_version(hotline, 2026, 2).policy.q1_ratio_level2 == Decimal("0.35")


def test_p2_decisions_record_the_version_of_the_policy_in_force(policy_2026, hotline, supervisor):
    services.policy_update(actor=supervisor, policy=policy_2026, values={"q1_ratio_level1": Decimal("0.25")}, reason="调整")
    in_force = queries.cycle_policy(hotline, 2026)
    assert in_force.version == "2026 第2版"
    assert quotas_for(100, in_force.policy).policy_version == "2026 第2版"
    with pytest.raises(DomainError) as missing:
        queries.cycle_policy(hotline, 2030)
    assert missing.value.code == "policy_missing"


def test_q1_quota_preview_follows_changed_ratio(policy_2026, closed_2025, hotline, supervisor, hundred_agents):
    from tests.yearly_policy.conftest import REFERENCE_DAY

    # given: N = 100 at R, defaults 30% / 30% / 10% → 30, 9, 3 (Q1 example)
    before = queries.quota_preview(hotline, policy_2026.policy(), REFERENCE_DAY)
    assert (before.headcount, before.quotas.level1, before.quotas.level2, before.quotas.level3) == (100, 30, 9, 3)
    # when: the 2-star ratio of 2026 becomes 50%
    services.policy_update(actor=supervisor, policy=policy_2026, values={"q1_ratio_level2": Decimal("0.50")}, reason="扩大二星")
    # then: 2026's 2-star quota follows; the closed 2025 cycle keeps its numbers
    after = queries.quota_preview(hotline, queries.cycle_policy(hotline, 2026).policy, REFERENCE_DAY)
    assert after.quotas.as_dict() == {1: 30, 2: 15, 3: 3}
    closed = queries.quota_preview(hotline, queries.cycle_policy(hotline, 2025).policy, REFERENCE_DAY)
    assert closed.quotas.as_dict() == {1: 30, 2: 9, 3: 3}
    assert closed.quotas.policy_version == "2025 第1版"


@pytest.mark.parametrize("role", ["agent", "leader", "committee"])
def test_only_supervisor_and_admin_change_a_policy(role, users, policy_2026):
    before = _state(policy_2026)
    with pytest.raises(Forbidden):
        services.policy_update(actor=users[role], policy=policy_2026, values={"q1_ratio_level2": Decimal("0.4")}, reason="x")
    with pytest.raises(Forbidden):
        services.policy_copy_forward(actor=users[role], hotline=policy_2026.hotline)
    assert _state(policy_2026) == before


def test_supervisor_of_another_hotline_cannot_touch_this_one(policy_2026, other_hotline):
    stranger = UserFactory(username="supervisor-b", role="supervisor", hotline=other_hotline)
    before = _state(policy_2026)
    with pytest.raises(Forbidden):
        services.policy_update(actor=stranger, policy=policy_2026, values={"q1_ratio_level2": Decimal("0.4")}, reason="x")
    with pytest.raises(Forbidden):
        services.policy_freeze(actor=stranger, policy=policy_2026, reason="x")
    with pytest.raises(Forbidden):
        services.policy_export(actor=stranger, policy=policy_2026)
    assert _state(policy_2026) == before


def test_p1_freeze_by_the_committee_is_recorded(policy_2025, committee):
    record = services.policy_freeze(actor=committee, policy=policy_2025, reason="2025 年度集中评定已结束")
    assert record.is_frozen and record.frozen_by == committee and record.freeze_reason == "2025 年度集中评定已结束"
    entry = AuditEntry.objects.get(action="policy.freeze")
    assert entry.changes == {"状态": ["可编辑", "已冻结"]}
