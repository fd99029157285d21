"""Online attempts: the server keeps the time from first open, every answer is saved as it is given, a save
after deadline + grace is refused, late attempts are closed on the next read or by the command, objective
items are graded at submission, and leaving the page is logged as evidence only."""
import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from stardesk.audit.models import AuditEntry
from stardesk.core.errors import DomainError, NotFound
from stardesk.exams import services
from stardesk.exams.models import Answer, Attempt, AttemptStatus, EndedBy, FocusEvent, QuestionType, SittingStatus

from .conftest import expire, items_by_type


def test_starting_records_the_server_time_and_a_deadline_of_the_time_limit(started, sitting):
    assert abs((timezone.now() - started.started_at).total_seconds()) < 5
    assert started.deadline == started.started_at + datetime.timedelta(minutes=30)
    assert started.answers.count() == 11  # one answer row per item, made at the start
    assert sorted(started.item_order) == sorted(started.paper.items.values_list("pk", flat=True))
    assert AuditEntry.objects.filter(action="attempt.start", target_id=str(started.pk)).count() == 1


def test_the_deadline_never_passes_the_windows_close(make_sitting, paper, agent_person, agent):
    closes_at = timezone.now() + datetime.timedelta(minutes=10)
    sitting = make_sitting(paper=paper, invite=(agent_person,), limit=90, closes_at=closes_at)
    attempt = services.attempt_start(actor=agent, invitation=sitting.invitations.get())
    assert attempt.deadline == closes_at


def test_starting_again_continues_the_same_attempt_and_the_same_clock(started, agent):
    again = services.attempt_start(actor=agent, invitation=started.invitation)
    assert again.pk == started.pk and again.deadline == started.deadline
    assert Attempt.objects.count() == 1


def test_nobody_starts_before_the_window_opens_or_before_the_sitting_is_opened(make_sitting, paper, agent_person, agent):
    later = timezone.now() + datetime.timedelta(hours=1)
    sitting = make_sitting(paper=paper, invite=(agent_person,), opens_at=later, closes_at=later + datetime.timedelta(hours=2))
    with pytest.raises(DomainError) as refused:
        services.attempt_start(actor=agent, invitation=sitting.invitations.get())
    assert refused.value.code == "sitting_not_yet"
    draft = make_sitting(paper=paper, invite=(agent_person,), open_it=False, name="草稿场次")
    with pytest.raises(DomainError) as refused:
        services.attempt_start(actor=agent, invitation=draft.invitations.get())
    assert refused.value.code == "sitting_not_open"
    assert not Attempt.objects.exists()


def test_only_the_invited_person_starts_their_invitation(sitting, colleague_user, agent_person):
    with pytest.raises(NotFound):
        services.attempt_start(actor=colleague_user, invitation=sitting.invitations.get(person=agent_person))


def test_saving_an_answer_twice_is_idempotent_and_the_last_answer_wins(started, agent):
    single = items_by_type(started)[QuestionType.SINGLE][0]
    services.answer_save(actor=agent, attempt=started, item_id=single.item_id, values=["B"])
    services.answer_save(actor=agent, attempt=started, item_id=single.item_id, values=["B"])
    services.answer_save(actor=agent, attempt=started, item_id=single.item_id, values=["C"])
    single.refresh_from_db()
    assert (single.response, single.saves) == ("C", 3)
    assert Answer.objects.filter(attempt=started).count() == 11


def test_answers_are_stored_in_their_own_shape(started, agent):
    found = items_by_type(started)
    cases = [
        (found[QuestionType.MULTIPLE][0], ["c", "A"], ["A", "C"]),
        (found[QuestionType.TRUE_FALSE][0], ["false"], False),
        (found[QuestionType.FILL_IN][0], [" catv ", ""], [" catv ", ""]),
        (found[QuestionType.SINGLE][1], [], None),  # clearing an answer
    ]
    for answer, values, stored in cases:
        services.answer_save(actor=agent, attempt=started, item_id=answer.item_id, values=values)
        answer.refresh_from_db()
        assert answer.response == stored


@pytest.mark.parametrize(("qtype", "values"), [(QuestionType.SINGLE, ["F"]), (QuestionType.SINGLE, ["A", "B"]),
                                                (QuestionType.TRUE_FALSE, ["maybe"]), (QuestionType.FILL_IN, ["1", "2", "3"])])
def test_an_answer_that_does_not_fit_its_item_is_refused(started, agent, qtype, values):
    answer = items_by_type(started)[qtype][0]
    with pytest.raises(DomainError) as refused:
        services.answer_save(actor=agent, attempt=started, item_id=answer.item_id, values=values)
    assert refused.value.code == "answer_invalid"
    answer.refresh_from_db()
    assert answer.response is None


