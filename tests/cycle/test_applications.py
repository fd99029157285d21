"""E: applications (one level per person and cycle) and their eligibility at R, every reason shown (E1–E8)."""
import pytest

from stardesk.audit.models import AuditEntry
from stardesk.core.errors import DomainError, Forbidden, NotFound
from stardesk.cycle import services
from stardesk.cycle.models import Application, ApplicationSource, ApplicationStatus, ReviewStatus, Step
from stardesk.events.models import Category
from stardesk.sheets.services import sheet_import
from tests.cycle.conftest import D, R, apply, holder, honour, person
from tests.factories import TitleSpellFactory


def rules_of(application, passed=None):
    return [r["rule"] for r in application.reasons if passed is None or r["passed"] is passed]


def text_of(application, rule):
    return " / ".join(r["text"] for r in application.reasons if r["rule"] == rule)


# --- one application per cycle, gated by the step ---------------------------------------------------


def test_e_agent_applies_once_and_sees_the_result_at_once(cycle, agent, agent_person):
    # when
    application = apply(cycle, agent, agent_person, 1)
    # then
    assert application.source == ApplicationSource.SELF and application.eligible
    assert rules_of(application) == ["E8", "E6", "E1"] and application.policy_version == "2026 第1版"
    assert application.eligible_levels == "1"
    with pytest.raises(DomainError) as again:
        apply(cycle, agent, agent_person, 2)
    assert again.value.code == "application_exists"
    assert Application.objects.filter(cycle=cycle).count() == 1


def test_e_withdrawn_application_stays_on_file_and_the_agent_may_apply_again(cycle, agent, agent_person):
    first = apply(cycle, agent, agent_person, 2)
    services.application_withdraw(actor=agent, application=first, reason="申报错了")
    second = apply(cycle, agent, agent_person, 1)
    first.refresh_from_db()
    assert first.status == ApplicationStatus.WITHDRAWN and first.withdraw_reason == "申报错了"
    assert second.is_active and second.level == 1
    assert AuditEntry.objects.filter(action="application.withdraw", target_id=str(first.pk)).exists()


def test_y2_applications_close_when_the_leader_check_starts(cycle, supervisor, agent, agent_person, colleague, leader):
    # given
    applied = apply(cycle, agent, agent_person, 1)
    services.cycle_transition(actor=supervisor, cycle=cycle, to=Step.LEADER_CHECK)
    # then: no new application, no withdrawal (the step's records are frozen)
    with pytest.raises(DomainError) as late:
        apply(cycle, leader, colleague, 1)
    assert late.value.code == "cycle_step_closed" and "班长推荐" in late.value.message
    with pytest.raises(DomainError) as withdraw:
        services.application_withdraw(actor=agent, application=applied)
    assert withdraw.value.code == "cycle_step_closed"
    applied.refresh_from_db()
    assert applied.is_active and Application.objects.filter(cycle=cycle).count() == 1


def test_e_leader_enters_applications_for_their_own_team_only(cycle, leader, colleague, stranger):
    entered = apply(cycle, leader, colleague, 1)
    assert entered.source == ApplicationSource.LEADER and entered.submitted_by == leader
    with pytest.raises(Forbidden):
        apply(cycle, leader, stranger, 1)
    assert not Application.objects.filter(person=stranger).exists()


def test_e_agent_applies_only_for_themselves(cycle, agent, colleague):
    with pytest.raises(Forbidden):
        apply(cycle, agent, colleague, 1)
    assert not Application.objects.exists()


def test_s1_nobody_applies_for_someone_of_another_hotline(cycle, supervisor, foreigner):
    with pytest.raises(NotFound):
        apply(cycle, supervisor, foreigner, 1)


def test_e_committee_does_not_apply_for_anyone(cycle, committee, colleague):
    with pytest.raises(Forbidden):
        apply(cycle, committee, colleague, 1)


# --- E1 ----------------------------------------------------------------------------------------------


def test_e1_under_one_year_of_tenure_is_refused_with_the_tenure_read_out(cycle, leader, team):
    newcomer = person(team, "3101", start=D(2025, 12, 1))
    application = apply(cycle, leader, newcomer, 1)
    assert not application.eligible
    assert rules_of(application, passed=False) == ["E1"]
    assert text_of(application, "E1") == "入职服务热线 10 个月，不足一年"


def test_e1_tenure_reached_on_r_itself(cycle, leader, team):
    # C5: started 2025-10-01, one year of tenure on 2026-09-30
    application = apply(cycle, leader, person(team, "3102", start=D(2025, 10, 1)), 1)
    assert application.eligible and "满一年" in text_of(application, "E1")


