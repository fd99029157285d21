"""Regrading after a corrected key or a voided question: the dry run lists every downstream change and is kept
(it changes nothing else); the commit, based on a dry run, applies it and logs it (Regrade and the audit trail)."""
from decimal import Decimal

import pytest

from stardesk.audit.models import AuditEntry
from stardesk.core.errors import DomainError, Forbidden
from stardesk.exams import regrading, results
from stardesk.exams.models import (
    Answer,
    Invitation,
    KeyCorrection,
    QuestionType,
    Regrade,
    RegradeDryRun,
    SittingResult,
)
from tests.exams.graded_sittings import *  # noqa: F401,F403  (fixtures)
from tests.exams.graded_sittings import answers_of, close, grade_all, release, sit

ALL_RIGHT = {QuestionType.SHORT_ANSWER: "10", QuestionType.TYPING: "40", QuestionType.SPEAKING: "45"}


@pytest.fixture
def wrong_key(skills_sitting, agent, colleague_user, supervisor):
    """The first single choice's key says A, but B is right. 张三 answered A everywhere (94.0, passed);
    李四 answered B on the first single and A on the rest (86.0, passed). Released."""
    mine = sit(skills_sitting, agent)
    theirs = sit(skills_sitting, colleague_user, single_answers=["B", "A", "A", "A", "A"])
    close(skills_sitting, supervisor)
    grade_all(skills_sitting, supervisor, ALL_RIGHT)
    release(skills_sitting, supervisor)
    first = answers_of(mine)[QuestionType.SINGLE][0].item.version
    return {"mine": mine, "theirs": theirs, "version": first, "sitting": skills_sitting}


def _result(attempt):
    return SittingResult.objects.get(attempt=attempt)


def _commit(actor, **arguments):
    """A key correction as the page does it: the dry run, then the commit based on it."""
    run = regrading.regrade_dry_run(actor=actor, **arguments)
    return regrading.regrade_commit(actor=actor, dry_run=run)


def test_dry_run_lists_the_agents_whose_result_changes_and_writes_nothing(wrong_key, supervisor):
    before = {r.pk: (r.score, r.passed) for r in SittingResult.objects.all()}
    run = regrading.regrade_dry_run(actor=supervisor, version=wrong_key["version"], answer_text="B", reason="标准答案印错，应为 B")
    changes = {(c["staff_no"], c["what"]): (c["old"], c["new"]) for c in run.changes}
    # 张三 loses 4 of 30 knowledge marks: knowledge 86.7, score 0.6 × 86.7 + 0.4 × 85 = 86.0 (still passes 85)
    assert changes[("1001", "知识得分")] == ("100.0", "86.7")
    assert changes[("1001", "成绩")] == ("94.0", "86.0")
    # 李四 gains them: from 86.0 to 94.0
    assert changes[("1002", "成绩")] == ("86.0", "94.0")
    assert ("1001", "是否合格") not in changes
    assert run.summary["people"] == 2 and run.summary["answers"] == 2
    # the dry run is kept, with who ran it; nothing else is written
    kept = RegradeDryRun.objects.get()
    assert (kept.run_by, kept.reason, kept.committed_at, list(kept.sittings.all())) == (
        supervisor, "标准答案印错，应为 B", None, [wrong_key["sitting"]])
    assert not KeyCorrection.objects.exists() and not Regrade.objects.exists()
    assert {r.pk: (r.score, r.passed) for r in SittingResult.objects.all()} == before


