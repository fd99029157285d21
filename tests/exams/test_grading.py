"""Grading by examiners: append-only grades, the skills rules (typing formula, language rubrics), anonymous
grading, the queue by candidate and by question, permissions and query counts."""
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from stardesk.audit.models import AuditEntry
from stardesk.core.errors import DomainError, Forbidden
from stardesk.exams import grading, grading_queue, services
from stardesk.exams.attempt_scores import score_attempts, sitting_policy
from stardesk.exams.models import Grade, QuestionType, ReleaseRule, SittingResult, SittingStatus
from tests.exams.graded_sittings import *  # noqa: F401,F403  (fixtures)
from tests.exams.graded_sittings import answers_of, close, grade_all, sit


def _scores(sitting):
    attempts = list(sitting.attempts.all())
    for a in attempts:
        a.sitting = sitting
    policy, _v = sitting_policy(sitting)
    return score_attempts(attempts, policy=policy)


@pytest.fixture
def submitted(skills_sitting, agent, colleague_user):
    """张三 and 李四 have handed in the skills paper; the sitting is still open."""
    return sit(skills_sitting, agent), sit(skills_sitting, colleague_user, singles_right=2)


def test_grades_are_append_only_and_the_latest_counts(submitted, committee):
    # given 张三's short answer graded twice
    attempt = submitted[0]
    answer = answers_of(attempt)[QuestionType.SHORT_ANSWER][0]
    grading.grade_record(actor=committee, answer=answer, score="6", comment="要点不全")
    grading.grade_record(actor=committee, answer=answer, score=Decimal("8.5"), comment="复核后加分")
    # then both records are kept, in order, and the later one counts
    grades = list(Grade.objects.filter(answer=answer).order_by("graded_at", "pk"))
    assert [(g.score, g.comment, g.grader_name) for g in grades] == [
        (Decimal("6.00"), "要点不全", str(committee)), (Decimal("8.50"), "复核后加分", str(committee))]
    item = _scores(attempt.sitting)[attempt.pk].item(answer.item_id)
    assert item.score == Decimal("8.50")
    assert AuditEntry.objects.filter(action="grade.record").count() == 2


@pytest.mark.parametrize("score, message", [("10.5", "0 到 10"), ("-1", "0 到 10"), ("7.25", "一位小数"), ("七分", "数字")])
def test_a_bad_score_is_refused_and_changes_nothing(submitted, committee, score, message):
    answer = answers_of(submitted[0])[QuestionType.SHORT_ANSWER][0]
    with pytest.raises(DomainError) as refused:
        grading.grade_record(actor=committee, answer=answer, score=score)
    assert refused.value.code == "grade_invalid" and message in refused.value.details[0]["message"]
    assert not Grade.objects.exists()


def test_objective_items_are_marked_by_the_system_not_by_examiners(submitted, committee):
    answer = answers_of(submitted[0])[QuestionType.SINGLE][0]
    with pytest.raises(DomainError) as refused:
        grading.grade_record(actor=committee, answer=answer, score="4")
    assert refused.value.code == "grade_not_manual"


def test_an_attempt_still_running_cannot_be_graded(skills_sitting, agent, committee):
    attempt = sit(skills_sitting, agent, submit=False)
    answer = answers_of(attempt)[QuestionType.SHORT_ANSWER][0]
    with pytest.raises(DomainError) as refused:
        grading.grade_record(actor=committee, answer=answer, score="5")
    assert refused.value.code == "grade_not_submitted"


def test_typing_is_scored_from_its_raw_data_by_the_stated_formula(submitted, committee):
    # given 120 characters typed with 6 errors in 120 seconds, against a standard of 60 characters a minute
    answer = answers_of(submitted[0])[QuestionType.TYPING][0]
    grade = grading.skills_score_record(actor=committee, answer=answer, kind="typing", characters=120, errors=6, keystrokes=150,
                                        seconds=120, target_speed="60")
    # then speed = (120 − 6) × 60 ÷ 120 = 57.0 a minute, accuracy 95%, score = 50 × 57 ÷ 60 = 47.5
    assert grade.score == Decimal("47.5")
    assert (grade.parts["speed"], grade.parts["accuracy"], grade.parts["characters"], grade.parts["keystrokes"]) == ("57.0", "0.950", 120, 150)
    assert "速度 57.0 字/分钟" in grade.parts["summary"]