def test_a_save_within_the_grace_period_is_accepted(started, agent):
    started.deadline = timezone.now() - datetime.timedelta(seconds=30)  # grace is 60 s
    started.save(update_fields=["deadline"])
    single = items_by_type(started)[QuestionType.SINGLE][0]
    services.answer_save(actor=agent, attempt=started, item_id=single.item_id, values=["A"])
    single.refresh_from_db()
    assert single.response == "A"


def test_a_save_after_deadline_and_grace_is_refused_and_changes_nothing(started, agent):
    single = items_by_type(started)[QuestionType.SINGLE][0]
    services.answer_save(actor=agent, attempt=started, item_id=single.item_id, values=["A"])
    expire(started)
    with pytest.raises(DomainError) as refused:
        services.answer_save(actor=agent, attempt=started, item_id=single.item_id, values=["B"])
    assert refused.value.code == "attempt_time_over"
    single.refresh_from_db()
    assert single.response == "A"


def test_the_late_save_endpoint_refuses_and_closes_the_attempt(started, agent, client):
    single = items_by_type(started)[QuestionType.SINGLE][0]
    expire(started)
    client.force_login(agent)
    response = client.post(f"/exams/attempts/{started.pk}/answers/{single.item_id}/", {"value": "A"})
    assert response.status_code == 400 and response.json()["code"] == "attempt_time_over"
    started.refresh_from_db()
    assert (started.status, started.ended_by) == (AttemptStatus.SUBMITTED, EndedBy.EXPIRED)


def test_reading_an_attempt_after_its_time_closes_it(started, agent, client):
    expire(started)
    client.force_login(agent)
    page = client.get(f"/exams/attempts/{started.pk}/")
    assert "已交卷" in page.content.decode()
    started.refresh_from_db()
    assert (started.status, started.ended_by) == (AttemptStatus.SUBMITTED, EndedBy.EXPIRED)
    assert AuditEntry.objects.filter(action="attempt.close", target_id=str(started.pk), actor_name="系统").exists()


def test_my_exams_closes_my_attempts_whose_time_is_over(started, agent, client):
    expire(started)
    client.force_login(agent)
    assert client.get("/exams/mine/").status_code == 200
    started.refresh_from_db()
    assert started.status == AttemptStatus.SUBMITTED


def test_the_command_closes_every_expired_attempt_and_grades_it(sitting, agent, colleague_user, agent_person, colleague):
    mine = services.attempt_start(actor=agent, invitation=sitting.invitations.get(person=agent_person))
    theirs = services.attempt_start(actor=colleague_user, invitation=sitting.invitations.get(person=colleague))
    single = items_by_type(mine)[QuestionType.SINGLE][0]
    key = single.item.version.answer
    services.answer_save(actor=agent, attempt=mine, item_id=single.item_id, values=[key])
    expire(mine)
    call_command("close_expired_attempts", stdout=open("/dev/null", "w"))
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.status, mine.ended_by, mine.auto_score) == (AttemptStatus.SUBMITTED, EndedBy.EXPIRED, Decimal("4.00"))
    assert theirs.status == AttemptStatus.IN_PROGRESS  # still within its time


def test_a_sitting_read_after_its_window_is_closed_with_its_attempts(started, sitting, supervisor, client):
    Attempt.objects.filter(pk=started.pk).update(deadline=timezone.now() - datetime.timedelta(minutes=5))
    type(sitting).objects.filter(pk=sitting.pk).update(closes_at=timezone.now() - datetime.timedelta(minutes=2),
                                                       opens_at=timezone.now() - datetime.timedelta(hours=2))
    client.force_login(supervisor)
    assert client.get(f"/exams/sittings/{sitting.pk}/").status_code == 200
    sitting.refresh_from_db()
    started.refresh_from_db()
    assert sitting.status == SittingStatus.CLOSED and started.status == AttemptStatus.SUBMITTED


def test_submission_grades_objective_items_and_leaves_manual_ones_to_the_examiner(started, agent):
    found = items_by_type(started)
    for answer in found[QuestionType.SINGLE]:
        services.answer_save(actor=agent, attempt=started, item_id=answer.item_id, values=[answer.item.version.answer])
    multiple = found[QuestionType.MULTIPLE]
    services.answer_save(actor=agent, attempt=started, item_id=multiple[0].item_id, values=multiple[0].item.version.answer[:1])  # half
    services.answer_save(actor=agent, attempt=started, item_id=multiple[1].item_id, values=["A", "B", "C", "D"])  # everything: 0
    fill = found[QuestionType.FILL_IN][0]
    services.answer_save(actor=agent, attempt=started, item_id=fill.item_id, values=["ｃａｔｖ", "机顶盒"])  # 1 of 2 blanks
    typing = found[QuestionType.TYPING][0]
    services.answer_save(actor=agent, attempt=started, item_id=typing.item_id, values=["您好，这里是有限电视服务"],
                         keystrokes=40, typing_seconds=30)
    attempt = services.attempt_submit(actor=agent, attempt=started)
    # 5 × 4 + 2.5 + 0 + 0 + 0 (true/false unanswered) + 5 = 27.5
    assert attempt.auto_score == Decimal("27.50")
    assert (attempt.status, attempt.ended_by) == (AttemptStatus.SUBMITTED, EndedBy.AGENT)
    typing.refresh_from_db()
    assert (typing.auto_score, typing.typed_characters, typing.typing_errors, typing.keystrokes, typing.typing_seconds) == (None, 12, 1, 40, 30)
    assert typing.typing_speed == Decimal("22.0") and typing.typing_accuracy == Decimal("0.917")
    multiple[1].refresh_from_db()
    assert multiple[1].auto_score == 0
    entry = AuditEntry.objects.get(action="attempt.submit", target_id=str(attempt.pk))
    assert entry.changes["auto_score"] == [None, "27.50"]


