"""How the audit pages name the actions of the assessment, committee and award steps.

Imported by every module that records one of them, so the labels are known
wherever the actions can happen.
"""
from django.utils.translation import gettext_lazy as _

from stardesk.audit.queries import ACTION_LABELS

LABELS = {
    "cycle.assessment_invite": _("邀请推荐候选人参加资格考试"),
    "cycle.assessment_cascade": _("逐级补考邀请（评定）"),
    "committee.vote": _("评定委员投票"),
    "committee.decide": _("集中评定逐人评定"),
    "cycle.award": _("授牌"),
}
ACTION_LABELS.update(LABELS)