def test_typing_faster_than_the_standard_scores_full_marks_and_never_more(submitted, committee):
    answer = answers_of(submitted[0])[QuestionType.TYPING][0]
    grade = grading.skills_score_record(actor=committee, answer=answer, kind="typing", characters=300, errors=0, seconds=120, target_speed="60")
    assert grade.score == Decimal("50.0")


@pytest.mark.parametrize("values, field", [({"characters": 10, "errors": 11, "seconds": 60}, "errors"), ({"characters": 10, "errors": 0, "seconds": 0}, "seconds")])
def test_impossible_typing_data_is_refused(submitted, committee, values, field):
    answer = answers_of(submitted[0])[QuestionType.TYPING][0]
    with pytest.raises(DomainError) as refused:
        grading.skills_score_record(actor=committee, answer=answer, kind="typing", target_speed="60", **values)
    assert refused.value.details[0]["field"] == field
    assert not Grade.objects.exists()


def test_language_on_the_putonghua_test_structure(submitted, committee):
    # given the four parts of the national Putonghua test: 9/10, 18/20, 27/30, 36/40 = 90 of 100
    answer = answers_of(submitted[0])[QuestionType.SPEAKING][0]
    grade = grading.skills_score_record(actor=committee, answer=answer, kind="language", rubric="putonghua",
                                        values={"monosyllables": "9", "words": "18", "passage": "27", "speech": "36"})
    # then the item (50 marks) scores 50 × 90 ÷ 100 = 45
    assert grade.score == Decimal("45.0")
    assert [p["score"] for p in grade.parts["parts"]] == ["9.0", "18.0", "27.0", "36.0"]


def test_language_on_mandarin_tone_and_technique(submitted, committee):
    answer = answers_of(submitted[0])[QuestionType.SPEAKING][0]
    grade = grading.skills_score_record(actor=committee, answer=answer, kind="language", rubric="aspects",
                                        values={"mandarin": "90", "tone": "80", "technique": "85"})
    assert grade.score == Decimal("42.5")  # 50 × mean(90, 80, 85) ÷ 100


def test_a_rubric_part_above_its_points_is_refused(submitted, committee):
    answer = answers_of(submitted[0])[QuestionType.SPEAKING][0]
    with pytest.raises(DomainError) as refused:
        grading.skills_score_record(actor=committee, answer=answer, kind="language", rubric="putonghua",
                                    values={"monosyllables": "11", "words": "18", "passage": "27", "speech": "36"})
    assert refused.value.details[0]["field"] == "monosyllables"


def test_typing_rules_do_not_apply_to_a_spoken_item(submitted, committee):
    answer = answers_of(submitted[0])[QuestionType.SPEAKING][0]
    with pytest.raises(DomainError) as refused:
        grading.skills_score_record(actor=committee, answer=answer, kind="typing", characters=1, errors=0, seconds=1, target_speed="1")
    assert refused.value.code == "grade_wrong_rubric"


def test_grading_is_locked_once_results_are_released(submitted, supervisor, skills_sitting):
    close(skills_sitting, supervisor)
    grade_all(skills_sitting, supervisor, {QuestionType.SHORT_ANSWER: "8", QuestionType.TYPING: "40", QuestionType.SPEAKING: "45"})
    from stardesk.exams import results

    results.results_release(actor=supervisor, sitting=skills_sitting)
    answer = answers_of(submitted[0])[QuestionType.SHORT_ANSWER][0]
    with pytest.raises(DomainError) as refused:
        grading.grade_record(actor=supervisor, answer=answer, score="10")
    assert refused.value.code == "grade_after_release"


