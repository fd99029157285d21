"""X1–X5 on a cycle: the recommended candidates invited to their level's sitting, the cascade offered to those who
failed, the composite score with every missing part named."""
import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from stardesk.audit.models import AuditEntry
from stardesk.core.errors import DomainError, Forbidden
from stardesk.cycle import assessment_step
from stardesk.exams.models import Invitation, InvitedHow, Sitting, SittingKind
from tests.cycle.committee_scene import (  # noqa: F401  (fixtures)
    assessing,
    sit,
    twenty,
)
from tests.cycle.conftest import D

pytestmark = pytest.mark.django_db


def draft_sitting(hotline, kind, day=D(2026, 10, 20), name=None):
    opens = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))
    return Sitting.objects.create(hotline=hotline, name=name or f"2026年{kind}考试", kind=kind, opens_at=opens,
                                  closes_at=opens + datetime.timedelta(hours=3), time_limit_minutes=90)


def invited(sitting):
    return {(i.person.staff_no, i.how) for i in Invitation.objects.filter(sitting=sitting).select_related("person")}


def test_x1_recommended_candidates_are_invited_to_their_levels_sitting(assessing, supervisor, hotline):
    two_star = draft_sitting(hotline, SittingKind.LEVEL2)
    fresh = assessment_step.assessment_invite(actor=supervisor, cycle=assessing, sitting=two_star)
    # 5002 (overflowed from 3 stars) and 5003 are on the 2-star list
    assert len(fresh) == 2 and invited(two_star) == {("5002", InvitedHow.LEVEL), ("5003", InvitedHow.LEVEL)}
    assert AuditEntry.objects.get(action="cycle.assessment_invite").changes["邀请人数"] == [None, 2]
    # inviting again finds nobody left to invite, and says so
    with pytest.raises(DomainError) as refused:
        assessment_step.assessment_invite(actor=supervisor, cycle=assessing, sitting=two_star)
    assert refused.value.code == "assessment_nobody_to_invite"


def test_x3_cascade_offers_the_lower_sitting_to_who_failed(assessing, twenty, supervisor, hotline):
    # given 5003 failed the 2-star exam and 5002 passed it
    sit(supervisor, twenty["5003"], 2, "80")
    sit(supervisor, twenty["5002"], 2, "90")
    one_star = draft_sitting(hotline, SittingKind.LEVEL1)
    # when the supervisor offers the 1-star sitting
    assessment_step.assessment_cascade(actor=supervisor, cycle=assessing, sitting=one_star)
    # then only the one who failed 2 stars is invited, as a cascade (X3)
    assert invited(one_star) == {("5003", InvitedHow.CASCADE)}
    found = {a.person.staff_no: a for a in assessment_step.assess(assessing)}
    assert found["5003"].next_level == 1 and found["5002"].next_level is None
    assert found["5002"].qualification.level == 2


def test_x3_sitting_of_another_year_or_kind_is_refused(assessing, supervisor, hotline):
    with pytest.raises(DomainError) as refused:
        assessment_step.assessment_invite(actor=supervisor, cycle=assessing,
                                          sitting=draft_sitting(hotline, SittingKind.LEVEL2, day=D(2025, 10, 20)))
    assert refused.value.code == "assessment_sitting_invalid" and not Invitation.objects.exists()
    with pytest.raises(DomainError):
        assessment_step.assessment_invite(actor=supervisor, cycle=assessing, sitting=draft_sitting(hotline, SittingKind.JUNE))


@pytest.mark.parametrize("role", ["committee", "leader"])
def test_x1_only_the_supervisor_invites(assessing, users, hotline, role):
    with pytest.raises(Forbidden):
        assessment_step.assessment_invite(actor=users[role], cycle=assessing, sitting=draft_sitting(hotline, SittingKind.LEVEL1))
    assert not Invitation.objects.exists()


def test_x5_missing_parts_named_on_the_assessment_page(assessing, twenty, supervisor, client):
    # 5001 sat and passed the 3-star exam; nobody has call-monitoring scores yet
    sit(supervisor, twenty["5001"], 3, "93")
    client.force_login(supervisor)
    page = client.get(reverse("cycle:assessment", args=[2026])).content.decode()
    assert "缺监听均分，综合得分暂缺" in page
    found = {a.person.staff_no: a for a in assessment_step.assess(assessing)}
    assert found["5001"].composite.missing == ("监听均分",)
    assert found["5008"].composite.missing == ("月度均分", "监听均分", "资格考试成绩")


def test_assessment_page_invites_through_the_form(assessing, supervisor, client, hotline):
    two_star = draft_sitting(hotline, SittingKind.LEVEL2, name="二星资格考试（十月）")
    client.force_login(supervisor)
    response = client.post(reverse("cycle:assessment", args=[2026]), {"sitting": two_star.pk, "action": "invite"}, follow=True)
    assert "已邀请 2 人参加「二星资格考试（十月）」" in response.content.decode()
