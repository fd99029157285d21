"""The demo's exam results: last June released and ranked, a graded and released 2-star exam, and a cascade.

Runs after the exams builder (demo/exams.py) and before every builder that
reads exam facts (the allowance lines read the June score, J3; the open cycle
reads the June rank, E7). For each hotline:
- 年中综合考试 of the story's last June: its results are released on the J3
  publication date of that year's policy (1 July by default), as the title
  story's rank moves of that day presuppose; then the June ranking is computed
  by the product (june_ranking): competition ranks, second-half coefficients
  (J2) and J3 proposals. A rank move the title history already shows is
  recorded as confirmed; a low score's treatment lowering waits for the
  supervisor;
- 二星资格考试（第一场）, held a week before the demo is built, on the
  2-star blueprint: six 1-star holders sat it; the examiner scored the short
  answer, the typing test from its raw data (the stated formula) and the
  spoken answer on the Putonghua test's structure (a short recording is
  attached to play); the results are released. One candidate failed;
- 一星资格考试（补考）, a week after the demo is built, not yet opened: the
  failed candidate is offered it (X3), the offer linked to the failed attempt.
Saved in bulk per kind of row; the results are computed by the product's own
scoring (attempt_scores, results.store_results).
"""
import datetime
import io
import math
import random
import struct
import wave
from decimal import Decimal

from django.core.files.base import ContentFile
from django.utils import timezone

from stardesk.accounts.models import Role
from stardesk.exams import june_ranking, marking, papers, results
from stardesk.exams.models import (
    OPTION_LETTERS,
    Answer,
    Attempt,
    AttemptStatus,
    Blueprint,
    BlueprintRule,
    BlueprintSection,
    EndedBy,
    Grade,
    Invitation,
    InvitedHow,
    PaperItem,
    PaperMode,
    QuestionType,
    ReleaseRule,
    SectionKind,
    Sitting,
    SittingKind,
    SittingStatus,
)
from stardesk.exams.skill_rubrics import PUTONGHUA_TEST, language_score, typing_score
from stardesk.people.models import TitleSpell
from stardesk.yearly_policy.queries import cycle_policy

D = datetime.date
TZ = timezone.get_default_timezone()
CANDIDATES = 6
# How much of each candidate's paper is right: the last one fails (X2 pass mark of 2 stars: 85 by default).
FORMS = (0.97, 0.93, 0.95, 0.9, 0.96, 0.45)
TARGET_SPEED = Decimal(40)  # 达标速度 the demo examiner states for the typing test (characters a minute)


def _aware(day: D, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)), TZ)


def build_exam_results(group) -> None:
    """The demo generator's builder (hotline_builder.BUILDERS)."""
    now = timezone.now()
    for demo in group.hotlines:
        _release_june(demo)
        _two_star_and_cascade(group, demo, now)


# --- last June -------------------------------------------------------------------------------------


def _release_june(demo) -> None:
    sitting = Sitting.objects.filter(hotline=demo.hotline, kind=SittingKind.JUNE, status=SittingStatus.CLOSED).order_by("-opens_at").first()
    if sitting is None:
        return
    published = cycle_policy(demo.hotline, sitting.year).policy.j3_results_published.in_year(sitting.year)
    released_at = _aware(published, 9)
    computation = results.compute_sitting(sitting)
    results.store_results(computation, released_at=released_at)
    Sitting.objects.filter(pk=sitting.pk).update(status=SittingStatus.RELEASED, released_at=released_at)
    plan = june_ranking.plan_ranking(demo.hotline, sitting.year)
    if plan.ranked_count:
        ranking = june_ranking.store_ranking(None, plan, logged=False)
        ranking.computed_at = released_at
        ranking.save(update_fields=["computed_at"])


# --- a 2-star exam, its grading and the cascade --------------------------------------------------------


