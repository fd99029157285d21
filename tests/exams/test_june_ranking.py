"""The June comprehensive exam of 120 agents: ranks with ties (E7, J1), coefficients (J2) and the J3
adjustments proposed and confirmed, each with its 依据; the 下半年奖金系数 export."""
import csv
import datetime
import io
from decimal import Decimal

import pytest

from stardesk.audit.models import AuditEntry
from stardesk.core.errors import DomainError, Forbidden
from stardesk.exams import june_ranking
from stardesk.exams.models import AdjustmentStatus, JuneRanking, JuneStanding
from stardesk.exams.result_sheets import exam_results_import
from stardesk.people.models import TitleEndReason, TitleSpell
from stardesk.yearly_policy.person_facts import facts_of_people, june_results_of
from tests.factories import PersonFactory, TitleSpellFactory

YEAR = 2025
D = datetime.date
# The J2 boundaries and the J3 low score, by 工号.
BOUNDARIES = {"5001": "95", "5002": "94.9", "5003": "90", "5004": "89.9", "5005": "85", "5006": "84.9", "5007": "65"}


def june_scores() -> dict[str, Decimal]:
    """120 agents: the boundaries above, two tied at the top, and a spread with many ties."""
    scores = {no: Decimal(s) for no, s in BOUNDARIES.items()}
    scores["5008"] = scores["5009"] = Decimal("99.5")
    for n in range(10, 121):
        scores[f"50{n:02d}" if n < 100 else f"5{n}"] = Decimal(60 + (n * 7) % 38) + Decimal((n % 3)) / 2
    return scores


def expected_rank(scores: dict, staff_no: str) -> int:
    """E7 stated directly: one more than the number of people who scored strictly higher (1, 2, 2, 4)."""
    return 1 + sum(1 for s in scores.values() if s > scores[staff_no])


def import_june(supervisor, scores: dict, *, name="2025年年中综合考试", day="2025-06-20"):
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["工号", "考试名称", "考试类别", "考试日期", "成绩", "知识得分", "技能得分"])
    for staff_no, score in scores.items():
        writer.writerow([staff_no, name, "年中综合", day, str(score), "", ""])
    return exam_results_import(actor=supervisor, source=("\ufeff" + buffer.getvalue()).encode("utf-8"), file_name="年中综合.csv")


@pytest.fixture
def policy_2025(hotline, supervisor):
    from stardesk.yearly_policy import services as policy_services

    return policy_services.policy_create_from_defaults(actor=supervisor, hotline=hotline, year=YEAR)


@pytest.fixture
def june(team, supervisor, policy_2025):
    scores = june_scores()
    people = {no: PersonFactory(team=team, staff_no=no, name=f"客服{no}", hotline_start=D(2020, 3, 1)) for no in scores}
    import_june(supervisor, scores)
    return scores, people


def test_e7_ties_share_rank(june, hotline, supervisor):
    scores, _people = june
    ranking = june_ranking.june_ranking_compute(actor=supervisor, hotline=hotline, year=YEAR)
    standings = {s.person.staff_no: s for s in ranking.standings.select_related("person")}
    assert ranking.ranked_count == 120
    assert all(standings[no].rank == expected_rank(scores, no) for no in scores)
    assert standings["5008"].rank == standings["5009"].rank == 1
    assert min(s.rank for s in standings.values() if s.rank != 1) == 3  # 1, 1, 3: the tie takes two places
    assert "第 1 名（共 120 人）" in standings["5008"].coefficient_basis


def test_j2_coefficient_bands_84_9_85_89_9_90_94_9_95(june, hotline, supervisor):
    ranking = june_ranking.june_ranking_compute(actor=supervisor, hotline=hotline, year=YEAR)
    standings = {s.person.staff_no: s for s in ranking.standings.select_related("person")}
    coefficients = {no: standings[no].coefficient for no in BOUNDARIES}
    assert coefficients == {
        "5001": Decimal("1.300"), "5002": Decimal("1.200"), "5003": Decimal("1.200"), "5004": Decimal("1.000"),
        "5005": Decimal("1.000"), "5006": Decimal("0.849"), "5007": Decimal("0.650"),
    }
    assert "J2: " in standings["5006"].coefficient_basis and "84.9 < 85，按分数百分比，系数 84.9%" in standings["5006"].coefficient_basis
    assert "95 ≥ 95，系数 130%" in standings["5001"].coefficient_basis
    assert "90 ≤ 94.9 < 95，系数 120%" in standings["5002"].coefficient_basis


def test_j2_everyone_in_scope_has_a_line_and_the_absent_no_coefficient(june, team, hotline, supervisor):
    absent = PersonFactory(team=team, staff_no="5999", name="缺考者", hotline_start=D(2020, 3, 1))
    ranking = june_ranking.june_ranking_compute(actor=supervisor, hotline=hotline, year=YEAR)
    line = ranking.standings.get(person=absent)
    assert (line.rank, line.coefficient, line.score) == (None, None, None)
    assert "未参加2025年年中综合考试，无下半年奖金系数" in line.coefficient_basis


