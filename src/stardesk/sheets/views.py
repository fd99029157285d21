"""The import page (/imports/): templates, uploads, exports and the record of every import run."""
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from stardesk.accounts import permissions
from stardesk.accounts.models import Role
from stardesk.core.errors import DomainError, Forbidden, NotFound
from stardesk.sheets import catalog, queries, services, writing
from stardesk.sheets.forms import ExportForm, ImportForm
from stardesk.sheets.models import ImportStatus

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
FORMATS = ("xlsx", "csv")
# The page shows this many bad rows; the full list is a download.
ERRORS_ON_PAGE = 500
RUNS_PER_PAGE = 20


def _sheets_or_forbidden(user):
    sheets = queries.sheets_for(user)
    if not sheets:
        raise Forbidden()
    return sheets


def _runs_page(request):
    runs = queries.import_runs_visible_to(request.user).defer("errors")
    kind = request.GET.get("kind", "")
    status = request.GET.get("status", "")
    if kind in catalog.SHEETS:
        runs = runs.filter(kind=kind)
    if status in ImportStatus.values:
        runs = runs.filter(status=status)
    order = "at" if request.GET.get("sort") == "at" else "-at"
    runs = runs.order_by(order, order.replace("at", "id"))
    page = Paginator(runs, RUNS_PER_PAGE).get_page(request.GET.get("page"))
    return page, {"kind": kind, "status": status, "sort": order}


def _render_index(request, *, bound=None, result=None):
    sheets = _sheets_or_forbidden(request.user)
    bound = bound or {}
    cards = [
        {
            "spec": spec,
            "form": bound.get(spec.kind) or ImportForm(user=request.user, prefix=spec.kind),
            "export_form": ExportForm(user=request.user, prefix=f"export-{spec.kind}") if request.user.role == Role.ADMIN else None,
            "exportable": spec.export_rows is not None,
        }
        for spec in sheets
    ]
    page, filters = _runs_page(request)
    context = {
        "cards": cards,
        "result": result,
        "runs": page,
        "filters": filters,
        "statuses": ImportStatus.choices,
        "sheet_choices": [(spec.kind, spec.title) for spec in sheets],
        "errors_on_page": ERRORS_ON_PAGE,
    }
    return render(request, "sheets/index.html", context)


@login_required
def index(request):
    return _render_index(request)


@login_required
@require_POST
def upload(request, kind):
    spec = catalog.sheet(kind)
    permissions.require(request.user, spec.permission)
    form = ImportForm(request.POST, request.FILES, user=request.user, prefix=kind)
    result = None
    if form.is_valid():
        file = form.cleaned_data["file"]
        try:
            run = services.sheet_import(
                actor=request.user, kind=kind, source=file, file_name=file.name, hotline=form.cleaned_data.get("hotline")
            )
            result = {"ok": True, "run": run, "spec": spec}
            form = ImportForm(user=request.user, prefix=kind)
        except services.ImportRefused as refusal:
            result = {"ok": False, "run": refusal.run, "spec": spec, "message": refusal.message, "errors": refusal.details[:ERRORS_ON_PAGE]}
    return _render_index(request, bound={kind: form}, result=result)


@login_required
def template(request, kind, fmt):
    spec = catalog.sheet(kind)
    permissions.require(request.user, spec.permission)
    name = _("%(title)s导入模板") % {"title": spec.title}
    if fmt == "xlsx":
        return _attachment(HttpResponse(writing.template_xlsx(spec), content_type=XLSX_TYPE), f"{name}.xlsx")
    if fmt == "csv":
        return _attachment(HttpResponse(writing.template_csv(spec), content_type=CSV_TYPE), f"{name}.csv")
    raise NotFound()


def _export_hotline(request, spec):
    if request.user.role != Role.ADMIN:
        return request.user.hotline
    form = ExportForm(request.GET, user=request.user, prefix=f"export-{spec.kind}")
    if not form.is_valid():
        raise DomainError("no_hotline")
    return form.cleaned_data["hotline"]


@login_required
def export(request, kind):
    spec = catalog.sheet(kind)
    fmt = request.GET.get("fmt", "xlsx")
    if fmt not in FORMATS:
        raise NotFound()
    permissions.require(request.user, spec.permission)
    hotline = _export_hotline(request, spec)
    spec, rows = queries.sheet_export(actor=request.user, kind=kind, hotline=hotline)
    file_name = f"{spec.title}_{hotline.name}_{timezone.localdate():%Y%m%d}.{fmt}"
    return _download(spec.headers, rows, file_name=file_name, fmt=fmt, sheet_name=str(spec.title), kinds=writing.spec_kinds(spec))


@login_required
def run_detail(request, pk):
    _sheets_or_forbidden(request.user)
    run = queries.import_runs_visible_to(request.user).filter(pk=pk).first()
    if run is None:
        raise NotFound()
    return render(request, "sheets/run_detail.html", {"run": run, "errors": run.errors[:ERRORS_ON_PAGE], "errors_on_page": ERRORS_ON_PAGE})


@login_required
def run_errors(request, pk, fmt):
    _sheets_or_forbidden(request.user)
    run = queries.import_runs_visible_to(request.user).filter(pk=pk).first()
    if run is None or fmt not in FORMATS:
        raise NotFound()
    headers = [_("行"), _("列"), _("原因")]
    rows = ([error["row"], error["column"], error["reason"]] for error in run.errors)
    stamp = timezone.localtime(run.at).strftime("%Y%m%d%H%M")
    file_name = _("导入错误_%(sheet)s_%(stamp)s") % {"sheet": run.sheet_title, "stamp": stamp} + f".{fmt}"
    return _download(headers, rows, file_name=file_name, fmt=fmt, sheet_name=_("导入错误"), kinds=["number", "text", "text"])


def _download(headers, rows, *, file_name: str, fmt: str, sheet_name: str, kinds: list[str]):
    if fmt == "csv":
        response = StreamingHttpResponse(writing.csv_chunks(headers, rows), content_type=CSV_TYPE)
        return _attachment(response, file_name)
    handle = writing.xlsx_file(sheet_name=sheet_name, headers=headers, rows=rows, kinds=kinds)
    return FileResponse(handle, as_attachment=True, filename=file_name, content_type=XLSX_TYPE)


def _attachment(response, file_name: str):
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=file_name)
    return response

