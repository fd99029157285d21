"""Results pages: a sitting's results and release, the cascade offer, regrading, statistics, an agent's own
results, offline results and the June ranking with its export. Parse, call a query or a service, render."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from stardesk.accounts import permissions
from stardesk.accounts.models import Role
from stardesk.core.errors import DomainError, Forbidden, NotFound
from stardesk.exams import exam_statistics, june_ranking, regrading, result_queries, result_sheets, results
from stardesk.exams.attempt_scores import LEVEL_KINDS, keys_in_force
from stardesk.exams.models import Answer, JuneRanking, JuneStanding, QuestionVersion, SittingKind, SittingResult, SittingStatus
from stardesk.exams.question_content import answer_text
from stardesk.exams.result_forms import CascadeForm, JuneDecisionForm, OfflineResultForm, RegradeForm
from stardesk.people.models import Hotline
from stardesk.sheets import writing

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
JUNE_PAGE = 100


def _refused(form, error: DomainError, fields=()) -> None:
    if isinstance(error, (Forbidden, NotFound)):
        raise error
    placed = False
    for detail in error.details:
        if isinstance(detail, dict):
            name = detail.get("field")
            form.add_error(name if name in form.fields and name in fields else None, detail.get("message"))
        else:
            form.add_error(None, str(detail))
        placed = True
    if not placed:
        form.add_error(None, error.message)


# --- a sitting's results ------------------------------------------------------------------------


@login_required
@require_GET
def results_index(request):
    sittings = result_queries.results_sittings(request.user)
    return render(request, "exams/results/index.html", {
        "page_obj": Paginator(sittings, result_queries.PAGE_SIZE).get_page(request.GET.get("page")),
        "can_manage": permissions.has(request.user, "exams.results"),
        "reads_all": result_queries.reads_all(request.user),
        "show_hotline": request.user.role == Role.ADMIN,
    })


def _sitting_page(request, sitting, *, cascade_form=None, status=200):
    data = result_queries.sitting_results(sitting, viewer=request.user)
    can_manage = results_can_manage(request.user, sitting)
    reads_all = result_queries.reads_all(request.user)
    targets = results.offer_targets(sitting)
    return render(request, "exams/results/sitting.html", {
        "sitting": sitting, "data": data, "can_manage": can_manage, "reads_all": reads_all,
        "is_level": sitting.kind in LEVEL_KINDS,
        "cascade_form": cascade_form or (CascadeForm(targets=targets) if can_manage and targets.exists() else None),
        "regrades": regrading.regrades_of(sitting)[:5] if reads_all and not data.offline else [],
    }, status=status)


def results_can_manage(user, sitting) -> bool:
    if not permissions.has(user, "exams.results"):
        return False
    return user.role == Role.ADMIN or sitting.hotline_id == user.hotline_id


@login_required
@require_GET
def sitting_results(request, pk):
    return _sitting_page(request, result_queries.sitting_for_reader(request.user, pk))


@login_required
@require_POST
def release(request, pk):
    sitting = result_queries.sitting_for(request.user, pk)
    try:
        results.results_release(actor=request.user, sitting=sitting)
    except DomainError as error:
        if isinstance(error, (Forbidden, NotFound)):
            raise
        messages.error(request, error.message)
        return redirect("exams:results_sitting", sitting.pk)
    messages.success(request, _("成绩已公布：考生现在可以看到成绩、名次、本人答卷和标准答案（X6）。"))
    return redirect("exams:results_sitting", sitting.pk)


@login_required
@require_POST
def cascade(request, pk):
    sitting = result_queries.sitting_for(request.user, pk)
    form = CascadeForm(request.POST, targets=results.offer_targets(sitting))
    if not form.is_valid():
        return _sitting_page(request, sitting, cascade_form=form, status=400)
    chosen = [int(v) for v in request.POST.getlist("result") if v.isdigit()]
    picked = list(SittingResult.objects.filter(sitting=sitting, pk__in=chosen))
    try:
        fresh = results.cascade_offer(actor=request.user, results=picked, target=form.cleaned_data["target"])
    except DomainError as error:
        _refused(form, error)
        return _sitting_page(request, sitting, cascade_form=form, status=400)
    messages.success(request, _("已向 %(n)s 人发出补考邀请：%(s)s（X3）。") % {"n": len(fresh), "s": form.cleaned_data["target"].name})
    return redirect("exams:results_sitting", sitting.pk)


@login_required
@require_GET
def statistics(request, pk):
    sitting = result_queries.sitting_for(request.user, pk)
    stats, items = exam_statistics.sitting_statistics(sitting)
    chart = {"labels": [b.label for b in stats.bands], "counts": [b.count for b in stats.bands],
             "title": _("成绩分布"), "axis": _("人数")}
    return render(request, "exams/results/statistics.html", {
        "sitting": sitting, "stats": stats, "items": items, "chart": chart,
        "thresholds": {"low": exam_statistics.FACILITY_LOW, "high": exam_statistics.FACILITY_HIGH, "d": exam_statistics.DISCRIMINATION_LOW},
    })


# --- regrading --------------------------------------------------------------------------------------


def _versions(sitting):
    ids = Answer.objects.filter(attempt__sitting=sitting).values_list("item__version_id", flat=True).distinct()
    versions = QuestionVersion.objects.filter(pk__in=list(ids)).select_related("question").order_by("question__number", "number")
    keys = keys_in_force([v.pk for v in versions])
    choices = []
    for version in versions:
        key = keys.get(version.pk)
        if key is not None and key.voided:
            current = _("已作废")
        else:
            current = answer_text(version.question.qtype, key.answer if key is not None else version.answer) or _("阅卷人评分")
        label = _("%(n)s 第%(v)s版 %(t)s：%(s)s（现行答案：%(a)s）") % {
            "n": version.question.number, "v": version.number, "t": version.question.get_qtype_display(),
            "s": version.stem[:30], "a": current}
        choices.append((version, label))
    return choices


@login_required
@require_http_methods(["GET", "POST"])
def regrade(request, pk):
    """A key correction or a voiding: the form, then a dry run (kept) shown on its own page; the sitting's dry runs."""
    sitting = result_queries.sitting_for(request.user, pk)
    permissions.require(request.user, "exams.results")
    versions = _versions(sitting)
    form = RegradeForm(request.POST or None, versions=versions, initial={"version": request.GET.get("version")})
    status = 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        version = next((v for v, _label in versions if v.pk == data["version"]), None)
        if version is None:
            raise Http404
        try:
            run = regrading.regrade_dry_run(actor=request.user, version=version, answer_text=data["answer"], voided=data["voided"],
                                            reason=data["reason"])
        except DomainError as error:
            _refused(form, error, ("answer", "reason", "version"))
            status = 400
        else:
            return redirect("exams:results_dry_run", sitting.pk, run.pk)
    elif request.method == "POST":
        status = 400
    return render(request, "exams/results/regrade.html", {
        "sitting": sitting, "form": form, "dry_runs": regrading.dry_runs_of(sitting).select_related("version__question")[:50],
    }, status=status)


