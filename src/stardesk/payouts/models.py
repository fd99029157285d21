"""The monthly star allowance (M4–M5) of each accepted month, and the M6 persistent-low-score proposals.

An AllowanceLine is the decision of policy.monthly_allowance for one holder and
month, stored with its 依据 and the policy version that produced it (P2, P3).
Lines are computed per team when the team's register is accepted (R2) or
when a month is imported whole; the hotline's sheet for a month is complete
when every team is accepted. A line is never overwritten: a recomputation
that changes it (an R2 correction, a title change) writes a new line and the
old one points to it (`superseded_by`), so payroll can see what changed.

A LowScoreProposal is an M6 trigger found when a month is accepted: the
months that caused it and the title change it proposes, waiting for the
supervisor, who confirms (the title history changes, which sets the E6 ban)
or rejects it with a reason.
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from stardesk.people.models import TitleEndReason

SCORE = {"max_digits": 4, "decimal_places": 1}
MONEY = {"max_digits": 10, "decimal_places": 2}


class LineStatus(models.TextChoices):
    DECIDED = "decided", _("已定")
    PENDING = "pending", _("待定")  # M4: a holder without a confirmed score


class LineCause(models.TextChoices):
    """Why a line was (re)computed."""

    ACCEPTED = "accepted", _("登记表接收")
    IMPORTED = "imported", _("月度考核导入")
    CORRECTED = "corrected", _("得分更正")
    TITLE_CHANGED = "title_changed", _("星级变更")
    RECOMPUTED = "recomputed", _("主管重新计算")
    DEMO = "demo", _("演示数据")


class AllowanceLine(models.Model):
    """M4: one holder's allowance for one month; `is_current` marks the line in force."""

    hotline = models.ForeignKey("people.Hotline", verbose_name=_("热线"), on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="allowance_lines")
    # The team whose register holds the month's score (or the person's team when there is no score).
    team = models.ForeignKey(
        "people.Team", verbose_name=_("班组"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    month = models.DateField(_("月份"))
    level = models.SmallIntegerField(_("星级"))  # L: held on the month's last day (0: none)
    treatment_level = models.SmallIntegerField(_("待遇等级"))  # L' after M5 / J3 lowerings
    paid_level = models.SmallIntegerField(_("发放等级"), null=True, blank=True)  # whose base was paid
    score = models.DecimalField(_("月度得分"), **SCORE, null=True, blank=True)
    base = models.DecimalField(_("基数"), **MONEY, null=True, blank=True)
    rate = models.DecimalField(_("系数"), max_digits=7, decimal_places=4, null=True, blank=True)
    amount = models.DecimalField(_("金额"), **MONEY, null=True, blank=True)  # None while pending
    status = models.CharField(_("状态"), max_length=10, choices=LineStatus.choices)
    basis = models.TextField(_("依据"))
    policy_version = models.CharField(_("政策版本"), max_length=60)
    cause = models.CharField(_("计算原因"), max_length=20, choices=LineCause.choices)
    cause_note = models.CharField(_("说明"), max_length=300, blank=True)
    computed_at = models.DateTimeField(_("计算时间"))
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("计算人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    computed_by_name = models.CharField(_("计算人"), max_length=150, blank=True)
    is_current = models.BooleanField(_("现行"), default=True)
    superseded_by = models.ForeignKey(
        "self", verbose_name=_("被替代为"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    superseded_at = models.DateTimeField(_("替代时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("月度星级待遇")
        verbose_name_plural = _("月度星级待遇")
        ordering = ["month", "person"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "month"], condition=models.Q(is_current=True), name="allowance_one_current_line"
            ),
        ]
        indexes = [
            models.Index(fields=["hotline", "month", "is_current"]),
            models.Index(fields=["team", "month"]),
            models.Index(fields=["person", "month"]),
        ]

    def __str__(self):
        return f"{self.person} {self.month:%Y-%m} 星级待遇"

    @property
    def is_pending(self) -> bool:
        return self.status == LineStatus.PENDING


class ProposalStatus(models.TextChoices):
    PENDING = "pending", _("待确认")
    CONFIRMED = "confirmed", _("已确认")
    REJECTED = "rejected", _("已驳回")
    WITHDRAWN = "withdrawn", _("已撤回")  # a correction removed the trigger before a decision


class LowScoreProposal(models.Model):
    """M6: a title lowering (or revocation) proposed by persistent low scores, decided by the supervisor."""

    hotline = models.ForeignKey("people.Hotline", verbose_name=_("热线"), on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey("people.Person", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="low_score_proposals")
    team = models.ForeignKey(
        "people.Team", verbose_name=_("班组"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    trigger_month = models.DateField(_("触发月份"))
    kind = models.CharField(_("触发情形"), max_length=40)  # e.g. 连续3个月, 累计6个月
    months = models.JSONField(_("计入月份"), default=list)  # ["2025-01", ...]
    scores = models.JSONField(_("计入得分"), default=list)  # the scores of `months`, as text
    job_type = models.CharField(_("工种"), max_length=30)
    level_before = models.PositiveSmallIntegerField(_("原星级"))
    level_after = models.PositiveSmallIntegerField(_("调整后星级"))  # 0: revoked
    end_reason = models.CharField(_("终止原因"), max_length=20, choices=TitleEndReason.choices)
    effective_on = models.DateField(_("生效日期"))  # the first day of the month after the trigger
    status = models.CharField(_("状态"), max_length=10, choices=ProposalStatus.choices, default=ProposalStatus.PENDING)
    basis = models.TextField(_("依据"))
    policy_version = models.CharField(_("政策版本"), max_length=60)
    detected_at = models.DateTimeField(_("发现时间"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("决定人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_by_name = models.CharField(_("决定人"), max_length=150, blank=True)
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    decision_reason = models.TextField(_("理由"), blank=True)
    ended_title = models.ForeignKey(
        "people.TitleSpell", verbose_name=_("终止的星级"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    started_title = models.ForeignKey(
        "people.TitleSpell", verbose_name=_("降级后的星级"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("持续低分降级提议")
        verbose_name_plural = _("持续低分降级提议")
        ordering = ["-trigger_month", "person"]
        constraints = [
            # One live proposal per trigger: a rejected one stays and is not proposed again.
            models.UniqueConstraint(
                fields=["person", "trigger_month"],
                condition=~models.Q(status="withdrawn"),
                name="low_score_one_proposal_per_trigger",
            ),
        ]
        indexes = [models.Index(fields=["hotline", "status"]), models.Index(fields=["person", "year"])]

    def __str__(self):
        return f"{self.person} {self.trigger_month:%Y-%m} 持续低分"

    @property
    def is_pending(self) -> bool:
        return self.status == ProposalStatus.PENDING

    @property
    def months_text(self) -> str:
        return "、".join(self.months)

    @property
    def month_scores(self) -> list[tuple[str, str]]:
        """(month, score) pairs of the months that triggered it."""
        return list(zip(self.months, self.scores))
