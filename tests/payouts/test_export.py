"""The 月度星级待遇 export (workbook.md): exact headers, one row per line in force, pending lines read 待定,
as .xlsx and .csv from the page and from the command; a leader's sheet holds their team only."""
import csv
import io
from decimal import Decimal as D

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from tests.factories import PersonFactory
from tests.payouts.conftest import close_month, hold

pytestmark = pytest.mark.django_db

HEADERS = ["工号", "姓名", "班组", "星级", "月度得分", "系数", "金额", "依据"]


@pytest.fixture
def march_lines(hotline, leader, other_leader, supervisor, team, other_team, agent_person, colleague, stranger, march):
    hold(agent_person, 2)
    hold(colleague, 3)
    hold(stranger, 1)
    loner = PersonFactory(team=None, hotline=hotline, staff_no="1009", name="赵九")
    hold(loner, 1)
    close_month(leader, supervisor, team, march, {agent_person: "90.5", colleague: "95"})
    close_month(other_leader, supervisor, other_team, march, {stranger: "80"})
    return march


def read_xlsx(content: bytes) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


def read_csv(content: bytes) -> list[list]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def test_m4_export_headers_and_rows_xlsx(client, supervisor, march_lines):
    client.force_login(supervisor)
    response = client.get(reverse("payouts:export", args=["2025-03", "xlsx"]))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    rows = read_xlsx(b"".join(response.streaming_content))
    assert rows[0] == HEADERS
    by_no = {row[0]: row for row in rows[1:]}
    assert by_no["1001"] == ["1001", "张三", "一班", 2, 90.5, "90.5%", 181, "M4: 90.5分, 2星基数200元 × 90.5% = 181.00元"]
    assert by_no["1002"][3:7] == [3, 95, "100%", 300]
    assert by_no["2001"][2:7] == ["二班", 1, 80, "0%", 0]  # 1 star below 85: B(0)
    assert by_no["1009"][2:7] == [None, 1, None, None, "待定"]
    assert len(rows) == 5


def test_m4_export_csv_is_the_same_sheet(client, supervisor, march_lines):
    client.force_login(supervisor)
    response = client.get(reverse("payouts:export", args=["2025-03", "csv"]))
    rows = read_csv(b"".join(response.streaming_content))
    assert rows[0] == HEADERS
    assert ["1001", "张三", "一班", "2", "90.5", "90.5%", "181.00", "M4: 90.5分, 2星基数200元 × 90.5% = 181.00元"] in rows
    assert ["1009", "赵九", "", "1", "", "", "待定", "M4: 1星，2025-03 月度得分未确认，待定"] in rows


def test_export_of_one_team_and_a_leaders_export_hold_only_that_team(client, supervisor, leader, team, march_lines):
    client.force_login(supervisor)
    rows = read_csv(b"".join(client.get(reverse("payouts:export", args=["2025-03", "csv"]), {"team": team.pk}).streaming_content))
    assert sorted(row[0] for row in rows[1:]) == ["1001", "1002"]
    client.force_login(leader)
    rows = read_csv(b"".join(client.get(reverse("payouts:export", args=["2025-03", "csv"])).streaming_content))
    assert sorted(row[0] for row in rows[1:]) == ["1001", "1002"]


def test_agents_do_not_export(client, agent, march_lines):
    client.force_login(agent)
    assert client.get(reverse("payouts:export", args=["2025-03", "xlsx"])).status_code == 403


def test_allowance_export_command_writes_the_sheet(tmp_path, hotline, march_lines):
    target = tmp_path / "待遇.csv"
    out = io.StringIO()
    call_command("allowance_export", "--hotline", "main", "--month", "2025-03", "-o", str(target), stdout=out)
    rows = read_csv(target.read_bytes())
    assert rows[0] == HEADERS and len(rows) == 5
    assert "4 行" in out.getvalue()
    xlsx = tmp_path / "待遇.xlsx"
    call_command("allowance_export", "--hotline", "main", "--month", "2025-03", "--team", "二班", "-o", str(xlsx), stdout=io.StringIO())
    assert [row[0] for row in read_xlsx(xlsx.read_bytes())[1:]] == ["2001"]
    with pytest.raises(CommandError, match="月份「2025-3x」无效"):
        call_command("allowance_export", "--hotline", "main", "--month", "2025-3x", "-o", str(xlsx))


def test_c3_export_amounts_are_decimals_to_the_cent(client, supervisor, march_lines):
    from stardesk.payouts import allowance_export
    from stardesk.payouts.models import AllowanceLine

    line = AllowanceLine.objects.select_related("person", "team").get(person__staff_no="1001")
    assert allowance_export.line_row(line)[6] == D("181.00")
