"""Hotlines, teams, people and their star titles (rules S1–S4)."""
import datetime

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Hotline(models.Model):
    """One service hotline; a group's installation may hold several (S1)."""

    name = models.CharField(_("热线名称"), max_length=100, unique=True)
    code = models.SlugField(_("代码"), max_length=30, unique=True)
    company = models.CharField(_("所属公司"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("热线")
        verbose_name_plural = _("热线")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Team(models.Model):
    """A team (班组) with its one team leader (S3)."""

    hotline = models.ForeignKey(Hotline, verbose_name=_("热线"), on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(_("班组名称"), max_length=50)
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("班长"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_teams",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("班组")
        verbose_name_plural = _("班组")
        ordering = ["hotline", "name"]
        constraints = [models.UniqueConstraint(fields=["hotline", "name"], name="team_name_unique_in_hotline")]

    def __str__(self):
        return self.name


class EmploymentType(models.TextChoices):
    PERMANENT = "permanent", _("正式")
    TEMPORARY = "temporary", _("临时")
    OUTSOURCED = "outsourced", _("外聘")


class PersonQuerySet(models.QuerySet):
    def active_on(self, day: datetime.date):
        """S2: started on or before the day and not left, or left after it."""
        return self.filter(hotline_start__lte=day).filter(models.Q(left_on__isnull=True) | models.Q(left_on__gt=day))


class Person(models.Model):
    """An agent of a hotline (S2). Never deleted: leaving is a date."""

    hotline = models.ForeignKey(Hotline, verbose_name=_("热线"), on_delete=models.PROTECT, related_name="people")
    staff_no = models.CharField(_("工号"), max_length=30)
    name = models.CharField(_("姓名"), max_length=50)
    employment_type = models.CharField(_("用工性质"), max_length=20, choices=EmploymentType.choices)
    hotline_start = models.DateField(_("进入热线日期"))
    job_type = models.CharField(_("工种"), max_length=30, default="话务员")
    job_type_start = models.DateField(_("工种起始日期"))
    team = models.ForeignKey(
        Team, verbose_name=_("班组"), on_delete=models.PROTECT, null=True, blank=True, related_name="members"
    )
    left_on = models.DateField(_("离职日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("人员")
        verbose_name_plural = _("人员")
        ordering = ["staff_no"]
        constraints = [
            models.UniqueConstraint(fields=["hotline", "staff_no"], name="person_staff_no_unique_in_hotline"),
        ]
        indexes = [models.Index(fields=["hotline", "team"]), models.Index(fields=["hotline", "name"])]

    def __str__(self):
        return f"{self.staff_no} {self.name}"

    @property
    def is_active(self) -> bool:
        return self.left_on is None

    def active_on(self, day: datetime.date) -> bool:
        return self.hotline_start <= day and (self.left_on is None or self.left_on > day)


class TitleEndReason(models.TextChoices):
    # 降级 and 取消 are sanctions (E6); 名次调整 is the J3 move, not a sanction by default.
    RENEWAL = "renewal", _("换届")
    LOWERED = "lowered", _("降级")
    REVOKED = "revoked", _("取消")
    RANK_ADJUSTMENT = "rank_adjustment", _("名次调整")
    LEFT = "left", _("离职")


class TitleSpell(models.Model):
    """One star title held from `start` until `end` (S4). History is kept, never overwritten."""

    person = models.ForeignKey(Person, verbose_name=_("人员"), on_delete=models.PROTECT, related_name="titles")
    level = models.PositiveSmallIntegerField(_("星级"), choices=[(1, _("一星")), (2, _("二星")), (3, _("三星"))])
    job_type = models.CharField(_("工种"), max_length=30)
    start = models.DateField(_("授牌日期"))
    end = models.DateField(_("终止日期"), null=True, blank=True)
    end_reason = models.CharField(_("终止原因"), max_length=20, choices=TitleEndReason.choices, blank=True)
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("星级记录")
        verbose_name_plural = _("星级记录")
        ordering = ["person", "start"]
        constraints = [
            models.UniqueConstraint(fields=["person", "job_type", "start"], name="title_spell_unique_start"),
            models.CheckConstraint(condition=models.Q(level__gte=1, level__lte=3), name="title_level_1_to_3"),
            models.CheckConstraint(
                condition=models.Q(end__isnull=True) | models.Q(end__gte=models.F("start")),
                name="title_end_not_before_start",
            ),
        ]

    def __str__(self):
        return f"{self.person} {self.level}星 {self.start}"

    def held_on(self, day: datetime.date) -> bool:
        return self.start <= day and (self.end is None or self.end > day)