def _dry_run_page(request, sitting, run, *, refusal=None, status=200):
    return render(request, "exams/results/dry_run.html", {
        "sitting": sitting, "run": run, "can_commit": regrading.can_commit(request.user, run), "refusal": refusal,
        "regrades": run.regrades.select_related("sitting") if run.committed_at else [],
    }, status=status)


@login_required
@require_GET
def dry_run(request, pk, run_pk):
    sitting = result_queries.sitting_for(request.user, pk)
    return _dry_run_page(request, sitting, regrading.dry_run_for(request.user, sitting, run_pk))


@login_required
@require_POST
def dry_run_commit(request, pk, run_pk):
    """Commit what the dry run showed; a stale or already committed dry run is refused and changes nothing."""
    sitting = result_queries.sitting_for(request.user, pk)
    run = regrading.dry_run_for(request.user, sitting, run_pk)
    try:
        done = regrading.regrade_commit(actor=request.user, dry_run=run)
    except DomainError as error:
        if isinstance(error, (Forbidden, NotFound)):
            raise
        run.refresh_from_db()
        refusal = " ".join([str(error.message), *(str(d) for d in error.details)])
        return _dry_run_page(request, sitting, run, refusal=refusal, status=400)
    changes = sum(len(r.changes) for r in done)
    messages.success(request, _("已按试算执行重新评分：%(s)s 个场次，%(n)s 处变化已记录。") % {"s": len(done), "n": changes})
    return redirect("exams:results_regrades", sitting.pk)


