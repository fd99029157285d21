"""Reward and sanction events (奖惩事件): vetoes (M5), supervision findings (V1),
customer feedback (V2) and honours (E4), with their evidence, appeals and
the supervisor's decisions on title sanctions. Nothing here is ever deleted:
an overturned veto stays on file and simply no longer counts."""
import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from stardesk.policy import facts


class Category(models.TextChoices):
    # Member names are those of stardesk.policy.facts.EventCategory (see as_policy_category).
    VIOLATION = "violation", _("违章违纪")
    MAJOR_ERROR = "major_error", _("重大差错")
    JUSTIFIED_COMPLAINT = "justified_complaint", _("有理投诉")
    PRAISE = "praise", _("表扬")
    COMPANY_AWARD = "company_award", _("公司奖项")
    ADVANCED_INDIVIDUAL = "advanced_individual", _("先进个人")
    SHORT_OF_LEVEL = "short_of_level", _("不够级")
    UNQUALIFIED = "unqualified", _("不合格")


class Severity(models.TextChoices):
    GENERAL = "general", _("一般")
    SERIOUS = "serious", _("较重")
    SEVERE = "severe", _("严重")


class Sanction(models.TextChoices):
    MONTH_LOWER = "month_lower", _("当月降级")
    MONTH_CANCEL = "month_cancel", _("当月取消")
    LOWER = "lower", _("降级")
    REVOKE = "revoke", _("取消星级")


class SanctionStatus(models.TextChoices):
    """A title sanction (降级/取消星级) waits for the supervisor (M5, V1)."""

    PENDING = "pending", _("待确认")
    CONFIRMED = "confirmed", _("已确认")
    REJECTED = "rejected", _("已驳回")


class AppealStatus(models.TextChoices):
    PENDING = "pending", _("待裁决")
    UPHELD = "upheld", _("维持原处理")
    OVERTURNED = "overturned", _("已撤销")


def _by_name(value, choices, enum):
    """The policy enum member named like the model choice (blank → None)."""
    return enum[choices(value).name] if value else None


def as_policy_category(value) -> facts.EventCategory:
    return _by_name(value, Category, facts.EventCategory)


def as_policy_severity(value) -> facts.Severity | None:
    return _by_name(value, Severity, facts.Severity)


def as_policy_sanction(value) -> facts.Sanction | None:
    return _by_name(value, Sanction, facts.Sanction)


def from_policy_sanction(value: facts.Sanction) -> "Sanction":
    return Sanction[facts.Sanction(value).name]


VETO_CATEGORIES = frozenset(c for c in Category if as_policy_category(c) in facts.VETO_CATEGORIES)
SUPERVISION_CATEGORIES = frozenset(c for c in Category if as_policy_category(c) in facts.SUPERVISION_CATEGORIES)
HONOUR_CATEGORIES = frozenset(c for c in Category if as_policy_category(c) in facts.HONOUR_CATEGORIES)
FEEDBACK_CATEGORIES = frozenset(c for c in Category if as_policy_category(c) in facts.FEEDBACK_CATEGORIES)
# Severity and handling apply to vetoes (M5) and supervision findings (V1) only.
SANCTIONED_CATEGORIES = VETO_CATEGORIES | SUPERVISION_CATEGORIES
MONTH_SANCTIONS = frozenset(s for s in Sanction if as_policy_sanction(s) in facts.MONTH_SANCTIONS)
TITLE_SANCTIONS = frozenset(s for s in Sanction if as_policy_sanction(s) in facts.TITLE_SANCTIONS)


def first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def counting() -> models.Q:
    """M5/V1: an event counts unless overturned on appeal; a title sanction counts only once confirmed."""
    return ~models.Q(appeal__status=AppealStatus.OVERTURNED) & (
        ~models.Q(sanction__in=TITLE_SANCTIONS) | models.Q(sanction_status=SanctionStatus.CONFIRMED)
    )


class EventQuerySet(models.QuerySet):
    def counting(self):
        return self.filter(counting())


