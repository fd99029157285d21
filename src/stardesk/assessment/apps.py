from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "stardesk.assessment"
    verbose_name = _("日常考核")

    def ready(self):
        # How this app's audit actions read on the audit pages.
        from stardesk.audit.queries import ACTION_LABELS

        ACTION_LABELS.update(
            {
                "rubric.create": _("创建评分细则"),
                "rubric.update": _("修改评分细则"),
                "rubric.new_version": _("新建评分细则版本"),
                "weekly.create": _("录入周考评"),
                "weekly.update": _("修改周考评"),
                "weekly.delete": _("清除周考评"),
                "monitoring.create": _("录入监听录音评分"),
                "monitoring.update": _("修改监听录音评分"),
                "monthly.confirm": _("确认月度得分"),
                "monthly.correct": _("更正月度得分"),
                "register.submit": _("提交登记表"),
                "register.return": _("退回登记表"),
                "register.accept": _("接收登记表"),
            }
        )
