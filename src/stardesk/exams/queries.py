"""Reading the exams: what a user may see, lists with filters, an attempt as its agent sees it.

An attempt or a sitting read after its time has run out is closed first
(services.attempt_close_if_expired / attempts_close_expired), so nobody ever
sees a running clock that the server has already stopped.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from stardesk.accounts import permissions
from stardesk.accounts.models import Role
from stardesk.core.errors import NotFound
from stardesk.exams import services
from stardesk.exams.marking import FILL_IN_RULE, PARTIAL_CREDIT_RULE
from stardesk.exams.models import (
    OPTION_LETTERS,
    Answer,
    Attempt,
    AttemptStatus,
    Blueprint,
    Invitation,
    Paper,
    PaperItem,
    PaperMode,
    Question,
    QuestionType,
    KeyCorrection,
    QuestionVersion,
    Sitting,
    SittingStatus,
)
from stardesk.people.models import Hotline
from stardesk.policy.yearly import YearlyPolicy

PAGE_SIZE = 30
BANK_SORTS = {
    "number": ("number",),
    "area": ("area", "number"),
    "qtype": ("qtype", "number"),
    "level": ("level", "number"),
    "difficulty": ("difficulty", "number"),
    "updated": ("updated_at", "number"),
}


def _scoped(queryset: QuerySet, user, hotline_field: str = "hotline") -> QuerySet:
    if user.role == Role.ADMIN:
        return queryset
    return queryset.filter(**{f"{hotline_field}_id": user.hotline_id})


# --- bank ------------------------------------------------------------------------------


@dataclass
class BankFilter:
    q: str = ""
    area: str = ""
    qtype: str = ""
    level: str = ""
    difficulty: str = ""
    status: str = ""
    hotline: int | None = None
    sort: str = "number"


def questions_visible_to(user) -> QuerySet:
    permissions.require(user, "exams.view")
    return _scoped(Question.objects.all(), user)


def bank_list(user, wanted: BankFilter) -> QuerySet:
    questions = questions_visible_to(user).select_related("current", "hotline")
    if wanted.hotline:
        questions = questions.filter(hotline_id=wanted.hotline)
    if wanted.q:
        questions = questions.filter(Q(number__icontains=wanted.q) | Q(current__stem__icontains=wanted.q))
    for name in ("area", "qtype", "status"):
        if getattr(wanted, name):
            questions = questions.filter(**{name: getattr(wanted, name)})
    if wanted.level != "":
        questions = questions.filter(level=int(wanted.level))
    if wanted.difficulty:
        questions = questions.filter(difficulty=int(wanted.difficulty))
    key = wanted.sort.lstrip("-")
    order = BANK_SORTS.get(key, BANK_SORTS["number"])
    if wanted.sort.startswith("-"):
        order = tuple(f"-{name}" for name in order)
    return questions.order_by(*order, "pk")


def question_for(user, pk: int) -> Question:
    question = questions_visible_to(user).select_related("current", "hotline").filter(pk=pk).first()
    if question is None:
        raise NotFound()
    return question


def versions_of(question: Question) -> QuerySet:
    return question.versions.annotate(papers=Count("paper_items__paper", distinct=True)).order_by("-number")


def version_for(user, question_pk: int, number: int) -> QuestionVersion:
    question = question_for(user, question_pk)
    version = question.versions.filter(number=number).first()
    if version is None:
        raise NotFound()
    return version


def x2_weights(hotline: Hotline, year: int) -> tuple[Decimal, Decimal, str]:
    """X2: (knowledge, skills, where from) of a year's policy; the policy's defaults while the year has none."""
    from stardesk.core.errors import DomainError
    from stardesk.yearly_policy.queries import cycle_policy

    try:
        found = cycle_policy(hotline, year)
    except DomainError:
        defaults = YearlyPolicy.defaults()
        return defaults.x2_weight_knowledge, defaults.x2_weight_skills, "默认"
    return found.policy.x2_weight_knowledge, found.policy.x2_weight_skills, found.version


# --- blueprints and papers -------------------------------------------------------------------------


def blueprints_visible_to(user) -> QuerySet:
    permissions.require(user, "exams.view")
    return _scoped(Blueprint.objects.all(), user).select_related("hotline")


def blueprint_for(user, pk: int) -> Blueprint:
    blueprint = blueprints_visible_to(user).filter(pk=pk).first()
    if blueprint is None:
        raise NotFound()
    return blueprint


def blueprint_shortages(blueprint: Blueprint):
    from stardesk.exams.papers import shortages_of

    return shortages_of(blueprint)


def shared_papers_visible_to(user) -> QuerySet:
    permissions.require(user, "exams.view")
    return _scoped(Paper.objects.filter(mode=PaperMode.SHARED), user).select_related("blueprint", "hotline")


def paper_for(user, pk: int) -> Paper:
    permissions.require(user, "exams.view")
    paper = _scoped(Paper.objects.all(), user).select_related("blueprint", "hotline", "invitation__person").filter(pk=pk).first()
    if paper is None:
        raise NotFound()
    return paper


def paper_items(paper: Paper) -> list[PaperItem]:
    return list(paper.items.select_related("section", "version__question").order_by("position"))


# --- sittings --------------------------------------------------------------------------------------


def sittings_visible_to(user) -> QuerySet:
    permissions.require(user, "exams.view")
    return _scoped(Sitting.objects.all(), user).select_related("hotline", "paper", "blueprint")


def sitting_list(user) -> QuerySet:
    services.attempts_close_expired()
    return sittings_visible_to(user).annotate(
        invited=Count("invitations", distinct=True),
        submitted=Count("attempts", filter=Q(attempts__status=AttemptStatus.SUBMITTED), distinct=True),
    ).order_by("-opens_at", "-pk")


def sitting_for(user, pk: int) -> Sitting:
    sitting = sittings_visible_to(user).filter(pk=pk).first()
    if sitting is None:
        raise NotFound()
    services.attempts_close_expired(sitting=sitting)
    sitting.refresh_from_db()
    return sitting


CANDIDATE_STATES = ("not_started", "in_progress", "submitted")
CANDIDATES_PER_PAGE = 50


def sitting_invitations(sitting: Sitting, *, q: str = "", state: str = "") -> QuerySet:
    """The sitting's candidates with their attempts, by 工号; ``state`` is not_started / in_progress / submitted."""
    invitations = sitting.invitations.select_related("person", "person__team", "attempt", "offered_after__sitting")
    if q:
        invitations = invitations.filter(Q(person__staff_no__icontains=q) | Q(person__name__icontains=q))
    if state == "not_started":
        invitations = invitations.filter(attempt__isnull=True)
    elif state in ("in_progress", "submitted"):
        invitations = invitations.filter(attempt__status=state)
    return invitations.order_by("person__staff_no")


