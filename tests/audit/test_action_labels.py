"""Every action the product records reads in words on the audit pages, never as its code."""
import re
from pathlib import Path

import stardesk
from stardesk.audit.queries import ACTION_FAMILIES, ACTION_LABELS, action_label

SOURCE = Path(stardesk.__file__).parent
RECORDED = re.compile(r'action=(f?)"([a-z_]+\.[a-z_{}]+)"')


def recorded_actions() -> set[tuple[bool, str]]:
    found = set()
    for path in SOURCE.rglob("*.py"):
        for is_f, code in RECORDED.findall(path.read_text(encoding="utf-8")):
            found.add((bool(is_f) and "{" in code, code))
    return found


def test_every_recorded_action_has_a_chinese_label():
    import stardesk.urls  # noqa: F401  (every page's module, so every app has added its labels)

    found = recorded_actions()
    assert len(found) > 50  # the scan reads the real source
    unlabelled = []
    for templated, code in sorted(found):
        if templated:
            prefix = code.split("{", 1)[0]
            if prefix not in ACTION_FAMILIES and not any(key.startswith(prefix) for key in ACTION_LABELS):
                unlabelled.append(code)
        elif action_label(code) == code:
            unlabelled.append(code)
    assert unlabelled == []


def test_an_import_reads_with_the_sheets_own_title():
    assert action_label("import.roster") == "导入数据（花名册）"


def test_an_unknown_import_kind_still_names_the_family():
    assert action_label("import.somesheet") == "导入数据（somesheet）"
