"""The demo's daily assessment after the story (demo.daily_records): weeks on the rubric whose mean is the
month's score, monitored calls, vetoes with their sanctions, an appeal, praise and honours, and the acceptance
walk of issue #4 — leader1 enters this week and hands in last month, the supervisor returns it once, accepts it
and gets the 月度星级待遇 sheet — made through the services on the built demo, whatever today is."""
import datetime
from decimal import Decimal

from django.utils import timezone

from stardesk.accounts.models import User
from stardesk.assessment import services as assessment
from stardesk.assessment.models import MonitoringEvaluation, MonthlyScore, Register, RegisterState, ScoreSource, WeeklyEvaluation
from stardesk.assessment.queries import month_sheet, rubric_lines, rubric_sections, week_members
from stardesk.assessment.rubric_scoring import Mark, score_marks
from stardesk.assessment.weeks import IsoWeek, weeks_of_month
from stardesk.demo.payouts import LAST_MONTH
from stardesk.events.models import AppealStatus, Category, Event, Sanction, SanctionStatus
from stardesk.payouts import allowance_export, month_close
from stardesk.payouts.models import AllowanceLine, LineCause
from stardesk.people.models import Team, TitleEndReason, TitleSpell
from stardesk.policy.conventions import Month


def today():
    return timezone.localdate()


def leader1_team():
    return Team.objects.get(leader__username="leader1")


# -- weeks and monitored calls (M1–M3) ------------------------------------------------------------


def test_m3_the_story_s_last_month_is_the_mean_of_its_weekly_evaluations(demo):
    scores = MonthlyScore.objects.filter(month=LAST_MONTH.first_day)
    assert scores.filter(source=ScoreSource.COMPUTED).count() >= 100
    for score in scores.filter(source=ScoreSource.COMPUTED)[:40]:
        weeks = list(WeeklyEvaluation.objects.filter(person=score.person, month=LAST_MONTH.first_day).values_list("score", flat=True))
        assert len(weeks) == score.weeks_count > 0
        assert sum(weeks) / len(weeks) == score.score == score.computed_score
        assert score.basis.startswith("M3:")


def test_m2_every_demo_evaluation_is_scored_on_the_rubric_by_its_marks(demo):
    evaluation = WeeklyEvaluation.objects.select_related("rubric").first()
    rubric = evaluation.rubric
    assert rubric.is_frozen
    lines = rubric_lines(rubric_sections(rubric))
    for model in (WeeklyEvaluation, MonitoringEvaluation):
        rows = model.objects.filter(rubric=rubric).order_by("pk")
        assert rows.count() > 0 and not model.objects.filter(rubric=rubric).exclude(mode="items").exists()
        for row in rows[:200]:
            marks = {m["item"]: Mark(m["item"], Decimal(m["deduction"]), m["na"], m["veto"]) for m in row.marks}
            assert score_marks(lines, marks).score == row.score


def test_m1_weeks_are_entered_up_to_last_week_in_every_team(demo):
    last_week = IsoWeek.of(today()).prev()
    for team in Team.objects.all():
        members = week_members(team, last_week).count()
        assert WeeklyEvaluation.objects.filter(team=team, week_start=last_week.monday).count() == members > 0


def test_m2_each_team_has_monitored_calls_every_month_since_the_story(demo):
    months = [LAST_MONTH.first_day, Month.of(today()).first_day]
    for team in Team.objects.all():
        for month in months:
            calls = MonitoringEvaluation.objects.filter(team=team, call_date__gte=month, rubric__isnull=False)
            assert calls.exists()


# -- events (M5, V1, V2, E4) ------------------------------------------------------------------------


def test_m5_every_story_sanction_without_an_m6_proposal_is_backed_by_its_confirmed_veto(demo):
    confirmed = Event.objects.filter(sanction_status=SanctionStatus.CONFIRMED).prefetch_related("decisions")
    assert confirmed.count() >= 1
    for event in confirmed:
        decision = event.decisions.get()
        spell = decision.ended_title
        assert spell.person_id == event.person_id and spell.end == event.effective_on == decision.effective_on
        assert spell.end_reason == (TitleEndReason.REVOKED if event.sanction == Sanction.REVOKE else TitleEndReason.LOWERED)
        assert event.date <= event.effective_on and event.is_veto
        if event.sanction == Sanction.LOWER:
            assert decision.started_title.level == spell.level - 1