def _tone(seconds: float = 1.5, rate: int = 8000) -> bytes:
    """A short spoken-answer stand-in: a soft 440 Hz tone as a WAV file every browser plays."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        frames = int(seconds * rate)
        out.writeframes(b"".join(struct.pack("<h", int(6000 * math.sin(2 * math.pi * 440 * n / rate))) for n in range(frames)))
    return buffer.getvalue()


def _one_star_holders(demo, today: D) -> list:
    held = set(
        TitleSpell.objects.filter(person__hotline=demo.hotline, level=1, start__lte=today)
        .exclude(end__isnull=False, end__lte=today)
        .values_list("person_id", flat=True)
    )
    return [p for p in demo.people if p.pk in held and p.left_on is None]


def _paper(group, demo, blueprint, title: str, made: datetime.datetime):
    seed = papers.derived_seed(group.seed, "paper", demo.code, blueprint.kind, "results")
    planned, shortages = papers.draw(blueprint, papers.candidates(demo.hotline, blueprint.kind), seed)
    if shortages:  # the demo bank fills these blueprints; a change that breaks it must be seen
        raise ValueError("; ".join(s.message() for s in shortages))
    paper = papers.paper_for(blueprint, title=title, seed=seed, actor=demo.accounts[Role.SUPERVISOR][0])
    paper.created_at = made
    return papers.write_papers([(paper, planned)])[0]


def _one_star_blueprint(hotline) -> Blueprint:
    """一星资格考试（补考）: X2's 60% knowledge / 40% skills, from the demo bank."""
    blueprint = Blueprint.objects.create(hotline=hotline, name="一星资格考试（补考卷）", kind=SittingKind.LEVEL1,
                                         description="逐级补考用（X3）：知识 60%、技能 40%。")
    knowledge = BlueprintSection.objects.create(blueprint=blueprint, position=1, name="知识", kind=SectionKind.KNOWLEDGE, weight=Decimal("0.60"))
    skills = BlueprintSection.objects.create(blueprint=blueprint, position=2, name="技能", kind=SectionKind.SKILLS, weight=Decimal("0.40"))
    BlueprintRule.objects.bulk_create([
        BlueprintRule(section=knowledge, position=1, area="digital_tv", qtype=QuestionType.SINGLE, count=10, marks=Decimal(5)),
        BlueprintRule(section=knowledge, position=2, area="service_norms", qtype=QuestionType.TRUE_FALSE, count=6, marks=Decimal(5)),
        BlueprintRule(section=skills, position=1, area="computer", qtype=QuestionType.TYPING, count=1, marks=Decimal(100)),
    ])
    return blueprint


def _response(item, right: bool, rng: random.Random):
    version, qtype = item.version, item.version.question.qtype
    letters = OPTION_LETTERS[: len(version.options or [])]
    if qtype == QuestionType.SINGLE:
        return version.answer if right else rng.choice([letter for letter in letters if letter != version.answer])
    if qtype == QuestionType.TRUE_FALSE:
        return version.answer if right else not version.answer
    if qtype == QuestionType.MULTIPLE:
        return list(version.answer) if right else sorted({version.answer[0], next(x for x in letters if x not in version.answer)})
    if qtype == QuestionType.FILL_IN:
        return [accepted[0] for accepted in version.answer] if right else ["不清楚"] * len(version.answer)
    return None


def _typed(material: str, form: float, rng: random.Random) -> str:
    """What a candidate of this form typed: most of the passage, a few characters wrong."""
    text = material[: max(10, int(len(material) * form))]
    chars = list(text)
    for _ in range(int(len(chars) * (1 - form) / 2)):
        chars[rng.randrange(len(chars))] = "的"
    return "".join(chars)


