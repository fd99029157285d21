"""The demo's exam results: last June released and ranked with coefficients (J1, J2, J3), a 2-star exam graded
by an examiner and released (X2, X6), and the failed candidate offered the 1-star exam (X3)."""
import datetime

import pytest

from stardesk.accounts.models import Role
from stardesk.exams.models import (
    AdjustmentStatus,
    Grade,
    Invitation,
    InvitedHow,
    JuneRanking,
    QuestionType,
    Sitting,
    SittingKind,
    SittingResult,
    SittingStatus,
)
from tests.demo.conftest import built_demo, demo  # noqa: F401  (fixtures)


def test_j1_last_june_is_released_on_the_publication_day_and_ranked_as_the_story_says(demo):
    hotline = demo.hotlines[0]
    year = max(demo.facts["june_ranks"][hotline.code])
    story = demo.facts["june_ranks"][hotline.code][year]
    sitting = Sitting.objects.get(hotline=hotline.hotline, kind=SittingKind.JUNE)
    assert sitting.status == SittingStatus.RELEASED
    assert sitting.released_at.date() == datetime.date(year, 7, 1)
    ranking = JuneRanking.objects.get(hotline=hotline.hotline, year=year)
    key_of = {person.pk: key for key, person in enumerate(hotline.people)}
    ranked = list(ranking.standings.filter(rank__isnull=False))
    assert ranking.ranked_count == len(ranked) == len(story)
    for standing in ranked:
        told = story[key_of[standing.person_id]]
        assert (standing.rank <= 5) == (told <= 5) and (standing.rank <= 10) == (told <= 10)
        assert standing.coefficient is not None and standing.coefficient_basis.startswith("J2: ")


def test_j3_the_story_s_rank_moves_are_confirmed_and_low_scores_wait_for_the_supervisor(demo):
    ranking = JuneRanking.objects.get(hotline=demo.hotlines[0].hotline)
    moves = ranking.standings.exclude(level_after=None)
    assert moves.exists() and all(m.adjustment_status == AdjustmentStatus.CONFIRMED for m in moves)
    lowered = ranking.standings.filter(treatment="降级")
    assert all(s.adjustment_status == AdjustmentStatus.PROPOSED for s in lowered)


def test_x2_the_two_star_exam_is_graded_by_an_examiner_and_released(demo):
    sitting = Sitting.objects.get(hotline=demo.hotlines[0].hotline, name="二星资格考试（第一场）")
    assert sitting.status == SittingStatus.RELEASED
    results = list(SittingResult.objects.filter(sitting=sitting))
    assert len(results) == 6 and all(r.released_at and "X2" in r.basis for r in results)
    assert sum(1 for r in results if r.passed is False) >= 1
    grades = Grade.objects.filter(answer__attempt__sitting=sitting).select_related("answer__item__version__question")
    kinds = {g.answer.item.version.question.qtype: g for g in grades}
    assert kinds[QuestionType.TYPING].parts["kind"] == "typing" and kinds[QuestionType.SPEAKING].parts["rubric"] == "putonghua"
    assert kinds[QuestionType.SPEAKING].answer.audio


def test_x3_the_failed_candidate_is_offered_the_one_star_exam(demo, client):
    hotline = demo.hotlines[0]
    failed = SittingResult.objects.filter(sitting__hotline=hotline.hotline, sitting__name="二星资格考试（第一场）", passed=False).first()
    offer = Invitation.objects.get(sitting__name="一星资格考试（补考）", person=failed.person)
    assert (offer.how, offer.offered_after_id, offer.sitting.kind) == (InvitedHow.CASCADE, failed.attempt_id, SittingKind.LEVEL1)
    account = next(u for u in hotline.accounts[Role.AGENT] if u.person_id == failed.person_id)
    client.force_login(account)
    page = client.get("/exams/results/mine/").content.decode()
    assert "邀请您参加「一星资格考试（补考）」" in page and "不合格" in page


@pytest.mark.parametrize("path", ["/exams/june/", "/exams/results/", "/exams/grading/"])
def test_the_supervisor_s_pages_of_the_demo_open(demo, client, path):
    client.force_login(demo.hotlines[0].accounts[Role.SUPERVISOR][0])
    assert client.get(path).status_code == 200
