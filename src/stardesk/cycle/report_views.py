"""Pages of R3: the month's 奖金计划 (page, .xlsx, .csv) and the cycle's summary report (page and PDF)."""
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _

from stardesk.accounts import permissions
from stardesk.core.errors import Forbidden
from stardesk.cycle import bonus_plan, summary_report
from stardesk.cycle.committee_forms import MonthForm
from stardesk.cycle.views import CSV_TYPE, FORMATS, XLSX_TYPE, _common, _cycle_or_404, _hotline, _hotline_query
from stardesk.policy.conventions import Month
from stardesk.sheets import writing


def _month(text: str) -> Month | None:
    try:
        year, number = (int(part) for part in text.split("-"))
        return Month(year, number)
    except (ValueError, TypeError):
        return None


def _plan_hotline(request):
    if not permissions.has(request.user, "bonus.view"):
        raise Forbidden()
    return _hotline(request)


@login_required
def bonus(request):
    """R3: every payment of the month (M4 allowances, J2 coefficients, A2 rewards) with its 依据."""
    hotline = _plan_hotline(request)
    if hotline is None:
        return render(request, "cycle/committee/choose_hotline.html", {"title": _("奖金计划"),
                                                                     "hotlines": permissions.hotlines_visible_to(request.user).order_by("name")})
    form = MonthForm({"month": request.GET.get("month") or str(Month.of(timezone.localdate()))})
    month = _month(form.cleaned_data["month"]) if form.is_valid() else None
    if form.is_valid() and month is None:
        form.add_error("month", _("月份格式应为 YYYY-MM。"))
    plan = bonus_plan.plan_for(hotline, month) if month is not None else None
    return render(request, "cycle/bonus/plan.html", {
        "hotline": hotline,
        "hotline_query": _hotline_query(request, hotline),
        "show_hotline": request.user.hotline_id is None,
        "hotlines": permissions.hotlines_visible_to(request.user).order_by("name"),
        "form": form,
        "month": month,
        "plan": plan,
    })


@login_required
def bonus_export(request, month, fmt):
    hotline = _plan_hotline(request)
    found = _month(month)
    if hotline is None or found is None or fmt not in FORMATS:
        raise Http404
    rows = bonus_plan.export_rows(actor=request.user, hotline=hotline, month=found)
    name = bonus_plan.file_name(hotline, found, fmt)
    if fmt == "csv":
        response = StreamingHttpResponse(writing.csv_chunks(list(bonus_plan.HEADERS), rows), content_type=CSV_TYPE)
        response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
        return response
    handle = writing.xlsx_file(sheet_name=bonus_plan.TITLE, headers=list(bonus_plan.HEADERS), rows=rows, kinds=list(bonus_plan.KINDS))
    return FileResponse(handle, as_attachment=True, filename=name, content_type=XLSX_TYPE)


def _summary_cycle(request, year):
    cycle = _cycle_or_404(request, year)
    permissions.require(request.user, "cycle.export")
    return cycle


@login_required
def summary(request, year):
    """R3: the cycle's summary report."""
    cycle = _summary_cycle(request, year)
    return render(request, "cycle/summary/report.html", {**_common(request, cycle, "summary"), "s": summary_report.summary_for(cycle)})


@login_required
def summary_pdf(request, year):
    cycle = _summary_cycle(request, year)
    content = summary_report.summary_pdf(summary_report.summary_for(cycle))
    response = HttpResponse(content, content_type="application/pdf")
    name = _("星级评定总结报告_%(hotline)s_%(year)s.pdf") % {"hotline": cycle.hotline.name, "year": cycle.year}
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
    return response
