"""Exams (X1–X4, X6, J1): the question bank, blueprints and papers, sittings, online attempts, grades and results.

These models carry all of the exam work; how they fit together:

Question bank
- ``Question``: one question of a hotline's bank and what a blueprint selects it
  by: 题号 (``number``, unique per hotline), knowledge area (X1), level (1, 2, 3,
  or 0 = 通用), difficulty 1–5, type and status (启用 / 停用). The type never
  changes once the question exists.
- ``QuestionVersion``: what the candidate reads and what grading uses: stem,
  options A–F, key, default marks, explanation (解析), reference answer or
  rubric (简答, 口试), material (the passage of a typing test). Numbered 1, 2, …;
  ``Question.current`` is the version new papers draw. A version is frozen
  (``frozen_at``) as soon as a paper holds it; a frozen version never changes:
  revising its question makes a new version, and every attempt keeps pointing
  at the version the agent saw.
- ``KeyCorrection``: a key corrected, or a version voided, after a sitting. The
  version stays as the agent saw it; grading reads the latest correction.

Papers
- ``Blueprint`` with ``BlueprintSection`` (name, knowledge or skills, weight =
  the section's share of the exam score, X2) and ``BlueprintRule`` (knowledge
  area × type × difficulty × count × marks each).
- ``Paper``: a fixed ordered list of question versions, ``PaperSection`` (the
  blueprint's section as it was) and ``PaperItem`` (version, marks). Either one
  paper shared by everyone (统一命题) or one paper drawn per invitation
  (按人抽题) with its seed stored, so the draw can be repeated exactly.

Sittings
- ``Sitting``: kind (考试类别 of workbook.md), the shared paper or the blueprint to
  draw from, window (opens/closes), time limit, grace period, release rule
  (X6), status draft → open → closed → released.
- ``Invitation``: a person invited to a sitting, how (by level, by hand,
  everyone, cascade); a cascade offer (X3) links the failed attempt
  (``offered_after``).

Attempts
- ``Attempt``: one per invitation. The server keeps the time: ``started_at``
  when first opened and ``deadline`` = started_at + limit, never past the
  window's close. Answers are accepted until deadline + grace. Holds this
  agent's question order and option order, how it ended and the automatic score.
- ``Answer``: one row per paper item, created when the attempt starts, so a save
  is one UPDATE (last write wins; no lost writes under concurrency). Holds the
  response, the automatic score of an objective item, the raw data of a typing
  test and the audio of a spoken item.
- ``FocusEvent``: the page lost or regained focus, kept as evidence for the
  examiner and never turned into a penalty.

Grading and results (the grading part of the exams builds on these)
- ``Grade``: an append-only record of an examiner's score for one answer (who,
  when, score, comment); the latest one counts.
- ``RegradeDryRun``: a regrading's dry run, kept (who, when, the proposal: a
  corrected key or voided version, or a grade corrected after the release; every
  downstream change); a commit is based on one and refused once it is stale.
- ``Regrade``: a committed regrading of one sitting with its changes, the dry
  run it was based on, and the key correction or the corrected grade.
- ``SittingResult``: the result of one person in one sitting: knowledge and
  skills part scores, the exam score (X2), passed or not, online or entered
  from the 考试成绩 sheet, when it was released (X6), and the policy version (P2).
"""
import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stardesk.policy.facts import ExamKind

OPTION_LETTERS = "ABCDEF"
MARKS = {"max_digits": 5, "decimal_places": 1}
ITEM_SCORE = {"max_digits": 6, "decimal_places": 2}
EXAM_SCORE = {"max_digits": 4, "decimal_places": 1}


# --- question bank ----------------------------------------------------------------


class Area(models.TextChoices):
    """X1: the knowledge and skills sections of the qualification exam."""

    BASIC_CULTURE = "basic_culture", _("基础文化")
    ANALOGUE_TV = "analogue_tv", _("模拟电视业务")
    DIGITAL_TV = "digital_tv", _("数字电视业务")
    BROADBAND = "broadband", _("宽带业务")
    SERVICE_NORMS = "service_norms", _("岗位服务规范")
    COMPUTER = "computer", _("计算机操作")
    LANGUAGE = "language", _("语言能力")


KNOWLEDGE_AREAS = (Area.BASIC_CULTURE, Area.ANALOGUE_TV, Area.DIGITAL_TV, Area.BROADBAND, Area.SERVICE_NORMS)
SKILL_AREAS = (Area.COMPUTER, Area.LANGUAGE)


