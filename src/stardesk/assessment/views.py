"""Pages of the daily assessment: parse, call a query or a service, render."""
from __future__ import annotations

import secrets
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from stardesk.accounts import permissions
from stardesk.accounts.models import Role
from stardesk.assessment import queries, services
from stardesk.assessment.forms import (
    MonitoringForm,
    ScoreCorrectionForm,
    marks_from_post,
    rubric_from_post,
)
from stardesk.assessment.models import EvaluationMode, MonitoringEvaluation, MonthlyScore, Rubric
from stardesk.assessment.register_workflow import ACCEPT, RETURN, SUBMIT, allowed
from stardesk.assessment.templatetags.assessment_tags import score as shown_score
from stardesk.assessment.rubric_scoring import FORMULA_ZH
from stardesk.assessment.weeks import IsoWeek
from stardesk.core.errors import DomainError, NotFound
from stardesk.people.models import Hotline, Person, Team
from stardesk.policy.conventions import Month

WEEK_RULE_ZH = gettext_lazy("一周（周一至周日）归属于其周四所在的月份，与 ISO 周编号的归年规则一致；每月有4或5个考评周。")
MONTH_RULE_ZH = gettext_lazy(
    "M3：月度得分 = 本月各周考评得分的平均值 − 月度扣分，限定在 0–100 分，保留一位小数（四舍五入）。"
    "本月没有周考评的人员没有计算得分，须由班长录入月度得分，否则不能提交登记表。"
)


# --- parsing the URL -------------------------------------------------------------


def _month(text: str) -> Month:
    try:
        return Month.parse(text)
    except (ValueError, TypeError):
        raise Http404 from None


def _week(text: str) -> IsoWeek:
    try:
        return IsoWeek.parse(text)
    except (ValueError, TypeError):
        raise Http404 from None


def _team(user, pk) -> Team:
    try:
        return queries.team_for(user, pk)
    except Team.DoesNotExist:
        raise Http404 from None


def _person(user, pk) -> Person:
    try:
        return queries.person_for(user, pk)
    except Person.DoesNotExist:
        raise Http404 from None


def _chosen_team(request, teams: list[Team]) -> Team | None:
    wanted = request.GET.get("team")
    for t in teams:
        if str(t.pk) == wanted:
            return t
    return teams[0] if teams else None


def _reraise_denied(error: DomainError) -> None:
    """A refusal for lack of rights stays a 403 / 404 page; only bad input becomes a message."""
    if error.status != 400:
        raise error


def _details_by_person(error: DomainError) -> dict:
    found: dict = {}
    for d in error.details:
        found.setdefault(d.get("person"), {})[d.get("field")] = d.get("message")
    return found


def _details_by_field(error: DomainError) -> dict:
    return {d.get("field"): d.get("message") for d in error.details}


def _hotline(request) -> Hotline:
    """The hotline a page is about: the user's own; a group administrator picks one (?hotline=)."""
    if request.user.role != Role.ADMIN:
        return request.user.hotline
    hotlines = permissions.hotlines_visible_to(request.user)
    wanted = request.GET.get("hotline") or request.POST.get("hotline")
    hotline = hotlines.filter(pk=wanted).first() if wanted and str(wanted).isdigit() else hotlines.order_by("name").first()
    if hotline is None:
        raise Http404
    return hotline


# --- rubric (M2) -------------------------------------------------------------------


@login_required
def rubric_index(request):
    permissions.require(request.user, "assessment.rubric_view")
    hotline = _hotline(request)
    current = services.rubric_current(hotline=hotline)
    return _rubric_page(request, current, hotline)


@login_required
def rubric_detail(request, pk):
    try:
        rubric = queries.rubric_for(request.user, pk)
    except Rubric.DoesNotExist:
        raise Http404 from None
    return _rubric_page(request, rubric, rubric.hotline)


def _rubric_page(request, rubric: Rubric, hotline: Hotline):
    sections = queries.rubric_sections(rubric)
    versions = list(queries.rubrics_of(hotline))
    return render(
        request,
        "assessment/rubric.html",
        {
            "rubric": rubric,
            "hotline": hotline,
            "sections": sections,
            "total": queries.rubric_total(sections),
            "versions": versions,
            "current_id": versions[0].pk if versions else None,
            "can_edit": permissions.has(request.user, "assessment.rubric_edit"),
            "hotlines": permissions.hotlines_visible_to(request.user) if request.user.role == Role.ADMIN else None,
            "formula": FORMULA_ZH,
        },
    )


