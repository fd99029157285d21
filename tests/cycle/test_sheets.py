"""The cycle's sheets of workbook.md: 星级申报 in (all or nothing), 申报资格 and 推荐名单 out (exact headers, 依据)."""
import csv
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from stardesk.audit.models import AuditEntry
from stardesk.core.errors import Forbidden
from stardesk.cycle import services
from stardesk.cycle.models import Application, ApplicationSource, Step
from stardesk.sheets.models import ImportRun
from stardesk.sheets.services import ImportRefused, sheet_import
from tests.cycle.conftest import D, apply, everyone_confirmed, person, scores

ELIGIBILITY_HEADERS = ["工号", "姓名", "申报星级", "是否符合", "原因"]
RECOMMENDATION_HEADERS = ["工号", "姓名", "推荐星级", "排序", "初审评定", "依据"]


def sheet(rows):
    return ("\n".join(",".join(r) for r in rows) + "\n").encode("utf-8-sig")


def read_csv(content: bytes):
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def read_xlsx(content: bytes):
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [list(row) for row in book.active.iter_rows(values_only=True)]


@pytest.fixture
def roster(team):
    return {no: person(team, no, start=start) for no, start in
            (("5001", D(2020, 1, 1)), ("5002", D(2026, 2, 1)), ("5003", D(2019, 6, 1)), ("5004", D(2021, 8, 1)))}


# --- 星级申报 import ------------------------------------------------------------------------------------


def test_import_of_applications_checks_each_at_once(cycle, supervisor, roster):
    run = sheet_import(actor=supervisor, kind="applications", file_name="星级申报.csv", source=sheet([
        ["工号", "年度", "申报星级", "班长推荐", "推荐理由"],
        ["5001", "2026", "1", "", ""],
        ["5002", "2026年", "一星", "是", "连续半年零差错"],
        ["5003", "2026", "2星", "否", ""],
    ]))
    assert (run.created, run.updated, run.unchanged) == (3, 0, 0)
    got = {a.person.staff_no: a for a in Application.objects.filter(cycle=cycle).select_related("person")}
    assert got["5001"].eligible and got["5001"].source == ApplicationSource.IMPORT
    assert got["5002"].eligible and got["5002"].leader_exception  # E1 by the leader's flag in the sheet
    assert not got["5003"].eligible and got["5003"].level == 2
    assert AuditEntry.objects.filter(action="application.import").count() == 3


def test_import_again_changes_nothing_and_a_changed_level_updates(cycle, supervisor, roster):
    rows = [["工号", "年度", "申报星级", "班长推荐", "推荐理由"], ["5001", "2026", "1", "否", ""]]
    sheet_import(actor=supervisor, kind="applications", file_name="a.csv", source=sheet(rows))
    audits = AuditEntry.objects.count()
    again = sheet_import(actor=supervisor, kind="applications", file_name="a.csv", source=sheet(rows))
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1) and AuditEntry.objects.count() == audits
    changed = sheet_import(actor=supervisor, kind="applications", file_name="b.csv",
                           source=sheet([rows[0], ["5001", "2026", "2", "否", ""]]))
    assert changed.updated == 1
    application = Application.objects.get(cycle=cycle)
    assert application.level == 2 and not application.eligible


def test_import_is_all_or_nothing_with_every_bad_row(cycle, supervisor, roster):
    with pytest.raises(ImportRefused) as refused:
        sheet_import(actor=supervisor, kind="applications", file_name="坏表.csv", source=sheet([
            ["工号", "年度", "申报星级", "班长推荐", "推荐理由"],
            ["5001", "2026", "1", "", ""],            # good
            ["9999", "2026", "1", "", ""],            # not on the roster
            ["5002", "2025", "1", "", ""],            # no 2025 cycle
            ["5003", "2026", "4", "", ""],            # no such level
            ["5004", "2026", "1", "是", ""],          # E1 flag without a reason
            ["5001", "2026", "2", "", ""],            # the same person twice
        ]))
    problems = {(e["row"], e["column"]) for e in refused.value.details}
    assert problems == {(3, "工号"), (4, "年度"), (5, "申报星级"), (6, "推荐理由"), (7, "工号、年度")}
    assert not Application.objects.exists()
    assert ImportRun.objects.get().status == "refused"