def test_a_sitting_released_on_close_is_released_by_the_grade_that_completes_it(make_sitting, skills_paper, agent, agent_person, supervisor):
    sitting = make_sitting(paper=skills_paper, invite=(agent_person,), release_rule=ReleaseRule.ON_CLOSE)
    attempt = sit(sitting, agent)
    close(sitting, supervisor)
    grade_all(sitting, supervisor, {QuestionType.SHORT_ANSWER: "10", QuestionType.TYPING: "40"})
    sitting.refresh_from_db()
    assert sitting.status == SittingStatus.CLOSED  # the spoken item is still waiting
    grade_all(sitting, supervisor, {QuestionType.SPEAKING: "45"})
    sitting.refresh_from_db()
    assert sitting.status == SittingStatus.RELEASED
    result = SittingResult.objects.get(attempt=attempt)
    assert result.released_at is not None and result.score == Decimal("94.0")  # 0.6 × 100 + 0.4 × 85


def test_anonymous_grading_hides_names_from_the_queue_and_the_pages(client, submitted, skills_sitting, supervisor, committee):
    grading.grading_anonymity_set(actor=supervisor, sitting=skills_sitting, anonymous=True)
    client.force_login(committee)
    queue = client.get(f"/exams/grading/sittings/{skills_sitting.pk}/").content.decode()
    by_question = client.get(f"/exams/grading/sittings/{skills_sitting.pk}/?by=question").content.decode()
    version = answers_of(submitted[0])[QuestionType.SHORT_ANSWER][0].item.version_id
    per_question = client.get(f"/exams/grading/sittings/{skills_sitting.pk}/questions/{version}/").content.decode()
    codes = grading_queue.candidate_codes(skills_sitting)
    per_candidate = client.get(f"/exams/grading/sittings/{skills_sitting.pk}/candidates/{codes[submitted[0].pk]}/").content.decode()
    for page in (queue, by_question, per_question, per_candidate):
        for revealing in ("张三", "李四", "1001", "1002", f"/attempts/{submitted[0].pk}/"):
            assert revealing not in page
    assert "考生 1" in queue and "考生 2" in queue and "考生 1" in per_question
    # and with anonymity off, names are shown
    grading.grading_anonymity_set(actor=supervisor, sitting=skills_sitting, anonymous=False)
    assert "1001 张三" in client.get(f"/exams/grading/sittings/{skills_sitting.pk}/").content.decode()


def test_only_the_supervisor_sets_anonymous_grading(skills_sitting, committee):
    with pytest.raises(Forbidden):
        grading.grading_anonymity_set(actor=committee, sitting=skills_sitting, anonymous=True)


def test_the_queue_by_candidate_and_by_question_counts_what_waits(submitted, skills_sitting, committee):
    answer = answers_of(submitted[0])[QuestionType.SHORT_ANSWER][0]
    grading.grade_record(actor=committee, answer=answer, score="7")
    by_person = {c.attempt.pk: (c.total, c.graded) for c in grading_queue.candidates(skills_sitting)}
    assert by_person == {submitted[0].pk: (3, 1), submitted[1].pk: (3, 0)}
    by_question = {q.version.question.qtype: (q.total, q.graded, q.pending) for q in grading_queue.questions(skills_sitting)}
    assert by_question == {QuestionType.SHORT_ANSWER: (2, 1, 1), QuestionType.TYPING: (2, 0, 2), QuestionType.SPEAKING: (2, 0, 2)}
    listed = grading_queue.sittings_to_grade(committee)
    assert [(s.pk, s.pending) for s in listed] == [(skills_sitting.pk, 5)]


def test_grading_a_question_on_its_page(client, submitted, skills_sitting, committee):
    client.force_login(committee)
    answer = answers_of(submitted[1])[QuestionType.SHORT_ANSWER][0]
    url = f"/exams/grading/sittings/{skills_sitting.pk}/questions/{answer.item.version_id}/"
    response = client.post(url, {"answer": answer.pk, "kind": "plain", f"a{answer.pk}-score": "9", f"a{answer.pk}-comment": "完整"})
    assert response.status_code == 302 and response["Location"].endswith(f"#answer-{answer.pk}")
    assert Grade.objects.get(answer=answer).score == Decimal("9.00")
    # a bad score comes back on the page, nothing saved
    refused = client.post(url, {"answer": answer.pk, "kind": "plain", f"a{answer.pk}-score": "12"})
    assert refused.status_code == 400 and "0–10" in refused.content.decode()
    assert Grade.objects.filter(answer=answer).count() == 1