@login_required
@require_POST
def rubric_new_version(request):
    hotline = _hotline(request)
    rubric = services.rubric_new_version(actor=request.user, hotline=hotline)
    messages.success(request, _("已创建第%(version)s版评分细则，可以修改了。") % {"version": rubric.version})
    return redirect("assessment:rubric_edit", pk=rubric.pk)


@login_required
def rubric_edit(request, pk):
    permissions.require(request.user, "assessment.rubric_edit")
    try:
        rubric = queries.rubric_for(request.user, pk)
    except Rubric.DoesNotExist:
        raise Http404 from None
    if rubric.is_frozen:
        messages.info(request, _("该版本已被考评使用并冻结。修改请先创建新版本。"))
        return redirect("assessment:rubric_detail", pk=rubric.pk)
    errors: dict = {}
    if request.method == "POST":
        name, sections = rubric_from_post(request.POST)
        try:
            services.rubric_save(actor=request.user, rubric=rubric, name=name, sections=sections)
        except DomainError as exc:
            _reraise_denied(exc)
            if exc.code != "rubric_invalid":
                raise
            errors = _details_by_field(exc)
            messages.error(request, exc.message)
            return render(request, "assessment/rubric_edit.html", _edit_context(rubric, name, sections, errors), status=400)
        messages.success(request, _("评分细则已保存。"))
        return redirect("assessment:rubric_detail", pk=rubric.pk)
    sections = queries.rubric_sections(rubric)
    return render(request, "assessment/rubric_edit.html", _edit_context(rubric, rubric.name, _inputs_of(sections), errors))


def _inputs_of(sections) -> list[services.SectionInput]:
    return [
        services.SectionInput(
            key=f"s{s.pk}",
            name=s.name,
            section_id=s.pk,
            items=[
                services.ItemInput(
                    key=f"i{i.pk}",
                    name=i.name,
                    points=format(i.points.normalize(), "f") if i.points else "",
                    item_id=i.pk,
                    allows_na=i.allows_na,
                    is_veto=i.is_veto,
                    guidance=i.guidance,
                )
                for i in s.item_list
            ],
        )
        for s in sections
    ]


def _edit_context(rubric, name, sections, errors) -> dict:
    """The editor's sections, each with two blank rows for new items, and one blank new section."""
    def blanks(section_key: str, count: int) -> list[services.ItemInput]:
        return [services.ItemInput(key=f"new-{section_key}-{secrets.token_hex(3)}", name="", points="") for _ in range(count)]

    shown = [{"input": s, "blank_items": blanks(s.key, 2)} for s in sections]
    new_key = f"newsec-{secrets.token_hex(3)}"
    shown.append({"input": services.SectionInput(key=new_key, name=""), "blank_items": blanks(new_key, 3), "is_new": True})
    return {"rubric": rubric, "name": name, "sections": shown, "errors": errors, "formula": FORMULA_ZH}


# --- weeks (M1) ------------------------------------------------------------------------


@login_required
def weeks(request):
    if not queries.can_read_assessment(request.user):
        raise NotFound()
    teams = list(queries.teams_readable(request.user))
    team = _chosen_team(request, teams)
    today = timezone.localdate()
    month = _month(request.GET["month"]) if request.GET.get("month") else IsoWeek.of(today).month
    statuses = queries.team_weeks(team, month) if team else []
    return render(
        request,
        "assessment/weeks.html",
        {
            "teams": teams,
            "team": team,
            "month": month,
            "prev_month": month.prev(),
            "next_month": month.next(),
            "statuses": statuses,
            "this_week": IsoWeek.of(today),
            "week_rule": WEEK_RULE_ZH,
        },
    )


