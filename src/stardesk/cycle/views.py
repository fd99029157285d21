"""Pages of the yearly cycle: parse, call a query or a service, render.

Everyone but a group administrator works in their own hotline; the group
administrator names the hotline with ?hotline=<id> (kept on every link).
"""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from stardesk.accounts import permissions
from stardesk.accounts.models import Role
from stardesk.audit import queries as audit_queries
from stardesk.core.errors import DomainError
from stardesk.cycle import exports, queries, recommendation_services, services, steps
from stardesk.cycle.eligibility import applicants_facts, cycle_policy, reasons_from_json, rules_cycle_of
from stardesk.cycle.forms import (
    AdoptPolicyForm,
    ApplicationFilterForm,
    ApplyForm,
    CorrectionForm,
    EnterApplicationForm,
    FlagForm,
    ListCorrectionForm,
    OpenCycleForm,
    PeopleFilterForm,
    ReviewForm,
    TransitionForm,
    WhatIfForm,
    WithdrawForm,
)
from stardesk.cycle.models import STEP_ORDER, ApplicationStatus, ReviewStatus, Step
from stardesk.cycle.recommendation_list import cycle_list, list_is_final
from stardesk.cycle.what_if import what_if
from stardesk.people.models import Hotline, Person
from stardesk.policy import facts as rules_facts
from stardesk.policy.eligibility import check_all_levels
from stardesk.policy.reasons import basis
from stardesk.sheets import writing
from stardesk.yearly_policy.models import CyclePolicy
from stardesk.yearly_policy.person_facts import june_results_recorded

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
FORMATS = ("xlsx", "csv")


# --- hotline and cycle of a request ----------------------------------------------------------


def _hotline(request) -> Hotline | None:
    """The hotline the page is about; None when a group administrator has not chosen one yet."""
    user = request.user
    raw = request.POST.get("hotline") or request.GET.get("hotline")
    if user.role != Role.ADMIN:
        if raw and raw != str(user.hotline_id):
            raise Http404
        return user.hotline
    if raw:
        if not raw.isdigit():
            raise Http404
        found = permissions.hotlines_visible_to(user).filter(pk=int(raw)).first()
        if found is None:
            raise Http404
        return found
    only = list(Hotline.objects.order_by("pk")[:2])
    return only[0] if len(only) == 1 else None


def _hotline_query(request, hotline) -> str:
    return f"hotline={hotline.pk}" if request.user.role == Role.ADMIN and hotline is not None else ""


def _url(request, hotline, name, *args, query: str = "") -> str:
    url = reverse(f"cycle:{name}", args=args)
    params = "&".join(p for p in (_hotline_query(request, hotline), query) if p)
    return f"{url}?{params}" if params else url


def _cycle_or_404(request, year):
    permissions.require(request.user, "cycle.view")
    hotline = _hotline(request)
    if hotline is None:
        raise Http404
    try:
        return queries.cycle_for(request.user, hotline, year)
    except DomainError as error:
        if error.status == 404:
            raise Http404 from None
        raise


def _common(request, cycle, tab: str) -> dict:
    user = request.user
    move = steps.next_move(cycle.step)
    record = cycle.policy
    return {
        "cycle": cycle,
        "hotline": cycle.hotline,
        "tab": tab,
        "stages": queries.stages_of(cycle),
        "step_index": cycle.step_index(),
        "move": move,
        "may_move": move is not None and permissions.has(user, move.permission),
        "transition_form": TransitionForm(initial={"to": move.target}) if move else None,
        "hotline_query": _hotline_query(request, cycle.hotline),
        "q_prefix": f"?{_hotline_query(request, cycle.hotline)}&" if _hotline_query(request, cycle.hotline) else "?",
        "show_hotline": user.role == Role.ADMIN,
        "can_manage": permissions.has(user, "cycle.manage"),
        "can_export": permissions.has(user, "cycle.export"),
        "newer_policy": record.revision != cycle.policy_revision and cycle.step in (Step.APPLICATION, Step.LEADER_CHECK),
        "policy_record": record,
    }


def _errors_text(error: DomainError) -> str:
    shown = [d["message"] for d in error.details if isinstance(d, dict) and d.get("message")]
    return error.message if not shown or error.message in shown else f"{error.message} {'；'.join(shown)}"


