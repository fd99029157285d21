"""Answers survive concurrency: many agents saving in the same moment, and one agent's saves racing each other,
lose no write (every save is counted, every agent's last answer is stored). Runs on PostgreSQL, where requests
really run in parallel; SQLite serialises every write and proves nothing here."""
import threading

import pytest
from django.db import connection, connections

from stardesk.exams import services
from stardesk.exams.models import Answer, QuestionType

from .conftest import items_by_type

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (scripts/test.sh runs the suite on it)"),
]
AGENTS = 24


@pytest.fixture
def crowd(sitting, supervisor, team, hotline):
    from stardesk.accounts.models import Role
    from tests.factories import PersonFactory, UserFactory

    people = [PersonFactory(team=team, staff_no=f"8{n:03d}") for n in range(AGENTS)]
    services.invite_people(actor=supervisor, sitting=sitting, people=people)
    attempts = []
    for person in people:
        user = UserFactory(username=f"crowd{person.staff_no}", role=Role.AGENT, hotline=hotline, person=person)
        attempts.append((user, services.attempt_start(actor=user, invitation=sitting.invitations.get(person=person))))
    return attempts


def _run_all(jobs):
    errors = []
    barrier = threading.Barrier(len(jobs))

    def run(job):
        try:
            barrier.wait()
            job()
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors


def test_many_agents_saving_at_once_lose_nothing(crowd):
    def agent_job(user, attempt):
        def job():
            for answer in items_by_type(attempt)[QuestionType.SINGLE]:
                services.answer_save(actor=user, attempt=attempt, item_id=answer.item_id, values=["B"])
                services.answer_save(actor=user, attempt=attempt, item_id=answer.item_id, values=["C"])
        return job

    _run_all([agent_job(user, attempt) for user, attempt in crowd])
    singles = Answer.objects.filter(attempt__in=[a for _u, a in crowd], item__version__question__qtype=QuestionType.SINGLE)
    assert singles.count() == AGENTS * 5
    assert set(singles.values_list("response", flat=True)) == {"C"}
    assert set(singles.values_list("saves", flat=True)) == {2}


def test_one_agents_racing_saves_are_all_counted_and_one_of_them_wins(crowd):
    user, attempt = crowd[0]
    answer = items_by_type(attempt)[QuestionType.SINGLE][0]
    values = ["A", "B", "C", "A", "B", "C", "A", "B"]

    def save(value):
        return lambda: services.answer_save(actor=user, attempt=attempt, item_id=answer.item_id, values=[value])

    _run_all([save(v) for v in values])
    answer.refresh_from_db()
    assert answer.saves == len(values) and answer.response in set(values)


def test_a_save_racing_the_submission_is_either_graded_or_refused(crowd):
    user, attempt = crowd[1]
    answer = items_by_type(attempt)[QuestionType.SINGLE][0]
    key = answer.item.version.answer
    outcome = {}

    def save():
        try:
            services.answer_save(actor=user, attempt=attempt, item_id=answer.item_id, values=[key])
            outcome["saved"] = True
        except services.DomainError as error:
            outcome["saved"] = error.code

    def submit():
        services.attempt_submit(actor=user, attempt=attempt)

    _run_all([save, submit])
    answer.refresh_from_db()
    attempt.refresh_from_db()
    if outcome["saved"] is True and answer.response == key and answer.auto_score:
        assert attempt.auto_score == answer.auto_score  # saved first, then graded with it
    else:
        # submitted first: the save was refused and the answer stayed unanswered, graded as such
        assert outcome["saved"] == "attempt_submitted" and answer.response is None and answer.auto_score == 0
