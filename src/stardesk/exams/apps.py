from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExamsConfig(AppConfig):
    name = "stardesk.exams"
    verbose_name = _("考试")

    def ready(self):
        # How this app's audit actions read on the audit pages.
        from stardesk.audit.queries import ACTION_LABELS

        ACTION_LABELS.update(
            {
                "question.create": _("新建试题"),
                "question.revise": _("修改试题"),
                "question.new_version": _("试题新版本"),
                "blueprint.create": _("新建组卷蓝图"),
                "blueprint.update": _("修改组卷蓝图"),
                "paper.materialise": _("生成试卷"),
                "sitting.create": _("新建考试场次"),
                "sitting.update": _("修改考试场次"),
                "sitting.open": _("开放考试场次"),
                "sitting.close": _("关闭考试场次"),
                "invitation.create": _("邀请参加考试"),
                "invitation.withdraw": _("取消考试邀请"),
                "attempt.start": _("开始答卷"),
                "attempt.submit": _("交卷"),
                "attempt.close": _("超时收卷"),
            }
        )