# --- the cycles of a hotline ---------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def index(request):
    user = request.user
    if user.role == Role.AGENT:
        return redirect("cycle:mine")
    permissions.require(user, "cycle.view")
    hotline = _hotline(request)
    if hotline is None:
        return render(request, "cycle/choose_hotline.html", {"hotlines": permissions.hotlines_visible_to(user).order_by("name")})
    can_manage = permissions.has(user, "cycle.manage")
    form = OpenCycleForm(request.POST or None) if can_manage else None
    if request.method == "POST":
        permissions.require(user, "cycle.manage")
        if form.is_valid():
            try:
                cycle = services.cycle_open(actor=user, hotline=hotline, year=form.cleaned_data["year"],
                                            reference_date=form.cleaned_data["reference_date"], planned=form.planned())
            except DomainError as error:
                fields = {d.get("field") for d in error.details if isinstance(d, dict)}
                for detail in error.details:
                    name = detail.get("field")
                    target = "reference_date" if name == "reference_date" else f"planned_{name}" if f"planned_{name}" in form.fields else None
                    form.add_error(target, detail["message"])
                if not fields:
                    form.add_error(None, error.message)
            else:
                messages.success(request, _("已开始 %(year)s 年度星级评定，现在进入“个人申报”。") % {"year": cycle.year})
                return redirect(_url(request, hotline, "detail", cycle.year))
    cycles = list(queries.cycles_of(hotline))
    years = {c.year for c in cycles}
    policies = list(CyclePolicy.objects.filter(hotline=hotline).order_by("-year").values_list("year", "frozen_at"))
    return render(request, "cycle/index.html", {
        "hotline": hotline,
        "cycles": cycles,
        "form": form,
        "openable_years": [year for year, frozen in policies if frozen is None and year not in years],
        "hotline_query": _hotline_query(request, hotline),
        "show_hotline": user.role == Role.ADMIN,
    })


@login_required
@require_POST
def transition(request, year):
    cycle = _cycle_or_404(request, year)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请求有误，请刷新页面后重试。"))
    else:
        try:
            cycle = services.cycle_transition(actor=request.user, cycle=cycle, to=form.cleaned_data["to"],
                                              note=form.cleaned_data["note"])
        except DomainError as error:
            if error.status == 403:
                raise
            messages.error(request, _errors_text(error))
        else:
            messages.success(request, _("评定已进入“%(step)s”。") % {"step": Step(cycle.step).label})
    back = request.POST.get("next")
    if back in ("recommendation", "applications", "detail"):
        return redirect(_url(request, cycle.hotline, back, cycle.year))
    return redirect(_url(request, cycle.hotline, "detail", cycle.year))


@login_required
@require_POST
def adopt_policy(request, year):
    cycle = _cycle_or_404(request, year)
    form = AdoptPolicyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写采用新版政策的原因。"))
    else:
        try:
            cycle = services.cycle_adopt_policy(actor=request.user, cycle=cycle, reason=form.cleaned_data["reason"])
        except DomainError as error:
            if error.status == 403:
                raise
            messages.error(request, _errors_text(error))
        else:
            messages.success(request, _("评定已改用 %(version)s，所有申报已重新检查。") % {"version": cycle.policy_version})
    return redirect(_url(request, cycle.hotline, "detail", cycle.year))


@login_required
@require_POST
def recheck(request, year):
    cycle = _cycle_or_404(request, year)
    try:
        changed = services.cycle_recheck(actor=request.user, cycle=cycle)
    except DomainError as error:
        if error.status == 403:
            raise
        messages.error(request, _errors_text(error))
    else:
        messages.success(request, _("已按基准日重新检查全部申报，%(n)s 份结果有变化。") % {"n": changed})
    return redirect(_url(request, cycle.hotline, "applications", cycle.year))


# --- the cycle page: where every person stands ------------------------------------------------------


