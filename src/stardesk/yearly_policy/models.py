"""The yearly policy of each hotline and cycle year, with every revision kept (P1, P2).

`CyclePolicy.data` is the policy's file form (`policy_to_dict`): the JSON a
supervisor exports and imports. Each save adds a `CyclePolicyRevision` with the
full data, so a decision that records "2026 第3版" can always be explained
with the exact numbers it used, even after later changes.
"""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from stardesk.policy.yearly import YearlyPolicy, policy_from_dict


def version_label(year: int, revision: int) -> str:
    """P2: the version name a decision records, e.g. "2026 第3版"."""
    return f"{year} 第{revision}版"


class CyclePolicy(models.Model):
    """P1: the policy of one hotline for one cycle year; frozen once the cycle's committee decision closes."""

    hotline = models.ForeignKey(
        "people.Hotline", verbose_name=_("热线"), on_delete=models.PROTECT, related_name="cycle_policies"
    )
    year = models.PositiveSmallIntegerField(_("评定年度"))
    data = models.JSONField(_("政策参数"))
    revision = models.PositiveIntegerField(_("版次"), default=1)
    frozen_at = models.DateTimeField(_("冻结时间"), null=True, blank=True)
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("冻结人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    frozen_by_name = models.CharField(_("冻结人"), max_length=150, blank=True)
    freeze_reason = models.TextField(_("冻结原因"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)

    class Meta:
        verbose_name = _("年度政策")
        verbose_name_plural = _("年度政策")
        ordering = ["hotline", "-year"]
        constraints = [models.UniqueConstraint(fields=["hotline", "year"], name="cycle_policy_unique_year_in_hotline")]

    def __str__(self):
        return f"{self.hotline} {self.year} 年度政策"

    @property
    def is_frozen(self) -> bool:
        return self.frozen_at is not None

    @property
    def version(self) -> str:
        return version_label(self.year, self.revision)

    def policy(self) -> YearlyPolicy:
        """The rules' view of this record (its P2 version is the record's version label)."""
        return policy_from_dict(self.data)


class RevisionSource(models.TextChoices):
    DEFAULTS = "defaults", _("按默认值创建")
    COPIED = "copied", _("沿用上一年度")
    EDITED = "edited", _("页面修改")
    IMPORTED = "imported", _("文件导入")


class CyclePolicyRevision(models.Model):
    """P2: one version of a cycle's policy, never changed once written."""

    policy = models.ForeignKey(CyclePolicy, verbose_name=_("年度政策"), on_delete=models.PROTECT, related_name="revisions")
    number = models.PositiveIntegerField(_("版次"))
    data = models.JSONField(_("政策参数"))
    source = models.CharField(_("来源"), max_length=20, choices=RevisionSource.choices)
    # {file key: [old, new]} in the file form; empty for the first revision.
    changes = models.JSONField(_("变更"), default=dict, blank=True)
    reason = models.TextField(_("修改原因"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("修改人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    author_name = models.CharField(_("修改人"), max_length=150)
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("年度政策版本")
        verbose_name_plural = _("年度政策版本")
        ordering = ["policy", "-number"]
        constraints = [models.UniqueConstraint(fields=["policy", "number"], name="cycle_policy_revision_unique_number")]

    def __str__(self):
        return f"{self.policy} {self.version}"

    @property
    def version(self) -> str:
        return version_label(self.policy.year, self.number)

    def policy_data(self) -> YearlyPolicy:
        return policy_from_dict(self.data)