def test_the_commit_applies_the_correction_and_the_log_shows_it(client, wrong_key, supervisor):
    [regrade] = _commit(supervisor, version=wrong_key["version"], answer_text="B", reason="标准答案印错，应为 B")
    assert (_result(wrong_key["mine"]).score, _result(wrong_key["theirs"]).score) == (Decimal("86.0"), Decimal("94.0"))
    correction = KeyCorrection.objects.get()
    assert (correction.answer, correction.voided, correction.corrected_by) == ("B", False, supervisor)
    # the objective scores stored on the answers follow the corrected key
    answer = Answer.objects.get(attempt=wrong_key["theirs"], item__version=wrong_key["version"])
    assert answer.auto_score == Decimal("4.00")
    # the log: the Regrade with every change, the audit trail
    assert regrade.correction == correction and len(regrade.changes) == 4
    entry = AuditEntry.objects.get(action="regrade.commit")
    assert entry.changes["key"] == ["A", "B"] and "标准答案印错" in entry.note
    assert AuditEntry.objects.filter(action="result.regrade").count() == 2
    client.force_login(supervisor)
    log = client.get(f"/exams/results/sittings/{wrong_key['sitting'].pk}/regrades/").content.decode()
    assert "标准答案印错，应为 B" in log and "94.0" in log and "86.0" in log


def test_a_voided_question_leaves_its_sections_total(wrong_key, supervisor):
    _commit(supervisor, version=wrong_key["version"], voided=True, reason="题目有歧义，作废")
    # knowledge out of 26 marks: 张三 26/26 = 100; 李四 (0 + 16 + 10) / 26 = 100 as well
    assert (_result(wrong_key["mine"]).knowledge_score, _result(wrong_key["theirs"]).knowledge_score) == (Decimal("100.0"), Decimal("100.0"))
    assert Answer.objects.get(attempt=wrong_key["mine"], item__version=wrong_key["version"]).auto_score is None


def test_a_correction_that_turns_a_pass_into_a_fail_lists_the_cascade(wrong_key, supervisor, policy_this_year):
    from stardesk.yearly_policy import services as policy_services

    # given a 2-star pass mark of 90: 张三 (94.0) passed
    policy_services.policy_update(actor=supervisor, policy=policy_this_year, values={"x2_pass_mark_level2": Decimal("90")}, reason="试行")
    # when the key becomes B, 张三 falls to 86.0
    run = regrading.regrade_dry_run(actor=supervisor, version=wrong_key["version"], answer_text="B", reason="复核")
    mine = [(c["what"], c["old"], c["new"]) for c in run.changes if c["staff_no"] == "1001"]
    assert ("是否合格", "合格", "不合格") in mine
    assert ("逐级补考（X3）", "—", "可参加1星资格考试") in mine


def test_a_new_pass_withdraws_an_offer_not_yet_started(wrong_key, supervisor, one_star_sitting, policy_this_year):
    from stardesk.yearly_policy import services as policy_services

    # given a pass mark of 92: 李四 (86.0) failed and was offered the 1-star sitting
    policy_services.policy_update(actor=supervisor, policy=policy_this_year, values={"x2_pass_mark_level2": Decimal("92")}, reason="试行")
    theirs = _result(wrong_key["theirs"])
    recomputed = results.compute_sitting(wrong_key["sitting"]).scores[wrong_key["theirs"].pk]
    theirs.passed, theirs.basis = recomputed.passed, "X2"
    theirs.save(update_fields=["passed", "basis"])
    results.cascade_offer(actor=supervisor, results=[theirs], target=one_star_sitting)
    # when the key is corrected (李四 94.0 ≥ 92)
    run = regrading.regrade_dry_run(actor=supervisor, version=wrong_key["version"], answer_text="B", reason="更正答案")
    cascade = [(c["staff_no"], c["new"]) for c in run.changes if c["what"] == "逐级补考（X3）"]
    assert ("1002", "撤销邀请") in cascade
    regrading.regrade_commit(actor=supervisor, dry_run=run)
    assert not Invitation.objects.filter(sitting=one_star_sitting).exists()
    assert _result(wrong_key["theirs"]).passed is True


def test_regrading_is_refused_while_a_sitting_using_the_question_is_open(skills_sitting, agent, supervisor):
    attempt = sit(skills_sitting, agent)
    version = answers_of(attempt)[QuestionType.SINGLE][0].item.version
    with pytest.raises(DomainError) as refused:
        regrading.regrade_dry_run(actor=supervisor, version=version, answer_text="B", reason="更正")
    assert refused.value.code == "regrade_sitting_open"


