"""V1 (with the title sanctions of M5 and M6): the committee lowers or revokes a title at any time; E6 follows."""
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from stardesk.audit.models import AuditEntry
from stardesk.core.errors import DomainError, Forbidden
from stardesk.cycle import supervision
from stardesk.events import services as event_services
from stardesk.events.models import Category, Event, SanctionDecision, SanctionStatus, Severity
from stardesk.people.models import TitleEndReason, TitleSpell
from stardesk.policy.bans import ban_check
from stardesk.policy.yearly import YearlyPolicy
from stardesk.yearly_policy.person_facts import title_spells
from tests.cycle.conftest import D, holder, person, scores

pytestmark = pytest.mark.django_db
SINCE = D(2025, 10, 17)


@pytest.fixture
def two_star(policy_2026, team):
    return holder(team, "6001", 2, since=SINCE)


def spells(found):
    return [(s.level, s.start, s.end, s.end_reason) for s in TitleSpell.objects.filter(person=found).order_by("start", "pk")]


def decide(actor, found, category=Category.SHORT_OF_LEVEL, **extra):
    values = {"reason": "连续两次监听录音服务用语不规范，明显低于二星水平", "evidence_text": "监听录音 C-1102、C-1127",
              "effective_on": D(2026, 11, 2), **extra}
    return supervision.supervision_decide(actor=actor, person=found, category=category, **values)


def test_v1_short_of_level_lowers_the_title_from_the_decision_date(two_star, committee):
    decision = decide(committee, two_star)
    # the title held that day ends with 降级 and one level lower holds until the next award (V1)
    assert spells(two_star) == [(2, SINCE, D(2026, 11, 2), TitleEndReason.LOWERED), (1, D(2026, 11, 2), None, "")]
    event = Event.objects.get(person=two_star)
    assert (event.category, event.sanction, event.sanction_status) == (Category.SHORT_OF_LEVEL, "lower", SanctionStatus.CONFIRMED)
    assert event.evidence_text == "监听录音 C-1102、C-1127" and event.effective_on == D(2026, 11, 2)
    assert decision.decided_by == committee and "E6" in decision.title_outcome
    assert AuditEntry.objects.filter(action="title.sanction").exists()


def test_v1_unqualified_revokes_the_title(two_star, committee):
    decide(committee, two_star, category=Category.UNQUALIFIED, reason="与用户争吵，造成恶劣影响")
    assert spells(two_star) == [(2, SINCE, D(2026, 11, 2), TitleEndReason.REVOKED)]


def test_v1_the_e6_ban_follows_from_the_title_history(two_star, committee):
    decide(committee, two_star)
    history = title_spells(two_star)
    policy = YearlyPolicy.defaults()
    # a cycle whose R falls within a year of the decision refuses the application (E6) ...
    assert ban_check(history, D(2027, 9, 30), policy).passed is False
    # ... and one a year after it no longer does
    assert ban_check(history, D(2027, 11, 2), policy).passed is True


def test_v1_needs_evidence_and_reason_and_changes_nothing_without(two_star, committee):
    with pytest.raises(DomainError) as refused:
        decide(committee, two_star, evidence_text="")
    assert refused.value.code == "supervision_evidence_required"
    with pytest.raises(DomainError) as refused:
        decide(committee, two_star, reason="  ")
    assert refused.value.code == "supervision_reason_required"
    assert spells(two_star) == [(2, SINCE, None, "")] and not Event.objects.exists()


def test_v1_someone_without_a_title_has_nothing_to_lower(policy_2026, team, committee):
    nobody = person(team, "6009")
    with pytest.raises(DomainError) as refused:
        decide(committee, nobody)
    assert refused.value.code == "supervision_no_title" and not Event.objects.exists()


def test_v1_decision_date_cannot_be_in_the_future(two_star, committee):
    with pytest.raises(DomainError) as refused:
        decide(committee, two_star, effective_on=timezone.localdate() + datetime.timedelta(days=1))
    assert refused.value.code == "effective_date_invalid" and not Event.objects.exists()


@pytest.mark.parametrize("role", ["supervisor", "leader", "agent", "admin"])
def test_v1_is_the_committees_decision(two_star, users, role):
    with pytest.raises(Forbidden):
        decide(users[role], two_star)
    assert spells(two_star) == [(2, SINCE, None, "")] and not Event.objects.exists()


def test_v1_finding_recorded_by_a_leader_waits_for_the_committee(two_star, leader, committee, supervisor):
    # given a team leader records a 不够级 finding (pending, V1 default: 降级)
    event = event_services.event_record(actor=leader, person=two_star, date=D(2026, 10, 30), category=Category.SHORT_OF_LEVEL,
                                        description="业务知识测验两次不合格")
    assert event.sanction_status == SanctionStatus.PENDING and spells(two_star)[0][2] is None
    # the supervisor cannot confirm it here: V1 is the committee's
    with pytest.raises(Forbidden):
        supervision.supervision_confirm(actor=supervisor, event=event, reason="确认")
    # the committee confirms it, effective on the decision date
    supervision.supervision_confirm(actor=committee, event=event, reason="委员会确认", effective_on=D(2026, 11, 3))
    assert spells(two_star)[0] == (2, SINCE, D(2026, 11, 3), TitleEndReason.LOWERED)
    assert SanctionDecision.objects.get(event=event).decided_by == committee


