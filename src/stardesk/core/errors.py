"""One domain error type with stable codes and Chinese messages in one place.

Pages show a DomainError as a message, the API as a 400 (403 for
`forbidden`, 404 for `not_found`) with its code.
"""
from django.utils.translation import gettext_lazy as _

MESSAGES = {
    "forbidden": _("您没有权限进行此操作。"),
    "not_found": _("记录不存在或您无权查看。"),
    "invalid": _("输入有误，请检查后重试。"),
    "duplicate_staff_no": _("工号已存在。"),
    "duplicate_team": _("本热线已有同名班组。"),
    "locked": _("记录已锁定，不能修改。"),
    "import_invalid": _("导入文件有错误，未保存任何数据。"),
    "import_unreadable": _("无法读取该文件。"),
    "import_too_large": _("文件过大，请分批导入。"),
    "import_missing_headers": _("文件缺少必需的列。"),
    "policy_frozen": _("该年度政策已冻结，不能修改。"),
    "policy_invalid": _("政策参数有误。"),
    "policy_exists": _("该热线的这个年度已有政策。"),
    "policy_not_first": _("该热线已有年度政策，新年度须沿用最近一个年度的政策创建。"),
    "policy_none_to_copy": _("该热线还没有年度政策，请先按默认值创建第一个年度。"),
    "policy_year_not_after": _("新年度须晚于已有的最近年度。"),
    "policy_unchanged": _("没有修改任何参数，未保存新版本。"),
    "policy_stale": _("该政策已被他人修改，请刷新页面后重新修改。"),
    "policy_reason_required": _("请填写原因。"),
    "policy_already_frozen": _("该年度政策已经冻结。"),
    "policy_import_invalid": _("政策文件有错误，未保存任何内容。"),
    "policy_missing": _("该热线这个年度还没有政策。"),
    "no_hotline": _("请先选择热线。"),
    "event_invalid": _("事件信息有误，请检查后重试。"),
    "event_rows_invalid": _("部分事件有误，未保存任何事件。"),
    "event_person_unknown": _("该工号不在您可以记录的人员中。"),
    "event_person_ambiguous": _("多个热线有相同工号，请从该人员的档案页记录事件。"),
    "event_date_in_future": _("事件日期不能晚于今天。"),
    "event_after_leaving": _("该人员已离职，不能记录离职日及以后的事件。"),
    "event_severity_required": _("违章违纪、重大差错、有理投诉须选择严重程度。"),
    "event_no_handling": _("表扬、公司奖项、先进个人不设严重程度和处理。"),
    "event_supervision_title_only": _("不够级、不合格只能处理为降级或取消星级。"),
    "event_description_required": _("请填写事件说明。"),
    "event_correction_reason_required": _("该事件已有确认或申诉裁决，修改须填写更正理由。"),
    "event_sanction_in_force": _("星级处理已确认生效，不能再更改日期、类别、严重程度或处理。"),
    "event_appealed_category": _("已申诉的事件不能改为违章违纪、重大差错、有理投诉以外的类别。"),
    "event_overturned": _("该事件已因申诉撤销，不能再确认处理。"),
    "evidence_invalid": _("证据文件不符合要求，未保存任何内容。"),
    "evidence_missing": _("请选择要上传的证据文件。"),
    "appeal_not_veto": _("只有违章违纪、重大差错、有理投诉可以申诉。"),
    "appeal_exists": _("该事件已提出过申诉，不能重复申诉。"),
    "appeal_after_decision": _("星级处理已有决定，不能再申诉；如有错误请联系主管更正。"),
    "appeal_reason_required": _("请填写申诉理由。"),
    "appeal_missing": _("该事件没有申诉。"),
    "appeal_decided": _("该申诉已裁决，不能再次裁决。"),
    "appeal_pending": _("该事件的申诉尚未裁决，请先裁决申诉。"),
    "decision_reason_required": _("请填写理由。"),
    "sanction_not_pending": _("该事件没有待确认的星级处理。"),
    "effective_date_invalid": _("生效日期须在事件日期与今天之间。"),
    "title_change_same_day": _("生效日期与授牌日期为同一天，不能当天变更星级，请选择授牌日之后的日期。"),
    "rubric_frozen": _("该版本评分细则已被考评使用并冻结，请创建新版本后再修改。"),
    "rubric_invalid": _("评分细则有误，未保存。"),
    "rubric_stale": _("评分细则已更新，请刷新页面后重新录入。"),
    "week_invalid": _("部分单元格有误，本周考评未保存。请修改标红的单元格后重新保存。"),
    "month_invalid": _("部分人员的月度得分有误，未保存。"),
    "month_incomplete": _("还有人员的月度得分未确认，不能提交登记表。"),
    "register_pending": _("本月登记表已提交，正在等待主管审核，不能修改；如需修改请联系主管退回。"),
    "register_locked": _("本月登记表已接收，得分已锁定；如需修改请由主管进行更正。"),
    "register_transition": _("登记表当前状态下不能进行此操作。"),
    "register_not_locked": _("本月登记表尚未接收，得分由班长修改后重新确认，无需更正。"),
    "monitoring_invalid": _("监听录音评分有误，未保存。"),
    "duplicate_username": _("用户名已存在。"),
    "role_not_allowed": _("您不能授予或管理该角色的账号。"),
    "person_already_linked": _("该人员已关联其他账号。"),
    "own_account": _("不能通过此功能修改自己的账号。"),
    "leader_still_leads": _("该账号仍是班组的班长，请先为班组更换班长。"),
    "question_invalid": _("试题内容有误，未保存。"),
    "question_number_taken": _("题号已存在。"),
    "blueprint_invalid": _("组卷蓝图有误，未保存。"),
    "blueprint_in_use": _("该蓝图已被开放过的考试场次使用，不能更改考试类别。"),
    "blueprint_unfillable": _("题库中的试题不足，无法按此蓝图组卷，未生成试卷。"),
    "sitting_invalid": _("考试场次信息有误，未保存。"),
    "sitting_not_draft": _("场次已开放，除结束时间外不能再修改。"),
    "sitting_transition": _("场次当前状态下不能进行此操作。"),
    "sitting_window_over": _("考试时间窗口已经结束。"),
    "sitting_policy_missing": _("该年度政策尚未建立，无法核对知识与技能的权重（X2）。"),
    "sitting_weights_mismatch": _("试卷中知识与技能的权重与年度政策不符（X2）。"),
    "sitting_not_inviting": _("场次已关闭，不能再邀请或取消邀请。"),
    "invite_not_allowed": _("部分人员不是本热线的在职人员，未邀请任何人。"),
    "invitation_started": _("该人员已开始答卷，不能取消邀请。"),
    "sitting_not_open": _("考试尚未开放或已经关闭。"),
    "sitting_not_yet": _("考试尚未开始。"),
    "paper_missing": _("尚未为您生成试卷，请联系主管。"),
    "attempt_submitted": _("已交卷，不能再修改答案。"),
    "attempt_time_over": _("答题时间已到，答案未保存。"),
    "answer_invalid": _("答案格式有误，未保存。"),
    "audio_invalid": _("录音须为音频文件，且不超过 20 MB。"),
    "grade_invalid": _("评分有误，未保存。"),
    "grade_not_submitted": _("该答卷尚未交卷，不能评分。"),
    "grade_not_manual": _("客观题由系统自动评分，不能人工评分。"),
    "grade_voided": _("该题已作废，不计分，无需评分。"),
    "grade_after_release": _("成绩已公布，评分已锁定；如需更正答案请使用重新评分。"),
    "grade_wrong_rubric": _("该评分方式不适用于这道题。"),
    "results_not_closed": _("场次尚未关闭，不能公布成绩。"),
    "results_released": _("该场次的成绩已经公布。"),
    "results_grading_pending": _("还有答卷未评完，不能公布成绩。"),
    "cascade_invalid": _("不能发出补考邀请。"),
    "regrade_invalid": _("答案更正有误，未做任何更改。"),
    "regrade_sitting_open": _("使用该题的场次仍在进行中，请关闭场次后再更正答案。"),
    "regrade_unchanged": _("更正后的答案与现行答案相同。"),
    "june_no_results": _("该年度还没有已公布的年中综合考试成绩。"),
    "june_not_proposed": _("该调整不是待确认状态。"),
    "june_reason_required": _("驳回须填写理由。"),
    "exam_result_invalid": _("考试成绩有误，未保存。"),
    "cycle_exists": _("该热线这个年度已开始评定。"),
    "cycle_invalid": _("评定信息有误，请检查后重试。"),
    "cycle_policy_frozen": _("该年度政策已冻结（评定已结束），不能再开始该年度的评定。"),
    "cycle_illegal_move": _("评定步骤只能按顺序进入下一步。"),
    "cycle_step_closed": _("评定当前步骤不能进行此操作。"),
    "cycle_policy_current": _("评定已在使用该政策的最新版本。"),
    "application_exists": _("本年度已经申报，每人每年只能申报一个星级。"),
    "application_withdrawn": _("该申报已撤回。"),
    "application_reason_required": _("班长推荐“表现突出”须填写书面推荐理由（E1）。"),
    "application_not_eligible": _("不符合申报条件的申报不能推荐。"),
    "review_reason_required": _("不推荐须填写理由。"),
    "correction_reason_required": _("更正须填写理由。"),
    "correction_unchanged": _("更正内容与原申报相同。"),
    "reviews_pending": _("还有符合条件的申报未经班长审核，不能确定推荐名单。"),
    "quota_exceeded": _("推荐人数超过名额，系统拒绝确定该名单。"),
    "assessment_sitting_invalid": _("请选择本热线本年度的星级资格考试场次。"),
    "assessment_nobody_to_invite": _("没有需要邀请的候选人。"),
    "committee_not_started": _("集中评定尚未开始。"),
    "committee_reason_required": _("每项评定须填写理由（K3）。"),
    "committee_not_qualified": _("评定星级高于资格考试合格的星级（X3）。"),
    "committee_not_eligible": _("不符合该星级的申报条件（E）。"),
    "committee_quota_full": _("该星级名额已满，系统拒绝此项评定（K3）。"),
    "committee_result_mismatch": _("评定结果与逐项评定记录不一致，不能结束集中评定。"),
    "award_done": _("本年度已经授牌。"),
    "award_date_invalid": _("授牌日期有误。"),
    "award_same_day": _("授牌日已有新的星级记录，不能在同一天再授牌。"),
    "award_not_done": _("尚未登记授牌，不能进入总结上报。"),
    "certificate_font_missing": _("未找到证书所用的中文字体。"),
    "supervision_category": _("监督处理只能是不够级或不合格（V1）。"),
    "supervision_reason_required": _("请填写理由。"),
    "supervision_evidence_required": _("请填写证据说明或上传证据文件（V1）。"),
    "supervision_no_title": _("该人员当日未持有星级，无星级可降低或取消。"),
    "bonus_month_invalid": _("月份格式应为 YYYY-MM。"),
    "allowance_month_open": _("该月还没有已接收的登记表，没有可计算的月度星级待遇。"),
    "allowance_policy_missing": _("该年度政策尚未设置，无法计算月度星级待遇（M4）。"),
    "low_score_not_pending": _("该持续低分降级提议已有决定，不能再次决定。"),
    "low_score_reason_required": _("驳回须填写理由。"),
    "low_score_already_applied": _("星级记录中已有该项降级，无需再次确认。"),
    "low_score_title_changed": _("该人员在生效日期持有的星级已与提议不同，请核对星级记录后再决定。"),
    "low_score_stale": _("按现有得分与星级记录，该月已不构成持续低分降级（M6）；请重新计算该月的待遇后再看。"),
}


class DomainError(Exception):
    """A refusal a user can read; `code` is stable for API clients."""

    status = 400

    def __init__(self, code: str, message: str | None = None, *, details=None):
        self.code = code
        self.message = str(message if message is not None else MESSAGES.get(code, MESSAGES["invalid"]))
        self.details = details or []
        super().__init__(self.message)


class Forbidden(DomainError):
    status = 403

    def __init__(self, message: str | None = None):
        super().__init__("forbidden", message)


class NotFound(DomainError):
    status = 404

    def __init__(self, message: str | None = None):
        super().__init__("not_found", message)