def test_handing_in_twice_changes_nothing(started, agent):
    services.attempt_submit(actor=agent, attempt=started)
    again = services.attempt_submit(actor=agent, attempt=started)
    assert again.ended_by == EndedBy.AGENT
    assert AuditEntry.objects.filter(action="attempt.submit").count() == 1
    single = items_by_type(started)[QuestionType.SINGLE][0]
    with pytest.raises(DomainError) as refused:
        services.answer_save(actor=agent, attempt=started, item_id=single.item_id, values=["A"])
    assert refused.value.code == "attempt_submitted"


def test_the_timer_submission_is_recorded_as_such_at_the_deadline(started, agent):
    started.deadline = timezone.now()
    started.save(update_fields=["deadline"])
    attempt = services.attempt_submit(actor=agent, attempt=started, ended_by=EndedBy.TIMER)
    assert attempt.ended_by == EndedBy.TIMER


def test_a_submission_after_deadline_and_grace_is_closed_as_late(started, agent):
    expire(started)
    attempt = services.attempt_submit(actor=agent, attempt=started)
    assert attempt.ended_by == EndedBy.EXPIRED


def test_closing_the_sitting_collects_running_attempts(started, sitting, supervisor):
    services.sitting_close(actor=supervisor, sitting=sitting)
    started.refresh_from_db()
    assert (started.status, started.ended_by) == (AttemptStatus.SUBMITTED, EndedBy.SITTING_CLOSED)
    entry = AuditEntry.objects.get(action="sitting.close")
    assert entry.note == "收卷 1 份"


def test_focus_losses_are_logged_with_times_and_never_change_the_score(started, agent, client):
    client.force_login(agent)
    for kind in ("away", "back", "away", "back"):
        assert client.post(f"/exams/attempts/{started.pk}/focus/", {"kind": kind}).json() == {"logged": True}
    started.refresh_from_db()
    assert started.focus_losses == 2
    assert list(FocusEvent.objects.filter(attempt=started).values_list("kind", flat=True)) == ["away", "back", "away", "back"]
    assert client.post(f"/exams/attempts/{started.pk}/focus/", {"kind": "sleep"}).status_code == 400
    attempt = services.attempt_submit(actor=agent, attempt=started)
    assert attempt.auto_score == 0 and attempt.focus_losses == 2
    # after the end nothing more is logged
    assert client.post(f"/exams/attempts/{started.pk}/focus/", {"kind": "away"}).json() == {"logged": False}


def test_the_examiner_sees_the_focus_evidence(started, agent, supervisor, client):
    services.focus_event_log(actor=agent, attempt=started, kind="away")
    client.force_login(supervisor)
    page = client.get(f"/exams/attempts/{started.pk}/").content.decode()
    assert "离开页面 1 次" in page and "不自动扣分" in page


def test_reload_shows_the_saved_answers_and_the_servers_remaining_time(started, agent, client):
    found = items_by_type(started)
    single, fill = found[QuestionType.SINGLE][0], found[QuestionType.FILL_IN][0]
    services.answer_save(actor=agent, attempt=started, item_id=single.item_id, values=["C"])
    services.answer_save(actor=agent, attempt=started, item_id=fill.item_id, values=["有线电视", ""])
    # ten minutes have gone by on the server's clock
    Attempt.objects.filter(pk=started.pk).update(deadline=timezone.now() + datetime.timedelta(minutes=20))
    client.force_login(agent)
    response = client.get(f"/exams/attempts/{started.pk}/")
    page = response.content.decode()
    remaining = int(page.split('data-remaining="')[1].split('"')[0])
    assert 1190 <= remaining <= 1200
    assert f'name="item-{single.item_id}" id="i{single.item_id}-' in page
    checked = [chunk for chunk in page.split("<input")[1:] if f'name="item-{single.item_id}"' in chunk and " checked" in chunk.split(">")[0]]
    assert len(checked) == 1 and 'value="C"' in checked[0]
    assert 'value="有线电视"' in page
    assert "no-store" in response["Cache-Control"]
    state = client.get(f"/exams/attempts/{started.pk}/state/").json()
    assert state["answers"][str(single.item_id)] == "C" and 1190 <= state["remaining_seconds"] <= 1200