def test_e1_exception_needs_the_leaders_flag_and_written_reason(cycle, leader, team):
    newcomer = person(team, "3103", start=D(2025, 12, 1))
    with pytest.raises(DomainError) as no_reason:
        apply(cycle, leader, newcomer, 1, leader_recommended=True, recommendation_reason="  ")
    assert no_reason.value.code == "application_reason_required"
    assert not Application.objects.exists()
    # when flagged with a reason
    application = apply(cycle, leader, newcomer, 1, leader_recommended=True, recommendation_reason="连续三个月零投诉，获客户表扬 5 次")
    # then: eligible by the exception, which goes to the committee with its reason
    assert application.eligible and application.leader_exception
    assert "班长推荐表现突出：连续三个月零投诉" in text_of(application, "E1")


def test_e1_flag_added_later_by_the_leader_makes_the_application_eligible(cycle, agent, leader, agent_person):
    agent_person.hotline_start = agent_person.job_type_start = D(2026, 2, 1)
    agent_person.save()
    application = apply(cycle, agent, agent_person, 1)
    assert not application.eligible
    with pytest.raises(DomainError):
        services.application_flag(actor=leader, application=application, recommended=True, reason="")
    flagged = services.application_flag(actor=leader, application=application, recommended=True, reason="业务骨干")
    assert flagged.eligible and flagged.leader_exception and flagged.flagged_by_name == str(leader)
    entry = AuditEntry.objects.get(action="application.flag")
    assert entry.changes["符合申报条件"] == ["否", "是"] and entry.changes["推荐理由"] == ["", "业务骨干"]


def test_e1_the_agent_cannot_flag_themselves(cycle, agent, agent_person):
    with pytest.raises(Forbidden):
        apply(cycle, agent, agent_person, 1, leader_recommended=True, recommendation_reason="我很优秀")
    application = apply(cycle, agent, agent_person, 1)
    with pytest.raises(Forbidden):
        services.application_flag(actor=agent, application=application, recommended=True, reason="我很优秀")


def test_e1_a_leader_flags_only_their_own_teams_applications(cycle, other_leader, leader, colleague):
    application = apply(cycle, leader, colleague, 1)
    with pytest.raises(Forbidden):
        services.application_flag(actor=other_leader, application=application, recommended=True, reason="理由")
    application.refresh_from_db()
    assert not application.leader_recommended


# --- E2–E5, E7 -----------------------------------------------------------------------------------------


def test_e7_without_a_june_rank_two_star_is_refused_naming_e7(cycle, leader, team):
    # given: a 1-star holder with no June result (none recorded for them: not ranked), the gate on
    one_star = holder(team, "3201", 1)
    # when
    application = apply(cycle, leader, one_star, 2)
    # then: only E7 fails, and the person may still be moved down to 1 star (Q4)
    assert not application.eligible
    assert rules_of(application, passed=False) == ["E7"]
    assert "无名次" in text_of(application, "E7") and "只能申报1星" in text_of(application, "E7")
    assert application.eligible_levels == "1"


def test_e2_one_star_holder_may_apply_for_two_when_the_gate_is_off(no_june_gate, cycle, leader, team):
    application = apply(cycle, leader, holder(team, "3202", 1), 2)
    assert application.eligible and application.eligible_levels == "12"
    assert "持有本工种（话务员）1星" in text_of(application, "E2")


def test_e5_every_failing_reason_is_listed_not_just_the_first(no_june_gate, cycle, leader, team):
    # given: no title, job type started half a year before R
    found = person(team, "3203", start=D(2020, 1, 1), job_type_start=D(2026, 4, 1))
    # when
    application = apply(cycle, leader, found, 3)
    # then: E3 title, E3 tenure and E5 skipping all fail, each with its figures
    assert rules_of(application, passed=False) == ["E3", "E3", "E5"]
    assert "未持有本工种（话务员）2星及以上星级" in text_of(application, "E3")
    assert "工作 6 个月，不足一年" in text_of(application, "E3")
    assert "申报3星属越级（最多申报1星）" in text_of(application, "E5")


def test_e3_three_star_holder_applies_again_for_three(no_june_gate, cycle, leader, team):
    application = apply(cycle, leader, holder(team, "3204", 3), 3)
    assert application.eligible and application.eligible_levels == "123"


# --- E4 -------------------------------------------------------------------------------------------------


def test_e4_honour_route_from_a_recorded_honour_of_the_year(no_june_gate, cycle, leader, team):
    # given: no title, a 先进个人 honour recorded in 2026
    found = person(team, "3301")
    honour(found, on=D(2026, 5, 4))
    # when
    application = apply(cycle, leader, found, 2)
    # then
    assert application.eligible and application.honour
    assert "获先进个人，可不持一星申报二星" in text_of(application, "E4")
    assert "未越级" in text_of(application, "E5")


def test_e4_honour_of_last_year_opens_no_route(no_june_gate, cycle, leader, team):
    found = person(team, "3302")
    honour(found, on=D(2025, 12, 20), category=Category.COMPANY_AWARD)
    application = apply(cycle, leader, found, 2)
    assert not application.eligible and not application.honour
    assert "当年无公司奖项或先进个人称号" in text_of(application, "E2")


# --- E6 -------------------------------------------------------------------------------------------------


def csv_bytes(rows):
    return ("\n".join(",".join(r) for r in rows) + "\n").encode("utf-8")