@login_required
def week_grid(request, team_id, week):
    team = _team(request.user, team_id)
    week = _week(week)
    can_write = permissions.has(request.user, "assessment.evaluate")
    errors: dict = {}
    posted: dict = {}
    if request.method == "POST":
        permissions.require(request.user, "assessment.evaluate")
        ids = [int(pid) for pid in request.POST.getlist("person") if pid.isdigit()]
        cells = [
            services.WeekCell(
                person_id=pid,
                score=request.POST.get(f"score-{pid}", ""),
                comment=request.POST.get(f"comment-{pid}", ""),
            )
            for pid in ids
        ]
        try:
            result = services.week_save(actor=request.user, team=team, week=week, cells=cells)
        except DomainError as exc:
            _reraise_denied(exc)
            if exc.code != "week_invalid" or not exc.details:
                messages.error(request, exc.message)
                return redirect(request.path)
            errors = _details_by_person(exc)
            posted = {pid: (request.POST.get(f"score-{pid}", ""), request.POST.get(f"comment-{pid}", "")) for pid in ids}
            messages.error(request, exc.message)
        else:
            if result.changed:
                messages.success(
                    request,
                    _("已保存：新增 %(created)s 条，修改 %(updated)s 条，清除 %(deleted)s 条。")
                    % {"created": result.created, "updated": result.updated, "deleted": result.deleted},
                )
            else:
                messages.info(request, _("没有需要保存的变化。"))
            return redirect(request.path)
    sheet = queries.week_sheet(team, week)
    rows = []
    for r in sheet.rows:
        e = r.evaluation
        score, comment = posted.get(r.person.pk, (None, None))
        rows.append(
            {
                "person": r.person,
                "evaluation": e,
                "items_mode": e is not None and e.mode == EvaluationMode.ITEMS,
                "score": score if score is not None else (shown_score(e.score) if e else ""),
                "comment": comment if comment is not None else (e.comment if e else ""),
                "errors": errors.get(r.person.pk, {}),
            }
        )
    return render(
        request,
        "assessment/week_grid.html",
        {
            "sheet": sheet,
            "team": team,
            "week": week,
            "rows": rows,
            "form_errors": [m for pid, f in errors.items() for k, m in f.items() if k == "form"],
            "has_errors": bool(errors),
            "can_write": can_write and sheet.editable and sheet.started,
            "prev_week": week.prev(),
            "next_week": week.next(),
            "week_rule": WEEK_RULE_ZH,
        },
        status=400 if errors else 200,
    )


@login_required
def week_items(request, team_id, week, person_id):
    """Per-item deductions (按细则扣分) for one agent and one week."""
    team = _team(request.user, team_id)
    week = _week(week)
    person = next((p for p in queries.week_members(team, week) if p.pk == person_id), None)
    if person is None:
        raise Http404
    permissions.require(request.user, "assessment.evaluate")
    evaluation = queries.evaluation_of(person, week)
    errors: dict = {}
    if request.method == "POST":
        marks = marks_from_post(request.POST)
        cell = services.WeekCell(person_id=person.pk, comment=request.POST.get("comment", ""), marks=marks)
        rubric_id = int(request.POST["rubric"]) if request.POST.get("rubric", "").isdigit() else None
        try:
            services.week_save(actor=request.user, team=team, week=week, cells=[cell], rubric_id=rubric_id)
        except DomainError as exc:
            _reraise_denied(exc)
            if exc.code != "week_invalid" or not exc.details:
                messages.error(request, exc.message)
                return redirect(request.path)
            errors = _details_by_person(exc).get(person.pk, {})
            messages.error(request, exc.message)
            rubric = services.rubric_current(hotline=team.hotline)
            return render(
                request,
                "assessment/week_items.html",
                _items_context(team, week, person, evaluation, rubric, marks, request.POST.get("comment", ""), errors),
                status=400,
            )
        messages.success(request, _("%(name)s 本周的逐项扣分已保存。") % {"name": person.name})
        return redirect("assessment:week_grid", team_id=team.pk, week=str(week))
    if evaluation is not None and evaluation.mode == EvaluationMode.ITEMS and evaluation.rubric_id and not request.GET.get("fresh"):
        rubric = evaluation.rubric
    else:
        rubric = services.rubric_current(hotline=team.hotline)
    marks = _marks_of(evaluation) if evaluation is not None and evaluation.rubric_id == rubric.pk else {}
    return render(
        request,
        "assessment/week_items.html",
        _items_context(team, week, person, evaluation, rubric, marks, evaluation.comment if evaluation else "", errors),
    )


def _marks_of(evaluation) -> dict[int, services.MarkInput]:
    """The stored per-item figures, as the entry form shows them."""
    found = {}
    for m in (evaluation.marks if evaluation is not None else None) or []:
        deduction = Decimal(m.get("deduction") or "0")
        found[int(m["item"])] = services.MarkInput(
            int(m["item"]), format(deduction.normalize(), "f") if deduction else "", bool(m.get("na")), bool(m.get("veto"))
        )
    return found


