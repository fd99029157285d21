from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CycleConfig(AppConfig):
    name = "stardesk.cycle"
    verbose_name = _("星级评定")

    def ready(self):
        # How this app's audit actions read in the audit trail.
        from stardesk.audit.queries import ACTION_LABELS

        ACTION_LABELS.update(
            {
                "cycle.open": _("开始年度评定"),
                "cycle.step": _("评定进入下一步"),
                "cycle.adopt_policy": _("评定采用新版政策"),
                "cycle.recheck": _("重新检查申报资格"),
                "application.submit": _("星级申报"),
                "application.withdraw": _("撤回星级申报"),
                "application.flag": _("班长推荐表现突出"),
                "application.review": _("班长审核申报"),
                "application.correct": _("更正星级申报"),
                "application.recheck": _("申报资格检查结果变化"),
                "application.import": _("导入星级申报"),
                "recommendation.finalise": _("确定推荐名单"),
                "recommendation.correct": _("更正推荐名单"),
            }
        )