class QuestionType(models.TextChoices):
    SINGLE = "single", _("单选")
    MULTIPLE = "multiple", _("多选")
    TRUE_FALSE = "true_false", _("判断")
    FILL_IN = "fill_in", _("填空")
    SHORT_ANSWER = "short_answer", _("简答")
    TYPING = "typing", _("打字")
    SPEAKING = "speaking", _("口试")


CHOICE_TYPES = (QuestionType.SINGLE, QuestionType.MULTIPLE)
# Graded at submission by the rules of marking.py; the others are scored by an examiner.
OBJECTIVE_TYPES = (QuestionType.SINGLE, QuestionType.MULTIPLE, QuestionType.TRUE_FALSE, QuestionType.FILL_IN)
MANUAL_TYPES = (QuestionType.SHORT_ANSWER, QuestionType.TYPING, QuestionType.SPEAKING)


class QuestionLevel(models.IntegerChoices):
    COMMON = 0, _("通用")
    ONE = 1, _("一星")
    TWO = 2, _("二星")
    THREE = 3, _("三星")


class QuestionStatus(models.TextChoices):
    ACTIVE = "active", _("启用")
    RETIRED = "retired", _("停用")


class Question(models.Model):
    """One question of a hotline's bank; its content lives in its versions."""

    hotline = models.ForeignKey("people.Hotline", verbose_name=_("热线"), on_delete=models.PROTECT, related_name="questions")
    number = models.CharField(_("题号"), max_length=20)
    area = models.CharField(_("知识领域"), max_length=20, choices=Area.choices)
    qtype = models.CharField(_("题型"), max_length=20, choices=QuestionType.choices)
    level = models.PositiveSmallIntegerField(_("级别"), choices=QuestionLevel.choices, default=QuestionLevel.COMMON)
    difficulty = models.PositiveSmallIntegerField(_("难度"), default=3)
    status = models.CharField(_("状态"), max_length=10, choices=QuestionStatus.choices, default=QuestionStatus.ACTIVE)
    current = models.ForeignKey(
        "QuestionVersion", verbose_name=_("当前版本"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("试题")
        verbose_name_plural = _("试题")
        ordering = ["hotline", "number"]
        constraints = [
            models.UniqueConstraint(fields=["hotline", "number"], name="question_number_unique_in_hotline"),
            models.CheckConstraint(condition=models.Q(difficulty__gte=1, difficulty__lte=5), name="question_difficulty_1_to_5"),
            models.CheckConstraint(condition=models.Q(level__gte=0, level__lte=3), name="question_level_0_to_3"),
        ]
        indexes = [models.Index(fields=["hotline", "area", "qtype", "difficulty"])]

    def __str__(self):
        return f"{self.number} {self.get_qtype_display()}"

    @property
    def is_skill(self) -> bool:
        return self.area in SKILL_AREAS

    @property
    def is_objective(self) -> bool:
        return self.qtype in OBJECTIVE_TYPES


class QuestionVersion(models.Model):
    """The content of a question as it stood; frozen (never changed again) once a paper holds it.

    ``answer`` is the key: single "B"; multiple ["A", "C"]; true/false true or
    false; fill-in one list of accepted answers per blank [["有线电视", "CATV"],
    ["机顶盒"]]; null for types scored by an examiner, which use ``reference``
    (reference answer or rubric) instead. ``material`` is shown to the candidate
    (the passage of a typing test).
    """

    question = models.ForeignKey(Question, verbose_name=_("试题"), on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    stem = models.TextField(_("题干"))
    options = models.JSONField(_("选项"), default=list, blank=True)
    answer = models.JSONField(_("答案"), null=True, blank=True)
    marks = models.DecimalField(_("分值"), **MARKS)
    explanation = models.TextField(_("解析"), blank=True)
    reference = models.TextField(_("参考答案或评分要点"), blank=True)
    material = models.TextField(_("作答材料"), blank=True)
    note = models.CharField(_("修改说明"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by_name = models.CharField(_("创建人"), max_length=150, blank=True)
    frozen_at = models.DateTimeField(_("冻结时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("试题版本")
        verbose_name_plural = _("试题版本")
        ordering = ["question", "number"]
        constraints = [models.UniqueConstraint(fields=["question", "number"], name="question_version_unique_number")]

    def __str__(self):
        return f"{self.question.number} 第{self.number}版"

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None

    def option_pairs(self) -> list[tuple[str, str]]:
        return list(zip(OPTION_LETTERS, self.options))


class KeyCorrection(models.Model):
    """A key corrected, or a version voided, after it was used; the latest correction of a version counts."""

    version = models.ForeignKey(QuestionVersion, verbose_name=_("试题版本"), on_delete=models.PROTECT, related_name="corrections")
    answer = models.JSONField(_("更正后的答案"), null=True, blank=True)
    voided = models.BooleanField(_("作废该题"), default=False)
    reason = models.TextField(_("更正原因"))
    corrected_at = models.DateTimeField(_("更正时间"), default=timezone.now)
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("更正人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    corrected_by_name = models.CharField(_("更正人"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("答案更正")
        verbose_name_plural = _("答案更正")
        ordering = ["version", "corrected_at", "pk"]

    def __str__(self):
        return f"{self.version} 答案更正"


# --- blueprints and papers ------------------------------------------------------------


class SectionKind(models.TextChoices):
    """X2: the exam score is the weighted sum of its knowledge and skills parts."""

    KNOWLEDGE = "knowledge", _("知识")
    SKILLS = "skills", _("技能")


class SittingKind(models.TextChoices):
    """考试类别 of workbook.md (the exam sheet's words)."""

    LEVEL1 = "level1", _("一星资格")
    LEVEL2 = "level2", _("二星资格")
    LEVEL3 = "level3", _("三星资格")
    JUNE = "june", _("年中综合")
    SERVICE = "service", _("服务素质")


EXAM_KINDS = {
    SittingKind.LEVEL1: ExamKind.LEVEL1,
    SittingKind.LEVEL2: ExamKind.LEVEL2,
    SittingKind.LEVEL3: ExamKind.LEVEL3,
    SittingKind.JUNE: ExamKind.JUNE,
    SittingKind.SERVICE: ExamKind.SERVICE,
}


class Blueprint(models.Model):
    """How to build a paper: sections and their rules."""

    hotline = models.ForeignKey("people.Hotline", verbose_name=_("热线"), on_delete=models.PROTECT, related_name="blueprints")
    name = models.CharField(_("蓝图名称"), max_length=100)
    kind = models.CharField(_("考试类别"), max_length=20, choices=SittingKind.choices)
    description = models.TextField(_("说明"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("组卷蓝图")
        verbose_name_plural = _("组卷蓝图")
        ordering = ["hotline", "-updated_at"]

    def __str__(self):
        return self.name

    @property
    def exam_kind(self) -> ExamKind:
        return EXAM_KINDS[SittingKind(self.kind)]


class BlueprintSection(models.Model):
    blueprint = models.ForeignKey(Blueprint, verbose_name=_("组卷蓝图"), on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField(_("顺序"))
    name = models.CharField(_("部分名称"), max_length=50)
    kind = models.CharField(_("类型"), max_length=20, choices=SectionKind.choices)
    # X2: the share of the exam score, e.g. 0.60; a level exam's knowledge and skills totals follow the year's policy.
    weight = models.DecimalField(_("权重"), max_digits=4, decimal_places=3)

    class Meta:
        verbose_name = _("蓝图部分")
        verbose_name_plural = _("蓝图部分")
        ordering = ["blueprint", "position"]
        constraints = [models.UniqueConstraint(fields=["blueprint", "position"], name="blueprint_section_unique_position")]

    def __str__(self):
        return self.name


class BlueprintRule(models.Model):
    """Draw ``count`` questions of this area and type (and difficulty, if given), ``marks`` each."""

    section = models.ForeignKey(BlueprintSection, verbose_name=_("蓝图部分"), on_delete=models.CASCADE, related_name="rules")
    position = models.PositiveSmallIntegerField(_("顺序"))
    area = models.CharField(_("知识领域"), max_length=20, choices=Area.choices)
    qtype = models.CharField(_("题型"), max_length=20, choices=QuestionType.choices)
    difficulty = models.PositiveSmallIntegerField(_("难度"), null=True, blank=True)
    count = models.PositiveSmallIntegerField(_("题数"))
    marks = models.DecimalField(_("每题分值"), **MARKS)

    class Meta:
        verbose_name = _("抽题规则")
        verbose_name_plural = _("抽题规则")
        ordering = ["section", "position"]

    def __str__(self):
        return f"{self.get_area_display()} {self.get_qtype_display()} × {self.count}"


class PaperMode(models.TextChoices):
    SHARED = "shared", _("统一命题")
    PER_PERSON = "per_person", _("按人抽题")


class Paper(models.Model):
    """A fixed ordered list of question versions (frozen when the paper is made)."""

    hotline = models.ForeignKey("people.Hotline", verbose_name=_("热线"), on_delete=models.PROTECT, related_name="papers")
    blueprint = models.ForeignKey(
        Blueprint, verbose_name=_("组卷蓝图"), on_delete=models.SET_NULL, null=True, blank=True, related_name="papers"
    )
    title = models.CharField(_("试卷名称"), max_length=100)
    mode = models.CharField(_("命题方式"), max_length=20, choices=PaperMode.choices, default=PaperMode.SHARED)
    seed = models.BigIntegerField(_("抽题种子"))
    total_marks = models.DecimalField(_("总分"), **MARKS)
    # For a per-person draw: the invitation it was drawn for.
    invitation = models.OneToOneField(
        "Invitation", verbose_name=_("考试邀请"), on_delete=models.CASCADE, null=True, blank=True, related_name="drawn_paper"
    )
    created_at = models.DateTimeField(_("生成时间"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("生成人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("试卷")
        verbose_name_plural = _("试卷")
        ordering = ["hotline", "-created_at"]

    def __str__(self):
        return self.title


class PaperSection(models.Model):
    paper = models.ForeignKey(Paper, verbose_name=_("试卷"), on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField(_("顺序"))
    name = models.CharField(_("部分名称"), max_length=50)
    kind = models.CharField(_("类型"), max_length=20, choices=SectionKind.choices)
    weight = models.DecimalField(_("权重"), max_digits=4, decimal_places=3)

    class Meta:
        verbose_name = _("试卷部分")
        verbose_name_plural = _("试卷部分")
        ordering = ["paper", "position"]

    def __str__(self):
        return self.name


class PaperItem(models.Model):
    paper = models.ForeignKey(Paper, verbose_name=_("试卷"), on_delete=models.CASCADE, related_name="items")
    section = models.ForeignKey(PaperSection, verbose_name=_("试卷部分"), on_delete=models.CASCADE, related_name="items")
    position = models.PositiveSmallIntegerField(_("题序"))
    version = models.ForeignKey(QuestionVersion, verbose_name=_("试题版本"), on_delete=models.PROTECT, related_name="paper_items")
    marks = models.DecimalField(_("分值"), **MARKS)

    class Meta:
        verbose_name = _("试卷题目")
        verbose_name_plural = _("试卷题目")
        ordering = ["paper", "position"]
        constraints = [models.UniqueConstraint(fields=["paper", "position"], name="paper_item_unique_position")]

    def __str__(self):
        return f"{self.paper} 第{self.position}题"


# --- sittings -----------------------------------------------------------------------


class ReleaseRule(models.TextChoices):
    """X6: when results are published to the people concerned."""

    ON_CLOSE = "on_close", _("场次关闭且阅卷完成后公布")
    MANUAL = "manual", _("主管手动公布")


class SittingStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    OPEN = "open", _("进行中")
    CLOSED = "closed", _("已关闭")
    RELEASED = "released", _("成绩已公布")


# The sitting's workflow: (from, to) pairs; anything else is refused.
SITTING_TRANSITIONS = {
    (SittingStatus.DRAFT, SittingStatus.OPEN),
    (SittingStatus.OPEN, SittingStatus.CLOSED),
    (SittingStatus.CLOSED, SittingStatus.RELEASED),
}


class Sitting(models.Model):
    hotline = models.ForeignKey("people.Hotline", verbose_name=_("热线"), on_delete=models.PROTECT, related_name="sittings")
    name = models.CharField(_("场次名称"), max_length=100)
    kind = models.CharField(_("考试类别"), max_length=20, choices=SittingKind.choices)
    mode = models.CharField(_("命题方式"), max_length=20, choices=PaperMode.choices, default=PaperMode.SHARED)
    paper = models.ForeignKey(Paper, verbose_name=_("试卷"), on_delete=models.PROTECT, null=True, blank=True, related_name="sittings")
    blueprint = models.ForeignKey(
        Blueprint, verbose_name=_("组卷蓝图"), on_delete=models.PROTECT, null=True, blank=True, related_name="sittings"
    )
    opens_at = models.DateTimeField(_("开始时间"))
    closes_at = models.DateTimeField(_("结束时间"))
    time_limit_minutes = models.PositiveIntegerField(_("答题时长（分钟）"))
    grace_seconds = models.PositiveIntegerField(_("交卷宽限（秒）"), default=60)
    shuffle_questions = models.BooleanField(_("每人题序打乱"), default=True)
    shuffle_options = models.BooleanField(_("每人选项顺序打乱"), default=True)
    release_rule = models.CharField(_("成绩公布方式"), max_length=20, choices=ReleaseRule.choices, default=ReleaseRule.MANUAL)
    # Examiners see candidate codes instead of names while grading (set by the supervisor on the grading page).
    anonymous_grading = models.BooleanField(_("匿名阅卷"), default=False)
    status = models.CharField(_("状态"), max_length=20, choices=SittingStatus.choices, default=SittingStatus.DRAFT)
    seed = models.BigIntegerField(_("抽题种子"), default=0)
    opened_at = models.DateTimeField(_("开放时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("关闭时间"), null=True, blank=True)
    released_at = models.DateTimeField(_("公布时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("考试场次")
        verbose_name_plural = _("考试场次")
        ordering = ["hotline", "-opens_at"]
        constraints = [
            models.CheckConstraint(condition=models.Q(closes_at__gt=models.F("opens_at")), name="sitting_closes_after_opening"),
        ]

    def __str__(self):
        return self.name

    @property
    def exam_kind(self) -> ExamKind:
        return EXAM_KINDS[SittingKind(self.kind)]

    @property
    def exam_date(self) -> datetime.date:
        """X4: the date results count from."""
        return timezone.localdate(self.opens_at)

    @property
    def year(self) -> int:
        """The cycle year whose policy applies (Y1)."""
        return self.exam_date.year

    @property
    def time_limit(self) -> datetime.timedelta:
        return datetime.timedelta(minutes=self.time_limit_minutes)

    @property
    def grace(self) -> datetime.timedelta:
        return datetime.timedelta(seconds=self.grace_seconds)

    @property
    def is_released(self) -> bool:
        return self.status == SittingStatus.RELEASED


class InvitedHow(models.TextChoices):
    LEVEL = "level", _("按星级")
    HAND = "hand", _("手动选择")
    EVERYONE = "everyone", _("全员")
    CASCADE = "cascade", _("逐级补考")


class Invitation(models.Model):
    sitting = models.ForeignKey(Sitting, verbose_name=_("考试场次"), on_delete=models.CASCADE, related_name="invitations")
    person = models.ForeignKey("people.Person", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="exam_invitations")
    how = models.CharField(_("邀请方式"), max_length=20, choices=InvitedHow.choices)
    # X3: the failed attempt of a higher level that this offer follows.
    offered_after = models.ForeignKey(
        "Attempt", verbose_name=_("补考依据"), on_delete=models.PROTECT, null=True, blank=True, related_name="cascade_offers"
    )
    invited_at = models.DateTimeField(_("邀请时间"), default=timezone.now)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("邀请人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("考试邀请")
        verbose_name_plural = _("考试邀请")
        ordering = ["sitting", "person__staff_no"]
        constraints = [models.UniqueConstraint(fields=["sitting", "person"], name="invitation_unique_person")]

    def __str__(self):
        return f"{self.sitting} · {self.person}"


# --- attempts -------------------------------------------------------------------------


class AttemptStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", _("作答中")
    SUBMITTED = "submitted", _("已交卷")


class EndedBy(models.TextChoices):
    AGENT = "agent", _("本人交卷")
    TIMER = "timer", _("时间到自动交卷")
    EXPIRED = "expired", _("超时由系统收卷")
    SITTING_CLOSED = "sitting_closed", _("场次关闭时收卷")


class Attempt(models.Model):
    invitation = models.OneToOneField(Invitation, verbose_name=_("考试邀请"), on_delete=models.PROTECT, related_name="attempt")
    sitting = models.ForeignKey(Sitting, verbose_name=_("考试场次"), on_delete=models.PROTECT, related_name="attempts")
    person = models.ForeignKey("people.Person", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="exam_attempts")
    paper = models.ForeignKey(Paper, verbose_name=_("试卷"), on_delete=models.PROTECT, related_name="attempts")
    status = models.CharField(_("状态"), max_length=20, choices=AttemptStatus.choices, default=AttemptStatus.IN_PROGRESS)
    started_at = models.DateTimeField(_("开始时间"))
    # started_at + time limit, never past the window's close; answers are accepted until deadline + grace.
    deadline = models.DateTimeField(_("截止时间"))
    submitted_at = models.DateTimeField(_("交卷时间"), null=True, blank=True)
    ended_by = models.CharField(_("结束方式"), max_length=20, choices=EndedBy.choices, blank=True)
    # PaperItem ids in the order this agent sees them; {item id: [original option indexes in display order]}.
    item_order = models.JSONField(_("题序"), default=list)
    option_orders = models.JSONField(_("选项顺序"), default=dict)
    seed = models.BigIntegerField(_("乱序种子"))
    auto_score = models.DecimalField(_("客观题得分"), null=True, blank=True, **ITEM_SCORE)
    focus_losses = models.PositiveIntegerField(_("离开页面次数"), default=0)

    class Meta:
        verbose_name = _("答卷")
        verbose_name_plural = _("答卷")
        ordering = ["sitting", "person__staff_no"]
        indexes = [models.Index(fields=["status", "deadline"])]

    def __str__(self):
        return f"{self.sitting} · {self.person}"

    @property
    def is_open(self) -> bool:
        return self.status == AttemptStatus.IN_PROGRESS

    @property
    def accepts_until(self) -> datetime.datetime:
        return self.deadline + self.sitting.grace

    def remaining_seconds(self, now: datetime.datetime | None = None) -> int:
        """Whole seconds to the deadline as the server counts them (0 once it has passed)."""
        if not self.is_open:
            return 0
        left = (self.deadline - (now or timezone.now())).total_seconds()
        return max(0, int(left))


class Answer(models.Model):
    attempt = models.ForeignKey(Attempt, verbose_name=_("答卷"), on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(PaperItem, verbose_name=_("试卷题目"), on_delete=models.PROTECT, related_name="answers")
    response = models.JSONField(_("作答"), null=True, blank=True)
    saved_at = models.DateTimeField(_("保存时间"), null=True, blank=True)
    saves = models.PositiveIntegerField(_("保存次数"), default=0)
    auto_score = models.DecimalField(_("自动评分"), null=True, blank=True, **ITEM_SCORE)
    # Typing test, raw (speed and accuracy are computed, see typing_speed / typing_accuracy).
    typed_characters = models.PositiveIntegerField(_("录入字数"), null=True, blank=True)
    typing_errors = models.PositiveIntegerField(_("错误字数"), null=True, blank=True)
    keystrokes = models.PositiveIntegerField(_("击键次数"), null=True, blank=True)
    typing_seconds = models.PositiveIntegerField(_("录入用时（秒）"), null=True, blank=True)
    audio = models.FileField(_("录音"), upload_to="exams/audio/%Y/%m/", blank=True)

    class Meta:
        verbose_name = _("作答")
        verbose_name_plural = _("作答")
        ordering = ["attempt", "item__position"]
        constraints = [models.UniqueConstraint(fields=["attempt", "item"], name="answer_unique_item")]

    def __str__(self):
        return f"{self.attempt} · {self.item}"

    @property
    def typing_speed(self) -> Decimal | None:
        """Correct characters per minute: (characters − errors) × 60 / seconds, one decimal."""
        from stardesk.exams.marking import typing_speed

        return typing_speed(self.typed_characters, self.typing_errors, self.typing_seconds)

    @property
    def typing_accuracy(self) -> Decimal | None:
        """1 − errors / characters, as a share (0.975 = 97.5%)."""
        from stardesk.exams.marking import typing_accuracy

        return typing_accuracy(self.typed_characters, self.typing_errors)


class FocusKind(models.TextChoices):
    AWAY = "away", _("离开页面")
    BACK = "back", _("回到页面")


class FocusEvent(models.Model):
    """Evidence for the examiner: the exam page lost (or regained) focus. Never a penalty by itself."""

    attempt = models.ForeignKey(Attempt, verbose_name=_("答卷"), on_delete=models.CASCADE, related_name="focus_events")
    kind = models.CharField(_("类型"), max_length=10, choices=FocusKind.choices)
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("页面焦点记录")
        verbose_name_plural = _("页面焦点记录")
        ordering = ["attempt", "at", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} {self.at:%H:%M:%S}"


# --- grading and results ------------------------------------------------------------------


class Grade(models.Model):
    """An examiner's score for one answer. Append-only: a later grade supersedes, nothing is overwritten."""

    answer = models.ForeignKey(Answer, verbose_name=_("作答"), on_delete=models.PROTECT, related_name="grades")
    score = models.DecimalField(_("得分"), **ITEM_SCORE)
    comment = models.TextField(_("评语"), blank=True)
    # A skills score's breakdown: the typing test's raw data and formula, or the language rubric's parts.
    parts = models.JSONField(_("分项得分"), default=dict, blank=True)
    graded_at = models.DateTimeField(_("评分时间"), default=timezone.now)
    grader = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("评分人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    grader_name = models.CharField(_("评分人"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("评分记录")
        verbose_name_plural = _("评分记录")
        ordering = ["answer", "graded_at", "pk"]

    def __str__(self):
        return f"{self.answer} {self.score}"


class RegradeStatus(models.TextChoices):
    DRY_RUN = "dry_run", _("试算")
    COMMITTED = "committed", _("已执行")


class RegradeKind(models.TextChoices):
    KEY = "key", _("更正答案")
    GRADE = "grade", _("更正评分")


class RegradeDryRun(models.Model):
    """A regrading's dry run, kept: who ran it and when, what it proposed, every change it found.

    The proposal is a corrected key or a voided version (KEY), or an examiner's
    corrected grade of one answer after the release (GRADE). A commit is based
    on one dry run and is refused when the data it looked at (``fingerprint``)
    have changed since.
    """

    hotline = models.ForeignKey("people.Hotline", verbose_name=_("热线"), on_delete=models.PROTECT, related_name="regrade_dry_runs")
    kind = models.CharField(_("类型"), max_length=10, choices=RegradeKind.choices)
    version = models.ForeignKey(
        QuestionVersion, verbose_name=_("试题版本"), on_delete=models.PROTECT, null=True, blank=True, related_name="regrade_dry_runs"
    )
    key_answer = models.JSONField(_("更正后的答案"), null=True, blank=True)
    voided = models.BooleanField(_("作废该题"), default=False)
    answer = models.ForeignKey(
        "Answer", verbose_name=_("作答"), on_delete=models.PROTECT, null=True, blank=True, related_name="regrade_dry_runs"
    )
    score = models.DecimalField(_("更正后的得分"), null=True, blank=True, **ITEM_SCORE)
    subject = models.CharField(_("内容"), max_length=300)
    reason = models.TextField(_("原因"))
    changes = models.JSONField(_("变更"), default=list, blank=True)
    summary = models.JSONField(_("摘要"), default=dict, blank=True)  # {"sittings", "answers", "people"}
    fingerprint = models.CharField(_("数据指纹"), max_length=64)
    sittings = models.ManyToManyField("Sitting", verbose_name=_("涉及场次"), related_name="regrade_dry_runs")
    run_at = models.DateTimeField(_("试算时间"), default=timezone.now)
    run_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("试算人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    run_by_name = models.CharField(_("试算人"), max_length=150, blank=True)
    committed_at = models.DateTimeField(_("执行时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("重新评分试算")
        verbose_name_plural = _("重新评分试算")
        ordering = ["-run_at", "-pk"]

    def __str__(self):
        return f"{self.subject}（{_('试算')}）"


class Regrade(models.Model):
    """A regrading of a sitting after a key correction: the dry run's changes, then the commit."""

    sitting = models.ForeignKey(Sitting, verbose_name=_("考试场次"), on_delete=models.PROTECT, related_name="regrades")
    correction = models.ForeignKey(
        KeyCorrection, verbose_name=_("答案更正"), on_delete=models.PROTECT, null=True, blank=True, related_name="regrades"
    )
    status = models.CharField(_("状态"), max_length=20, choices=RegradeStatus.choices, default=RegradeStatus.DRY_RUN)
    # Every downstream change: [{person, field, old, new, basis}] (pass/fail, June rank, coefficient, cascade offers).
    changes = models.JSONField(_("变更"), default=list, blank=True)
    reason = models.TextField(_("原因"), blank=True)
    created_at = models.DateTimeField(_("试算时间"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("试算人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    committed_at = models.DateTimeField(_("执行时间"), null=True, blank=True)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("执行人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    dry_run = models.ForeignKey(
        RegradeDryRun, verbose_name=_("依据的试算"), on_delete=models.PROTECT, null=True, blank=True, related_name="regrades"
    )
    # A corrected grade (RegradeKind.GRADE): the grade the commit recorded.
    grade = models.ForeignKey(Grade, verbose_name=_("更正后的评分"), on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("重新评分")
        verbose_name_plural = _("重新评分")
        ordering = ["sitting", "-created_at"]

    def __str__(self):
        return f"{self.sitting} 重新评分"

    @property
    def subject(self) -> str:
        """What was regraded: the dry run's words, or the corrected version (a regrade logged before dry runs were kept)."""
        if self.dry_run_id is not None:
            return self.dry_run.subject
        return str(self.correction.version) if self.correction_id is not None else ""


class ResultSource(models.TextChoices):
    ONLINE = "online", _("在线考试")
    OFFLINE = "offline", _("线下录入")


class SittingResult(models.Model):
    """The result of one person in one sitting (X2, X6; the 考试成绩 sheet's row)."""

    sitting = models.ForeignKey(Sitting, verbose_name=_("考试场次"), on_delete=models.PROTECT, related_name="results")
    person = models.ForeignKey("people.Person", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="exam_results")
    attempt = models.OneToOneField(
        Attempt, verbose_name=_("答卷"), on_delete=models.PROTECT, null=True, blank=True, related_name="result"
    )
    source = models.CharField(_("来源"), max_length=20, choices=ResultSource.choices, default=ResultSource.ONLINE)
    knowledge_score = models.DecimalField(_("知识得分"), null=True, blank=True, **EXAM_SCORE)
    skills_score = models.DecimalField(_("技能得分"), null=True, blank=True, **EXAM_SCORE)
    score = models.DecimalField(_("成绩"), null=True, blank=True, **EXAM_SCORE)
    passed = models.BooleanField(_("是否合格"), null=True, blank=True)
    basis = models.TextField(_("依据"), blank=True)
    policy_version = models.CharField(_("政策版本"), max_length=50, blank=True)
    computed_at = models.DateTimeField(_("计算时间"), default=timezone.now)
    released_at = models.DateTimeField(_("公布时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("考试成绩")
        verbose_name_plural = _("考试成绩")
        ordering = ["sitting", "person__staff_no"]
        constraints = [models.UniqueConstraint(fields=["sitting", "person"], name="sitting_result_unique_person")]

    def __str__(self):
        return f"{self.sitting} · {self.person} {self.score}"


# --- the June ranking (J1–J3) ---------------------------------------------------------------


class JuneRanking(models.Model):
    """J1–J3 of one hotline's year: everyone's counting June score and rank, second-half coefficient
    (J2) and the J3 adjustments proposed for the supervisor's confirmation. Recomputed, never duplicated."""

    hotline = models.ForeignKey("people.Hotline", verbose_name=_("热线"), on_delete=models.PROTECT, related_name="june_rankings")
    year = models.PositiveSmallIntegerField(_("年度"))
    ranked_count = models.PositiveIntegerField(_("参加排名人数"), default=0)
    policy_version = models.CharField(_("政策版本"), max_length=60, blank=True)
    computed_at = models.DateTimeField(_("计算时间"), default=timezone.now)
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("计算人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    computed_by_name = models.CharField(_("计算人"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("年中综合考试排名")
        verbose_name_plural = _("年中综合考试排名")
        ordering = ["hotline", "-year"]
        constraints = [models.UniqueConstraint(fields=["hotline", "year"], name="june_ranking_unique_year")]

    def __str__(self):
        return f"{self.hotline} {self.year} 年中综合考试排名"


class AdjustmentStatus(models.TextChoices):
    """J3: an adjustment is proposed by the computation and confirmed or rejected by the supervisor."""

    NONE = "none", _("无调整")
    PROPOSED = "proposed", _("待确认")
    CONFIRMED = "confirmed", _("已确认")
    REJECTED = "rejected", _("已驳回")


class JuneStanding(models.Model):
    """One person's line of the June ranking: score, rank (E7), coefficient (J2), adjustment (J3), each with its 依据."""

    ranking = models.ForeignKey(JuneRanking, verbose_name=_("排名"), on_delete=models.CASCADE, related_name="standings")
    person = models.ForeignKey("people.Person", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="june_standings")
    result = models.ForeignKey(
        SittingResult, verbose_name=_("计入的成绩"), on_delete=models.SET_NULL, null=True, blank=True, related_name="june_standings"
    )
    sittings = models.PositiveSmallIntegerField(_("当年参加场次"), default=0)
    score = models.DecimalField(_("年中综合成绩"), null=True, blank=True, **EXAM_SCORE)
    rank = models.PositiveIntegerField(_("名次"), null=True, blank=True)
    coefficient = models.DecimalField(_("下半年奖金系数"), max_digits=5, decimal_places=3, null=True, blank=True)
    coefficient_basis = models.TextField(_("系数依据"), blank=True)
    # J3: 降级 / 取消 of the July–December star treatment (empty: none).
    treatment = models.CharField(_("待遇调整"), max_length=10, blank=True)
    job_type = models.CharField(_("工种"), max_length=30, blank=True)
    level_before = models.PositiveSmallIntegerField(_("调整前星级"), null=True, blank=True)
    level_after = models.PositiveSmallIntegerField(_("调整后星级"), null=True, blank=True)
    change_on = models.DateField(_("调整生效日期"), null=True, blank=True)
    adjustment_basis = models.TextField(_("调整依据"), blank=True)
    adjustment_status = models.CharField(_("调整状态"), max_length=20, choices=AdjustmentStatus.choices, default=AdjustmentStatus.NONE)
    decided_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("确认人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_by_name = models.CharField(_("确认人"), max_length=150, blank=True)
    decision_reason = models.TextField(_("确认说明"), blank=True)
    ended_title = models.ForeignKey(
        "people.TitleSpell", verbose_name=_("终止的星级"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_title = models.ForeignKey(
        "people.TitleSpell", verbose_name=_("调整后的星级"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    policy_version = models.CharField(_("政策版本"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("年中综合考试名次")
        verbose_name_plural = _("年中综合考试名次")
        ordering = ["ranking", "rank", "person__staff_no"]
        constraints = [models.UniqueConstraint(fields=["ranking", "person"], name="june_standing_unique_person")]

    def __str__(self):
        return f"{self.ranking} · {self.person}"

    @property
    def has_adjustment(self) -> bool:
        return bool(self.treatment) or self.level_after is not None