def test_import_only_while_the_cycle_takes_applications(cycle, supervisor, roster):
    services.cycle_transition(actor=supervisor, cycle=cycle, to=Step.LEADER_CHECK)
    with pytest.raises(ImportRefused) as refused:
        sheet_import(actor=supervisor, kind="applications", file_name="晚了.csv", source=sheet([
            ["工号", "年度", "申报星级"], ["5001", "2026", "1"]]))
    assert "不再接受申报" in refused.value.details[0]["reason"]
    assert not Application.objects.exists()


@pytest.mark.parametrize("role", ["leader", "agent", "committee"])
def test_import_of_applications_is_the_supervisors(cycle, users, roster, role):
    with pytest.raises(Forbidden):
        sheet_import(actor=users[role], kind="applications", file_name="a.csv",
                     source=sheet([["工号", "年度", "申报星级"], ["5001", "2026", "1"]]))
    assert not Application.objects.exists()


def test_import_template_has_the_exact_headers(client, supervisor, cycle):
    client.force_login(supervisor)
    content = client.get(reverse("sheets:template", args=["applications", "csv"])).content
    assert read_csv(content)[0] == ["工号", "年度", "申报星级", "班长推荐", "推荐理由"]


# --- 申报资格 and 推荐名单 exports ----------------------------------------------------------------------


@pytest.fixture
def finalised(cycle, supervisor, leader, roster):
    scores(roster["5001"], {"2026-09": "96.5", "2026-08": "95"})
    apply(cycle, leader, roster["5001"], 1)
    apply(cycle, leader, roster["5002"], 1)  # under a year, no flag: E1 fails
    apply(cycle, leader, roster["5003"], 1)
    services.cycle_transition(actor=supervisor, cycle=cycle, to=Step.LEADER_CHECK)
    everyone_confirmed(cycle, leader)
    return services.cycle_transition(actor=supervisor, cycle=cycle, to=Step.ASSESSMENT)


def test_eligibility_export_has_exact_headers_and_the_reasons(finalised, client, supervisor):
    client.force_login(supervisor)
    response = client.get(reverse("cycle:export", args=[2026, "eligibility", "csv"]))
    rows = read_csv(b"".join(response.streaming_content))
    assert rows[0] == ELIGIBILITY_HEADERS
    by_no = {r[0]: r for r in rows[1:]}
    assert by_no["5002"][2:4] == ["1", "否"] and by_no["5002"][4] == "E1: 入职服务热线 8 个月，不足一年"
    assert by_no["5001"][3] == "是" and by_no["5001"][4].startswith("E8: 基准日在职；E6: ")


def test_recommendation_export_has_exact_headers_order_rating_and_basis(finalised, client, supervisor):
    client.force_login(supervisor)
    response = client.get(reverse("cycle:export", args=[2026, "recommendation", "xlsx"]))
    assert response["Content-Disposition"].startswith("attachment")
    rows = read_xlsx(b"".join(response.streaming_content))
    assert rows[0] == RECOMMENDATION_HEADERS
    # N = 4 → 1-star quota 1 (30% of 4 = 1.2): 5001 (rated 95.75) first; 5003 is not on the list
    assert rows[1][:5] == ["5001", roster_name("5001"), 1, 1, 95.75]
    assert rows[1][5] == ("M7: 初审评定（2026-04至2026-09）2 个月有分，均分 95.75；"
                          "Q3: 1星推荐第 1 位（名额 1 人），初审评定 95.75")
    assert len(rows) == 2


def roster_name(staff_no):
    return f"客服{staff_no}"


def test_exports_by_command_have_the_same_headers(finalised, tmp_path):
    target = tmp_path / "推荐名单.csv"
    call_command("cycle_export", "recommendation", "--hotline", "main", "--year", "2026", "-o", str(target))
    assert read_csv(target.read_bytes())[0] == RECOMMENDATION_HEADERS
    other = tmp_path / "申报资格.xlsx"
    call_command("cycle_export", "eligibility", "--hotline", "main", "--year", "2026", "-o", str(other), "--actor", "supervisor")
    rows = read_xlsx(other.read_bytes())
    assert rows[0] == ELIGIBILITY_HEADERS and len(rows) == 4


def test_export_command_checks_the_actor(finalised, tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("cycle_export", "eligibility", "--hotline", "main", "--year", "2026", "-o", str(tmp_path / "x.csv"),
                     "--actor", "leader")
    assert not (tmp_path / "x.csv").exists()


def test_exports_are_not_for_leaders_or_agents(finalised, client, leader, agent):
    for user in (leader, agent):
        client.force_login(user)
        assert client.get(reverse("cycle:export", args=[2026, "eligibility", "csv"])).status_code == 403
