from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "stardesk.events"
    verbose_name = _("奖惩事件")

    def ready(self):
        from stardesk.audit import queries as audit_queries

        # How this app's audit actions read in the trail.
        audit_queries.ACTION_LABELS.update(
            {
                "event.record": _("记录奖惩事件"),
                "event.update": _("修改奖惩事件"),
                "event.correct": _("更正奖惩事件"),
                "event.evidence_add": _("上传证据"),
                "event.appeal_file": _("提出申诉"),
                "event.appeal_uphold": _("申诉维持原处理"),
                "event.appeal_overturn": _("申诉撤销事件"),
                "event.sanction_confirm": _("确认星级处理"),
                "event.sanction_reject": _("驳回星级处理"),
                "title.sanction": _("星级处理生效"),
            }
        )
