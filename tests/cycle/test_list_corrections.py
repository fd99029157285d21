"""Y2/Q2: the supervisor corrects the finalised recommendation list (a candidate wrongly left out or included
because of a data error) with a reason, during 业务考核 only, never past the quota; each correction is kept,
audited and shown on the list page.

The list of `hotline_of_twenty` once finalised (quotas 6 / 2 / 1):
3★ 4001; 2★ 4003, 4004; 1★ 4002, 4009, 4006, 4005, 4010, 4007; 4008 not recommended (1★ full, Q4).
"""
import pytest
from django.urls import reverse

from stardesk.audit.models import AuditEntry
from stardesk.core.errors import DomainError, Forbidden
from stardesk.cycle import recommendation_services, services
from stardesk.cycle.models import Application, Recommendation, RecommendationCorrection, Step
from tests.cycle.conftest import D, apply, everyone_confirmed, person
from tests.cycle.test_recommendation import finalised, hotline_of_twenty, placed  # noqa: F401  (fixture)


def correct(cycle, actor, staff_no, level, reason="月度得分录入错误，已按原始登记表更正"):
    application = Application.objects.get(cycle=cycle, person__staff_no=staff_no, status="active")
    return recommendation_services.recommendation_correct(actor=actor, cycle=cycle, application=application,
                                                          level=level, reason=reason)


@pytest.fixture
def final(hotline_of_twenty, cycle, supervisor, leader):
    return finalised(cycle, supervisor, leader)


def test_y2_a_wrongly_listed_candidate_is_taken_off_and_the_level_closes_up(final, supervisor):
    # when the supervisor takes 4010 off the 1-star list (a score typed wrongly made the rating too high)
    correct(final, supervisor, "4010", None, "4010 的 9 月月度得分误录为 90 分，应为 80 分")
    # then 4010 is off the list, 4007 moves up from 6th to 5th, the others keep their places
    got = placed(final)
    assert got["4010"] == (None, None) and got["4007"] == (1, 5) and got["4005"] == (1, 4)
    # and the correction is kept with its reason, author and the move, and audited
    kept = RecommendationCorrection.objects.get()
    assert (kept.from_level, kept.from_position, kept.to_level, kept.to_position) == (1, 5, None, None)
    assert kept.reason == "4010 的 9 月月度得分误录为 90 分，应为 80 分" and kept.corrected_by == supervisor
    entry = AuditEntry.objects.get(action="recommendation.correct")
    assert entry.changes["推荐名单"] == ["1星第 5 位", "不列入推荐名单"] and entry.note == kept.reason
    row = Recommendation.objects.get(cycle=final, person__staff_no="4010")
    assert row.reasons[-1]["rule"] == "Y2" and "理由：4010 的 9 月月度得分误录为 90 分" in row.reasons[-1]["text"]


def test_y2_a_wrongly_left_out_candidate_joins_the_end_of_the_level_once_a_place_is_free(final, supervisor):
    correct(final, supervisor, "4010", None)
    # when 4008, left off by Q4, is put on the 1-star list
    correct(final, supervisor, "4008", 1, "4008 的初审评定漏录 9 月得分，补录后应在名单内")
    # then 4008 takes the freed place at the end of the level; the quota holds (Q2)
    got = placed(final)
    assert got["4008"] == (1, 6) and sum(1 for level, _ in got.values() if level == 1) == 6


def test_q2_a_correction_never_passes_the_quota(final, supervisor):
    before = placed(final)
    # when the supervisor puts 4008 on the full 1-star list
    with pytest.raises(DomainError) as refused:
        correct(final, supervisor, "4008", 1)
    # then it is refused, in Chinese, and nothing changes
    assert refused.value.message == "1星推荐名单已有 6 人，名额 6 人，不能再列入（Q2）。请先将一人移出该级名单。"
    assert placed(final) == before
    assert not RecommendationCorrection.objects.exists() and not AuditEntry.objects.filter(action="recommendation.correct").exists()


def test_q4_a_correction_never_lists_above_the_applied_level(final, supervisor):
    correct(final, supervisor, "4004", None)
    with pytest.raises(DomainError) as refused:
        correct(final, supervisor, "4006", 2)
    assert "4006 客服4006 申报1星，不能列入2星推荐名单（Q4 只向下转）" in refused.value.message
    assert placed(final)["4006"] == (1, 3)


def test_y2_e_a_candidate_left_out_by_a_roster_error_is_checked_again_at_r(no_june_gate, cycle, supervisor, leader, team,
                                                                        hotline_of_twenty):
    # given 4031, whose hotline start was typed as 2026-03-01 (under a year at R): ineligible, not on the list
    newcomer = person(team, "4031", start=D(2026, 3, 1))
    apply(cycle, leader, newcomer, 1)
    cycle = finalised(cycle, supervisor, leader)
    assert not Recommendation.objects.filter(person=newcomer).exists()
    correct(cycle, supervisor, "4010", None)
    # when the supervisor tries to list 4031 before the roster is corrected: refused with the E reason
    with pytest.raises(DomainError) as refused:
        correct(cycle, supervisor, "4031", 1)
    assert "不符合1星申报条件（E）" in refused.value.message and "E1" in refused.value.message
    # when the roster is corrected (started 2020-03-01) and the supervisor lists 4031
    newcomer.hotline_start = newcomer.job_type_start = D(2020, 3, 1)
    newcomer.save()
    row = correct(cycle, supervisor, "4031", 1, "花名册入职日期误录，实为 2020-03-01")
    # then the application is checked again at R and 4031 joins the end of the 1-star list
    assert Application.objects.get(person=newcomer, cycle=cycle).eligible
    assert (row.level, row.position, row.applied_level) == (1, 6, 1)
    assert row.reasons[0]["rule"] == "M7" and row.reasons[-1]["rule"] == "Y2"