def test_v1_rejected_finding_leaves_the_title(two_star, leader, committee):
    event = event_services.event_record(actor=leader, person=two_star, date=D(2026, 10, 30), category=Category.UNQUALIFIED,
                                        description="服务态度投诉")
    with pytest.raises(DomainError):
        supervision.supervision_reject(actor=committee, event=event, reason="  ")
    supervision.supervision_reject(actor=committee, event=event, reason="经核实为误会")
    event.refresh_from_db()
    assert event.sanction_status == SanctionStatus.REJECTED and spells(two_star) == [(2, SINCE, None, "")]


# --- the page --------------------------------------------------------------------------------------------


def test_supervision_page_decides_v1_for_the_committee(two_star, client, committee):
    client.force_login(committee)
    response = client.post(reverse("cycle:supervision"), {
        "action": "decide", "staff_no": "6001", "category": Category.SHORT_OF_LEVEL, "sanction": "",
        "effective_on": "2026-11-02", "reason": "服务用语不规范", "evidence_text": "监听录音 C-1102",
    }, follow=True)
    assert response.status_code == 200 and "已记录监督决定" in response.content.decode()
    assert spells(two_star)[0][3] == TitleEndReason.LOWERED


def test_supervision_page_refusal_says_why(two_star, client, committee):
    client.force_login(committee)
    response = client.post(reverse("cycle:supervision"), {
        "action": "decide", "staff_no": "6001", "category": Category.SHORT_OF_LEVEL, "reason": "服务用语不规范",
    })
    assert response.status_code == 200 and "请填写证据说明或上传证据文件" in response.content.decode()
    assert not Event.objects.exists()


def test_m5_title_sanction_confirmed_by_the_supervisor_on_the_page(two_star, client, leader, supervisor):
    # given a severe veto (M5 default: 取消星级), pending
    event = event_services.event_record(actor=leader, person=two_star, date=D(2026, 10, 28), category=Category.VIOLATION,
                                        severity=Severity.SEVERE, description="泄露用户信息")
    client.force_login(supervisor)
    page = client.get(reverse("cycle:supervision")).content.decode()
    assert "泄露用户信息" in page and "确认处理" in page
    response = client.post(reverse("cycle:supervision"), {"action": "confirm_event", "pk": event.pk, "effective_on": "2026-11-01",
                                                           "reason": "核实无误"}, follow=True)
    assert response.status_code == 200
    assert spells(two_star) == [(2, SINCE, D(2026, 11, 1), TitleEndReason.REVOKED)]


def test_m6_proposal_confirmed_by_the_supervisor_on_the_page(two_star, client, supervisor, hotline):
    from stardesk.payouts.models import LowScoreProposal, ProposalStatus

    # given three consecutive scored months under 95 while holding 2 stars (M6), proposed from 1 April
    scores(two_star, {"2026-01": "90", "2026-02": "91", "2026-03": "92"})
    proposal = LowScoreProposal.objects.create(
        hotline=hotline, person=two_star, team=two_star.team, year=2026, trigger_month=D(2026, 3, 1), kind="连续3个月",
        months=["2026-01", "2026-02", "2026-03"], scores=["90", "91", "92"], job_type="话务员", level_before=2, level_after=1,
        end_reason=TitleEndReason.LOWERED, effective_on=D(2026, 4, 1), basis="M6", policy_version="2026 第1版",
        detected_at=timezone.now())
    client.force_login(supervisor)
    assert "连续3个月" in client.get(reverse("cycle:supervision")).content.decode()
    client.post(reverse("cycle:supervision"), {"action": "confirm_proposal", "pk": proposal.pk, "reason": ""})
    proposal.refresh_from_db()
    assert proposal.status == ProposalStatus.CONFIRMED
    assert spells(two_star) == [(2, SINCE, D(2026, 4, 1), TitleEndReason.LOWERED), (1, D(2026, 4, 1), None, "")]


@pytest.mark.parametrize(("role", "status"), [("supervisor", 200), ("committee", 200), ("admin", 200), ("leader", 403), ("agent", 403)])
def test_supervision_page_permissions(client, users, role, status):
    client.force_login(users[role])
    assert client.get(reverse("cycle:supervision")).status_code == status


def test_supervisor_cannot_post_a_v1_decision(two_star, client, supervisor):
    client.force_login(supervisor)
    response = client.post(reverse("cycle:supervision"), {"action": "decide", "staff_no": "6001", "category": Category.SHORT_OF_LEVEL,
                                                           "reason": "x", "evidence_text": "y"})
    assert response.status_code == 403 and not Event.objects.exists()