@login_required
@require_GET
def regrade_log(request, pk):
    sitting = result_queries.sitting_for(request.user, pk)
    return render(request, "exams/results/regrades.html", {"sitting": sitting, "regrades": regrading.regrades_of(sitting)})


# --- an agent's own results ---------------------------------------------------------------------------


@login_required
@require_GET
def mine(request):
    found = result_queries.my_results(request.user)
    response = render(request, "exams/results/mine.html", {
        "results": found, "offers": result_queries.cascade_invitations(request.user), "has_person": request.user.person_id is not None,
    })
    add_never_cache_headers(response)
    return response


@login_required
@require_GET
def result_detail(request, pk):
    result = result_queries.result_for(request.user, pk)
    own = request.user.person_id is not None and result.person_id == request.user.person_id
    items = result_queries.result_items(result)
    response = render(request, "exams/results/detail.html", {
        "result": result, "sitting": result.sitting, "items": items, "own": own,
        "valid_until": result_queries._valid_until(result.sitting),
    })
    add_never_cache_headers(response)
    return response


# --- offline results ------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def offline_enter(request):
    permissions.require(request.user, "exams.results")
    form = OfflineResultForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        hotline = data.get("hotline") or request.user.hotline
        try:
            result = result_sheets.exam_result_enter(actor=request.user, hotline=hotline, staff_no=data["staff_no"], exam_name=data["exam_name"],
                                                     kind=data["kind"], exam_date=data["exam_date"], score=data["score"],
                                                     knowledge=data.get("knowledge"), skills=data.get("skills"))
        except DomainError as error:
            _refused(form, error)
        else:
            messages.success(request, _("已录入 %(p)s 的「%(e)s」成绩。") % {"p": result.person, "e": result.sitting.name})
            return redirect("exams:results_sitting", result.sitting_id)
    return render(request, "exams/results/offline.html", {"form": form}, status=400 if form.errors else 200)


# --- the June ranking ----------------------------------------------------------------------------------


def _june_hotline(request):
    """The hotline of the June pages: one's own, or the one a group administrator picks (?hotline=)."""
    permissions.require(request.user, "exams.view")
    if request.user.role != Role.ADMIN:
        return request.user.hotline
    wanted = request.GET.get("hotline") or request.POST.get("hotline")
    if wanted and str(wanted).isdigit():
        return Hotline.objects.filter(pk=int(wanted)).first()
    return None


@login_required
@require_GET
def june_index(request):
    hotline = _june_hotline(request)
    years = []
    if hotline is not None:
        ranked = set(JuneRanking.objects.filter(hotline=hotline).values_list("year", flat=True))
        sat = {s.year for s in hotline.sittings.filter(kind=SittingKind.JUNE, status=SittingStatus.RELEASED).only("opens_at")}
        years = sorted(ranked | sat | {timezone.localdate().year}, reverse=True)
    return render(request, "exams/results/june_index.html", {
        "hotline": hotline, "years": years, "hotlines": Hotline.objects.order_by("name") if request.user.role == Role.ADMIN else None,
        "rankings": {r.year: r for r in JuneRanking.objects.filter(hotline=hotline)} if hotline else {},
    })


