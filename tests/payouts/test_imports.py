"""The 月度考核, 监听评分 and 奖惩事件 imports: all or nothing, every bad row reported, the same file twice
changes nothing; a month imported whole is accepted history (locked, allowance computed)."""
import csv
import datetime
import io
from decimal import Decimal as D

import openpyxl
import pytest

from stardesk.assessment import services as assessment
from stardesk.assessment.models import EvaluationMode, MonitoringEvaluation, MonthlyScore, Register, RegisterState, ScoreSource
from stardesk.audit.models import AuditEntry
from stardesk.core.errors import DomainError, Forbidden
from stardesk.events.models import Event, Sanction, SanctionStatus
from stardesk.payouts.models import AllowanceLine, LineCause, LowScoreProposal
from stardesk.policy.conventions import Month
from stardesk.sheets import catalog, services
from tests.payouts.conftest import close_month, hold

pytestmark = pytest.mark.django_db


def xlsx(rows) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def gbk_csv(rows) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue().encode("gb18030")


def run(actor, kind, rows, *, as_csv=False):
    source = gbk_csv(rows) if as_csv else xlsx(rows)
    return services.sheet_import(actor=actor, kind=kind, source=source, file_name=f"{kind}.{'csv' if as_csv else 'xlsx'}")


def refused(actor, kind, rows) -> list[dict]:
    with pytest.raises(services.ImportRefused) as refusal:
        run(actor, kind, rows)
    return refusal.value.details


# --- 月度考核 ------------------------------------------------------------------------------

SCORES = ["工号", "月份", "月度得分"]


def test_m4_a_month_imported_whole_is_locked_and_its_allowance_computed(supervisor, team, other_team, agent_person, colleague, stranger, policies):
    # given 张三 holds 2 stars
    hold(agent_person, 2)
    # when January and February 2025 are imported (月份 as typed text and as a date cell)
    run_ = run(supervisor, "monthly_scores", [
        SCORES,
        ["1001", "2025-01", "90.5"], ["1002", "2025年1月", 96], ["2001", datetime.date(2025, 1, 15), "９５"],
        ["1001", "2025/2", "95分"], ["1002", "2025-02", "88"], ["2001", "2025-02", "93"],
    ])
    assert (run_.created, run_.updated, run_.unchanged) == (6, 0, 0)
    # then the scores are confirmed, imported history
    score = MonthlyScore.objects.get(person=agent_person, month=datetime.date(2025, 1, 1))
    assert (score.score, score.source, score.team, score.confirmed_by) == (D("90.5"), ScoreSource.IMPORTED, team, supervisor)
    # and both teams' registers of both months are accepted, the import as their audit record
    registers = Register.objects.filter(month__in=[datetime.date(2025, 1, 1), datetime.date(2025, 2, 1)])
    assert registers.count() == 4 and {r.state for r in registers} == {RegisterState.ACCEPTED}
    entry = AuditEntry.objects.filter(action="register.accept").first()
    assert f"导入记录 #{run_.pk}" in entry.note
    # and the month is locked: the leader can no longer change it
    with pytest.raises(DomainError) as locked:
        assessment.month_confirm(actor=team.leader, team=team, month=Month(2025, 1), lines=[])
    assert locked.value.code == "register_locked"
    # and the allowance is computed like any other accepted month
    january = AllowanceLine.objects.get(person=agent_person, month=datetime.date(2025, 1, 1))
    assert (january.amount, january.cause, january.basis) == (D("181.00"), LineCause.IMPORTED, "M4: 90.5分, 2星基数200元 × 90.5% = 181.00元")
    assert AllowanceLine.objects.get(person=agent_person, month=datetime.date(2025, 2, 1)).amount == D("200.00")


def test_importing_the_same_scores_twice_changes_nothing(supervisor, agent_person, colleague, policies):
    hold(agent_person, 1)
    rows = [SCORES, ["1001", "2025-01", "90"], ["1002", "2025-01", "96"]]
    run(supervisor, "monthly_scores", rows)
    entries, lines = AuditEntry.objects.count(), AllowanceLine.objects.count()
    again = run(supervisor, "monthly_scores", rows)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert (AuditEntry.objects.count(), AllowanceLine.objects.count()) == (entries, lines)


