"""X5/X6 on 我的申报: the applicant sees their own composite score with its parts once it is fixed
(集中评定 started), missing parts as missing, and never the committee's votes."""
from django.urls import reverse

from stardesk.accounts.models import Role
from stardesk.cycle import committee as committee_step
from tests.cycle.committee_scene import assessing, candidate, close_decision, deciding, examined, twenty  # noqa: F401
from tests.factories import UserFactory


def agent_of(found):
    return UserFactory(username=found.staff_no, role=Role.AGENT, hotline=found.hotline, person=found)


def my_page(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("cycle:mine"))
    assert response.status_code == 200
    return response.content.decode()


def test_x6_no_composite_before_it_is_fixed(examined, assessing, client):
    # given the cycle still in 业务考核: exam results may still come in
    page = my_page(client, agent_of(examined["5001"]))
    # then 我的申报 shows no composite yet
    assert 'data-testid="my-composite"' not in page


def test_x5_x6_own_composite_with_its_parts_and_rule_ids(deciding, examined, client, committee):
    # given the committee started (5001: M3 98 over two months, M2 92 over four calls, 3-star exam 93)
    committee_step.committee_vote(actor=committee, candidate=candidate(deciding, "5001"), level=2, comment="委员私下意见甲")
    found = candidate(deciding, "5001")
    # when 5001 opens 我的申报
    page = my_page(client, agent_of(examined["5001"]))
    # then the composite and each part are shown, each part with the rule that gives its figure
    assert 'data-testid="my-composite"' in page and f">{found.composite}<" in page
    parts = {p["key"]: p for p in found.composite_parts}
    for key, rule in (("monthly", "M3"), ("monitoring", "M2"), ("exam", "X2")):
        assert f'data-part="{key}"' in page and parts[key]["value"] in page
        assert page.split(f'data-part="{key}"', 1)[1].split("</tr>", 1)[0].count(f">{rule}<") == 1
    assert 'data-rule="X5"' in page and "评定名单排序（K1）：3 星第 1 位，共 1 人" in page
    # but never the committee's votes or the result while the committee is deciding
    assert "委员私下意见甲" not in page and "投票" not in page
    assert 'data-testid="committee-result"' not in page


def test_x5_missing_part_shown_as_missing_to_the_applicant(deciding, examined, client):
    # given 5007 has no call monitoring in the twelve months up to R
    page = my_page(client, agent_of(examined["5007"]))
    # then the composite is shown as missing, the missing part named, never counted as 0
    composite = page.split('data-testid="my-composite"', 1)[1]
    assert "暂缺" in composite and "缺少监听均分，不按 0 分计算（X5）" in composite
    monitoring = composite.split('data-part="monitoring"', 1)[1].split("</tr>", 1)[0]
    assert 'data-missing="yes"' in monitoring and "0 次" in monitoring


def test_x6_only_the_applicants_own_composite(deciding, examined, client):
    # given 5005, a candidate too
    own = candidate(deciding, "5005")
    other = candidate(deciding, "5001")
    # then 5005's page shows 5005's composite and not 5001's
    page = my_page(client, agent_of(examined["5005"]))
    assert page.count('data-testid="my-composite"') == 1
    assert f">{own.composite}<" in page and f">{other.composite}<" not in page


def test_k4_the_committees_result_is_shown_once_the_decision_is_closed(deciding, examined, client, committee):
    # given the committee decided 5004 not to be awarded, with a vote, and closed its decision
    committee_step.committee_vote(actor=committee, candidate=candidate(deciding, "5004"), level=0, comment="委员私下意见乙")
    committee_step.committee_decide(actor=committee, candidate=candidate(deciding, "5004"), to_level=0, reason="本年度有迟到记录")
    close_decision(deciding, committee)
    # then 5004 sees the composite and the final result, but not the vote
    page = my_page(client, agent_of(examined["5004"]))
    result = page.split('data-testid="committee-result"', 1)[1].split("</div>", 1)[0]
    assert "评定结果（K4）：" in result and "不予评定" in result
    assert "委员私下意见乙" not in page
