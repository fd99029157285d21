"""A1–A2 and Y4: the award date ends every title of the last cycle and starts the committee's holders; rewards."""
from decimal import Decimal

import pytest
from django.urls import reverse

from stardesk.audit.models import AuditEntry
from stardesk.core.errors import DomainError, Forbidden
from stardesk.cycle import award as award_step
from stardesk.cycle import services
from stardesk.cycle.models import Award, Step
from stardesk.people.models import TitleEndReason, TitleSpell
from stardesk.yearly_policy import services as policy_services
from tests.cycle.committee_scene import (  # noqa: F401  (fixtures)
    assessing,
    candidate,
    close_decision,
    deciding,
    examined,
    twenty,
)
from tests.cycle.conftest import D, holder
from tests.factories import TitleSpellFactory

pytestmark = pytest.mark.django_db
AWARD_DAY = D(2026, 10, 23)


@pytest.fixture
def closed(deciding, committee):
    """The committee's result: 3 stars 5001; 2 stars 5002, 5003; 1 star 5004, 5005, 5007 (each decided as proposed, K4)."""
    return close_decision(deciding, committee)


def spells(person):
    return [(s.level, s.start, s.end, s.end_reason) for s in TitleSpell.objects.filter(person=person).order_by("start", "pk")]


def test_a1_award_date_ends_previous_titles_starts_new(closed, twenty, supervisor, team):
    # given someone else of the hotline holds a title and is not on the new list
    outsider = holder(team, "5099", 1)
    # when the supervisor records the award
    outcome = award_step.award_perform(actor=supervisor, cycle=closed, award_date=AWARD_DAY)
    # then every title held that day ends there with 换届, and the new ones start (A1, Y4)
    since = D(2025, 10, 17)
    assert spells(twenty["5001"]) == [(2, since, AWARD_DAY, TitleEndReason.RENEWAL), (3, AWARD_DAY, None, "")]
    assert spells(twenty["5003"]) == [(1, since, AWARD_DAY, TitleEndReason.RENEWAL), (2, AWARD_DAY, None, "")]
    assert spells(twenty["5005"]) == [(1, AWARD_DAY, None, "")]
    assert spells(outsider) == [(1, since, AWARD_DAY, TitleEndReason.RENEWAL)]
    assert spells(twenty["5006"]) == []
    assert outcome.ended == 5 and len(outcome.awards) == 6
    closed.refresh_from_db()
    assert closed.award_date == AWARD_DAY
    # every changed title has its audit entry
    assert AuditEntry.objects.filter(action="title.end").count() == 5
    assert AuditEntry.objects.filter(action="title.add").count() == 6
    assert AuditEntry.objects.get(action="cycle.award").changes["授牌（一星/二星/三星）"] == [None, "3/2/1"]


def test_a2_rewards_by_level_into_the_awards(closed, supervisor):
    award_step.award_perform(actor=supervisor, cycle=closed, award_date=AWARD_DAY)
    rewards = {a.person.staff_no: (a.level, a.reward_amount) for a in Award.objects.select_related("person")}
    # 3 stars 800, 2 stars 500, 1 star none (policy defaults)
    assert rewards == {"5001": (3, Decimal("800.00")), "5002": (2, Decimal("500.00")), "5003": (2, Decimal("500.00")),
                       "5004": (1, Decimal("0.00")), "5005": (1, Decimal("0.00")), "5007": (1, Decimal("0.00"))}
    assert Award.objects.get(person__staff_no="5001").reward_basis == "A2: 2026-10-23 授3星，一次性奖励 800.00元"
    # 2 stars again for 5002 (held 2 stars before): paid, since the default pays every award
    assert Award.objects.get(person__staff_no="5002").reward_first_time is False


@pytest.fixture
def first_time_only(policy_2026):
    """The 2026 policy pays the A2 reward only the first time a person reaches a level (set before the cycle opens)."""
    policy_services.policy_update(actor=None, policy=policy_2026, values={"a2_first_time_only": True},
                                  reason="一次性奖励仅首次发放", as_system=True)


