"""The yearly star cycle (评定年度, rules Y, E, Q): the cycle, its steps, applications and the recommendation list.

A Cycle is one hotline's programme for year Y: it names the policy record and
the revision it runs on (P2), its reference date R (Y3) and the step it has
reached (Y2). Each step's dates are a CycleStage row. When the recommendation
step starts, the basis of the quotas is kept with the cycle (the head count N
at R, and one CycleHeadcount row per person counted), so a quota can be
reproduced on appeal.

An Application is one person's application for one level (E); its
eligibility check (E1–E8) is stored with every reason, passed or failed, and
the policy version that produced it. A Recommendation row is written for
every reviewed eligible application when the supervisor finalises the list
(Q3/Q4): recommended at a level and position, or not, with the reasons.

Later steps (X exams, K committee, A award) read these rows: the recommended
candidates are Recommendation rows with a level.
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

LEVEL_CHOICES = [(1, _("一星")), (2, _("二星")), (3, _("三星"))]


class Step(models.TextChoices):
    """Y2: the steps of a cycle in order; 已完成 follows the summary report."""

    APPLICATION = "application", _("个人申报")
    LEADER_CHECK = "leader_check", _("班长推荐")
    ASSESSMENT = "assessment", _("业务考核")
    COMMITTEE = "committee", _("集中评定")
    AWARD = "award", _("授牌")
    SUMMARY = "summary", _("总结上报")
    COMPLETED = "completed", _("已完成")


STEP_ORDER: tuple[str, ...] = tuple(Step.values)


class Cycle(models.Model):
    """Y1: one cycle of one hotline, named by its year."""

    hotline = models.ForeignKey("people.Hotline", verbose_name=_("热线"), on_delete=models.PROTECT, related_name="cycles")
    year = models.PositiveSmallIntegerField(_("评定年度"))
    policy = models.ForeignKey(
        "yearly_policy.CyclePolicy", verbose_name=_("年度政策"), on_delete=models.PROTECT, related_name="cycles"
    )
    # P2: the revision of the policy every decision of this cycle uses; changed only explicitly.
    policy_revision = models.PositiveIntegerField(_("政策版次"))
    policy_version = models.CharField(_("政策版本"), max_length=60)
    reference_date = models.DateField(_("资格审核基准日"))
    award_date = models.DateField(_("授牌日期"), null=True, blank=True)
    step = models.CharField(_("当前步骤"), max_length=20, choices=Step.choices, default=Step.APPLICATION)
    # Q1 basis, kept when the recommendation step starts: N at R and the quotas it gave.
    headcount = models.PositiveIntegerField(_("基准日在岗人数"), null=True, blank=True)
    quota_level1 = models.PositiveIntegerField(_("一星名额"), null=True, blank=True)
    quota_level2 = models.PositiveIntegerField(_("二星名额"), null=True, blank=True)
    quota_level3 = models.PositiveIntegerField(_("三星名额"), null=True, blank=True)
    quota_basis = models.TextField(_("名额依据"), blank=True)
    quota_policy_version = models.CharField(_("名额政策版本"), max_length=60, blank=True)
    quotas_fixed_at = models.DateTimeField(_("名额确定时间"), null=True, blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("开始人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    opened_by_name = models.CharField(_("开始人"), max_length=150, blank=True)
    opened_at = models.DateTimeField(_("开始时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("年度评定")
        verbose_name_plural = _("年度评定")
        ordering = ["hotline", "-year"]
        constraints = [models.UniqueConstraint(fields=["hotline", "year"], name="cycle_unique_year_in_hotline")]

    def __str__(self):
        return f"{self.hotline} {self.year} 年度星级评定"

    @property
    def quotas_fixed(self) -> bool:
        return self.headcount is not None

    def quota_for(self, level: int) -> int | None:
        return {1: self.quota_level1, 2: self.quota_level2, 3: self.quota_level3}[level]

    def step_index(self) -> int:
        return STEP_ORDER.index(self.step)

    def reached(self, step: str) -> bool:
        """Whether `step` has started (it is the current step or an earlier one)."""
        return STEP_ORDER.index(step) <= self.step_index()


class CycleStage(models.Model):
    """Y2: one step of a cycle: its planned start and when (and by whom) it actually started."""

    cycle = models.ForeignKey(Cycle, verbose_name=_("年度评定"), on_delete=models.CASCADE, related_name="stages")
    step = models.CharField(_("步骤"), max_length=20, choices=Step.choices)
    planned_on = models.DateField(_("计划开始日期"), null=True, blank=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    started_by_name = models.CharField(_("操作人"), max_length=150, blank=True)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("评定步骤")
        verbose_name_plural = _("评定步骤")
        constraints = [models.UniqueConstraint(fields=["cycle", "step"], name="cycle_stage_unique_step")]

    def __str__(self):
        return f"{self.cycle} {self.get_step_display()}"

    @property
    def position(self) -> int:
        return STEP_ORDER.index(self.step)


class CycleHeadcount(models.Model):
    """Q1: one person counted in N (in scope and active at R), kept so the quotas can be reproduced."""

    cycle = models.ForeignKey(Cycle, verbose_name=_("年度评定"), on_delete=models.CASCADE, related_name="headcount_rows")
    person = models.ForeignKey("people.Person", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="+")
    # As it was when counted: a later change of 工号 does not rewrite the basis.
    staff_no = models.CharField(_("工号"), max_length=30)

    class Meta:
        verbose_name = _("名额计算人数")
        verbose_name_plural = _("名额计算人数")
        constraints = [models.UniqueConstraint(fields=["cycle", "person"], name="cycle_headcount_unique_person")]

    def __str__(self):
        return f"{self.cycle} {self.staff_no}"


class ApplicationStatus(models.TextChoices):
    ACTIVE = "active", _("已申报")
    WITHDRAWN = "withdrawn", _("已撤回")


class ApplicationSource(models.TextChoices):
    SELF = "self", _("本人申报")
    LEADER = "leader", _("班长代报")
    SUPERVISOR = "supervisor", _("主管录入")
    IMPORT = "import", _("表格导入")


class ReviewStatus(models.TextChoices):
    """The team leader's check of an eligible application (Y2 班长自审、初评推荐)."""

    PENDING = "pending", _("待审核")
    CONFIRMED = "confirmed", _("推荐")
    WITHHELD = "withheld", _("不推荐")


