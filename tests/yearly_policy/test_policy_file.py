"""P1 policy files: export, import all or nothing with every problem listed, and the two commands."""
import json
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from stardesk.audit.models import AuditEntry
from stardesk.core.errors import DomainError
from stardesk.policy.yearly import POLICY_FIELDS, YearlyPolicy, policy_to_dict
from stardesk.yearly_policy import services
from stardesk.yearly_policy.models import CyclePolicy, CyclePolicyRevision, RevisionSource
from stardesk.yearly_policy.policy_file import read_policy_file


def _without_version(data: dict) -> dict:
    return {k: v for k, v in data.items() if k != "P2_version"}


def _nothing_saved():
    return (CyclePolicy.objects.count(), CyclePolicyRevision.objects.count(), AuditEntry.objects.count(),
            list(CyclePolicy.objects.values_list("revision", "data")))


def test_p1_export_is_pretty_utf8_json_with_the_keys_of_the_file_form(policy_2026, supervisor):
    text = services.policy_export(actor=supervisor, policy=policy_2026)
    data = json.loads(text)
    assert list(data) == [pf.key for pf in POLICY_FIELDS]
    assert data["Q1_ratio_level2"] == "0.30" and data["P2_version"] == "2026 第1版"
    assert '\n  "Q1_ratio_level1": "0.30",\n' in text  # indented, one key a line
    assert '"C4_quota_rounding": "四舍五入"' in text  # Chinese as is, not \\u escapes


def test_p1_import_export_round_trip(policy_2026, hotline, supervisor):
    # given: 2026 with some changed values
    services.policy_update(actor=supervisor, policy=policy_2026, reason="调整", values={
        "q1_ratio_level2": Decimal("0.35"), "a2_first_time_only": True, "r1_deadline_day": 7,
    })
    exported = services.policy_export(actor=supervisor, policy=policy_2026)
    # when: the file is imported as a new year
    created = services.policy_import(actor=supervisor, hotline=hotline, year=2027, content=exported.encode("utf-8"),
                                     reason="沿用 2026 年文件")
    # then: every value is the same; only the version name is the new year's
    assert _without_version(created.data) == _without_version(json.loads(exported))
    assert created.version == "2027 第1版" and created.revisions.get().source == RevisionSource.IMPORTED
    assert json.loads(services.policy_export(actor=supervisor, policy=created))["P2_version"] == "2027 第1版"
    # and importing the same file into 2026 changes nothing there
    with pytest.raises(DomainError) as same:
        services.policy_import(actor=supervisor, hotline=hotline, year=2026, content=exported, reason="重复导入")
    assert same.value.code == "policy_unchanged"


def test_p1_import_into_an_open_year_is_a_new_revision(policy_2026, hotline, supervisor):
    data = policy_to_dict(YearlyPolicy())
    data["Q1_ratio_level3"] = "0.15"
    record = services.policy_import(actor=supervisor, hotline=hotline, year=2026, content=json.dumps(data), reason="委员会文件")
    assert record.version == "2026 第2版"
    assert record.revisions.get(number=2).changes == {"Q1_ratio_level3": ["0.10", "0.15"]}
    assert AuditEntry.objects.filter(action="policy.import").count() == 1


def test_p1_import_of_a_bad_file_changes_nothing_and_lists_every_problem(policy_2026, hotline, supervisor):
    data = policy_to_dict(YearlyPolicy())
    data["Q1_bonus_ratio"] = "0.2"  # unknown key
    del data["R1_deadline_day"]  # missing key
    data["Q1_ratio_level1"] = 0.3  # a float, not a decimal string
    data["X2_pass_mark_level2"] = "八十五"  # not a number
    data["E7_gate_enabled"] = "yes"  # not true / false
    data["C4_quota_rounding"] = "进一"  # not a choice
    before = _nothing_saved()
    with pytest.raises(DomainError) as refused:
        services.policy_import(actor=supervisor, hotline=hotline, year=2026, content=json.dumps(data), reason="导入")
    assert refused.value.code == "policy_import_invalid"
    keys = [d["field"] for d in refused.value.details]
    assert sorted(keys) == sorted(["Q1_bonus_ratio", "R1_deadline_day", "Q1_ratio_level1", "X2_pass_mark_level2",
                                   "E7_gate_enabled", "C4_quota_rounding"])
    messages = " ".join(d["message"] for d in refused.value.details)
    assert "未知的键" in messages and "缺少" in messages and "四舍五入" in messages
    assert _nothing_saved() == before


