from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PayoutsConfig(AppConfig):
    name = "stardesk.payouts"
    verbose_name = _("月度星级待遇与考核评定")

    def ready(self):
        # How this app's audit actions read on the audit pages.
        from stardesk.audit.queries import ACTION_LABELS

        ACTION_LABELS.update(
            {
                "allowance.compute": _("计算月度星级待遇"),
                "allowance.recompute": _("重新计算月度星级待遇"),
                "allowance.supersede": _("月度星级待遇变更"),
                "low_score.propose": _("持续低分：提出降级"),
                "low_score.confirm": _("持续低分：确认降级"),
                "low_score.reject": _("持续低分：驳回降级"),
                "low_score.withdraw": _("持续低分：撤回提议"),
            }
        )
