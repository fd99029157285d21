from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class YearlyPolicyConfig(AppConfig):
    name = "stardesk.yearly_policy"
    verbose_name = _("年度政策")

    def ready(self):
        # How this app's audit actions read in the audit trail.
        from stardesk.audit.queries import ACTION_LABELS

        ACTION_LABELS.update({
            "policy.create": _("创建年度政策"),
            "policy.update": _("修改年度政策"),
            "policy.import": _("导入年度政策"),
            "policy.freeze": _("冻结年度政策"),
        })