def test_j1_later_sitting_counts(june, hotline, supervisor):
    # 5001 sits the June exam again on 25 June and scores 70
    import_june(supervisor, {"5001": Decimal("70")}, name="2025年年中综合考试（补考）", day="2025-06-25")
    ranking = june_ranking.june_ranking_compute(actor=supervisor, hotline=hotline, year=YEAR)
    line = ranking.standings.select_related("result__sitting").get(person__staff_no="5001")
    assert (line.score, line.sittings, line.coefficient) == (Decimal("70.0"), 2, Decimal("0.700"))
    assert line.result.sitting.name == "2025年年中综合考试（补考）"
    assert june_results_of(hotline, YEAR)["5001"].score == Decimal("70.0")


def test_j3_low_score_lowers_the_treatment_for_july_to_december(june, hotline, supervisor):
    person = june[1]["5007"]
    TitleSpellFactory(person=person, level=1, start=D(2024, 10, 18))
    ranking = june_ranking.june_ranking_compute(actor=supervisor, hotline=hotline, year=YEAR)
    line = ranking.standings.get(person=person)
    assert (line.treatment, line.adjustment_status) == ("降级", AdjustmentStatus.PROPOSED)
    assert "J3: 年中综合考试 65分 ≤ 65分，7–12月星级待遇降一级" in line.adjustment_basis


def test_j3_a_low_score_without_a_title_has_no_treatment_to_lower(june, hotline, supervisor):
    ranking = june_ranking.june_ranking_compute(actor=supervisor, hotline=hotline, year=YEAR)
    line = ranking.standings.get(person=june[1]["5007"])
    assert (line.treatment, line.adjustment_status, line.adjustment_basis) == ("", AdjustmentStatus.NONE, "")
    assert line.coefficient == Decimal("0.650")  # J2 still applies to everyone


def test_j3_a_holder_whose_rank_no_longer_allows_the_level_is_moved_when_confirmed(june, hotline, supervisor):
    scores, people = june
    # a 3-star holder ranked sixth or worse
    ranked = sorted(scores, key=lambda no: expected_rank(scores, no))
    sixth = next(no for no in ranked if 6 <= expected_rank(scores, no) <= 10)
    holder = people[sixth]
    TitleSpellFactory(person=holder, level=3, start=D(2024, 10, 18))
    ranking = june_ranking.june_ranking_compute(actor=supervisor, hotline=hotline, year=YEAR)
    line = ranking.standings.get(person=holder)
    assert (line.level_before, line.level_after, line.change_on, line.adjustment_status) == (3, 2, D(2025, 7, 1), AdjustmentStatus.PROPOSED)
    assert "2025-07-01 起调整为2星" in line.adjustment_basis
    # when the supervisor confirms it, the title history shows the move (名次调整), nothing overwritten
    june_ranking.june_adjustment_confirm(actor=supervisor, standing=line, reason="核对无误")
    spells = list(TitleSpell.objects.filter(person=holder).order_by("start"))
    assert [(s.level, s.start, s.end, s.end_reason) for s in spells] == [
        (3, D(2024, 10, 18), D(2025, 7, 1), TitleEndReason.RANK_ADJUSTMENT), (2, D(2025, 7, 1), None, "")]
    line.refresh_from_db()
    assert (line.adjustment_status, line.decided_by, line.started_title_id) == (AdjustmentStatus.CONFIRMED, supervisor, spells[1].pk)
    assert AuditEntry.objects.filter(action="june.confirm").count() == 1
    # recomputing keeps the decision (the move is already in the history)
    again = june_ranking.june_ranking_compute(actor=supervisor, hotline=hotline, year=YEAR)
    assert again.standings.get(person=holder).adjustment_status == AdjustmentStatus.CONFIRMED


def test_j3_a_move_already_in_the_title_history_is_recognised(june, hotline, supervisor):
    scores, people = june
    worst = max(scores, key=lambda no: expected_rank(scores, no))
    holder = people[worst]
    TitleSpellFactory(person=holder, level=2, start=D(2024, 10, 18), end=D(2025, 7, 1), end_reason=TitleEndReason.RANK_ADJUSTMENT)
    TitleSpellFactory(person=holder, level=1, start=D(2025, 7, 1))
    ranking = june_ranking.june_ranking_compute(actor=supervisor, hotline=hotline, year=YEAR)
    line = ranking.standings.get(person=holder)
    assert (line.level_before, line.level_after, line.adjustment_status) == (2, 1, AdjustmentStatus.CONFIRMED)
    assert line.decision_reason == "星级记录中已有该名次调整"