class Application(models.Model):
    """E: one person's application for one level in one cycle, with its eligibility check at R."""

    cycle = models.ForeignKey(Cycle, verbose_name=_("年度评定"), on_delete=models.PROTECT, related_name="applications")
    person = models.ForeignKey("people.Person", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="star_applications")
    level = models.PositiveSmallIntegerField(_("申报星级"), choices=LEVEL_CHOICES)
    status = models.CharField(_("状态"), max_length=10, choices=ApplicationStatus.choices, default=ApplicationStatus.ACTIVE)
    source = models.CharField(_("申报方式"), max_length=10, choices=ApplicationSource.choices)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申报人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_by_name = models.CharField(_("申报人"), max_length=150, blank=True)
    submitted_at = models.DateTimeField(_("申报时间"), auto_now_add=True)
    # E1: the team leader's "表现突出" recommendation with its written reason; both go to the committee.
    leader_recommended = models.BooleanField(_("班长推荐表现突出"), default=False)
    recommendation_reason = models.TextField(_("推荐理由"), blank=True)
    flagged_by_name = models.CharField(_("推荐人"), max_length=150, blank=True)
    flagged_at = models.DateTimeField(_("推荐时间"), null=True, blank=True)
    # E1–E8 at R: the verdict, every check with its rule id, and the levels at which E passes (Q4).
    eligible = models.BooleanField(_("符合申报条件"), default=False)
    eligible_levels = models.CharField(_("符合条件的星级"), max_length=3, blank=True)
    reasons = models.JSONField(_("资格检查"), default=list, blank=True)
    leader_exception = models.BooleanField(_("表现突出例外（E1）"), default=False)
    honour = models.BooleanField(_("荣誉途径（E4）"), default=False)
    checked_at = models.DateTimeField(_("检查时间"), null=True, blank=True)
    policy_version = models.CharField(_("政策版本"), max_length=60, blank=True)
    review_status = models.CharField(_("班长审核"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PENDING)
    review_reason = models.TextField(_("审核意见"), blank=True)
    reviewed_by_name = models.CharField(_("审核人"), max_length=150, blank=True)
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdrawn_by_name = models.CharField(_("撤回人"), max_length=150, blank=True)
    withdraw_reason = models.TextField(_("撤回原因"), blank=True)
    # Y2: a change after the application step closed is a correction, with its reason.
    corrected_at = models.DateTimeField(_("更正时间"), null=True, blank=True)
    corrected_by_name = models.CharField(_("更正人"), max_length=150, blank=True)
    correction_reason = models.TextField(_("更正理由"), blank=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("星级申报")
        verbose_name_plural = _("星级申报")
        ordering = ["cycle", "person__staff_no"]
        constraints = [
            # E: one application per person and cycle (a withdrawn one stays on file).
            models.UniqueConstraint(
                fields=["cycle", "person"], condition=models.Q(status="active"), name="application_one_per_cycle"
            ),
            models.CheckConstraint(condition=models.Q(level__gte=1, level__lte=3), name="application_level_1_to_3"),
        ]
        indexes = [models.Index(fields=["cycle", "status", "level"])]

    def __str__(self):
        return f"{self.person} {self.cycle.year} 申报{self.level}星"

    @property
    def is_active(self) -> bool:
        return self.status == ApplicationStatus.ACTIVE

    def levels_eligible(self) -> frozenset[int]:
        return frozenset(int(c) for c in self.eligible_levels)

    def failures(self) -> list[dict]:
        return [r for r in self.reasons if r.get("passed") is False]


class Recommendation(models.Model):
    """Q3/Q4: where one reviewed eligible application ended on the finalised list.

    `level` is None when the person is not recommended (Q4: beyond level 1);
    `overflow` when recommended at a lower level than applied for.
    """

    cycle = models.ForeignKey(Cycle, verbose_name=_("年度评定"), on_delete=models.PROTECT, related_name="recommendations")
    application = models.OneToOneField(
        Application, verbose_name=_("星级申报"), on_delete=models.PROTECT, related_name="recommendation"
    )
    person = models.ForeignKey("people.Person", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="+")
    applied_level = models.PositiveSmallIntegerField(_("申报星级"), choices=LEVEL_CHOICES)
    level = models.PositiveSmallIntegerField(_("推荐星级"), choices=LEVEL_CHOICES, null=True, blank=True)
    position = models.PositiveIntegerField(_("排序"), null=True, blank=True)
    rating = models.DecimalField(_("初审评定"), max_digits=5, decimal_places=2, null=True, blank=True)
    honour = models.BooleanField(_("荣誉途径（E4）"), default=False)
    leader_exception = models.BooleanField(_("表现突出例外（E1）"), default=False)
    overflow = models.BooleanField(_("超额下转"), default=False)
    reasons = models.JSONField(_("依据"), default=list, blank=True)
    policy_version = models.CharField(_("政策版本"), max_length=60)
    created_at = models.DateTimeField(_("确定时间"), auto_now_add=True)
    # Y2: the last correction after the list was finalised (every one is a RecommendationCorrection row).
    corrected_at = models.DateTimeField(_("更正时间"), null=True, blank=True)
    corrected_by_name = models.CharField(_("更正人"), max_length=150, blank=True)
    correction_reason = models.TextField(_("更正理由"), blank=True)

    class Meta:
        verbose_name = _("推荐名单")
        verbose_name_plural = _("推荐名单")
        ordering = ["cycle", "-level", "position"]
        indexes = [models.Index(fields=["cycle", "level", "position"])]

    def __str__(self):
        where = f"推荐{self.level}星第{self.position}位" if self.level else "未获推荐"
        return f"{self.person} {self.cycle.year} {where}"


class RecommendationCorrection(models.Model):
    """Y2/Q2: one correction of the finalised list by the supervisor, with its reason (before 集中评定 starts)."""

    cycle = models.ForeignKey(Cycle, verbose_name=_("年度评定"), on_delete=models.PROTECT, related_name="list_corrections")
    recommendation = models.ForeignKey(
        Recommendation, verbose_name=_("推荐名单"), on_delete=models.PROTECT, related_name="corrections"
    )
    from_level = models.PositiveSmallIntegerField(_("原推荐星级"), null=True, blank=True)
    from_position = models.PositiveIntegerField(_("原排序"), null=True, blank=True)
    to_level = models.PositiveSmallIntegerField(_("更正后星级"), null=True, blank=True)
    to_position = models.PositiveIntegerField(_("更正后排序"), null=True, blank=True)
    reason = models.TextField(_("更正理由"))
    corrected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("更正人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    corrected_by_name = models.CharField(_("更正人"), max_length=150)
    corrected_at = models.DateTimeField(_("更正时间"))

    class Meta:
        verbose_name = _("推荐名单更正")
        verbose_name_plural = _("推荐名单更正")
        ordering = ["cycle", "corrected_at", "pk"]

    def __str__(self):
        return f"{self.recommendation} 更正"


# --- assessment, committee and award (X5, K1–K4, A1–A3) -------------------------------------------
# The committee's rows are written when 集中评定 starts (cycle.committee), decided one person at a time
# (K3) and final once the committee closes (K4); the award (A1–A3) is written by cycle.award.


class CommitteeCandidate(models.Model):
    """K1/K2: one recommended candidate as the committee sees them, fixed when 集中评定 starts.

    The exam qualification (X3/X4), the composite score (X5, `composite` None when a part is missing),
    the flags (E1, E4, vetoes of the year) and the proposal (K2) are kept as computed then, so the
    committee decides on figures that no longer move. `level` is the committee's result so far
    (0 = not a holder), starting from the proposal; once the decision is closed it is final (K4).
    """

    cycle = models.ForeignKey(Cycle, verbose_name=_("年度评定"), on_delete=models.PROTECT, related_name="candidates")
    recommendation = models.OneToOneField(
        Recommendation, verbose_name=_("推荐名单"), on_delete=models.PROTECT, related_name="candidate"
    )
    person = models.ForeignKey("people.Person", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="+")
    recommended_level = models.PositiveSmallIntegerField(_("推荐星级"), choices=LEVEL_CHOICES)
    eligible_levels = models.CharField(_("符合条件的星级"), max_length=3, blank=True)
    qualified_level = models.PositiveSmallIntegerField(_("考试合格星级"), default=0)  # X3/X4, 0 = none
    exam_score = models.DecimalField(_("资格考试成绩"), max_digits=4, decimal_places=1, null=True, blank=True)
    exam_on = models.DateField(_("考试日期"), null=True, blank=True)
    composite = models.DecimalField(_("综合得分"), max_digits=6, decimal_places=2, null=True, blank=True)
    # X5 exactly, as "numerator/denominator": K1 orders by the exact value, the page shows `composite`.
    composite_exact = models.CharField(_("综合得分（精确值）"), max_length=120, blank=True)
    composite_parts = models.JSONField(_("综合得分各项"), default=list, blank=True)
    flags = models.JSONField(_("提示"), default=list, blank=True)
    start_level = models.PositiveSmallIntegerField(_("评定名单星级"), default=0)  # K1: min(recommended, qualified)
    list_position = models.PositiveIntegerField(_("名单排序"), null=True, blank=True)
    proposed_level = models.PositiveSmallIntegerField(_("建议星级"), default=0)  # K2, 0 = not proposed
    proposed_position = models.PositiveIntegerField(_("建议排序"), null=True, blank=True)
    level = models.PositiveSmallIntegerField(_("评定星级"), default=0)
    decided = models.BooleanField(_("已逐人评定"), default=False)
    reasons = models.JSONField(_("依据"), default=list, blank=True)
    policy_version = models.CharField(_("政策版本"), max_length=60)
    assessed_on = models.DateField(_("考核截止日期"))
    created_at = models.DateTimeField(_("建立时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("评定候选人")
        verbose_name_plural = _("评定候选人")
        ordering = ["cycle", "-start_level", "list_position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "person"], name="candidate_one_per_cycle"),
            models.CheckConstraint(condition=models.Q(level__gte=0, level__lte=3), name="candidate_level_0_to_3"),
        ]
        indexes = [models.Index(fields=["cycle", "level"])]

    def __str__(self):
        return f"{self.person} {self.cycle.year} 评定候选人"

    def levels_eligible(self) -> frozenset[int]:
        return frozenset(int(c) for c in self.eligible_levels)


class CycleSeat(models.Model):
    """K3: the places of one level in a cycle. Every committee decision locks the cycle's seats
    (SELECT … FOR UPDATE), so two members deciding at the same moment take turns; the database
    refuses a count over the quota even if something went past the check."""

    cycle = models.ForeignKey(Cycle, verbose_name=_("年度评定"), on_delete=models.CASCADE, related_name="seats")
    level = models.PositiveSmallIntegerField(_("星级"), choices=LEVEL_CHOICES)
    quota = models.PositiveIntegerField(_("名额"))
    filled = models.PositiveIntegerField(_("已评定人数"), default=0)

    class Meta:
        verbose_name = _("评定名额")
        verbose_name_plural = _("评定名额")
        ordering = ["cycle", "level"]
        constraints = [
            models.UniqueConstraint(fields=["cycle", "level"], name="seat_one_per_level"),
            models.CheckConstraint(condition=models.Q(filled__lte=models.F("quota")), name="seat_within_quota"),
        ]

    def __str__(self):
        return f"{self.cycle} {self.level}星 {self.filled}/{self.quota}"


class DecisionAction(models.TextChoices):
    APPROVE = "approve", _("同意")
    REJECT = "reject", _("不予评定")
    CHANGE = "change", _("调整星级")


class CommitteeDecision(models.Model):
    """K3: one decision on one person by one member, with time and reason. Never changed afterwards."""

    cycle = models.ForeignKey(Cycle, verbose_name=_("年度评定"), on_delete=models.PROTECT, related_name="committee_decisions")
    candidate = models.ForeignKey(CommitteeCandidate, verbose_name=_("评定候选人"), on_delete=models.PROTECT, related_name="decisions")
    action = models.CharField(_("评定"), max_length=10, choices=DecisionAction.choices)
    from_level = models.PositiveSmallIntegerField(_("原星级"))
    to_level = models.PositiveSmallIntegerField(_("评定星级"))
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("委员"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    member_name = models.CharField(_("委员"), max_length=150)
    decided_at = models.DateTimeField(_("评定时间"))
    reason = models.TextField(_("理由"))
    basis = models.TextField(_("名额依据"), blank=True)

    class Meta:
        verbose_name = _("评定决定")
        verbose_name_plural = _("评定决定")
        ordering = ["cycle", "decided_at", "pk"]

    def __str__(self):
        return f"{self.candidate} {self.get_action_display()} {self.to_level}星"


class CommitteeVote(models.Model):
    """K: one member's own vote on one candidate (0 = not to be awarded). Seen only by the committee."""

    candidate = models.ForeignKey(CommitteeCandidate, verbose_name=_("评定候选人"), on_delete=models.PROTECT, related_name="votes")
    member = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("委员"), on_delete=models.PROTECT, related_name="+")
    member_name = models.CharField(_("委员"), max_length=150)
    level = models.PositiveSmallIntegerField(_("投票星级"))
    comment = models.TextField(_("意见"), blank=True)
    cast_at = models.DateTimeField(_("投票时间"))

    class Meta:
        verbose_name = _("委员投票")
        verbose_name_plural = _("委员投票")
        ordering = ["candidate", "cast_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["candidate", "member"], name="vote_one_per_member"),
            models.CheckConstraint(condition=models.Q(level__gte=0, level__lte=3), name="vote_level_0_to_3"),
        ]

    def __str__(self):
        return f"{self.member_name} → {self.candidate}"


class Award(models.Model):
    """A1–A3: one title awarded at the ceremony, with its one-off reward (A2) and certificate number (A3)."""

    cycle = models.ForeignKey(Cycle, verbose_name=_("年度评定"), on_delete=models.PROTECT, related_name="awards")
    candidate = models.OneToOneField(
        CommitteeCandidate, verbose_name=_("评定候选人"), on_delete=models.PROTECT, null=True, blank=True, related_name="award"
    )
    person = models.ForeignKey("people.Person", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="star_awards")
    level = models.PositiveSmallIntegerField(_("星级"), choices=LEVEL_CHOICES)
    job_type = models.CharField(_("工种"), max_length=30)
    award_date = models.DateField(_("授牌日期"))
    title = models.OneToOneField(
        "people.TitleSpell", verbose_name=_("星级记录"), on_delete=models.PROTECT, null=True, blank=True, related_name="award"
    )
    certificate_no = models.CharField(_("证书编号"), max_length=40, unique=True)
    reward_amount = models.DecimalField(_("一次性奖励（元）"), max_digits=10, decimal_places=2)
    reward_first_time = models.BooleanField(_("首次获得该星级"), default=True)
    reward_basis = models.TextField(_("奖励依据"))
    policy_version = models.CharField(_("政策版本"), max_length=60)
    awarded_at = models.DateTimeField(_("登记时间"))
    awarded_by_name = models.CharField(_("登记人"), max_length=150)

    class Meta:
        verbose_name = _("授牌")
        verbose_name_plural = _("授牌")
        ordering = ["cycle", "-level", "certificate_no"]
        constraints = [models.UniqueConstraint(fields=["cycle", "person"], name="award_one_per_person")]
        indexes = [models.Index(fields=["award_date"])]

    def __str__(self):
        return f"{self.person} {self.award_date} {self.level}星"
