"""星级记录 import (S4): keyed by (工号, 工种, 授牌日期); no overlaps; history never overwritten."""
import datetime

import pytest

from stardesk.audit.models import AuditEntry
from stardesk.core.errors import Forbidden
from stardesk.people.models import TitleEndReason, TitleSpell
from stardesk.sheets import services
from tests.factories import TitleSpellFactory
from tests.sheets.conftest import TITLE_HEADERS, csv_bytes, xlsx_bytes

D = datetime.date


def titles(*rows):
    return xlsx_bytes([TITLE_HEADERS, *rows], title="星级记录")


@pytest.fixture
def history(agent_person, colleague):
    """张三 (1001) and 李四 (1002), both on the roster since 2022-03-01."""
    return titles(
        ["1001", 1, "话务员", D(2022, 10, 20), D(2023, 10, 20), "换届"],
        ["1001", "2星", "话务员", "2023/10/20", "2024-10-20", "降级"],
        ["1001", "一星", "话务员", "2024年10月20日", None, None],
        [1002.0, 3, "话务员", D(2023, 10, 20), None, ""],
    )


def test_s4_title_history_imports_with_reasons_and_open_spells(supervisor, history, run_import):
    run = run_import(supervisor, "titles", history, file_name="星级记录.xlsx")
    assert (run.created, run.updated, run.unchanged) == (4, 0, 0)
    spells = list(TitleSpell.objects.filter(person__staff_no="1001").order_by("start").values_list("level", "start", "end", "end_reason"))
    assert spells == [
        (1, D(2022, 10, 20), D(2023, 10, 20), TitleEndReason.RENEWAL),
        (2, D(2023, 10, 20), D(2024, 10, 20), TitleEndReason.LOWERED),
        (1, D(2024, 10, 20), None, ""),
    ]
    assert AuditEntry.objects.filter(action="title.add").count() == 4
    assert AuditEntry.objects.filter(action="import.titles").count() == 1


def test_s4_importing_the_same_history_again_changes_nothing(supervisor, history, run_import):
    run_import(supervisor, "titles", history)
    entries = AuditEntry.objects.count()
    again = run_import(supervisor, "titles", history)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 4)
    assert AuditEntry.objects.count() == entries and TitleSpell.objects.count() == 4


def test_a_staff_no_not_on_the_roster_is_a_bad_row(supervisor, agent_person, foreigner, run_import):
    data = titles(["1001", 1, "话务员", "2023-10-20", "", ""], ["9001", 1, "话务员", "2023-10-20", "", ""], ["7777", 1, "话务员", "2023-10-20", "", ""])
    refusal = run_import(supervisor, "titles", data)
    assert [(e["row"], e["column"]) for e in refusal.details] == [(3, "工号"), (4, "工号")]
    assert "不在本热线的花名册中" in refusal.details[0]["reason"]  # 9001 is another hotline's
    assert not TitleSpell.objects.exists()


def test_s4_spells_of_one_job_type_may_not_overlap_within_the_file(supervisor, agent_person, run_import):
    data = titles(
        ["1001", 1, "话务员", "2022-10-20", "2023-10-21", "换届"],  # ends a day after the next starts
        ["1001", 2, "话务员", "2023-10-20", "", ""],
        ["1001", 1, "质检员", "2023-01-01", "", ""],  # another job type: no overlap
    )
    refusal = run_import(supervisor, "titles", data)
    assert refusal.details == [{"row": 3, "column": "授牌日期", "reason": "与第 2 行的星级记录时间重叠"}]
    assert not TitleSpell.objects.exists()


def test_s4_a_title_ending_on_the_day_the_next_starts_does_not_overlap(supervisor, agent_person, run_import):
    # The end date is exclusive: held on days start <= d < end.
    data = titles(["1001", 1, "话务员", "2022-10-20", "2023-10-20", "换届"], ["1001", 2, "话务员", "2023-10-20", "", ""])
    assert run_import(supervisor, "titles", data).created == 2