def _items_context(team, week, person, evaluation, rubric, marks, comment, errors) -> dict:
    sheet_register = queries.register_of(team, week.month)
    return {
        "team": team,
        "week": week,
        "person": person,
        "evaluation": evaluation,
        "rubric": rubric,
        "sections": queries.rubric_sections(rubric),
        "marks": marks,
        "comment": comment,
        "errors": errors,
        "formula": FORMULA_ZH,
        "register_open": sheet_register is None or sheet_register.is_open,
        "editable": (sheet_register is None or sheet_register.is_open) and rubric.pk == _current_rubric_id(team.hotline),
    }


def _current_rubric_id(hotline) -> int:
    return services.rubric_current(hotline=hotline).pk


# --- the month (M3) and its register (R1, R2) ---------------------------------------------


@login_required
def months(request):
    if not queries.can_read_assessment(request.user):
        raise NotFound()
    teams = list(queries.teams_readable(request.user))
    team = _chosen_team(request, teams)
    today = timezone.localdate()
    current = Month.of(today)
    shown = [current.plus(-i) for i in range(12)]
    return render(
        request,
        "assessment/months.html",
        {"teams": teams, "team": team, "months": queries.team_due(team, shown) if team else [], "month_rule": MONTH_RULE_ZH},
    )


@login_required
def month_page(request, team_id, month):
    team = _team(request.user, team_id)
    month = _month(month)
    errors: dict = {}
    posted: dict = {}
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "confirm":
            ids = [int(pid) for pid in request.POST.getlist("person") if pid.isdigit()]
            lines = [
                services.MonthLine(
                    person_id=pid,
                    deduction=request.POST.get(f"deduction-{pid}", ""),
                    deduction_reason=request.POST.get(f"reason-{pid}", ""),
                    entered_score=request.POST.get(f"entered-{pid}", ""),
                )
                for pid in ids
            ]
            try:
                services.month_confirm(actor=request.user, team=team, month=month, lines=lines)
            except DomainError as exc:
                _reraise_denied(exc)
                if exc.code != "month_invalid" or not exc.details:
                    messages.error(request, exc.message)
                    return redirect(request.path)
                errors = _details_by_person(exc)
                posted = {
                    pid: {
                        "deduction": request.POST.get(f"deduction-{pid}", ""),
                        "reason": request.POST.get(f"reason-{pid}", ""),
                        "entered": request.POST.get(f"entered-{pid}", ""),
                    }
                    for pid in ids
                }
                messages.error(request, exc.message)
            else:
                messages.success(request, _("本月得分已确认。"))
                return redirect(request.path)
        elif action == "submit":
            try:
                register = services.register_submit(actor=request.user, team=team, month=month)
            except DomainError as exc:
                _reraise_denied(exc)
                messages.error(request, exc.message)
            else:
                if register.late:
                    messages.warning(request, _("登记表已提交（逾期提交，截止日为 %(day)s）。") % {"day": register.deadline})
                else:
                    messages.success(request, _("登记表已提交，等待主管审核。"))
            return redirect(request.path)
        else:
            raise Http404
    sheet = queries.month_sheet(team, month)
    rows = []
    for r in sheet.rows:
        m = r.monthly
        p = posted.get(r.person.pk)
        rows.append(
            {
                "row": r,
                "deduction": p["deduction"] if p else (shown_score(m.deduction) if m and m.deduction else ""),
                "reason": p["reason"] if p else (m.deduction_reason if m else ""),
                "entered": p["entered"] if p else (shown_score(m.score) if m and m.source == "entered" and m.score is not None else ""),
                "errors": errors.get(r.person.pk, {}),
            }
        )
    user = request.user
    register = sheet.register
    return render(
        request,
        "assessment/month.html",
        {
            "sheet": sheet,
            "team": team,
            "month": month,
            "rows": rows,
            "form_errors": [msg for f in errors.values() for k, msg in f.items() if k == "form"],
            "can_confirm": permissions.has(user, "assessment.month_confirm") and sheet.open,
            "can_submit": permissions.has(user, "assessment.register_submit")
            and sheet.open
            and sheet.complete
            and (register is None or allowed(register, SUBMIT)),
            "can_review": permissions.has(user, "assessment.register_review") and register is not None and allowed(register, ACCEPT),
            "can_correct": permissions.has(user, "assessment.score_correct") and sheet.locked,
            "prev_month": month.prev(),
            "next_month": month.next(),
            "month_rule": MONTH_RULE_ZH,
            "week_rule": WEEK_RULE_ZH,
            "trail": queries.register_trail(register) if register else [],
        },
        status=400 if errors else 200,
    )