def test_a2_reward_only_the_first_time_when_the_policy_says_so(first_time_only, deciding, committee, supervisor):
    cycle = close_decision(deciding, committee)
    award_step.award_perform(actor=supervisor, cycle=cycle, award_date=AWARD_DAY)
    rewards = {a.person.staff_no: a.reward_amount for a in Award.objects.select_related("person")}
    # 5002 held 2 stars before: no second reward; 5003 reaches 2 stars and 5001 3 stars for the first time
    assert (rewards["5002"], rewards["5003"], rewards["5001"]) == (Decimal("0.00"), Decimal("500.00"), Decimal("800.00"))
    assert "仅首次获得时发放" in Award.objects.get(person__staff_no="5002").reward_basis


def test_a3_each_award_gets_a_certificate_number(closed, supervisor):
    award_step.award_perform(actor=supervisor, cycle=closed, award_date=AWARD_DAY)
    numbers = dict(Award.objects.values_list("person__staff_no", "certificate_no"))
    assert numbers["5001"] == "main-2026-3-001" and numbers["5002"] == "main-2026-2-001" and numbers["5003"] == "main-2026-2-002"


def test_a1_award_only_once_and_only_after_the_committee_closed(deciding, committee, supervisor):
    with pytest.raises(DomainError) as refused:
        award_step.award_perform(actor=supervisor, cycle=deciding, award_date=AWARD_DAY)
    assert refused.value.code == "cycle_step_closed"
    cycle = close_decision(deciding, committee)
    award_step.award_perform(actor=supervisor, cycle=cycle, award_date=AWARD_DAY)
    with pytest.raises(DomainError) as again:
        award_step.award_perform(actor=supervisor, cycle=cycle, award_date=D(2026, 10, 24))
    assert again.value.code == "award_done" and Award.objects.count() == 6


@pytest.mark.parametrize(("day", "says"), [
    (D(2026, 9, 30), "须晚于基准日"),
    (D(2026, 11, 2), "须在 2026 年 10 月底前"),
])
def test_y1_award_date_must_fall_in_october_after_r(closed, supervisor, day, says):
    with pytest.raises(DomainError) as refused:
        award_step.award_perform(actor=supervisor, cycle=closed, award_date=day)
    assert refused.value.code == "award_date_invalid" and says in refused.value.message
    assert not Award.objects.exists() and TitleSpell.objects.filter(end__isnull=False).count() == 0


@pytest.mark.parametrize("role", ["committee", "leader", "agent"])
def test_a1_only_the_supervisor_records_the_award(closed, users, role):
    with pytest.raises(Forbidden):
        award_step.award_perform(actor=users[role], cycle=closed, award_date=AWARD_DAY)
    assert not Award.objects.exists()


def test_a1_leaver_on_the_list_is_not_awarded(closed, twenty, supervisor):
    person = twenty["5005"]
    person.left_on = D(2026, 10, 20)
    person.save()
    outcome = award_step.award_perform(actor=supervisor, cycle=closed, award_date=AWARD_DAY)
    assert [c.person.staff_no for c in outcome.skipped] == ["5005"]
    assert not Award.objects.filter(person=person).exists()
    assert "5005" in AuditEntry.objects.get(action="cycle.award").note


def test_the_award_step_needs_the_ceremony_before_the_summary(closed, supervisor):
    with pytest.raises(DomainError) as refused:
        services.cycle_transition(actor=supervisor, cycle=closed, to=Step.SUMMARY)
    assert refused.value.code == "award_not_done"
    award_step.award_perform(actor=supervisor, cycle=closed, award_date=AWARD_DAY)
    assert services.cycle_transition(actor=supervisor, cycle=closed, to=Step.SUMMARY).step == Step.SUMMARY


def test_award_page_records_the_date_and_publishes_the_holders(closed, client, supervisor, agent):
    client.force_login(supervisor)
    response = client.post(reverse("cycle:award", args=[2026]), {"award_date": "2026-10-23"}, follow=True)
    page = response.content.decode()
    assert response.status_code == 200 and "已于 2026-10-23 授牌" in page and "main-2026-3-001" in page
    # the published list is readable by every agent of the hotline (A1)
    client.force_login(agent)
    holders = client.get(reverse("cycle:holders", args=[2026])).content.decode()
    assert "5001" in holders and "5007" in holders and "5006" not in holders


def test_a1_same_day_title_is_refused(closed, twenty, supervisor):
    TitleSpellFactory(person=twenty["5010"], level=1, start=AWARD_DAY)
    with pytest.raises(DomainError) as refused:
        award_step.award_perform(actor=supervisor, cycle=closed, award_date=AWARD_DAY)
    assert refused.value.code == "award_same_day"
    assert not Award.objects.exists()