def test_the_typing_form_on_the_candidate_page(client, submitted, skills_sitting, committee):
    client.force_login(committee)
    answer = answers_of(submitted[0])[QuestionType.TYPING][0]
    code = grading_queue.candidate_codes(skills_sitting)[submitted[0].pk]
    url = f"/exams/grading/sittings/{skills_sitting.pk}/candidates/{code}/"
    page = client.get(url).content.decode()
    assert "系统记录：录入" in page and "达标速度" in page
    prefix = f"a{answer.pk}"
    response = client.post(url, {"answer": answer.pk, "kind": "typing", f"{prefix}-characters": "60", f"{prefix}-errors": "0",
                                 f"{prefix}-seconds": "60", f"{prefix}-target_speed": "80"})
    assert response.status_code == 302
    assert Grade.objects.get(answer=answer).score == Decimal("37.50")  # 50 × 60 ÷ 80


def test_examiners_listen_to_a_spoken_answer(client, submitted, skills_sitting, agent, committee, settings):
    answer = answers_of(submitted[0])[QuestionType.SPEAKING][0]
    # the answer was recorded while the attempt ran
    attempt = submitted[0]
    attempt.status = "in_progress"
    attempt.save(update_fields=["status"])
    services.answer_audio_save(actor=agent, attempt=attempt, item_id=answer.item_id,
                               file=SimpleUploadedFile("朗读.webm", b"\x1aE\xdf\xa3webm-audio", content_type="audio/webm"))
    attempt.status = "submitted"
    attempt.save(update_fields=["status"])
    client.force_login(committee)
    response = client.get(f"/exams/grading/answers/{answer.pk}/audio/")
    assert response.status_code == 200 and b"".join(response.streaming_content) == b"\x1aE\xdf\xa3webm-audio"
    client.force_login(agent)
    assert client.get(f"/exams/grading/answers/{answer.pk}/audio/").status_code == 403


GRADING_PAGES = [
    "/exams/grading/",
    "/exams/grading/sittings/{sitting}/",
    "/exams/grading/sittings/{sitting}/?by=question",
    "/exams/grading/sittings/{sitting}/candidates/1/",
]


@pytest.mark.parametrize("role, expected", [("agent", 403), ("leader", 403), ("committee", 200), ("supervisor", 200), ("admin", 200)])
def test_grading_pages_by_role(client, submitted, skills_sitting, users, role, expected):
    client.force_login(users[role])
    for page in GRADING_PAGES:
        assert client.get(page.format(sitting=skills_sitting.pk)).status_code == expected, page


def test_another_hotlines_examiner_does_not_find_the_sitting(client, submitted, skills_sitting, other_hotline):
    from stardesk.accounts.models import Role
    from tests.factories import UserFactory

    outsider = UserFactory(username="outsider", role=Role.SUPERVISOR, hotline=other_hotline)
    client.force_login(outsider)
    assert client.get(f"/exams/grading/sittings/{skills_sitting.pk}/").status_code == 404
    answer = answers_of(submitted[0])[QuestionType.SHORT_ANSWER][0]
    with pytest.raises(Forbidden):
        grading.grade_record(actor=outsider, answer=answer, score="5")
    assert not Grade.objects.exists()


def test_the_grading_queue_takes_the_same_queries_for_many_candidates(client, make_sitting, skills_paper, candidates, committee,
                                                                     django_assert_max_num_queries):
    people = candidates(12)
    sitting = make_sitting(paper=skills_paper, invite=[p for p, _u in people])
    for _person, user in people:
        sit(sitting, user)
    client.force_login(committee)
    with django_assert_max_num_queries(14):
        assert client.get(f"/exams/grading/sittings/{sitting.pk}/").status_code == 200
    version = answers_of(sitting.attempts.first())[QuestionType.SHORT_ANSWER][0].item.version_id
    with django_assert_max_num_queries(16):
        assert client.get(f"/exams/grading/sittings/{sitting.pk}/questions/{version}/").status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get("/exams/grading/").status_code == 200