def test_r2_a_month_locked_by_a_register_refuses_other_scores(supervisor, leader, team, agent_person, colleague, march):
    hold(agent_person, 1)
    close_month(leader, supervisor, team, march, {agent_person: "90", colleague: "96"})
    details = refused(supervisor, "monthly_scores", [SCORES, ["1001", "2025-03", "92"], ["1002", "2025-03", "96"]])
    assert details == [{"row": 2, "column": "月度得分", "reason": "2025-03 的登记表已接收，得分已锁定（现为 90 分）；如需修改请由主管更正（R2）"}]
    assert MonthlyScore.objects.get(person=agent_person).score == D("90.0")


def test_monthly_scores_every_bad_row_is_reported_and_nothing_saved(supervisor, agent_person, colleague, policies):
    agent_person.left_on = datetime.date(2024, 12, 1)
    agent_person.save()
    details = refused(supervisor, "monthly_scores", [
        SCORES,
        ["1001", "2025-01", "90"],  # left before January
        ["8888", "2025-01", "90"],  # not on the roster
        ["1002", "2099-01", "90"],  # not ended
        ["1002", "2025-01", "95.55"],  # two decimals
        ["1002", "2025-13", "90"],  # no such month
    ])
    assert [(d["row"], d["column"]) for d in details] == [(2, "月份"), (3, "工号"), (4, "月份"), (5, "月度得分"), (6, "月份")]
    assert details[0]["reason"] == "1001 张三 在 2025-01 不在岗（S2）"
    assert not MonthlyScore.objects.exists() and not Register.objects.exists()


def test_m6_an_imported_quarter_of_low_scores_is_proposed(supervisor, agent_person, policies):
    hold(agent_person, 2)
    run(supervisor, "monthly_scores", [SCORES, ["1001", "2025-01", "94"], ["1001", "2025-02", "94"], ["1001", "2025-03", "94"]])
    assert LowScoreProposal.objects.get().months == ["2025-01", "2025-02", "2025-03"]


def test_only_the_supervisor_and_the_group_administrator_import_scores(users, agent_person, policies):
    for role in ("agent", "leader", "committee"):
        with pytest.raises(Forbidden):
            run(users[role], "monthly_scores", [SCORES, ["1001", "2025-01", "90"]])


# --- 监听评分 ------------------------------------------------------------------------------

MONITORING = ["工号", "日期", "得分", "录音编号", "评语"]


def test_m2_monitoring_scores_import_into_the_assessments_monitoring_records(supervisor, team, agent_person, colleague):
    run_ = run(supervisor, "monitoring", [
        MONITORING, ["1001", "2025-03-05", "92", "REC-0001", "语速偏快"], ["1002", "2025/3/6", "88.5", "REC-0002", ""],
    ], as_csv=True)
    assert run_.created == 2
    e = MonitoringEvaluation.objects.get(call_no="REC-0001")
    assert (e.person, e.team, e.score, e.call_date, e.comment, e.mode) == (
        agent_person, team, D("92.0"), datetime.date(2025, 3, 5), "语速偏快", EvaluationMode.IMPORTED
    )
    # the X5 facts read them (M2)
    from stardesk.yearly_policy.person_facts import person_facts

    assert [m.score for m in person_facts(agent_person).facts.monitoring] == [D("92.0")]


def test_monitoring_import_is_idempotent_and_updates_imported_scores(supervisor, agent_person):
    rows = [MONITORING, ["1001", "2025-03-05", "92", "REC-0001", ""]]
    run(supervisor, "monitoring", rows)
    assert run(supervisor, "monitoring", rows).unchanged == 1
    changed = run(supervisor, "monitoring", [MONITORING, ["1001", "2025-03-05", "93", "REC-0001", "复核"]])
    assert changed.updated == 1 and MonitoringEvaluation.objects.get().score == D("93.0")


def test_monitoring_a_call_scored_on_the_page_is_not_overwritten(supervisor, leader, agent_person):
    assessment.monitoring_save(actor=leader, person=agent_person, call_no="REC-9", call_date=datetime.date(2025, 3, 5), score="90")
    details = refused(supervisor, "monitoring", [MONITORING, ["1001", "2025-03-05", "80", "REC-9", ""], ["1001", "2099-01-01", "80", "REC-10", ""]])
    assert [(d["row"], d["column"]) for d in details] == [(2, "得分"), (3, "日期")]
    assert MonitoringEvaluation.objects.get().score == D("90.0")