@login_required
def detail(request, year):
    cycle = _cycle_or_404(request, year)
    user = request.user
    policy = cycle_policy(cycle)
    form = PeopleFilterForm(user, cycle, request.GET or None)
    wanted = queries.PeopleFilter()
    if form.is_valid():
        data = form.cleaned_data
        wanted = queries.PeopleFilter(q=data["q"], team=data["team"], standing=data["standing"], level=data["level"],
                                      everyone=data["everyone"], sort=request.GET.get("sort", "staff_no"))
    the_list = cycle_list(cycle, policy.policy)
    rows = queries.people_standing(user, cycle, wanted, the_list)
    page = Paginator(rows, queries.PAGE_SIZE).get_page(request.GET.get("page"))
    lines = [(person, queries.standing_of(person, cycle, the_list)) for person in page.object_list]
    return render(request, "cycle/detail.html", {
        **_common(request, cycle, "detail"),
        "policy": policy,
        "the_list": the_list,
        "quota_basis": basis(the_list.quotas),
        "form": form,
        "page_obj": page,
        "lines": lines,
        "sort": wanted.sort,
        "counts": queries.counts_of(user, cycle),
        "june_recorded": june_results_recorded(),
        "adopt_form": AdoptPolicyForm(),
    })


@login_required
def headcount(request, year):
    cycle = _cycle_or_404(request, year)
    permissions.require(request.user, "cycle.export")
    page = Paginator(queries.headcount_rows(cycle), queries.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "cycle/headcount.html", {**_common(request, cycle, "headcount"), "page_obj": page})


# --- applications ------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def applications(request, year):
    cycle = _cycle_or_404(request, year)
    user = request.user
    may_enter = permissions.has(user, "cycle.apply_for_team") and cycle.step == Step.APPLICATION
    enter_form = EnterApplicationForm(user, cycle, request.POST or None) if may_enter else None
    if request.method == "POST":
        permissions.require(user, "cycle.apply_for_team")
        if enter_form is not None and enter_form.is_valid():
            data = enter_form.cleaned_data
            try:
                application = services.application_submit(
                    actor=user, cycle=cycle, person=data["person"], level=data["level"],
                    leader_recommended=data["leader_recommended"], recommendation_reason=data["recommendation_reason"],
                )
            except DomainError as error:
                if error.status == 403:
                    raise
                target = {"application_reason_required": "recommendation_reason", "application_exists": "person"}.get(error.code)
                enter_form.add_error(target, error.message)
            else:
                verdict = _("符合申报条件") if application.eligible else _("不符合申报条件")
                messages.success(request, _("已为 %(person)s 申报%(level)s星：%(verdict)s。") % {
                    "person": application.person, "level": application.level, "verdict": verdict})
                return redirect(_url(request, cycle.hotline, "application", cycle.year, application.pk))
        elif enter_form is None:
            messages.error(request, _("评定当前处于“%(step)s”，不能再申报。") % {"step": Step(cycle.step).label})
    form = ApplicationFilterForm(user, cycle, request.GET or None)
    wanted = queries.ApplicationFilter(sort=request.GET.get("sort", "staff_no"))
    if form.is_valid():
        data = form.cleaned_data
        wanted = queries.ApplicationFilter(q=data["q"], team=data["team"], level=data["level"], eligible=data["eligible"],
                                           review=data["review"], status=data["status"] or ApplicationStatus.ACTIVE,
                                           sort=wanted.sort)
    page = Paginator(queries.application_list(user, cycle, wanted), queries.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "cycle/applications.html", {
        **_common(request, cycle, "applications"),
        "form": form,
        "enter_form": enter_form,
        "page_obj": page,
        "rows": [(a, reasons_from_json(a.failures())) for a in page.object_list],
        "sort": wanted.sort,
        "counts": queries.counts_of(user, cycle),
        "may_review": permissions.has(user, "cycle.review") and cycle.step == Step.LEADER_CHECK,
    })