def test_j3_rejecting_needs_a_reason_and_changes_no_title(june, hotline, supervisor, committee):
    scores, people = june
    worst = max(scores, key=lambda no: expected_rank(scores, no))
    TitleSpellFactory(person=people[worst], level=2, start=D(2024, 10, 18))
    line = june_ranking.june_ranking_compute(actor=supervisor, hotline=hotline, year=YEAR).standings.get(person=people[worst])
    with pytest.raises(Forbidden):
        june_ranking.june_adjustment_confirm(actor=committee, standing=line)
    with pytest.raises(DomainError) as refused:
        june_ranking.june_adjustment_reject(actor=supervisor, standing=line, reason=" ")
    assert refused.value.code == "june_reason_required"
    june_ranking.june_adjustment_reject(actor=supervisor, standing=line, reason="成绩复核中")
    line.refresh_from_db()
    assert line.adjustment_status == AdjustmentStatus.REJECTED
    assert TitleSpell.objects.get(person=people[worst]).end is None


def test_j4_the_june_rank_feeds_the_e7_gate(june, hotline):
    scores, people = june
    found = facts_of_people(hotline.people.all(), year=YEAR, hotline=hotline)
    assert found.june_recorded()
    top = found.june["5008"]
    assert (top.rank, top.ranked_count, top.score) == (1, 120, Decimal("99.5"))


def test_computing_without_june_results_is_refused(hotline, supervisor, policy_2025):
    with pytest.raises(DomainError) as refused:
        june_ranking.june_ranking_compute(actor=supervisor, hotline=hotline, year=YEAR)
    assert refused.value.code == "june_no_results"
    assert not JuneRanking.objects.exists()


def test_the_coefficient_export_has_the_workbook_columns(client, june, hotline, supervisor):
    june_ranking.june_ranking_compute(actor=supervisor, hotline=hotline, year=YEAR)
    client.force_login(supervisor)
    response = client.get(f"/exams/june/{YEAR}/export.csv")
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["工号", "姓名", "年中综合成绩", "名次", "系数", "待遇调整", "依据"]
    by_no = {r[0]: r for r in rows[1:]}
    assert by_no["5006"][2:5] == ["84.9", str(expected_rank(june[0], "5006")), "0.849"]
    assert by_no["5001"][4] == "1.3" and "J2:" in by_no["5001"][6]
    assert len(rows) == 121
    xlsx = client.get(f"/exams/june/{YEAR}/export.xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_june_page_and_its_decisions(client, june, hotline, supervisor, committee):
    scores, people = june
    worst = max(scores, key=lambda no: expected_rank(scores, no))
    TitleSpellFactory(person=people[worst], level=2, start=D(2024, 10, 18))
    client.force_login(supervisor)
    assert client.post(f"/exams/june/{YEAR}/compute/").status_code == 302
    page = client.get(f"/exams/june/{YEAR}/?only=proposed").content.decode()
    assert f'data-person="{worst}"' in page and "待确认" in page
    line = JuneStanding.objects.get(person=people[worst])
    assert client.post(f"/exams/june/standings/{line.pk}/decide/", {"decision": "confirm", "reason": ""}).status_code == 302
    line.refresh_from_db()
    assert line.adjustment_status == AdjustmentStatus.CONFIRMED
    client.force_login(committee)
    assert client.get(f"/exams/june/{YEAR}/").status_code == 200
    assert client.post(f"/exams/june/{YEAR}/compute/").status_code == 403


def test_computing_the_ranking_takes_the_same_queries_for_more_people(team, hotline, supervisor, policy_2025):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for size in (10, 40):  # both within one bulk_update batch of SQLite (999 variables)
        scores = {f"7{n:03d}": Decimal(70 + n % 25) for n in range(size)}
        for no in scores:
            if not hotline.people.filter(staff_no=no).exists():
                PersonFactory(team=team, staff_no=no, name=f"客服{no}")
        import_june(supervisor, scores, name=f"年中综合 {size}")
        june_ranking.june_ranking_compute(actor=supervisor, hotline=hotline, year=YEAR)
        with CaptureQueriesContext(connection) as captured:
            june_ranking.june_ranking_compute(actor=supervisor, hotline=hotline, year=YEAR)
        counts.append(len(captured))
    assert counts[0] == counts[1]


def test_the_coefficient_export_command(june, hotline, supervisor, tmp_path):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    target = tmp_path / "系数.csv"
    with pytest.raises(CommandError):
        call_command("june_coefficients_export", "--hotline", hotline.code, "--year", str(YEAR), "-o", str(target))
    call_command("june_coefficients_export", "--hotline", hotline.code, "--year", str(YEAR), "-o", str(target), "--compute",
                 "--actor", supervisor.username)
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
    assert rows[0] == list(june_ranking.COEFFICIENT_HEADERS) and len(rows) == 121
    xlsx = tmp_path / "系数.xlsx"
    call_command("june_coefficients_export", "--hotline", hotline.name, "--year", str(YEAR), "-o", str(xlsx))
    from openpyxl import load_workbook

    sheet = load_workbook(xlsx).active
    assert [c.value for c in sheet[1]] == list(june_ranking.COEFFICIENT_HEADERS)
    assert sheet.max_row == 121