def sitting_progress(sitting: Sitting) -> dict:
    """Invited, answering and handed-in counts of a sitting, counted by the database."""
    return sitting.invitations.aggregate(
        invited=Count("pk"),
        running=Count("attempt", filter=Q(attempt__status=AttemptStatus.IN_PROGRESS)),
        submitted=Count("attempt", filter=Q(attempt__status=AttemptStatus.SUBMITTED)),
    )


# --- my exams and attempts ----------------------------------------------------------------------


def my_invitations(user) -> list[Invitation]:
    """The invitations of the signed-in person, newest sitting first (attempts past their time closed first)."""
    permissions.require(user, "exams.sit")
    if user.person_id is None:
        return []
    services.attempts_close_expired(person=user.person_id)
    return list(
        Invitation.objects.filter(person_id=user.person_id)
        .exclude(sitting__status=SittingStatus.DRAFT)
        .select_related("sitting", "attempt")
        .order_by("-sitting__opens_at", "-pk")
    )


def invitation_for_sitter(user, pk: int) -> Invitation:
    permissions.require(user, "exams.sit")
    invitation = (
        Invitation.objects.filter(pk=pk, person_id=user.person_id)
        .exclude(sitting__status=SittingStatus.DRAFT)
        .select_related("sitting", "person")
        .first()
        if user.person_id
        else None
    )
    if invitation is None:
        raise NotFound()
    return invitation


def attempt_for(user, pk: int) -> Attempt:
    """The attempt of the signed-in person, or any attempt of their hotline for those who run or read exams.

    Somebody else's attempt is not found (404), never forbidden: its existence is not revealed.
    """
    attempt = Attempt.objects.select_related("sitting", "sitting__hotline", "person", "person__team", "paper").filter(pk=pk).first()
    if attempt is None:
        raise NotFound()
    own = user.person_id is not None and attempt.person_id == user.person_id
    if not own:
        if not permissions.has(user, "exams.view"):
            raise NotFound()
        if user.role != Role.ADMIN and attempt.sitting.hotline_id != user.hotline_id:
            raise NotFound()
    services.attempt_close_if_expired(attempt)
    return attempt


def is_own(user, attempt: Attempt) -> bool:
    return user.person_id is not None and attempt.person_id == user.person_id


def key_visible(user, attempt: Attempt) -> bool:
    """X6: the agent sees the key and scores once the sitting's results are released; examiners always."""
    if permissions.has(user, "exams.view") and not is_own(user, attempt):
        return True
    return attempt.sitting.status == SittingStatus.RELEASED


@dataclass
class ShownOption:
    letter: str  # as displayed to this agent
    value: str  # the stored (original) letter
    text: str
    chosen: bool
    correct: bool = False


