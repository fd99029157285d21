"""How the audit pages name the actions of grading, results, regrading and the June ranking.

Imported by every module that records one of them, so the labels are known
wherever the actions can happen.
"""
from django.utils.translation import gettext_lazy as _

from stardesk.audit.queries import ACTION_LABELS

LABELS = {
    "grade.record": _("阅卷评分"),
    "grade.skills": _("技能评分"),
    "grading.anonymity": _("设置匿名阅卷"),
    "sitting.release": _("公布成绩"),
    "result.release": _("成绩公布"),
    "result.regrade": _("重新评分改变成绩"),
    "result.import": _("导入考试成绩"),
    "result.update": _("更正线下成绩"),
    "invitation.cascade": _("逐级补考邀请"),
    "regrade.commit": _("执行重新评分"),
    "regrade.dry_run": _("重新评分试算"),
    "grade.correct": _("成绩公布后更正评分"),
    "june.compute": _("计算年中综合考试排名"),
    "june.confirm": _("确认年中调整"),
    "june.reject": _("驳回年中调整"),
}
ACTION_LABELS.update(LABELS)