@login_required
def register_print(request, team_id, month):
    team = _team(request.user, team_id)
    month = _month(month)
    sheet = queries.month_sheet(team, month)
    return render(request, "assessment/register_print.html", {"sheet": sheet, "team": team, "month": month, "today": timezone.localdate()})


@login_required
@require_POST
def register_review(request, team_id, month):
    team = _team(request.user, team_id)
    month = _month(month)
    register = queries.register_of(team, month)
    if register is None:
        messages.error(request, _("本月登记表尚未提交。"))
        return redirect("assessment:month", team_id=team.pk, month=str(month))
    action = request.POST.get("action")
    try:
        if action == RETURN:
            services.register_return(actor=request.user, register=register, reason=request.POST.get("reason", ""))
            messages.success(request, _("登记表已退回班长。"))
        elif action == ACCEPT:
            services.register_accept(actor=request.user, register=register)
            messages.success(request, _("登记表已接收，本月得分已锁定。"))
        else:
            raise Http404
    except DomainError as exc:
        _reraise_denied(exc)
        messages.error(request, exc.message)
    next_url = request.POST.get("next")
    if next_url == "registers":
        return redirect(f"{reverse('assessment:registers')}?month={month}")
    return redirect("assessment:month", team_id=team.pk, month=str(month))


@login_required
def registers(request):
    if not queries.can_read_assessment(request.user):
        raise NotFound()
    today = timezone.localdate()
    month = _month(request.GET["month"]) if request.GET.get("month") else Month.of(today).prev()
    lines = queries.registers_due(request.user, month)
    counts: dict[str, int] = {}
    for line in lines:
        counts[line.status] = counts.get(line.status, 0) + 1
    return render(
        request,
        "assessment/registers.html",
        {
            "month": month,
            "prev_month": month.prev(),
            "next_month": month.next(),
            "lines": lines,
            "status_counts": [(st, counts.get(st, 0)) for st in queries.DueStatus],
            "matrix": queries.registers_matrix(request.user, [month.plus(-i) for i in range(5, -1, -1)]),
            "can_review": permissions.has(request.user, "assessment.register_review"),
            "today": today,
        },
    )


@login_required
def score_correct(request, pk):
    try:
        score = MonthlyScore.objects.select_related("person", "team").get(
            pk=pk, person__in=permissions.people_visible_to(request.user).values("pk")
        )
    except MonthlyScore.DoesNotExist:
        raise Http404 from None
    permissions.require(request.user, "assessment.score_correct")
    form = ScoreCorrectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.score_correct(
                actor=request.user, monthly_score=score, new_score=form.cleaned_data["new_score"], reason=form.cleaned_data["reason"]
            )
        except DomainError as exc:
            _reraise_denied(exc)
            if not exc.details:
                messages.error(request, exc.message)
                return redirect("assessment:month", team_id=score.team_id, month=f"{score.month:%Y-%m}")
            for field_name, message in _details_by_field(exc).items():
                form.add_error(field_name if field_name in form.fields else None, message)
        else:
            messages.success(request, _("已更正 %(name)s 的月度得分。") % {"name": score.person.name})
            return redirect("assessment:month", team_id=score.team_id, month=f"{score.month:%Y-%m}")
    return render(request, "assessment/score_correct.html", {"score": score, "form": form}, status=400 if form.errors else 200)


# --- one person ------------------------------------------------------------------------


@login_required
def my_assessment(request):
    if request.user.person_id is None:
        messages.warning(request, _("您的账号尚未关联人员档案，请联系主管。"))
        return redirect("home")
    return redirect("assessment:person", pk=request.user.person_id)


@login_required
def person_page(request, pk):
    person = _person(request.user, pk)
    today = timezone.localdate()
    try:
        year = int(request.GET.get("year", today.year))
    except ValueError:
        year = today.year
    data = queries.person_year(person, year)
    return render(
        request,
        "assessment/person.html",
        {"data": data, "person": person, "year": year, "years": range(today.year, today.year - 6, -1), "is_self": request.user.person_id == person.pk},
    )


