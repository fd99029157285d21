from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportStatus(models.TextChoices):
    OK = "ok", _("已导入")
    REFUSED = "refused", _("已拒绝")


class ImportRun(models.Model):
    """One attempt to import a file: who, when, into which hotline, and what came of it.

    A refused run saved nothing but its own record, so the supervisor can see
    what was tried and why it was refused.
    """

    at = models.DateTimeField(_("导入时间"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    actor_name = models.CharField(_("操作人"), max_length=150)
    hotline = models.ForeignKey(
        "people.Hotline", verbose_name=_("热线"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("表格"), max_length=30)
    file_name = models.CharField(_("文件名"), max_length=255)
    status = models.CharField(_("结果"), max_length=10, choices=ImportStatus.choices)
    rows = models.PositiveIntegerField(_("数据行数"), default=0)
    created = models.PositiveIntegerField(_("新增"), default=0)
    updated = models.PositiveIntegerField(_("修改"), default=0)
    unchanged = models.PositiveIntegerField(_("未变"), default=0)
    error_count = models.PositiveIntegerField(_("错误数"), default=0)
    message = models.TextField(_("说明"), blank=True)
    # [{"row": 5, "column": "工号", "reason": "…"}]; row is null for a problem with the whole file.
    errors = models.JSONField(_("错误"), default=list, blank=True)

    class Meta:
        verbose_name = _("导入记录")
        verbose_name_plural = _("导入记录")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["hotline", "-at"])]

    def __str__(self):
        return str(_("%(sheet)s导入 %(file)s") % {"sheet": self.sheet_title, "file": self.file_name})

    @property
    def sheet_title(self) -> str:
        from stardesk.sheets.catalog import SHEETS

        spec = SHEETS.get(self.kind)
        return str(spec.title) if spec else self.kind

    @property
    def is_ok(self) -> bool:
        return self.status == ImportStatus.OK
