"""The daily assessment (日常考核): rubric, weekly and call-monitoring evaluations, the month and its register.

Rules M1–M3 and R1–R2 of policy.md. A score is a Decimal with one decimal (C2).
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

SCORE = {"max_digits": 4, "decimal_places": 1}


class Rubric(models.Model):
    """One version of a hotline's scoring rubric (评分细则, M2).

    Deduction-based from 100. A version is frozen the first time an evaluation
    uses it; a change after that is a new version (a copy), so an evaluation
    always keeps the items it was scored with. Only the newest version of a
    hotline can be a draft; it is the one new evaluations use.
    """

    hotline = models.ForeignKey("people.Hotline", verbose_name=_("热线"), on_delete=models.PROTECT, related_name="rubrics")
    version = models.PositiveIntegerField(_("版本"))
    name = models.CharField(_("名称"), max_length=100)
    based_on = models.ForeignKey(
        "self", verbose_name=_("基于版本"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("创建人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    frozen_at = models.DateTimeField(_("冻结时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("评分细则")
        verbose_name_plural = _("评分细则")
        ordering = ["hotline", "-version"]
        constraints = [models.UniqueConstraint(fields=["hotline", "version"], name="rubric_version_unique_in_hotline")]

    def __str__(self):
        return f"{self.name}（第{self.version}版）"

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None


class RubricSection(models.Model):
    rubric = models.ForeignKey(Rubric, verbose_name=_("评分细则"), on_delete=models.CASCADE, related_name="sections")
    name = models.CharField(_("类别"), max_length=50)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("细则类别")
        verbose_name_plural = _("细则类别")
        ordering = ["rubric", "position", "id"]

    def __str__(self):
        return self.name


class RubricItem(models.Model):
    """One scoring item: up to `points` are deducted from it.

    A veto item (一票否决) carries no points: ticking it flags the evaluation so
    the leader records the veto as an event (M5); it does not change the score.
    """

    rubric = models.ForeignKey(Rubric, verbose_name=_("评分细则"), on_delete=models.CASCADE, related_name="items")
    section = models.ForeignKey(RubricSection, verbose_name=_("类别"), on_delete=models.CASCADE, related_name="items")
    name = models.CharField(_("考核项目"), max_length=100)
    points = models.DecimalField(_("分值"), **SCORE, default=0)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)
    allows_na = models.BooleanField(_("可标记不适用"), default=False)
    is_veto = models.BooleanField(_("一票否决项"), default=False)
    guidance = models.CharField(_("扣分说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("细则项目")
        verbose_name_plural = _("细则项目")
        ordering = ["rubric", "section__position", "section_id", "position", "id"]

    def __str__(self):
        return self.name

    @property
    def error_key(self) -> str:
        """How an entry error names this item (services: "item-<id>")."""
        return f"item-{self.pk}"


class EvaluationMode(models.TextChoices):
    TOTAL = "total", _("直接录入总分")
    ITEMS = "items", _("按细则扣分")
    IMPORTED = "imported", _("导入")


class RubricEvaluation(models.Model):
    """What weekly and call-monitoring evaluations share (M2).

    `marks` holds the per-item figures of an ITEMS evaluation:
    [{"item": id, "deduction": "1.5", "na": false, "veto": false}, ...].
    The rubric version is kept, so a later rubric never changes this score.
    """

    person = models.ForeignKey("people.Person", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="+")
    hotline = models.ForeignKey("people.Hotline", verbose_name=_("热线"), on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(
        "people.Team", verbose_name=_("班组"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    rubric = models.ForeignKey(
        Rubric, verbose_name=_("评分细则版本"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    mode = models.CharField(_("录入方式"), max_length=10, choices=EvaluationMode.choices, default=EvaluationMode.TOTAL)
    marks = models.JSONField(_("逐项扣分"), default=list, blank=True)
    score = models.DecimalField(_("得分"), **SCORE)
    veto_flagged = models.BooleanField(_("涉及一票否决"), default=False)
    comment = models.CharField(_("评语"), max_length=500, blank=True)
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("考评人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        abstract = True


class WeeklyEvaluation(RubricEvaluation):
    """每周考评 (M1): one per agent and ISO week.

    A week belongs to the month of its Thursday (as ISO numbering assigns a
    week to the year of its Thursday): see assessment.weeks.
    """

    week_start = models.DateField(_("周一日期"))
    iso_year = models.PositiveSmallIntegerField(_("年"))
    iso_week = models.PositiveSmallIntegerField(_("周"))
    month = models.DateField(_("所属月份"))

    class Meta:
        verbose_name = _("周考评")
        verbose_name_plural = _("周考评")
        ordering = ["person", "week_start"]
        constraints = [models.UniqueConstraint(fields=["person", "week_start"], name="weekly_evaluation_unique_week")]
        indexes = [models.Index(fields=["team", "week_start"]), models.Index(fields=["person", "month"])]

    def __str__(self):
        return f"{self.person} {self.iso_year}年第{self.iso_week}周"


def recording_path(instance, filename: str) -> str:
    return f"recordings/{instance.hotline_id}/{instance.call_date:%Y/%m}/{filename}"


class MonitoringEvaluation(RubricEvaluation):
    """监听录音评分 (M2): a rubric evaluation tied to one recorded call."""

    call_no = models.CharField(_("录音编号"), max_length=60)
    call_date = models.DateField(_("通话日期"))
    recording = models.FileField(_("录音文件"), upload_to=recording_path, blank=True, max_length=300)

    class Meta:
        verbose_name = _("监听录音评分")
        verbose_name_plural = _("监听录音评分")
        ordering = ["-call_date", "-id"]
        constraints = [models.UniqueConstraint(fields=["person", "call_no"], name="monitoring_call_unique_per_person")]
        indexes = [models.Index(fields=["hotline", "call_date"]), models.Index(fields=["person", "call_date"])]

    def __str__(self):
        return f"{self.person} {self.call_no}"


class ScoreSource(models.TextChoices):
    COMPUTED = "computed", _("按周考评计算")
    ENTERED = "entered", _("班长录入")
    IMPORTED = "imported", _("导入")
    CORRECTED = "corrected", _("更正")


class MonthlyScore(models.Model):
    """M3: the month's score of one agent, confirmed by the team leader.

    `computed_score` is the policy's M3 figure (None without weekly
    evaluations); `score` is the final one, the figure later rules (M4, M6,
    M7, X5) read once confirmed.
    """

    person = models.ForeignKey("people.Person", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="monthly_scores")
    hotline = models.ForeignKey("people.Hotline", verbose_name=_("热线"), on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(
        "people.Team", verbose_name=_("班组"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    month = models.DateField(_("月份"))
    weeks_count = models.PositiveSmallIntegerField(_("周考评次数"), default=0)
    computed_score = models.DecimalField(_("计算得分"), **SCORE, null=True, blank=True)
    deduction = models.DecimalField(_("月度扣分"), **SCORE, default=0)
    deduction_reason = models.CharField(_("扣分原因"), max_length=300, blank=True)
    score = models.DecimalField(_("月度得分"), **SCORE, null=True, blank=True)
    source = models.CharField(_("来源"), max_length=10, choices=ScoreSource.choices, default=ScoreSource.COMPUTED)
    basis = models.TextField(_("依据"), blank=True)
    policy_version = models.CharField(_("政策版本"), max_length=60, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("确认人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("月度考核得分")
        verbose_name_plural = _("月度考核得分")
        ordering = ["month", "person"]
        constraints = [
            models.UniqueConstraint(fields=["person", "month"], name="monthly_score_unique_month"),
        ]
        indexes = [models.Index(fields=["team", "month"]), models.Index(fields=["hotline", "month"])]

    def __str__(self):
        return f"{self.person} {self.month:%Y-%m}"

    @property
    def is_confirmed(self) -> bool:
        return self.confirmed_at is not None and self.score is not None


class ScoreCorrection(models.Model):
    """R2: a change to a score of an accepted (locked) month: new value, reason, author, time."""

    monthly_score = models.ForeignKey(MonthlyScore, verbose_name=_("月度得分"), on_delete=models.PROTECT, related_name="corrections")
    old_score = models.DecimalField(_("原值"), **SCORE, null=True, blank=True)
    new_score = models.DecimalField(_("新值"), **SCORE)
    reason = models.TextField(_("更正原因"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("更正人"), on_delete=models.SET_NULL, null=True, related_name="+")
    author_name = models.CharField(_("更正人"), max_length=150)
    at = models.DateTimeField(_("更正时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("得分更正")
        verbose_name_plural = _("得分更正")
        ordering = ["monthly_score", "at", "id"]

    def __str__(self):
        return f"{self.monthly_score} {self.old_score} → {self.new_score}"


class RegisterState(models.TextChoices):
    DRAFT = "draft", _("未提交")
    SUBMITTED = "submitted", _("已提交")
    RETURNED = "returned", _("已退回")
    ACCEPTED = "accepted", _("已接收")


class Register(models.Model):
    """绩效考核登记表 (R1–R2): one team's month, handed in by the leader and reviewed by the supervisor.

    Moves between states only through assessment.register_workflow.transition().
    """

    hotline = models.ForeignKey("people.Hotline", verbose_name=_("热线"), on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey("people.Team", verbose_name=_("班组"), on_delete=models.PROTECT, related_name="registers")
    month = models.DateField(_("月份"))
    state = models.CharField(_("状态"), max_length=10, choices=RegisterState.choices, default=RegisterState.DRAFT)
    deadline = models.DateField(_("报送截止日"), null=True, blank=True)
    first_submitted_at = models.DateTimeField(_("首次提交时间"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("提交人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    late = models.BooleanField(_("逾期"), default=False)
    returned_at = models.DateTimeField(_("退回时间"), null=True, blank=True)
    returned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("退回人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    return_reason = models.TextField(_("退回原因"), blank=True)
    accepted_at = models.DateTimeField(_("接收时间"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("绩效考核登记表")
        verbose_name_plural = _("绩效考核登记表")
        ordering = ["-month", "team"]
        constraints = [
            models.UniqueConstraint(fields=["team", "month"], name="register_unique_team_month"),
        ]
        indexes = [models.Index(fields=["hotline", "month"])]

    def __str__(self):
        return f"{self.team} {self.month:%Y年%m月}绩效考核登记表"

    @property
    def is_locked(self) -> bool:
        """R2: an accepted month is locked; a submitted one waits for review."""
        return self.state == RegisterState.ACCEPTED

    @property
    def is_open(self) -> bool:
        """The leader may change the month's scores only while it is with them."""
        return self.state in (RegisterState.DRAFT, RegisterState.RETURNED)