@pytest.mark.parametrize("step", [Step.LEADER_CHECK, Step.COMMITTEE])
def test_y2_corrections_only_while_the_business_assessment_runs(hotline_of_twenty, cycle, supervisor, leader, step):
    cycle = services.cycle_transition(actor=supervisor, cycle=cycle, to=Step.LEADER_CHECK)
    if step == Step.COMMITTEE:
        everyone_confirmed(cycle, leader)
        cycle = services.cycle_transition(actor=supervisor, cycle=cycle, to=Step.ASSESSMENT)
        cycle = services.cycle_transition(actor=supervisor, cycle=cycle, to=Step.COMMITTEE)
    before = placed(cycle)
    with pytest.raises(DomainError) as refused:
        correct(cycle, supervisor, "4010", None)
    label = "班长推荐" if step == Step.LEADER_CHECK else "集中评定"
    assert refused.value.message == f"评定当前处于「{label}」，更正推荐名单只能在「业务考核」步骤进行。"
    assert placed(cycle) == before and not RecommendationCorrection.objects.exists()


def test_y2_a_correction_needs_a_reason(final, supervisor):
    with pytest.raises(DomainError) as refused:
        correct(final, supervisor, "4010", None, "  ")
    assert refused.value.message == "请填写更正理由。" and placed(final)["4010"] == (1, 5)


def test_only_the_supervisor_corrects_the_list(final, leader, committee):
    for actor in (leader, committee):
        with pytest.raises(Forbidden):
            correct(final, actor, "4010", None)
    assert placed(final)["4010"] == (1, 5)


def test_the_list_page_corrects_and_shows_each_correction(final, supervisor, leader, client):
    url = reverse("cycle:recommendation", args=[2026])
    client.force_login(supervisor)
    # a refusal shows its Chinese reason and changes nothing
    page = client.post(url, {"staff_no": "4008", "level": "1", "reason": "漏列"}).content.decode()
    assert "1星推荐名单已有 6 人，名额 6 人，不能再列入（Q2）" in page and not RecommendationCorrection.objects.exists()
    # two corrections: 4010 off, 4008 on
    client.post(url, {"staff_no": "4010", "level": "0", "reason": "9 月得分误录"})
    response = client.post(url, {"staff_no": "4008", "level": "1", "reason": "补录得分后应列入"}, follow=True)
    page = response.content.decode()
    assert "已更正推荐名单。" in page
    corrections = page.split('data-testid="corrections"', 1)[1].split("</ul>", 1)[0]
    assert "4010 客服4010" in corrections and "9 月得分误录" in corrections and "补录得分后应列入" in corrections
    assert page.count('data-testid="corrected"') == 1  # 4008 on the list; 4010 is among those not recommended
    # a team leader sees the list but may not correct it
    client.force_login(leader)
    assert client.post(url, {"staff_no": "4007", "level": "0", "reason": "x"}).status_code == 403
    assert placed(final)["4007"] == (1, 5)


def test_the_api_corrects_through_the_same_service(final, supervisor, leader):
    from tests.api.conftest import token_client

    api = token_client(supervisor)
    # a refusal carries its code and Chinese message, and changes nothing
    refused = api.post("/api/v1/recommendation-corrections/", {"cycle": final.pk, "staff_no": "4008", "level": 1,
                                                              "reason": "漏列"}, format="json")
    assert refused.status_code == 400 and refused.json()["code"] == "list_correction_quota_full"
    # taking 4010 off the list
    response = api.post("/api/v1/recommendation-corrections/", {"cycle": final.pk, "staff_no": "4010", "level": 0,
                                                               "reason": "9 月得分误录"}, format="json")
    assert response.status_code == 201
    assert {k: response.json()[k] for k in ("staff_no", "from_level", "from_position", "to_level", "reason")} == {
        "staff_no": "4010", "from_level": 1, "from_position": 5, "to_level": None, "reason": "9 月得分误录"}
    assert placed(final)["4010"] == (None, None)
    row = api.get("/api/v1/recommendations/", {"cycle": final.pk}).json()["results"]
    assert next(r for r in row if r["staff_no"] == "4010")["correction_reason"] == "9 月得分误录"
    # a team leader reads the corrections of their team but may not correct
    assert token_client(leader).post("/api/v1/recommendation-corrections/", {"cycle": final.pk, "staff_no": "4007", "level": 0,
                                                                             "reason": "x"}, format="json").status_code == 403
    assert [c["staff_no"] for c in token_client(leader).get("/api/v1/recommendation-corrections/").json()["results"]] == ["4010"]
