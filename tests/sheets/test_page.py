"""The import page /imports/: who may use it, what an upload shows, and never a 500."""
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from stardesk.people.models import Person
from stardesk.sheets.models import ImportRun, ImportStatus
from tests.sheets.conftest import ROSTER_HEADERS, roster_file, roster_row, xlsx_bytes

INDEX = reverse("sheets:index")
UPLOAD = reverse("sheets:upload", args=["roster"])


def upload(client, data, name="花名册.xlsx", **extra):
    return client.post(UPLOAD, {"roster-file": SimpleUploadedFile(name, data), **extra})


@pytest.fixture
def as_supervisor(client, supervisor):
    client.force_login(supervisor)
    return client


# --- permissions, as a table ---------------------------------------------------

@pytest.mark.parametrize(
    "role, expected",
    [("agent", 403), ("leader", 403), ("committee", 403), ("supervisor", 200), ("admin", 200)],
)
def test_who_may_open_the_page(client, users, role, expected):
    client.force_login(users[role])
    assert client.get(INDEX).status_code == expected


@pytest.mark.parametrize("role", ["agent", "leader", "committee"])
@pytest.mark.parametrize(
    "url, method",
    [
        (UPLOAD, "post"),
        (reverse("sheets:upload", args=["titles"]), "post"),
        (reverse("sheets:template", args=["roster", "xlsx"]), "get"),
        (reverse("sheets:export", args=["roster"]) + "?fmt=csv", "get"),
    ],
)
def test_others_are_refused_everywhere_and_nothing_changes(client, users, role, url, method):
    client.force_login(users[role])
    data = {"roster-file": SimpleUploadedFile("a.xlsx", roster_file(2)), "titles-file": SimpleUploadedFile("a.xlsx", roster_file(2))}
    response = getattr(client, method)(url, data) if method == "post" else client.get(url)
    assert response.status_code == 403
    assert not Person.objects.filter(staff_no__startswith="300").exists() and not ImportRun.objects.exists()


def test_anonymous_users_are_sent_to_log_in(client):
    response = client.get(INDEX)
    assert response.status_code == 302 and reverse("login") in response["Location"]


# --- the page --------------------------------------------------------------------

def test_the_page_lists_each_sheet_with_its_templates_and_an_upload_form(as_supervisor):
    page = as_supervisor.get(INDEX).content.decode()
    for kind, title in (("roster", "花名册"), ("titles", "星级记录")):
        assert title in page
        assert reverse("sheets:template", args=[kind, "xlsx"]) in page
        assert reverse("sheets:template", args=[kind, "csv"]) in page
        assert reverse("sheets:upload", args=[kind]) in page
    assert 'name="roster-hotline"' not in page  # a supervisor imports into their own hotline


def test_a_good_file_shows_the_summary(as_supervisor, team):
    response = upload(as_supervisor, roster_file(12))
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-status="ok"' in page and "花名册导入完成" in page
    assert '<strong data-testid="created">12</strong>' in page
    assert Person.objects.count() == 12


def test_bad_rows_show_the_full_error_table_and_nothing_is_saved(as_supervisor, team):
    data = roster_file(30, bad={3: {"用工性质": "合同工"}, 20: {"进入热线日期": "2021-02-30"}})
    response = upload(as_supervisor, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-status="refused"' in page and "未保存任何数据" in page
    assert "「合同工」不在可选范围内" in page and "「2021-02-30」不是存在的日期" in page
    assert '<td class="text-end font-monospace pe-3">5</td><td>用工性质</td>' in page
    assert '<td class="text-end font-monospace pe-3">22</td><td>进入热线日期</td>' in page
    assert not Person.objects.exists()


@pytest.mark.parametrize(
    "data, name, words",
    [
        (b"%PDF-1.4 not a sheet", "花名册.xlsx", "PDF"),
        (b"\x89PNG\r\n\x1a\n....", "花名册.xlsx", "PNG"),
        (b"PK\x03\x04 not really a zip", "花名册.xlsx", "损坏"),
        (b"hello", "花名册.docx", "只能导入 .xlsx 或 .csv"),
        (xlsx_bytes([["姓名"], ["张三"]]), "花名册.xlsx", "缺少必需的列"),
    ],
)
def test_not_a_spreadsheet_gives_a_message_never_a_500(as_supervisor, data, name, words):
    response = upload(as_supervisor, data, name=name)
    assert response.status_code == 200
    page = response.content.decode()
    assert words in page and 'data-status="refused"' in page
    assert ImportRun.objects.get().status == ImportStatus.REFUSED


def test_an_empty_upload_is_a_form_error(as_supervisor):
    response = upload(as_supervisor, b"")
    assert response.status_code == 200 and "文件是空的" in response.content.decode()


def test_a_file_over_the_limit_gives_a_message(as_supervisor, settings):
    settings.STARDESK_IMPORT_MAX_BYTES = 2048
    response = upload(as_supervisor, roster_file(200))
    assert response.status_code == 200
    assert "文件超过" in response.content.decode() and not Person.objects.exists()


def test_a_group_admin_picks_the_hotline(client, admin_user, hotline, other_hotline):
    client.force_login(admin_user)
    assert 'name="roster-hotline"' in client.get(INDEX).content.decode()
    response = upload(client, roster_file(3), **{"roster-hotline": other_hotline.pk})
    assert response.status_code == 200 and 'data-status="ok"' in response.content.decode()
    assert Person.objects.filter(hotline=other_hotline).count() == 3


def test_runs_are_listed_with_a_detail_page_and_downloadable_errors(as_supervisor, team):
    upload(as_supervisor, roster_file(5, bad={1: {"状态": "在岗"}}))
    run = ImportRun.objects.get()
    page = as_supervisor.get(INDEX).content.decode()
    assert reverse("sheets:run", args=[run.pk]) in page
    detail = as_supervisor.get(reverse("sheets:run", args=[run.pk])).content.decode()
    assert "「在岗」不在可选范围内" in detail
    response = as_supervisor.get(reverse("sheets:run_errors", args=[run.pk, "xlsx"]))
    rows = list(openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0].values)
    assert rows[0] == ("行", "列", "原因") and rows[1][:2] == (3, "状态")