def test_s4_spells_may_not_overlap_with_stored_history(supervisor, agent_person, run_import):
    TitleSpellFactory(person=agent_person, level=1, start=D(2023, 10, 20))  # still held
    data = titles(["1001", 2, "话务员", "2024-10-20", "", ""])
    refusal = run_import(supervisor, "titles", data)
    assert refusal.details == [{"row": 2, "column": "授牌日期", "reason": "与已保存的星级记录（2023-10-20–仍持有）时间重叠"}]
    assert TitleSpell.objects.count() == 1


def test_s4_a_held_title_can_be_ended_by_a_later_import(supervisor, agent_person, run_import):
    spell = TitleSpellFactory(person=agent_person, level=1, start=D(2023, 10, 20))
    data = titles(["1001", 1, "话务员", "2023-10-20", "2024-10-20", "换届"], ["1001", 2, "话务员", "2024-10-20", "", ""])
    run = run_import(supervisor, "titles", data)
    assert (run.created, run.updated) == (1, 1)
    spell.refresh_from_db()
    assert (spell.end, spell.end_reason) == (D(2024, 10, 20), TitleEndReason.RENEWAL)
    ended = AuditEntry.objects.get(action="title.end")
    assert ended.changes == {"end": [None, "2024-10-20"], "end_reason": ["", "换届"]}


def test_s4_stored_history_is_never_overwritten(supervisor, agent_person, run_import):
    TitleSpellFactory(person=agent_person, level=1, start=D(2023, 10, 20), end=D(2024, 10, 20), end_reason=TitleEndReason.RENEWAL)
    data = titles(["1001", 2, "话务员", "2023-10-20", "2024-10-20", "换届"])
    refusal = run_import(supervisor, "titles", data)
    assert refusal.details[0]["column"] == "星级" and "不能改写" in refusal.details[0]["reason"]
    assert TitleSpell.objects.get().level == 1


@pytest.mark.parametrize(
    "row, column, words",
    [
        (["1001", 1, "话务员", "2023-10-20", "2024-10-20", ""], "终止原因", "同时填写或同时留空"),  # the empty one is named
        (["1001", 1, "话务员", "2023-10-20", "", "换届"], "终止日期", "同时填写或同时留空"),
        (["1001", 1, "话务员", "2023-10-20", "2023-10-19", "换届"], "终止日期", "早于授牌日期"),
        (["1001", 1, "话务员", "2021-10-20", "", ""], "授牌日期", "早于该人员进入热线日期"),
        (["1001", 4, "话务员", "2023-10-20", "", ""], "星级", "超出范围"),
        (["1001", 1, "话务员", "2023-10-20", "2024-10-20", "调岗"], "终止原因", "不在可选范围内"),
    ],
)
def test_rules_within_a_title_row(supervisor, agent_person, run_import, row, column, words):
    refusal = run_import(supervisor, "titles", titles(row))
    assert [(e["row"], e["column"]) for e in refusal.details] == [(2, column)]
    assert words in refusal.details[0]["reason"]
    assert not TitleSpell.objects.exists()


def test_a_repeated_key_within_the_file_is_a_bad_row(supervisor, agent_person, run_import):
    data = titles(["1001", 1, "话务员", "2023-10-20", "", ""], ["1001", 2, "话务员", "2023-10-20", "", ""])
    refusal = run_import(supervisor, "titles", data)
    assert refusal.details == [{"row": 3, "column": "工号、工种、授牌日期", "reason": "与第 2 行重复（同一工号、工种、授牌日期）"}]


def test_a_title_csv_in_gb18030_imports(supervisor, agent_person, run_import):
    data = csv_bytes([TITLE_HEADERS, ["１００１", "２", "话务员", "2023年10月20日", "", ""]], encoding="gb18030")
    assert run_import(supervisor, "titles", data, file_name="星级.csv").created == 1


@pytest.mark.parametrize("role", ["agent", "leader", "committee"])
def test_only_supervisors_and_group_admins_may_import_titles(users, agent_person, role):
    with pytest.raises(Forbidden):
        services.sheet_import(actor=users[role], kind="titles", source=titles(["1001", 1, "话务员", "2023-10-20", "", ""]), file_name="a.xlsx")
    assert not TitleSpell.objects.exists()