def _june_page(request, hotline, year, *, status=200, refusal=None):
    ranking = JuneRanking.objects.filter(hotline=hotline, year=year).first()
    standings = JuneStanding.objects.none()
    only = request.GET.get("only", "")
    if ranking is not None:
        standings = ranking.standings.select_related("person", "person__team", "result__sitting").order_by("rank", "person__staff_no")
        if only == "adjustments":
            standings = standings.exclude(adjustment_status="none")
        elif only == "proposed":
            standings = standings.filter(adjustment_status="proposed")
    page = Paginator(standings, JUNE_PAGE).get_page(request.GET.get("page"))
    for standing in page:
        standing.adjustment_text = june_ranking.describe_treatment(standing.treatment, standing.level_before, standing.level_after, standing.change_on)
    counts = {}
    if ranking is not None:
        counts = {"proposed": ranking.standings.filter(adjustment_status="proposed").count(),
                  "people": ranking.standings.count()}
    return render(request, "exams/results/june.html", {
        "hotline": hotline, "year": year, "ranking": ranking, "page_obj": page, "only": only, "counts": counts,
        "can_compute": permissions.has(request.user, "exams.results"),
        "can_decide": permissions.has(request.user, "exams.june_decide"),
        "hotline_query": f"hotline={hotline.pk}" if request.user.role == Role.ADMIN else "",
        "page_query": "&".join(p for p in (f"hotline={hotline.pk}" if request.user.role == Role.ADMIN else "", f"only={only}" if only else "") if p),
        "refusal": refusal,
    }, status=status)


@login_required
@require_GET
def june_year(request, year):
    hotline = _june_hotline(request)
    if hotline is None:
        return redirect("exams:june")
    return _june_page(request, hotline, year)


@login_required
@require_POST
def june_compute(request, year):
    hotline = _june_hotline(request)
    if hotline is None:
        raise Http404
    try:
        ranking = june_ranking.june_ranking_compute(actor=request.user, hotline=hotline, year=year)
    except DomainError as error:
        if isinstance(error, (Forbidden, NotFound)):
            raise
        return _june_page(request, hotline, year, status=400, refusal=error.message)
    messages.success(request, _("已计算 %(y)s 年年中综合考试排名：%(n)s 人参加排名。") % {"y": year, "n": ranking.ranked_count})
    suffix = f"?hotline={hotline.pk}" if request.user.role == Role.ADMIN else ""
    return redirect(reverse("exams:june_year", args=[year]) + suffix)


@login_required
@require_POST
def june_decide(request, pk):
    standing = JuneStanding.objects.select_related("ranking", "ranking__hotline").filter(pk=pk).first()
    if standing is None or (request.user.role != Role.ADMIN and standing.ranking.hotline_id != request.user.hotline_id):
        raise Http404
    form = JuneDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请选择确认或驳回。"))
    else:
        try:
            if form.cleaned_data["decision"] == "confirm":
                june_ranking.june_adjustment_confirm(actor=request.user, standing=standing, reason=form.cleaned_data["reason"])
                messages.success(request, _("已确认 %(p)s 的年中调整（J3）。") % {"p": standing.person})
            else:
                june_ranking.june_adjustment_reject(actor=request.user, standing=standing, reason=form.cleaned_data["reason"])
                messages.success(request, _("已驳回 %(p)s 的年中调整。") % {"p": standing.person})
        except DomainError as error:
            if isinstance(error, (Forbidden, NotFound)):
                raise
            messages.error(request, f"{standing.person}：{error.message}")
    suffix = f"hotline={standing.ranking.hotline_id}&" if request.user.role == Role.ADMIN else ""
    back = reverse("exams:june_year", args=[standing.ranking.year])
    only = request.POST.get("only", "")
    only = only if only in ("adjustments", "proposed") else ""
    return redirect(f"{back}?{suffix}only={only}#standing-{standing.pk}")


@login_required
@require_GET
def june_export(request, year, fmt):
    """下半年奖金系数 (workbook.md) as .xlsx or .csv."""
    if fmt not in ("xlsx", "csv"):
        raise Http404
    hotline = _june_hotline(request)
    if hotline is None:
        raise Http404
    ranking = JuneRanking.objects.filter(hotline=hotline, year=year).select_related("hotline").first()
    if ranking is None:
        raise Http404
    headers = list(june_ranking.COEFFICIENT_HEADERS)
    rows = june_ranking.coefficient_rows(ranking)
    name = f"下半年奖金系数_{hotline.name}_{year}.{fmt}"
    if fmt == "csv":
        response = StreamingHttpResponse(writing.csv_chunks(headers, rows), content_type=CSV_TYPE)
        response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
        return response
    handle = writing.xlsx_file(sheet_name="下半年奖金系数", headers=headers, rows=rows, kinds=list(june_ranking.COEFFICIENT_KINDS))
    return FileResponse(handle, as_attachment=True, filename=name, content_type=XLSX_TYPE)