def test_another_hotlines_runs_are_not_visible(client, supervisor, admin_user, other_hotline):
    client.force_login(admin_user)
    upload(client, roster_file(2), **{"roster-hotline": other_hotline.pk})
    run = ImportRun.objects.get()
    client.force_login(supervisor)
    assert client.get(reverse("sheets:run", args=[run.pk])).status_code == 404
    assert reverse("sheets:run", args=[run.pk]) not in client.get(INDEX).content.decode()


def test_the_runs_list_is_paginated_with_constant_queries(as_supervisor, supervisor, django_assert_max_num_queries):
    ImportRun.objects.bulk_create(
        [ImportRun(actor=supervisor, actor_name="陈主管", hotline=supervisor.hotline, kind="roster", file_name=f"{i}.xlsx", status="ok") for i in range(45)]
    )
    with django_assert_max_num_queries(12):
        page = as_supervisor.get(INDEX).content.decode()
    assert "共 45 条" in page and page.count(">详情</a>") == 20
    with django_assert_max_num_queries(12):
        refused = as_supervisor.get(INDEX + "?status=refused").content.decode()
    assert "还没有导入记录" in refused


def test_templates_download_with_exact_headers(as_supervisor):
    response = as_supervisor.get(reverse("sheets:template", args=["roster", "xlsx"]))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [c.value for c in sheet[1]] == ROSTER_HEADERS
    csv_response = as_supervisor.get(reverse("sheets:template", args=["roster", "csv"]))
    assert csv_response.content.decode("utf-8-sig").strip() == ",".join(ROSTER_HEADERS)


def test_the_roster_export_downloads_and_reimports_unchanged(as_supervisor, agent_person, colleague):
    response = as_supervisor.get(reverse("sheets:export", args=["roster"]) + "?fmt=xlsx")
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    result = upload(as_supervisor, data).content.decode()
    assert '<strong data-testid="unchanged">2</strong>' in result and '<strong data-testid="created">0</strong>' in result


def test_an_unknown_sheet_is_not_found(as_supervisor):
    assert as_supervisor.post(reverse("sheets:upload", args=["nonsense"])).status_code == 404
    assert as_supervisor.get(reverse("sheets:template", args=["roster", "pdf"])).status_code == 404


def test_a_hotline_column_row_for_another_hotline_is_shown_as_a_bad_row(as_supervisor, other_hotline):
    data = xlsx_bytes([ROSTER_HEADERS + ["热线"], roster_row(0) + [other_hotline.name]])
    page = upload(as_supervisor, data).content.decode()
    assert "只能导入本热线" in page and not Person.objects.exists()


def test_a_header_only_file_says_it_has_no_rows(as_supervisor):
    page = upload(as_supervisor, xlsx_bytes([ROSTER_HEADERS])).content.decode()
    assert "没有数据行" in page and 'data-status="refused"' in page


def test_a_group_admin_exports_the_hotline_they_choose(client, admin_user, agent_person, foreigner):
    client.force_login(admin_user)
    url = reverse("sheets:export", args=["roster"])
    response = client.get(url, {"export-roster-hotline": foreigner.hotline.pk, "fmt": "csv"})
    lines = b"".join(response.streaming_content).decode("utf-8-sig").splitlines()
    assert lines[1].startswith("9001,赵六,") and len(lines) == 2
    missing = client.get(url, {"fmt": "csv"})
    assert missing.status_code == 400 and "请先选择热线" in missing.content.decode()