def test_p1_import_of_values_the_rules_refuse_lists_each_of_them(policy_2026, hotline, supervisor):
    data = policy_to_dict(YearlyPolicy())
    data["Q1_ratio_level2"] = "1.2"  # 120%
    data["X5_weight_exam"] = "0.5"  # weights add up to 110%
    data["M6_total_months"] = 2  # fewer than the 3 consecutive months
    before = _nothing_saved()
    with pytest.raises(DomainError) as refused:
        services.policy_import(actor=supervisor, hotline=hotline, year=2026, content=json.dumps(data), reason="导入")
    keys = {d["field"] for d in refused.value.details}
    assert {"Q1_ratio_level2", "X5_weight_exam", "M6_consecutive_months"} <= keys
    assert _nothing_saved() == before


@pytest.mark.parametrize("content, expected", [
    (b"", "空"),
    (b"\xff\xfe\x00garbage", "UTF-8"),
    ('{"Q1_ratio_level1": "0.30",', "JSON"),
    ("[1, 2, 3]", "键值对象"),
])
def test_p1_a_file_that_is_not_a_policy_is_refused_in_chinese(content, expected):
    policy, problems = read_policy_file(content)
    assert policy is None and len(problems) == 1 and expected in problems[0].message


def test_p1_the_file_may_start_with_a_byte_order_mark():
    text = json.dumps(policy_to_dict(YearlyPolicy()))
    policy, problems = read_policy_file(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert problems == [] and policy == YearlyPolicy()


def test_policy_export_command_writes_the_file(policy_2026, tmp_path, capsys):
    target = tmp_path / "政策.json"
    call_command("policy_export", "--hotline", "main", "--year", "2026", "--output", str(target))
    assert json.loads(target.read_text(encoding="utf-8"))["P2_version"] == "2026 第1版"
    assert "已导出" in capsys.readouterr().out
    call_command("policy_export", "--hotline", "main", "--year", "2026")
    assert json.loads(capsys.readouterr().out)["Q1_ratio_level1"] == "0.30"


def test_policy_import_command_imports_as_the_named_account(policy_2026, supervisor, tmp_path):
    data = policy_to_dict(YearlyPolicy())
    data["M4_base_level2"] = "220"
    source = tmp_path / "policy.json"
    source.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    call_command("policy_import", str(source), "--hotline", "main", "--year", "2026", "--actor", "supervisor")
    policy_2026.refresh_from_db()
    assert policy_2026.version == "2026 第2版" and policy_2026.data["M4_base_level2"] == "220"
    revision = policy_2026.revisions.get(number=2)
    assert revision.author == supervisor and revision.reason == "从文件 policy.json 导入"


def test_policy_import_command_refuses_a_bad_file_and_changes_nothing(policy_2026, tmp_path, capsys):
    data = policy_to_dict(YearlyPolicy())
    data["Q1_ratio_level1"] = "abc"
    data["extra"] = 1
    source = tmp_path / "bad.json"
    source.write_text(json.dumps(data), encoding="utf-8")
    before = _nothing_saved()
    with pytest.raises(CommandError, match="政策文件有错误"):
        call_command("policy_import", str(source), "--hotline", "main", "--year", "2026")
    err = capsys.readouterr().err
    assert "Q1 一星名额比例（占在岗总人数）" in err and "extra" in err
    assert _nothing_saved() == before


def test_policy_import_command_refuses_a_frozen_year(closed_2025, tmp_path):
    source = tmp_path / "p.json"
    source.write_text(json.dumps(policy_to_dict(YearlyPolicy())), encoding="utf-8")
    with pytest.raises(CommandError, match="已冻结"):
        call_command("policy_import", str(source), "--hotline", "main", "--year", "2025")


def test_policy_import_command_refuses_an_account_without_the_right(policy_2026, leader, tmp_path):
    source = tmp_path / "p.json"
    source.write_text(json.dumps(policy_to_dict(YearlyPolicy())), encoding="utf-8")
    with pytest.raises(CommandError, match="没有权限"):
        call_command("policy_import", str(source), "--hotline", "main", "--year", "2026", "--actor", "leader")