def test_m4_the_line_of_a_confirmed_sanction_s_month_is_what_a_close_computes(demo):
    for event in Event.objects.filter(sanction_status=SanctionStatus.CONFIRMED).select_related("person__hotline"):
        month = Month.of(event.effective_on)
        result = month_close.close_month(actor=None, hotline=event.person.hotline, month=month,
                                         cause=LineCause.RECOMPUTED, person_ids={event.person_id})
        assert (result.changed, result.created, result.withdrawn) == (0, 0, 0)
        line = AllowanceLine.objects.get(person=event.person, month=month.first_day, is_current=True)
        assert line.basis.startswith(f"M5: {event.effective_on}")


def test_m5_one_title_sanction_waits_for_the_supervisor_and_one_veto_is_under_appeal(demo):
    pending = Event.objects.get(sanction_status=SanctionStatus.PENDING)
    assert pending.sanction == Sanction.REVOKE and pending.month == Month.of(today()).first_day
    appealed = Event.objects.get(appeal__isnull=False)
    assert appealed.appeal.status == AppealStatus.PENDING and appealed.appeal.filed_by.person_id == appealed.person_id


def test_m5_last_month_a_complaint_lowers_one_of_leader1_s_holders(demo):
    last_month = Month.of(today()).prev()
    event = Event.objects.get(month=last_month.first_day, sanction=Sanction.MONTH_LOWER)
    assert event.person.team == leader1_team() and event.category == Category.JUSTIFIED_COMPLAINT
    flagged = WeeklyEvaluation.objects.get(person=event.person, veto_flagged=True)
    assert flagged.week_start <= event.date <= flagged.week_start + datetime.timedelta(days=6)


def test_v2_e4_praise_and_this_year_s_honours_are_on_file(demo):
    assert Event.objects.filter(category=Category.PRAISE).count() >= 3
    honours = Event.objects.filter(category__in=[Category.ADVANCED_INDIVIDUAL, Category.COMPANY_AWARD])
    assert honours.count() == 3 and {e.date.year for e in honours} == {today().year}


# -- the acceptance walk of issue #4, through the services ----------------------------------------------


def test_r1_the_other_teams_have_handed_in_last_month_and_leader1_has_not(demo):
    last_month = Month.of(today()).prev()
    registers = dict(Register.objects.filter(month=last_month.first_day).values_list("team__leader__username", "state"))
    assert "leader1" not in registers
    assert list(registers.values()).count(RegisterState.SUBMITTED) == len(demo.hotlines[0].teams) - 2  # the last team not yet


def test_leader1_enters_this_week_and_hands_in_last_month_the_supervisor_returns_then_accepts(demo):
    leader = User.objects.get(username="leader1")
    supervisor = User.objects.get(username="supervisor")
    team = leader1_team()
    week, last_month = IsoWeek.of(today()), Month.of(today()).prev()

    # this week is open and empty for the team: the leader enters everyone
    assert not WeeklyEvaluation.objects.filter(team=team, week_start=week.monday).exists()
    members = list(week_members(team, week))
    cells = [assessment.WeekCell(p.pk, score=str(90 + n % 10)) for n, p in enumerate(members)]
    assert assessment.week_save(actor=leader, team=team, week=week, cells=cells).created == len(members)

    # last month: every week entered, nothing confirmed yet; the leader confirms and hands it in
    sheet = month_sheet(team, last_month)
    assert sheet.rows and all(len(row.weekly_scores) == len(weeks_of_month(last_month)) for row in sheet.rows)
    assert sheet.register is None and sheet.confirmed_count == 0
    assessment.month_confirm(actor=leader, team=team, month=last_month, lines=[])
    register = assessment.register_submit(actor=leader, team=team, month=last_month)
    assert register.state == RegisterState.SUBMITTED

    register = assessment.register_return(actor=supervisor, register=register, reason="请核对月度扣分")
    assessment.month_confirm(actor=leader, team=team, month=last_month, lines=[])
    register = assessment.register_submit(actor=leader, team=team, month=last_month)
    register = assessment.register_accept(actor=supervisor, register=register)
    assert register.state == RegisterState.ACCEPTED

    # the month's allowance for the team: every holder has a line, the complaint lowers one (M4 step 3, M5)
    rows = list(allowance_export.export_rows(actor=supervisor, hotline=team.hotline, month=last_month, team=team))
    holders = TitleSpell.objects.filter(person__team=team, start__lte=last_month.last_day).exclude(end__lte=last_month.first_day)
    assert len(rows) == holders.values("person").distinct().count() > 0
    assert all(isinstance(row[6], Decimal) for row in rows)
    lowered = Event.objects.get(month=last_month.first_day, sanction=Sanction.MONTH_LOWER)
    line = AllowanceLine.objects.get(person=lowered.person, month=last_month.first_day, is_current=True)
    assert line.treatment_level == line.level - 1 and "M5" in line.basis


