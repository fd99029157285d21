"""A grade corrected after the release (X2, X3, X6, J1–J2): grades stay append-only; an examiner or the supervisor
corrects one with a reason, through a kept dry run that lists every downstream change, then the commit."""
from decimal import Decimal

import pytest
from django.utils import timezone

from stardesk.audit.models import AuditEntry
from stardesk.core.errors import DomainError, Forbidden
from stardesk.exams import grading, june_ranking, regrading
from stardesk.exams.models import Grade, JuneStanding, QuestionType, Regrade, RegradeDryRun, RegradeKind, SittingKind, SittingResult
from tests.exams.graded_sittings import *  # noqa: F401,F403  (fixtures)
from tests.exams.graded_sittings import answers_of, close, grade_all, release, sit

GRADES = {QuestionType.SHORT_ANSWER: "10", QuestionType.TYPING: "40", QuestionType.SPEAKING: "45"}
REASON = "口试分项相加有误：9 + 18 + 27 − 9 应为 35"


@pytest.fixture
def released(skills_sitting, agent, colleague_user, supervisor):
    """张三 94.0 (passed, 2-star pass mark 85), 李四 86.0 (passed); the spoken item scored 45 for both. Released."""
    mine = sit(skills_sitting, agent)
    theirs = sit(skills_sitting, colleague_user, single_answers=["B", "A", "A", "A", "A"])
    close(skills_sitting, supervisor)
    grade_all(skills_sitting, supervisor, GRADES)
    release(skills_sitting, supervisor)
    spoken = answers_of(mine)[QuestionType.SPEAKING][0]
    return {"mine": mine, "theirs": theirs, "spoken": spoken, "sitting": skills_sitting}


def _result(attempt):
    return SittingResult.objects.get(attempt=attempt)


def test_the_grading_form_is_closed_after_the_release(released, committee):
    with pytest.raises(DomainError) as refused:
        grading.grade_record(actor=committee, answer=released["spoken"], score="35")
    assert refused.value.code == "grade_after_release"


def test_a_corrected_grade_is_dry_run_with_every_change_then_committed_as_a_new_grade(released, committee):
    # given 张三's spoken item wrongly added up to 45; 35 is right
    before = _result(released["mine"])
    assert (before.skills_score, before.score, before.passed) == (Decimal("85.0"), Decimal("94.0"), True)
    # when an examiner runs the correction
    run = regrading.grade_correction_dry_run(actor=committee, answer=released["spoken"], score="35", reason=REASON)
    # then the dry run is kept with every change (skills 85 → 75, score 94 → 90) and nothing else is written
    assert run.kind == RegradeKind.GRADE and run.run_by == committee and run.committed_at is None
    changes = {(c["staff_no"], c["what"]): (c["old"], c["new"]) for c in run.changes}
    assert changes == {("1001", "技能得分"): ("85.0", "75.0"), ("1001", "成绩"): ("94.0", "90.0")}
    assert "45 分更正为 35 分" in run.subject
    assert Grade.objects.filter(answer=released["spoken"]).count() == 1 and _result(released["mine"]).score == Decimal("94.0")
    # when committed
    [regrade] = regrading.regrade_commit(actor=committee, dry_run=run)
    # then a new grade is recorded (the old one kept), the released result follows, all logged
    grades = list(Grade.objects.filter(answer=released["spoken"]).order_by("graded_at", "pk"))
    assert [g.score for g in grades] == [Decimal("45.00"), Decimal("35.00")]
    assert grades[-1].grader == committee and REASON in grades[-1].parts["summary"]
    after = _result(released["mine"])
    assert (after.skills_score, after.score, after.passed) == (Decimal("75.0"), Decimal("90.0"), True)
    assert (regrade.dry_run, regrade.grade, regrade.correction) == (run, grades[-1], None)
    run.refresh_from_db()
    assert run.committed_at is not None
    assert AuditEntry.objects.get(action="grade.correct").changes["score"] == ["45", "35"]
    assert AuditEntry.objects.filter(action="regrade.commit", note__contains=REASON).count() == 1
    assert AuditEntry.objects.filter(action="result.regrade").count() == 1


def test_a_corrected_grade_that_turns_a_pass_into_a_fail_lists_the_cascade(released, supervisor):
    # 张三's spoken item corrected to 0: skills 40, score 0.6 × 100 + 0.4 × 40 = 76.0 < 85
    run = regrading.grade_correction_dry_run(actor=supervisor, answer=released["spoken"], score="0", reason=REASON)
    mine = [(c["what"], c["old"], c["new"]) for c in run.changes if c["staff_no"] == "1001"]
    assert ("是否合格", "合格", "不合格") in mine
    assert ("逐级补考（X3）", "—", "可参加1星资格考试") in mine
    regrading.regrade_commit(actor=supervisor, dry_run=run)
    assert _result(released["mine"]).passed is False


@pytest.mark.parametrize("score, reason, field", [
    ("35", "   ", "reason"),
    ("51", REASON, "score"),  # the item has 50 marks
    ("35.25", REASON, "score"),
    ("abc", REASON, "score"),
])
def test_a_bad_correction_is_refused_with_its_reason_and_changes_nothing(released, supervisor, score, reason, field):
    with pytest.raises(DomainError) as refused:
        regrading.grade_correction_dry_run(actor=supervisor, answer=released["spoken"], score=score, reason=reason)
    assert refused.value.code == "grade_invalid" and refused.value.details[0]["field"] == field
    assert not RegradeDryRun.objects.exists() and Grade.objects.filter(answer=released["spoken"]).count() == 1