class Event(models.Model):
    """One entry of the 奖惩事件 record of a person."""

    hotline = models.ForeignKey("people.Hotline", verbose_name=_("热线"), on_delete=models.PROTECT, related_name="events")
    person = models.ForeignKey("people.Person", verbose_name=_("人员"), on_delete=models.PROTECT, related_name="events")
    date = models.DateField(_("日期"))
    # M4 reads the sanctions of a month; kept as the first day of the event's month.
    month = models.DateField(_("月份"), editable=False)
    category = models.CharField(_("类别"), max_length=30, choices=Category.choices)
    severity = models.CharField(_("严重程度"), max_length=20, choices=Severity.choices, blank=True)
    sanction = models.CharField(_("处理"), max_length=20, choices=Sanction.choices, blank=True)
    # True when the handling is the yearly policy's default for the severity (M5) or finding (V1).
    sanction_is_default = models.BooleanField(_("默认处理"), default=False)
    # Which policy version gave the default, and the rule (P2/P3).
    sanction_basis = models.CharField(_("处理依据"), max_length=200, blank=True)
    sanction_status = models.CharField(_("确认状态"), max_length=20, choices=SanctionStatus.choices, blank=True)
    # The date a confirmed title sanction takes effect (E6 counts one year from it).
    effective_on = models.DateField(_("生效日期"), null=True, blank=True)
    description = models.TextField(_("说明"))
    evidence_text = models.TextField(_("证据说明"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("记录人"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("奖惩事件")
        verbose_name_plural = _("奖惩事件")
        ordering = ["-date", "-pk"]
        indexes = [
            models.Index(fields=["hotline", "month"]),
            models.Index(fields=["hotline", "category", "date"]),
            models.Index(fields=["person", "date"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(sanction_status="") | models.Q(sanction__in=["lower", "revoke"]),
                name="event_status_only_for_title_sanctions",
            ),
        ]

    def __str__(self):
        return f"{self.person} {self.date} {self.get_category_display()}"

    def save(self, *args, **kwargs):
        self.month = first_of_month(self.date)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "date" in update_fields:
            kwargs["update_fields"] = {*update_fields, "month"}
        super().save(*args, **kwargs)

    @property
    def is_veto(self) -> bool:
        return self.category in VETO_CATEGORIES

    @property
    def is_supervision(self) -> bool:
        return self.category in SUPERVISION_CATEGORIES

    @property
    def is_honour(self) -> bool:
        return self.category in HONOUR_CATEGORIES

    @property
    def is_title_sanction(self) -> bool:
        return self.sanction in TITLE_SANCTIONS

    @property
    def is_month_sanction(self) -> bool:
        return self.sanction in MONTH_SANCTIONS

    def appeal_or_none(self):
        """The appeal, or None when none was filed (reads one joined by select_related without a query)."""
        try:
            return self.appeal
        except models.ObjectDoesNotExist:
            return None


class EventEvidence(models.Model):
    """An uploaded file backing an event; served only through a permission-checked view."""

    event = models.ForeignKey(Event, verbose_name=_("事件"), on_delete=models.PROTECT, related_name="evidence")
    file = models.FileField(_("文件"), upload_to="events/evidence/%Y/%m/", max_length=200)
    original_name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    content_type = models.CharField(_("文件类型"), max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("上传人"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("证据文件")
        verbose_name_plural = _("证据文件")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.original_name

    @property
    def hotline(self):
        return self.event.hotline

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class Appeal(models.Model):
    """申诉 against a veto: filed by the person or their team leader, decided by the supervisor."""

    event = models.OneToOneField(Event, verbose_name=_("事件"), on_delete=models.PROTECT, related_name="appeal")
    reason = models.TextField(_("申诉理由"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("申诉人"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    filed_at = models.DateTimeField(_("申诉时间"), auto_now_add=True)
    status = models.CharField(_("状态"), max_length=20, choices=AppealStatus.choices, default=AppealStatus.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("裁决人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("裁决时间"), null=True, blank=True)
    decision_reason = models.TextField(_("裁决理由"), blank=True)

    class Meta:
        verbose_name = _("申诉")
        verbose_name_plural = _("申诉")
        indexes = [models.Index(fields=["status"])]

    def __str__(self):
        return f"{self.event} {self.get_status_display()}"

    @property
    def hotline(self):
        return self.event.hotline


class SanctionDecision(models.Model):
    """One decision on a title sanction (confirmed or rejected), kept as history.

    The supervisor decides today (M5); the committee's V1 workflow adds its own
    decisions here later, which is why this is a list and not fields on Event.
    """

    event = models.ForeignKey(Event, verbose_name=_("事件"), on_delete=models.PROTECT, related_name="decisions")
    outcome = models.CharField(_("结果"), max_length=20, choices=SanctionStatus.choices)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("决定人"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_by_name = models.CharField(_("决定人"), max_length=150)
    decided_at = models.DateTimeField(_("决定时间"), auto_now_add=True)
    reason = models.TextField(_("理由"), blank=True)
    effective_on = models.DateField(_("生效日期"), null=True, blank=True)
    ended_title = models.ForeignKey(
        "people.TitleSpell", verbose_name=_("终止的星级"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    started_title = models.ForeignKey(
        "people.TitleSpell", verbose_name=_("降级后的星级"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # What happened to the title, in words (e.g. E6: no title held, nothing changed).
    title_outcome = models.CharField(_("星级变更"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("星级处理决定")
        verbose_name_plural = _("星级处理决定")
        ordering = ["decided_at", "pk"]

    def __str__(self):
        return f"{self.event} {self.get_outcome_display()}"

    @property
    def hotline(self):
        return self.event.hotline