@pytest.mark.parametrize("arguments, code", [
    ({"answer_text": "A", "reason": "同一答案"}, "regrade_unchanged"),
    ({"answer_text": "B", "reason": "  "}, "regrade_invalid"),
    ({"answer_text": "G", "reason": "没有 G 选项"}, "regrade_invalid"),
])
def test_a_bad_correction_is_refused_and_changes_nothing(wrong_key, supervisor, arguments, code):
    with pytest.raises(DomainError) as refused:
        regrading.regrade_dry_run(actor=supervisor, version=wrong_key["version"], **arguments)
    assert refused.value.code == code
    assert not KeyCorrection.objects.exists() and not Regrade.objects.exists() and not RegradeDryRun.objects.exists()


def test_only_the_supervisor_regrades(wrong_key, committee):
    with pytest.raises(Forbidden):
        regrading.regrade_dry_run(actor=committee, version=wrong_key["version"], answer_text="B", reason="更正")


def test_dry_run_then_commit_on_the_page(client, wrong_key, supervisor):
    client.force_login(supervisor)
    url = f"/exams/results/sittings/{wrong_key['sitting'].pk}/regrade/"
    form = {"version": wrong_key["version"].pk, "answer": "B", "reason": "标准答案印错"}
    dry = client.post(url, {**form, "step": "dry_run"}, follow=True)
    run = RegradeDryRun.objects.get()
    assert dry.redirect_chain[-1][0] == f"/exams/results/sittings/{wrong_key['sitting'].pk}/dry-runs/{run.pk}/"
    assert 'data-testid="dry-run"' in dry.content.decode() and "标准答案印错" in dry.content.decode()
    assert not KeyCorrection.objects.exists()
    # the sitting's regrading page lists the dry run, not yet committed
    listed = client.get(url).content.decode()
    assert 'data-testid="dry-run-row"' in listed and "未执行" in listed
    done = client.post(f"/exams/results/sittings/{wrong_key['sitting'].pk}/dry-runs/{run.pk}/commit/")
    assert done.status_code == 302 and KeyCorrection.objects.count() == 1
    assert Regrade.objects.get().dry_run == run
    assert "已执行" in client.get(url).content.decode()
    refused = client.post(url, {**form, "answer": "Z", "step": "dry_run"})
    assert refused.status_code == 400 and RegradeDryRun.objects.count() == 1


def _card(page: str, stem: str) -> str:
    """The HTML of the item card that shows ``stem`` (items come in each agent's own order)."""
    [card] = [part for part in page.split("<section")[1:] if stem in part]
    return card


def test_after_a_corrected_key_the_agents_page_shows_the_key_in_force_and_the_new_score(client, wrong_key, supervisor, colleague_user):
    # given the key of the first single choice corrected from A to B
    _commit(supervisor, version=wrong_key["version"], answer_text="B", reason="标准答案印错，应为 B")
    result = _result(wrong_key["theirs"])
    # when 李四 (who answered B) opens the released result
    client.force_login(colleague_user)
    page = client.get(f"/exams/results/{result.pk}/").content.decode()
    # then the score is the regraded one, and the item shows B as the key, marked corrected with date and reason
    assert 'data-testid="result-score">94<' in page
    card = _card(page, wrong_key["version"].stem)
    assert "答案：B" in card and "已更正" in card and "标准答案印错，应为 B" in card
    assert KeyCorrection.objects.get().corrected_at.astimezone().strftime("%Y-%m-%d") in card
    assert "得分 4" in card and "答案：A" not in card
    # and the attempt page (the agent's own answers) agrees
    review = _card(client.get(f"/exams/attempts/{wrong_key['theirs'].pk}/").content.decode(), wrong_key["version"].stem)
    assert "答案：B" in review and "已更正" in review and "得分 4" in review


