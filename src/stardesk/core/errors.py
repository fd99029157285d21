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
    "policy_frozen": _("该年度政策已冻结，不能修改。"),
    "policy_invalid": _("政策参数有误。"),
    "no_hotline": _("请先选择热线。"),
    "duplicate_username": _("用户名已存在。"),
    "role_not_allowed": _("您不能授予或管理该角色的账号。"),
    "person_already_linked": _("该人员已关联其他账号。"),
    "own_account": _("不能通过此功能修改自己的账号。"),
    "leader_still_leads": _("该账号仍是班组的班长，请先为班组更换班长。"),
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