# --- 奖惩事件 -------------------------------------------------------------------------------

EVENTS = ["工号", "日期", "类别", "严重程度", "处理", "说明"]


def test_m5_events_import_with_policy_defaults_and_title_sanctions_waiting(supervisor, agent_person, colleague, policies):
    run_ = run(supervisor, "events", [
        EVENTS,
        ["1001", "2025-03-12", "违章违纪", "一般", "", "未按规范致结束语"],
        ["1002", "2025-04-02", "有理投诉", "严重", "", "多次推诿"],
        ["1002", "2025-05-01", "先进个人", "", "", "年度先进"],
    ])
    assert run_.created == 3
    first = Event.objects.get(person=agent_person)
    assert (first.sanction, first.sanction_is_default) == (Sanction.MONTH_LOWER, True)
    severe = Event.objects.get(person=colleague, category="justified_complaint")
    assert (severe.sanction, severe.sanction_status) == (Sanction.REVOKE, SanctionStatus.PENDING)
    # the same file again changes nothing
    again = run(supervisor, "events", [EVENTS, ["1001", "2025-03-12", "违章违纪", "一般", "", "未按规范致结束语"]])
    assert (again.created, again.unchanged) == (0, 1) and Event.objects.count() == 3


def test_m5_an_imported_month_lowering_enters_the_allowance(supervisor, team, agent_person, colleague, policies):
    hold(agent_person, 3)
    run(supervisor, "events", [EVENTS, ["1001", "2025-03-12", "违章违纪", "一般", "", "x"]])
    run(supervisor, "monthly_scores", [SCORES, ["1001", "2025-03", "80"], ["1002", "2025-03", "96"]])
    assert AllowanceLine.objects.get(person=agent_person).amount == D("100.00")


def test_events_bad_rows_name_their_column(supervisor, agent_person, policies):
    details = refused(supervisor, "events", [
        EVENTS,
        ["1001", "2025-03-12", "违章违纪", "", "", "缺严重程度"],
        ["1001", "2025-03-13", "表扬", "一般", "", "表扬不设严重程度"],
        ["1001", "2025-03-14", "迟到", "", "", "不在类别中"],
        ["9999", "2025-03-15", "表扬", "", "", "不在花名册"],
    ])
    assert [(d["row"], d["column"]) for d in details] == [(2, "严重程度"), (3, "严重程度"), (4, "类别"), (5, "工号")]
    assert not Event.objects.exists()


def test_events_import_needs_an_account_on_the_command_line(hotline, agent_person, policies):
    with pytest.raises(services.ImportRefused) as refusal:
        services.sheet_import(actor=None, kind="events", source=xlsx([EVENTS, ["1001", "2025-03-12", "表扬", "", "", "x"]]),
                              file_name="e.xlsx", hotline=hotline, as_system=True)
    assert "--actor" in refusal.value.details[0]["reason"]


@pytest.mark.parametrize(("kind", "headers"), [("monthly_scores", SCORES), ("monitoring", MONITORING), ("events", EVENTS)])
def test_each_sheet_offers_a_template_with_the_workbook_headers(client, supervisor, kind, headers):
    from django.urls import reverse

    client.force_login(supervisor)
    response = client.get(reverse("sheets:template", args=[kind, "xlsx"]))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[0]
    assert [cell.value for cell in sheet[1]] == headers
    page = client.get(reverse("sheets:index")).content.decode()
    assert catalog.SHEETS[kind].title in page


def test_m4_the_month_close_summary_reads_in_chinese_on_the_audit_trail(supervisor, team, agent_person, colleague, policies):
    from stardesk.audit import queries as audit_queries

    hold(agent_person, 2)
    run(supervisor, "monthly_scores", [SCORES, ["1001", "2025-01", "90.5"], ["1002", "2025-01", "96"]])
    entry = AuditEntry.objects.filter(action__in=["allowance.compute", "allowance.recompute"]).first()
    labels = {audit_queries.field_label(entry.target_type, key) for key in entry.changes}
    assert {"月份", "新增", "变更", "未变", "撤销", "待确认", "金额合计", "政策版本"} <= labels
    assert not any(label.isascii() for label in labels)