def test_the_supervisor_sees_the_key_in_force_on_an_attempt(client, wrong_key, supervisor):
    _commit(supervisor, version=wrong_key["version"], answer_text="B", reason="标准答案印错，应为 B")
    client.force_login(supervisor)
    result = _result(wrong_key["mine"])
    page = client.get(f"/exams/results/{result.pk}/").content.decode()
    assert 'data-testid="result-score">86<' in page
    card = _card(page, wrong_key["version"].stem)
    assert "答案：B" in card and "已更正" in card and "得分 0" in card
    review = _card(client.get(f"/exams/attempts/{wrong_key['mine'].pk}/").content.decode(), wrong_key["version"].stem)
    assert "答案：B" in review and "标准答案印错，应为 B" in review and "得分 0" in review


def test_a_voided_item_is_shown_as_voided_with_its_reason(client, wrong_key, supervisor, agent):
    _commit(supervisor, version=wrong_key["version"], voided=True, reason="题目有歧义，作废")
    client.force_login(agent)
    page = client.get(f"/exams/results/{_result(wrong_key['mine']).pk}/").content.decode()
    card = _card(page, wrong_key["version"].stem)
    assert "已作废" in card and "题目有歧义，作废" in card and "答案：A" not in card
    review = _card(client.get(f"/exams/attempts/{wrong_key['mine'].pk}/").content.decode(), wrong_key["version"].stem)
    assert "已作废" in review and "题目有歧义，作废" in review


def test_a_dry_run_is_committed_once(wrong_key, supervisor):
    run = regrading.regrade_dry_run(actor=supervisor, version=wrong_key["version"], answer_text="B", reason="标准答案印错")
    regrading.regrade_commit(actor=supervisor, dry_run=run)
    with pytest.raises(DomainError) as refused:
        regrading.regrade_commit(actor=supervisor, dry_run=run)
    assert refused.value.code == "regrade_committed"
    assert KeyCorrection.objects.count() == 1 and Regrade.objects.count() == 1


def test_a_dry_run_made_stale_by_a_later_grade_correction_is_refused_and_changes_nothing(wrong_key, supervisor):
    # given a dry run of the key correction
    run = regrading.regrade_dry_run(actor=supervisor, version=wrong_key["version"], answer_text="B", reason="标准答案印错")
    # when a grade of the same sitting is corrected and committed in between
    spoken = answers_of(wrong_key["mine"])[QuestionType.SPEAKING][0]
    regrading.regrade_commit(actor=supervisor, dry_run=regrading.grade_correction_dry_run(
        actor=supervisor, answer=spoken, score="35", reason="口试分项相加有误"))
    scores = {r.pk: r.score for r in SittingResult.objects.all()}
    # then committing the old dry run is refused: what it showed is no longer what would happen
    with pytest.raises(DomainError) as refused:
        regrading.regrade_commit(actor=supervisor, dry_run=run)
    assert refused.value.code == "regrade_stale" and "请重新试算" in refused.value.message
    assert not KeyCorrection.objects.exists() and {r.pk: r.score for r in SittingResult.objects.all()} == scores
    run.refresh_from_db()
    assert run.committed_at is None


def test_a_second_dry_run_of_the_same_correction_is_stale_once_the_first_is_committed(client, wrong_key, supervisor):
    first = regrading.regrade_dry_run(actor=supervisor, version=wrong_key["version"], answer_text="B", reason="标准答案印错")
    second = regrading.regrade_dry_run(actor=supervisor, version=wrong_key["version"], answer_text="B", reason="同一更正")
    regrading.regrade_commit(actor=supervisor, dry_run=first)
    client.force_login(supervisor)
    refused = client.post(f"/exams/results/sittings/{wrong_key['sitting'].pk}/dry-runs/{second.pk}/commit/")
    body = refused.content.decode()
    assert refused.status_code == 400 and 'data-testid="refusal"' in body and "本次试算已失效" in body
    assert KeyCorrection.objects.count() == 1 and Regrade.objects.count() == 1