# --- call monitoring (M2) -----------------------------------------------------------------


@login_required
def monitoring_list(request):
    if not queries.can_read_assessment(request.user):
        raise NotFound()
    teams = list(queries.teams_readable(request.user))
    team = next((t for t in teams if str(t.pk) == request.GET.get("team")), None)
    found = queries.monitoring_list(request.user, team=team, q=request.GET.get("q", ""))
    page = Paginator(found, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "assessment/monitoring_list.html",
        {"page_obj": page, "teams": teams, "team": team, "q": request.GET.get("q", ""), "can_write": permissions.has(request.user, "assessment.evaluate")},
    )


@login_required
def monitoring_new(request):
    permissions.require(request.user, "assessment.evaluate")
    return _monitoring_form(request, None)


@login_required
def monitoring_edit(request, pk):
    permissions.require(request.user, "assessment.evaluate")
    return _monitoring_form(request, _monitoring(request.user, pk))


def _monitoring(user, pk) -> MonitoringEvaluation:
    try:
        return queries.monitoring_for(user, pk)
    except MonitoringEvaluation.DoesNotExist:
        raise Http404 from None


def _monitoring_form(request, evaluation):
    people = queries.people_to_evaluate(request.user)
    hotline = evaluation.hotline if evaluation else request.user.hotline
    rubric = services.rubric_current(hotline=hotline)
    initial = {}
    if evaluation is None and request.GET.get("person", "").isdigit():
        initial["person"] = int(request.GET["person"])
    form = MonitoringForm(request.POST or None, request.FILES or None, people=people, evaluation=evaluation, initial=initial)
    marks = _marks_of(evaluation) if evaluation and evaluation.mode == EvaluationMode.ITEMS and evaluation.rubric_id == rubric.pk else {}
    errors: dict = {}
    if request.method == "POST":
        marks = marks_from_post(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            by_items = data["mode"] == EvaluationMode.ITEMS
            try:
                saved = services.monitoring_save(
                    actor=request.user,
                    person=data["person"],
                    call_no=data["call_no"],
                    call_date=data["call_date"],
                    comment=data["comment"],
                    score=None if by_items else data["score"],
                    marks=marks if by_items else None,
                    recording=data.get("recording"),
                    evaluation=evaluation,
                    rubric_id=int(request.POST["rubric"]) if request.POST.get("rubric", "").isdigit() else None,
                )
            except DomainError as exc:
                _reraise_denied(exc)
                if not exc.details:
                    messages.error(request, exc.message)
                else:
                    errors = _details_by_person(exc).get(data["person"].pk, {})
                    for field_name, message in errors.items():
                        if field_name in form.fields:
                            form.add_error(field_name, message)
                    messages.error(request, exc.message)
            else:
                messages.success(request, _("监听录音评分已保存：%(score)s 分。") % {"score": saved.score})
                return redirect("assessment:monitoring_detail", pk=saved.pk)
    return render(
        request,
        "assessment/monitoring_form.html",
        {
            "form": form,
            "evaluation": evaluation,
            "rubric": rubric,
            "sections": queries.rubric_sections(rubric),
            "marks": marks,
            "errors": errors,
            "formula": FORMULA_ZH,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def monitoring_detail(request, pk):
    evaluation = _monitoring(request.user, pk)
    sections = queries.rubric_sections(evaluation.rubric) if evaluation.rubric_id and evaluation.mode == EvaluationMode.ITEMS else []
    return render(
        request,
        "assessment/monitoring_detail.html",
        {
            "evaluation": evaluation,
            "sections": sections,
            "marks": _marks_of(evaluation),
            "can_write": permissions.has(request.user, "assessment.evaluate")
            and permissions.teams_visible_to(request.user).filter(pk=evaluation.person.team_id).exists(),
        },
    )


@login_required
def monitoring_recording(request, pk):
    """The recording, played back on the page; only for those who may read the evaluation."""
    evaluation = _monitoring(request.user, pk)
    if not evaluation.recording:
        raise Http404
    try:
        handle = evaluation.recording.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(handle, filename=evaluation.recording.name.rsplit("/", 1)[-1])