def _two_star_and_cascade(group, demo, now) -> None:
    hotline = demo.hotline
    supervisor = demo.accounts[Role.SUPERVISOR][0]
    today = timezone.localdate(now)
    held_on = today - datetime.timedelta(days=7)
    people = _one_star_holders(demo, held_on)
    if len(people) < CANDIDATES:
        return
    rng = random.Random(f"{group.seed}:exam-results:{demo.code}")
    chosen = sorted(rng.sample(people, CANDIDATES), key=lambda p: p.staff_no)
    blueprint = Blueprint.objects.filter(hotline=hotline, kind=SittingKind.LEVEL2).order_by("pk").first()
    if blueprint is None:
        return
    opens = _aware(held_on, 9)
    paper = _paper(group, demo, blueprint, "二星资格考试（第一场）试卷", opens - datetime.timedelta(days=3))
    sitting = Sitting.objects.create(
        hotline=hotline, name="二星资格考试（第一场）", kind=SittingKind.LEVEL2, mode=PaperMode.SHARED, paper=paper, opens_at=opens,
        closes_at=opens + datetime.timedelta(hours=3), time_limit_minutes=120, grace_seconds=60, release_rule=ReleaseRule.MANUAL,
        status=SittingStatus.CLOSED, seed=papers.derived_seed(group.seed, "sitting", demo.code, "two-star"),
        opened_at=opens - datetime.timedelta(minutes=30), closed_at=opens + datetime.timedelta(hours=3),
    )
    invitations = Invitation.objects.bulk_create([
        Invitation(sitting=sitting, person=person, how=InvitedHow.LEVEL, invited_at=opens - datetime.timedelta(days=2), invited_by=supervisor)
        for person in chosen
    ])
    items = list(PaperItem.objects.filter(paper=paper).select_related("version__question").order_by("position"))
    attempts = []
    for n, invitation in enumerate(invitations):
        started = opens + datetime.timedelta(minutes=rng.randrange(0, 10))
        attempts.append(Attempt(
            invitation=invitation, sitting=sitting, person=invitation.person, paper=paper, status=AttemptStatus.SUBMITTED,
            started_at=started, deadline=started + sitting.time_limit, submitted_at=started + datetime.timedelta(minutes=rng.randrange(70, 115)),
            ended_by=EndedBy.AGENT, item_order=[i.pk for i in items], option_orders={}, seed=rng.randrange(1 << 40),
            focus_losses=0,
        ))
    Attempt.objects.bulk_create(attempts)
    answers, grades = [], []
    examiner = supervisor
    graded_at = opens + datetime.timedelta(days=1, hours=2)
    for form, attempt in zip(FORMS, attempts):
        total = Decimal(0)
        for item in items:
            qtype = item.version.question.qtype
            answer = Answer(attempt=attempt, item=item, saved_at=attempt.submitted_at, saves=1)
            if qtype in (QuestionType.SINGLE, QuestionType.TRUE_FALSE, QuestionType.MULTIPLE, QuestionType.FILL_IN):
                answer.response = _response(item, rng.random() < form, rng)
                answer.auto_score = marking.auto_score(qtype, item.version.answer, answer.response, item.marks,
                                                       option_count=len(item.version.options or []))
                total += answer.auto_score
            elif qtype == QuestionType.TYPING:
                answer.response = _typed(item.version.material, form, rng)
                answer.typed_characters, answer.typing_errors = marking.typing_counts(answer.response, item.version.material)
                answer.keystrokes = answer.typed_characters + rng.randrange(5, 30)
                answer.typing_seconds = 120
                scored = typing_score(marks=item.marks, characters=answer.typed_characters, errors=answer.typing_errors,
                                      seconds=answer.typing_seconds, target_speed=TARGET_SPEED, keystrokes=answer.keystrokes)
                grades.append((answer, scored.score, "", {**scored.as_parts(), "summary": scored.describe(item.marks)}))
            elif qtype == QuestionType.SPEAKING:
                answer.audio.save(f"demo-{demo.code}-{attempt.person.staff_no}.wav", ContentFile(_tone()), save=False)
                values = {p.key: (p.full * Decimal(str(form))).quantize(Decimal("0.1")) for p in PUTONGHUA_TEST.parts}
                scored = language_score(rubric=PUTONGHUA_TEST, values=values, marks=item.marks)
                grades.append((answer, scored.score, "发音基本准确，语速适中。" if form > 0.8 else "声调偏误较多，停连不当。",
                               {**scored.as_parts(), "summary": scored.describe(item.marks)}))
            else:  # 简答
                answer.response = "倾听并记录用户诉求，致歉安抚，核实情况后提出处理方案，跟踪处理结果并回访。" if form > 0.8 else "向用户道歉。"
                score = (item.marks * Decimal(str(form))).quantize(Decimal("0.5"))
                grades.append((answer, score, "要点齐全。" if form > 0.8 else "只答到致歉，缺少记录、核实、处理和回访。", {}))
            answers.append(answer)
        attempt.auto_score = total
    Answer.objects.bulk_create(answers, batch_size=1000)
    Attempt.objects.bulk_update(attempts, ["auto_score"])
    Grade.objects.bulk_create([
        Grade(answer=answer, score=score, comment=comment, parts=parts, graded_at=graded_at, grader=examiner, grader_name=str(examiner))
        for answer, score, comment, parts in grades
    ])
    released_at = graded_at + datetime.timedelta(days=1)
    computation = results.compute_sitting(sitting)
    results.store_results(computation, released_at=released_at)
    Sitting.objects.filter(pk=sitting.pk).update(status=SittingStatus.RELEASED, released_at=released_at)
    # X3: the failed candidates are offered the 1-star exam next week, linked to the failed attempt.
    failed = [attempt for attempt in attempts if computation.scores[attempt.pk].passed is False]
    if not failed:
        return
    later = _aware(today + datetime.timedelta(days=7), 9)
    one_star = _one_star_blueprint(hotline)
    retake_paper = _paper(group, demo, one_star, "一星资格考试（补考）试卷", now)
    retake = Sitting.objects.create(
        hotline=hotline, name="一星资格考试（补考）", kind=SittingKind.LEVEL1, mode=PaperMode.SHARED, paper=retake_paper, opens_at=later,
        closes_at=later + datetime.timedelta(hours=3), time_limit_minutes=90, grace_seconds=60, release_rule=ReleaseRule.MANUAL,
        status=SittingStatus.DRAFT, seed=papers.derived_seed(group.seed, "sitting", demo.code, "one-star"),
    )
    Invitation.objects.bulk_create([
        Invitation(sitting=retake, person_id=attempt.person_id, how=InvitedHow.CASCADE, offered_after=attempt,
                   invited_at=released_at + datetime.timedelta(hours=1), invited_by=supervisor)
        for attempt in failed
    ])
    group.facts.setdefault("cascade_candidates", {})[demo.code] = [a.person.staff_no for a in failed]
    group.counts["exam_results"] += len(computation.scores)