@login_required
@require_http_methods(["GET", "POST"])
def application(request, year, pk):
    cycle = _cycle_or_404(request, year)
    user = request.user
    found = queries.application_for(user, cycle, pk)
    action = request.POST.get("action") if request.method == "POST" else None
    forms = {
        "flag": FlagForm(request.POST if action == "flag" else None,
                         initial={"recommended": found.leader_recommended, "reason": found.recommendation_reason}),
        "review": ReviewForm(request.POST if action == "review" else None),
        "withdraw": WithdrawForm(request.POST if action == "withdraw" else None),
        "correct": CorrectionForm(request.POST if action == "correct" else None, initial={"kind": "level"}),
    }
    if action in forms:
        form = forms[action]
        if form.is_valid():
            data = form.cleaned_data
            try:
                if action == "flag":
                    services.application_flag(actor=user, application=found, recommended=data["recommended"], reason=data["reason"])
                    done = _("已保存班长推荐。")
                elif action == "review":
                    services.application_review(actor=user, application=found, confirm=data["decision"] == "confirm", reason=data["reason"])
                    done = _("已保存审核结果。")
                elif action == "withdraw":
                    services.application_withdraw(actor=user, application=found, reason=data["reason"])
                    done = _("申报已撤回。")
                else:
                    services.application_correct(actor=user, application=found, reason=data["reason"], level=data["level"],
                                                 withdraw=data["kind"] == "withdraw")
                    done = _("已更正申报。")
            except DomainError as error:
                if error.status == 403:
                    raise
                field = {"application_reason_required": "reason", "review_reason_required": "reason",
                         "correction_reason_required": "reason"}.get(error.code)
                form.add_error(field if field in form.fields else None, error.message)
            else:
                messages.success(request, done)
                return redirect(_url(request, cycle.hotline, "application", cycle.year, found.pk))
    found = queries.application_for(user, cycle, pk)
    person = found.person
    leads = user.role != Role.LEADER or (person.team_id and person.team.leader_id == user.pk)
    in_hotline = user.role == Role.ADMIN or user.hotline_id == cycle.hotline_id
    active = found.status == ApplicationStatus.ACTIVE
    return render(request, "cycle/application.html", {
        **_common(request, cycle, "applications"),
        "application": found,
        "reasons": reasons_from_json(found.reasons),
        "recommendation": getattr(found, "recommendation", None),
        "recommendation_reasons": reasons_from_json(found.recommendation.reasons) if hasattr(found, "recommendation") else (),
        "forms": forms,
        "may_flag": active and leads and in_hotline and permissions.has(user, "cycle.flag")
        and cycle.step in (Step.APPLICATION, Step.LEADER_CHECK),
        "may_review": active and found.eligible and leads and in_hotline and permissions.has(user, "cycle.review")
        and cycle.step == Step.LEADER_CHECK,
        "may_withdraw": active and leads and in_hotline and permissions.has(user, "cycle.apply_for_team")
        and cycle.step == Step.APPLICATION,
        "may_correct": active and in_hotline and permissions.has(user, "cycle.manage") and cycle.step == Step.LEADER_CHECK,
        "trail": audit_queries.trail_for(found),
    })


# --- the recommendation list and the what-if ---------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def recommendation(request, year):
    cycle = _cycle_or_404(request, year)
    user = request.user
    may_correct = permissions.has(user, "cycle.manage") and cycle.step == Step.ASSESSMENT
    correction_form = ListCorrectionForm(request.POST if request.method == "POST" else None) if may_correct else None
    if request.method == "POST":
        permissions.require(user, "cycle.manage")
        if correction_form is None:
            messages.error(request, _("评定当前处于「%(step)s」，更正推荐名单只能在「业务考核」步骤进行。") % {
                "step": cycle.get_step_display()})
            return redirect(_url(request, cycle.hotline, "recommendation", cycle.year))
        if correction_form.is_valid():
            data = correction_form.cleaned_data
            found = queries.application_by_staff_no(cycle, data["staff_no"].strip())
            try:
                if found is None:
                    raise DomainError("not_found", _("本年度评定中没有工号 %(no)s 的有效申报。") % {"no": data["staff_no"].strip()})
                recommendation_services.recommendation_correct(actor=user, cycle=cycle, application=found,
                                                               level=data["level"] or None, reason=data["reason"])
            except DomainError as error:
                if error.status == 403:
                    raise
                correction_form.add_error("reason" if error.code == "correction_reason_required" else None, error.message)
            else:
                messages.success(request, _("已更正推荐名单。"))
                return redirect(_url(request, cycle.hotline, "recommendation", cycle.year))
    policy = cycle_policy(cycle)
    the_list = cycle_list(cycle, policy.policy)
    if user.role == Role.LEADER:
        # A team leader sees where their own team stands on the hotline's list, not the others' names.
        mine = set(permissions.people_visible_to(user).values_list("pk", flat=True))
        shown_rows = {row.application_id for row in the_list.rows if row.person.pk in mine}
    else:
        shown_rows = None
    may_try = permissions.has(user, "cycle.manage") and not list_is_final(cycle)
    trial = None
    what_if_form = WhatIfForm(policy.policy, request.GET if may_try and request.GET.get("what_if") else None) if may_try else None
    if what_if_form is not None and what_if_form.is_bound and what_if_form.is_valid():
        trial = what_if(cycle, what_if_form.tried())
    return render(request, "cycle/recommendation.html", {
        **_common(request, cycle, "recommendation"),
        "policy": policy,
        "the_list": the_list,
        "quota_basis": the_list.quotas.reasons,
        "shown_rows": shown_rows,
        "what_if_form": what_if_form,
        "trial": trial,
        "final": list_is_final(cycle),
        "correction_form": correction_form,
        "corrections": [c for c in queries.list_corrections(cycle) if shown_rows is None
                        or c.recommendation.application_id in shown_rows] if list_is_final(cycle) else [],
    })