def test_the_same_score_is_no_correction(released, supervisor):
    with pytest.raises(DomainError) as refused:
        regrading.grade_correction_dry_run(actor=supervisor, answer=released["spoken"], score="45", reason=REASON)
    assert refused.value.code == "grade_correction_unchanged"


def test_before_the_release_the_grade_is_changed_on_the_grading_page_not_corrected(skills_sitting, agent, supervisor):
    attempt = sit(skills_sitting, agent)
    close(skills_sitting, supervisor)
    grade_all(skills_sitting, supervisor, GRADES)
    spoken = answers_of(attempt)[QuestionType.SPEAKING][0]
    with pytest.raises(DomainError) as refused:
        regrading.grade_correction_dry_run(actor=supervisor, answer=spoken, score="35", reason=REASON)
    assert refused.value.code == "grade_correction_not_released"


def test_agents_and_team_leaders_cannot_correct_a_grade(released, agent, leader):
    for user in (agent, leader):
        with pytest.raises(Forbidden):
            regrading.grade_correction_dry_run(actor=user, answer=released["spoken"], score="35", reason=REASON)
    assert not RegradeDryRun.objects.exists()


def test_a_committee_member_cannot_commit_a_key_correction(released, supervisor, committee):
    version = answers_of(released["mine"])[QuestionType.SINGLE][0].item.version
    run = regrading.regrade_dry_run(actor=supervisor, version=version, answer_text="B", reason="标准答案印错")
    with pytest.raises(Forbidden):
        regrading.regrade_commit(actor=committee, dry_run=run)
    run.refresh_from_db()
    assert run.committed_at is None and not Regrade.objects.exists()


def test_the_june_rank_and_coefficient_follow_a_corrected_grade(level_sitting, june_paper, agent, colleague_user, agent_person,
                                                                 colleague, supervisor, hotline):
    # given a released June sitting: 张三 94.0 (rank 1, 120%), 李四 86.0 (rank 2, 100%), and the ranking stored
    sitting = level_sitting(june_paper, kind=SittingKind.JUNE, name="年中综合考试", invite=(agent_person, colleague))
    mine = sit(sitting, agent)
    sit(sitting, colleague_user, single_answers=["B", "A", "A", "A", "A"])
    close(sitting, supervisor)
    grade_all(sitting, supervisor, GRADES)
    release(sitting, supervisor)
    year = timezone.localdate().year
    june_ranking.june_ranking_compute(actor=supervisor, hotline=hotline, year=year)
    # when 张三's spoken item is corrected from 45 to 5: 0.6 × 100 + 0.4 × 45 = 78.0
    spoken = answers_of(mine)[QuestionType.SPEAKING][0]
    run = regrading.grade_correction_dry_run(actor=supervisor, answer=spoken, score="5", reason=REASON)
    changes = {(c["staff_no"], c["what"]): (c["old"], c["new"]) for c in run.changes}
    # then the dry run lists the new ranks (J1/E7) and coefficients (J2)
    assert changes[("1001", "成绩")] == ("94.0", "78.0")
    assert changes[("1001", "名次（J1/E7）")] == ("1", "2") and changes[("1002", "名次（J1/E7）")] == ("2", "1")
    assert changes[("1001", "下半年奖金系数（J2）")][1] == "0.78"
    # and the commit brings the stored ranking up to date
    regrading.regrade_commit(actor=supervisor, dry_run=run)
    standing = JuneStanding.objects.get(ranking__year=year, person=agent_person)
    assert (standing.score, standing.rank, standing.coefficient) == (Decimal("78.0"), 2, Decimal("0.780"))


# --- the pages --------------------------------------------------------------------------------------------


def _candidate_url(sitting, attempt):
    from stardesk.exams.grading_queue import candidate_codes

    return f"/exams/grading/sittings/{sitting.pk}/candidates/{candidate_codes(sitting)[attempt.pk]}/"


def test_on_the_grading_page_a_released_grade_is_corrected_through_a_dry_run(client, released, committee):
    client.force_login(committee)
    url = _candidate_url(released["sitting"], released["mine"])
    page = client.get(url).content.decode()
    # the grading forms are closed, the correction form is offered
    assert 'data-testid="correction-form"' in page and 'data-testid="grade-form"' not in page
    answer = released["spoken"].pk
    # a correction without a reason is refused with a Chinese message and nothing is kept
    refused = client.post(url, {"answer": answer, "kind": "correct", f"a{answer}-score": "35", f"a{answer}-reason": ""})
    assert refused.status_code == 400 and "该字段是必填项" in refused.content.decode()
    assert not RegradeDryRun.objects.exists()
    # with a reason: the dry run page lists the changes
    shown = client.post(url, {"answer": answer, "kind": "correct", f"a{answer}-score": "35", f"a{answer}-reason": REASON}, follow=True)
    run = RegradeDryRun.objects.get()
    body = shown.content.decode()
    assert 'data-testid="dry-run-changes"' in body and "90.0" in body and 'data-testid="regrade-commit"' in body
    assert _result(released["mine"]).score == Decimal("94.0")
    done = client.post(f"/exams/results/sittings/{released['sitting'].pk}/dry-runs/{run.pk}/commit/")
    assert done.status_code == 302 and _result(released["mine"]).score == Decimal("90.0")
    log = client.get(f"/exams/results/sittings/{released['sitting'].pk}/regrades/").content.decode()
    assert REASON in log and "更正评分" in log and f"依据试算 #{run.pk}" in log
