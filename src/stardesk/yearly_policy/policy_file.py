"""P1: the policy file (JSON, UTF-8, keys as in `policy_to_dict`), read with every problem listed.

`policy_from_dict` stops at the first bad value; a supervisor fixing a file
wants them all at once, so each key is read on its own against the defaults,
then the whole policy is checked with `validate_policy`.
"""
import json
from dataclasses import dataclass

from django.utils.translation import gettext as _

from stardesk.policy.errors import PolicyFormatError
from stardesk.policy.yearly import POLICY_FIELDS, YearlyPolicy, policy_from_dict, policy_to_dict, validate_policy

MAX_BYTES = 256 * 1024
KEYS = {pf.key: pf for pf in POLICY_FIELDS}
NAMES = {pf.name: pf for pf in POLICY_FIELDS}


@dataclass(frozen=True)
class FileProblem:
    """One thing wrong with a file: the key it concerns ("" for the whole file) and a Chinese message."""

    key: str
    message: str

    def as_detail(self) -> dict:
        return {"field": self.key or None, "message": self.message}


def policy_json(policy: YearlyPolicy) -> str:
    """The file form: pretty, UTF-8 text (Chinese kept as is), keys in the order of the rulebook."""
    return json.dumps(policy_to_dict(policy), ensure_ascii=False, indent=2) + "\n"


def _decoded(content: bytes | str) -> tuple[object, list[FileProblem]]:
    if isinstance(content, bytes):
        if len(content) > MAX_BYTES:
            return None, [FileProblem("", _("文件过大（最大 256 KB），不是政策文件。"))]
        try:
            content = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            return None, [FileProblem("", _("文件不是 UTF-8 编码的文本，请导入由本系统导出的 JSON 政策文件。"))]
    if not content.strip():
        return None, [FileProblem("", _("文件是空的。"))]
    try:
        return json.loads(content), []
    except json.JSONDecodeError as error:
        return None, [
            FileProblem("", _("不是有效的 JSON：第 %(line)d 行第 %(column)d 列附近有误。")
                        % {"line": error.lineno, "column": error.colno})
        ]


def read_policy_file(content: bytes | str) -> tuple[YearlyPolicy | None, list[FileProblem]]:
    """The policy in `content` and no problems, or None and every problem found."""
    raw, problems = _decoded(content)
    if problems:
        return None, problems
    if not isinstance(raw, dict):
        return None, [FileProblem("", _("政策文件须为一个键值对象（{ … }），每个参数一个键。"))]

    for key in raw:
        if key not in KEYS:
            problems.append(FileProblem(key, _("未知的键「%(key)s」，本系统的政策文件没有这个参数。") % {"key": key}))
    for key, pf in KEYS.items():
        if key not in raw:
            problems.append(FileProblem(key, _("缺少「%(key)s」（%(label)s）。") % {"key": key, "label": pf.label_zh}))

    # Each present key read alone against the defaults, so one bad value does not hide the next.
    defaults = policy_to_dict(YearlyPolicy())
    for key in KEYS:
        if key in raw:
            try:
                policy_from_dict({**defaults, key: raw[key]})
            except PolicyFormatError as error:
                problems.append(FileProblem(key, error.message_zh))
    if problems:
        return None, problems

    policy = policy_from_dict(raw)
    invalid = validate_policy(policy)
    if invalid:
        return None, [FileProblem(NAMES[p.field].key, p.message_zh) for p in invalid]
    return policy, []