# --- exports --------------------------------------------------------------------------------------------


@login_required
def export(request, year, kind, fmt):
    cycle = _cycle_or_404(request, year)
    if kind not in exports.EXPORTS or fmt not in FORMATS:
        raise Http404
    export_kind, rows = exports.export_rows(actor=request.user, cycle=cycle, kind=kind)
    name = exports.file_name(cycle, kind, fmt)
    headers = list(export_kind.headers)
    if fmt == "csv":
        response = StreamingHttpResponse(writing.csv_chunks(headers, rows), content_type=CSV_TYPE)
        response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
        return response
    handle = writing.xlsx_file(sheet_name=export_kind.title, headers=headers, rows=rows, kinds=list(export_kind.kinds))
    return FileResponse(handle, as_attachment=True, filename=name, content_type=XLSX_TYPE)


# --- 我的申报 (an agent's own application) ------------------------------------------------------------


def _self_check(cycle, person):
    """E at R for every level, as the agent would be judged if they applied now (nothing saved)."""
    policy = cycle_policy(cycle)
    found = applicants_facts(cycle, Person.objects.filter(pk=person.pk))
    recorded = found.recorded(person.pk)
    flags = rules_facts.Application(person.staff_no, cycle.year, 1)
    return check_all_levels(recorded.facts, flags, rules_cycle_of(cycle), policy.policy, recorded.june), found


@login_required
@require_http_methods(["GET", "POST"])
def mine(request):
    user = request.user
    permissions.require(user, "cycle.apply")
    person = Person.objects.filter(pk=user.person_id).select_related("team", "hotline").first() if user.person_id else None
    cycle = queries.open_cycle(user.hotline_id) if person is not None else None
    current = queries.active_application(cycle, person) if cycle is not None else None
    apply_form = ApplyForm(request.POST if request.POST.get("action") == "apply" else None)
    withdraw_form = WithdrawForm(request.POST if request.POST.get("action") == "withdraw" else None)
    if request.method == "POST" and person is not None:
        action = request.POST.get("action")
        try:
            if cycle is None:
                raise DomainError("cycle_step_closed", _("目前没有正在接受申报的评定。"))
            if action == "apply" and apply_form.is_valid():
                application = services.application_submit(actor=user, cycle=cycle, person=person,
                                                          level=apply_form.cleaned_data["level"])
                if application.eligible:
                    messages.success(request, _("已申报%(level)s星，符合申报条件。") % {"level": application.level})
                else:
                    messages.warning(request, _("已申报%(level)s星，但不符合申报条件，原因见下方。") % {"level": application.level})
                return redirect("cycle:mine")
            if action == "withdraw" and current is not None and withdraw_form.is_valid():
                services.application_withdraw(actor=user, application=current, reason=withdraw_form.cleaned_data["reason"])
                messages.success(request, _("申报已撤回。"))
                return redirect("cycle:mine")
        except DomainError as error:
            if error.status == 403:
                raise
            messages.error(request, error.message)
            return redirect("cycle:mine")
    checks, found = _self_check(cycle, person) if cycle is not None and current is None else ((), None)
    history = list(queries.applications_of_person(person)) if person is not None else []
    return render(request, "cycle/mine.html", {
        "person": person,
        "cycle": cycle,
        "current": current,
        "current_reasons": reasons_from_json(current.reasons) if current else (),
        "apply_form": apply_form,
        "withdraw_form": withdraw_form,
        "checks": checks,
        "june_recorded": june_results_recorded(),
        "history": [(a, reasons_from_json(a.reasons)) for a in history],
        "composites": queries.own_composites(person) if person is not None else [],
        "latest": queries.latest_cycle(user.hotline_id) if person is not None else None,
        "steps": [Step(s) for s in STEP_ORDER],
    })
