#!/usr/bin/env python3
"""Which rule of policy.md is named by which test.

Usage: python scripts/rule_coverage.py [PATH/TO/policy.md] [--tests DIR]

The rule ids and titles come from ``src/stardesk/policy/rulebook.py``
(``RULES``). If the policy file is present (default ``../shared/policy.md``
from the repository root) its ids are compared with that list and any
difference is reported. Tests are found under ``tests/`` as functions named
``test_<id lowercased>_…`` (``--tests tests/policy`` to look at one
folder only). Exit status 1 when a rule has no test (or the
list and the file disagree).
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEST_DEF = re.compile(r"^\s*(?:async\s+)?def\s+(test_([a-z]\d+)_\w*)\s*\(", re.MULTILINE)


def load_rulebook():
    # Loaded by path so that no other part of the project (nor Django) is imported.
    path = ROOT / "src" / "stardesk" / "policy" / "rulebook.py"
    spec = importlib.util.spec_from_file_location("stardesk_policy_rulebook", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def tests_by_rule(tests_dir: Path) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in sorted(tests_dir.rglob("test_*.py")):
        rel = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
        for name, rule in TEST_DEF.findall(path.read_text(encoding="utf-8")):
            found.setdefault(rule.upper(), []).append(f"{rel}::{name}")
    return found


def width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, to: int) -> str:
    return text + " " * (to - width(text))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("policy", nargs="?", default=str((ROOT / ".." / "shared" / "policy.md").resolve()))
    parser.add_argument("--tests", default=str(ROOT / "tests"), help="folder of tests to scan (default tests/)")
    args = parser.parse_args(argv[1:])
    rulebook = load_rulebook()
    rules: dict[str, str] = rulebook.RULES
    policy_path = Path(args.policy)
    status = 0
    if policy_path.is_file():
        ids = rulebook.rule_ids_in(policy_path.read_text(encoding="utf-8"))
        only_file = [i for i in ids if i not in rules]
        only_list = [i for i in rules if i not in ids]
        if only_file or only_list:
            status = 1
            print(f"规则清单与 {policy_path} 不一致：文件独有 {only_file}，清单独有 {only_list}")
    else:
        print(f"({policy_path} 不存在，使用 rulebook.py 中的规则清单)")

    found = tests_by_rule(Path(args.tests).resolve())
    title_width = max(width(t) for t in rules.values())
    print(f"{'rule':<5} {pad('title', title_width)} {'tests':>5}  names")
    missing = []
    for rule, title in rules.items():
        names = found.get(rule, [])
        if not names:
            missing.append(rule)
        shown = ", ".join(n.split("::")[1] for n in names[:3]) + (f" …(+{len(names) - 3})" if len(names) > 3 else "")
        print(f"{rule:<5} {pad(title, title_width)} {len(names):>5}  {shown}")
    unknown = sorted(set(found) - set(rules))
    total = sum(len(v) for k, v in found.items() if k in rules)
    print(f"\n{len(rules) - len(missing)}/{len(rules)} rules named by tests, {total} rule-named tests")
    if unknown:
        print(f"tests naming ids not in the rulebook: {unknown}")
    if missing:
        print(f"rules without a test: {', '.join(missing)}")
        status = 1
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