@dataclass
class ShownItem:
    """One item as this agent sees it: never the key unless ``show_key``."""

    number: int
    item_id: int
    section: str
    section_kind: str
    qtype: str
    qtype_label: str
    stem: str
    marks: Decimal
    material: str = ""
    options: list[ShownOption] = field(default_factory=list)
    response: object = None
    blanks: list[str] = field(default_factory=list)
    text: str = ""
    saved_at: object = None
    has_audio: bool = False
    # Only when the key may be shown:
    key_text: str = ""
    explanation: str = ""
    reference: str = ""
    auto_score: Decimal | None = None
    typing: dict | None = None
    # The key in force (attempt_scores.keys_in_force): a correction made after the sitting, or the version voided.
    correction: KeyCorrection | None = None
    voided: bool = False
    score: Decimal | None = None  # with the key in force, or the latest grade; None: voided or not yet graded


def _blank_count(version: QuestionVersion) -> int:
    return len(version.answer or []) if version.question.qtype == QuestionType.FILL_IN else 0


def attempt_items(attempt: Attempt, *, show_key: bool) -> list[ShownItem]:
    """The attempt's items in this agent's order, with their saved answers (two queries; five with the key).

    With the key, everything follows the key in force: a key corrected after
    the sitting replaces the version's own (marked with the correction's date
    and reason), a voided item scores nothing, and each item's score is the one
    grading counts (attempt_scores), so the page agrees with the regraded result.
    """
    from stardesk.exams.attempt_scores import item_score, keys_in_force, latest_grades
    from stardesk.exams.question_content import answer_text

    answers = {a.item_id: a for a in Answer.objects.filter(attempt=attempt).select_related("item__section", "item__version__question")}
    keys, corrections, grades = {}, {}, {}
    if show_key:
        keys = keys_in_force({a.item.version_id for a in answers.values()})
        corrections = KeyCorrection.objects.in_bulk([k.correction_id for k in keys.values() if k.correction_id])
        grades = latest_grades({"answer__attempt": attempt})
    shown = []
    for number, item_id in enumerate(attempt.item_order, start=1):
        answer = answers.get(item_id)
        if answer is None:
            continue
        item, version = answer.item, answer.item.version
        qtype = version.question.qtype
        response = answer.response
        entry = ShownItem(
            number=number, item_id=item.pk, section=item.section.name, section_kind=item.section.kind, qtype=qtype,
            qtype_label=QuestionType(qtype).label, stem=version.stem, marks=item.marks, material=version.material,
            response=response, saved_at=answer.saved_at, has_audio=bool(answer.audio),
        )
        in_force = keys.get(version.pk)
        key_answer = in_force.answer if in_force is not None else version.answer
        if qtype in (QuestionType.SINGLE, QuestionType.MULTIPLE):
            chosen = set(response if isinstance(response, list) else [response] if response else [])
            key = set(key_answer if isinstance(key_answer, list) else [key_answer]) if show_key else set()
            order = attempt.option_orders.get(str(item.pk)) or list(range(len(version.options)))
            for display, original in enumerate(order):
                value = OPTION_LETTERS[original]
                entry.options.append(ShownOption(OPTION_LETTERS[display], value, version.options[original], value in chosen, value in key))
        elif qtype == QuestionType.TRUE_FALSE:
            key = key_answer if show_key else None
            entry.options = [
                ShownOption("√", "true", "正确", response is True, key is True),
                ShownOption("×", "false", "错误", response is False, key is False),
            ]
        elif qtype == QuestionType.FILL_IN:
            given = response if isinstance(response, list) else []
            count = _blank_count(version)
            entry.blanks = [given[i] if i < len(given) else "" for i in range(count)]
        else:
            entry.text = response or ""
        if show_key:
            entry.voided = in_force is not None and in_force.voided
            entry.correction = corrections.get(in_force.correction_id) if in_force is not None else None
            entry.key_text = "" if entry.voided else answer_text(qtype, key_answer)
            entry.explanation = version.explanation
            entry.reference = version.reference
            entry.auto_score = answer.auto_score
            entry.score = item_score(answer, in_force, grades.get(answer.pk)).score
            if qtype == QuestionType.TYPING:
                entry.typing = {
                    "characters": answer.typed_characters, "errors": answer.typing_errors, "keystrokes": answer.keystrokes,
                    "seconds": answer.typing_seconds, "speed": answer.typing_speed, "accuracy": answer.typing_accuracy,
                }
        shown.append(entry)
    return shown


def attempt_state(attempt: Attempt) -> dict:
    """What the page's clock and the JSON endpoint report: never the key."""
    now = timezone.now()
    return {
        "status": attempt.status,
        "remaining_seconds": attempt.remaining_seconds(now),
        "deadline": timezone.localtime(attempt.deadline).isoformat(),
        "grace_seconds": attempt.sitting.grace_seconds,
        "server_time": timezone.localtime(now).isoformat(),
        "answers": {
            str(item_id): response
            for item_id, response in Answer.objects.filter(attempt=attempt).values_list("item_id", "response")
        },
        "focus_losses": attempt.focus_losses,
    }


RULES_SHOWN = (PARTIAL_CREDIT_RULE, FILL_IN_RULE)