def test_e6_ban_from_imported_history(cycle, supervisor, leader, team):
    # given: title history imported from the 星级记录 sheet, a lowering on 2026-03-01
    found = person(team, "3401")
    sheet_import(actor=supervisor, kind="titles", file_name="星级记录.csv", source=csv_bytes([
        ["工号", "星级", "工种", "授牌日期", "终止日期", "终止原因"],
        ["3401", "2", "话务员", "2025-10-17", "2026-03-01", "降级"],
        ["3401", "1", "话务员", "2026-03-01", "", ""],
    ]))
    # when
    application = apply(cycle, leader, found, 1)
    # then
    assert not application.eligible and rules_of(application, passed=False) == ["E6"]
    ban = text_of(application, "E6")
    assert ban.startswith("2026-03-01 话务员2星降") and ban.endswith("一年内不得申报，2027-03-01 起方可申报")


def test_e6_rank_adjustment_sets_no_ban(cycle, leader, team):
    found = person(team, "3402")
    TitleSpellFactory(person=found, level=2, start=D(2025, 10, 17), end=D(2026, 7, 1), end_reason="rank_adjustment")
    TitleSpellFactory(person=found, level=1, start=D(2026, 7, 1))
    application = apply(cycle, leader, found, 1)
    assert application.eligible and text_of(application, "E6") == "近一年内无降级或取消星级处分"


# --- E8 -------------------------------------------------------------------------------------------------


def test_e8_leaver_on_or_before_r_cannot_apply(cycle, leader, team):
    left = person(team, "3501", left_on=R)
    application = apply(cycle, leader, left, 1)
    assert not application.eligible and text_of(application, "E8") == "已于 2026-09-30 离职，不能申报"


def test_e8_leaving_after_r_does_not_count(cycle, leader, team):
    application = apply(cycle, leader, person(team, "3502", left_on=D(2026, 10, 1)), 1)
    assert application.eligible


# --- the leader's review and the supervisor's corrections ---------------------------------------------


@pytest.fixture
def in_leader_check(cycle, supervisor, agent, agent_person):
    application = apply(cycle, agent, agent_person, 1)
    services.cycle_transition(actor=supervisor, cycle=cycle, to=Step.LEADER_CHECK)
    application.refresh_from_db()
    return application


def test_y2_review_only_during_the_leader_check(cycle, agent, agent_person, leader):
    application = apply(cycle, agent, agent_person, 1)
    with pytest.raises(DomainError) as early:
        services.application_review(actor=leader, application=application, confirm=True)
    assert early.value.code == "cycle_step_closed"


def test_review_withholding_needs_a_reason(in_leader_check, leader):
    with pytest.raises(DomainError) as refused:
        services.application_review(actor=leader, application=in_leader_check, confirm=False, reason="")
    assert refused.value.code == "review_reason_required"
    withheld = services.application_review(actor=leader, application=in_leader_check, confirm=False, reason="近期服务态度投诉")
    assert withheld.review_status == ReviewStatus.WITHHELD and withheld.review_reason == "近期服务态度投诉"


def test_review_by_another_teams_leader_is_refused(in_leader_check, other_leader):
    with pytest.raises(Forbidden):
        services.application_review(actor=other_leader, application=in_leader_check, confirm=True)
    in_leader_check.refresh_from_db()
    assert in_leader_check.review_status == ReviewStatus.PENDING


def test_review_of_an_ineligible_application_is_refused(cycle, leader, team, supervisor):
    application = apply(cycle, leader, person(team, "3601", start=D(2026, 1, 1)), 1)
    services.cycle_transition(actor=supervisor, cycle=cycle, to=Step.LEADER_CHECK)
    with pytest.raises(DomainError) as refused:
        services.application_review(actor=leader, application=application, confirm=True)
    assert refused.value.code == "application_not_eligible"


def test_y2_correction_after_the_application_step_is_explicit_and_reasoned(in_leader_check, supervisor, leader):
    services.application_review(actor=leader, application=in_leader_check, confirm=True)
    with pytest.raises(DomainError) as no_reason:
        services.application_correct(actor=supervisor, application=in_leader_check, level=2, reason="")
    assert no_reason.value.code == "correction_reason_required"
    corrected = services.application_correct(actor=supervisor, application=in_leader_check, level=2,
                                             reason="纸质申报表为二星，录入有误")
    assert corrected.level == 2 and corrected.correction_reason == "纸质申报表为二星，录入有误"
    assert corrected.review_status == ReviewStatus.PENDING  # a new level is a new question for the leader
    assert not corrected.eligible  # E2: no 1-star title
    entry = AuditEntry.objects.get(action="application.correct")
    assert entry.changes["申报星级"] == ["1星", "2星"] and entry.note == "纸质申报表为二星，录入有误"


def test_y2_corrections_are_the_supervisors(in_leader_check, leader):
    with pytest.raises(Forbidden):
        services.application_correct(actor=leader, application=in_leader_check, level=2, reason="理由")
