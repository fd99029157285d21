"""Pages of the yearly policy: parse, call a query or a service, render.

Everyone but a group administrator works in their own hotline; the group
administrator names the hotline with ?hotline=<id> (kept on every link).
"""
import dataclasses

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from stardesk.accounts import permissions
from stardesk.accounts.models import Role
from stardesk.core.errors import DomainError
from stardesk.people.models import Hotline
from stardesk.policy.reasons import basis
from stardesk.yearly_policy import queries, services
from stardesk.yearly_policy.forms import FreezeForm, ImportForm, NewYearForm, PolicyForm, ReferenceDayForm
from stardesk.yearly_policy.person_facts import person_facts
from stardesk.yearly_policy.policy_fields import field_title, grouped, shown_raw
from stardesk.yearly_policy.standing_report import standing_report

QUOTA_FIELDS = ("c4_quota_rounding", "q1_ratio_level1", "q1_ratio_level2", "q1_ratio_level3")


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
    """'hotline=3' for a group administrator, so every link stays in the chosen hotline."""
    return f"hotline={hotline.pk}" if request.user.role == Role.ADMIN and hotline is not None else ""


def _url(request, hotline, name, *args) -> str:
    query = _hotline_query(request, hotline)
    url = reverse(f"yearly_policy:{name}", args=args)
    return f"{url}?{query}" if query else url


def _year_or_404(request, year):
    permissions.require(request.user, "policy.view")
    hotline = _hotline(request)
    if hotline is None:
        raise Http404
    try:
        return queries.policy_for(request.user, hotline, year)
    except DomainError as error:
        if error.status == 404:
            raise Http404 from None
        raise


def _common(request, record) -> dict:
    return {
        "record": record,
        "hotline": record.hotline,
        "hotline_query": _hotline_query(request, record.hotline),
        "show_hotline": request.user.role == Role.ADMIN,
    }


@login_required
def index(request):
    permissions.require(request.user, "policy.view")
    hotline = _hotline(request)
    if hotline is None:
        return render(request, "yearly_policy/choose_hotline.html",
                      {"hotlines": permissions.hotlines_visible_to(request.user).order_by("name")})
    records = list(queries.policies_of(hotline))
    latest = records[0] if records else None
    return render(request, "yearly_policy/index.html", {
        "hotline": hotline,
        "records": records,
        "latest": latest,
        "next_year": latest.year + 1 if latest else timezone.localdate().year,
        "can_edit": permissions.has(request.user, "policy.edit"),
        "hotline_query": _hotline_query(request, hotline),
        "show_hotline": request.user.role == Role.ADMIN,
        "new_form": NewYearForm(initial={"year": timezone.localdate().year}),
    })


@login_required
@require_POST
def create_from_defaults(request):
    permissions.require(request.user, "policy.edit")
    hotline = _hotline(request)
    if hotline is None:
        raise Http404
    form = NewYearForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect(_url(request, hotline, "index"))
    try:
        record = services.policy_create_from_defaults(actor=request.user, hotline=hotline, year=form.cleaned_data["year"])
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(_url(request, hotline, "index"))
    messages.success(request, _("已按默认值创建 %(year)d 年度政策（%(version)s）。") % {"year": record.year, "version": record.version})
    return redirect(_url(request, hotline, "year", record.year))


@login_required
@require_POST
def copy_forward(request):
    permissions.require(request.user, "policy.edit")
    hotline = _hotline(request)
    if hotline is None:
        raise Http404
    try:
        record = services.policy_copy_forward(actor=request.user, hotline=hotline)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect(_url(request, hotline, "index"))
    messages.success(request, _("已创建 %(year)d 年度政策，沿用上一年度的全部参数，可以修改。") % {"year": record.year})
    return redirect(_url(request, hotline, "year", record.year))


@login_required
def year_detail(request, year):
    record = _year_or_404(request, year)
    policy = record.policy()
    previous = queries.previous_policy(record)
    day_form = ReferenceDayForm(request.GET or None)
    day = timezone.localdate()
    if day_form.is_valid() and day_form.cleaned_data["on"]:
        day = day_form.cleaned_data["on"]
    preview = queries.quota_preview(record.hotline, policy, day)
    user = request.user
    return render(request, "yearly_policy/year.html", {
        **_common(request, record),
        "policy": policy,
        "previous": previous,
        "groups": grouped(policy, previous.policy() if previous else None),
        "day_form": day_form,
        "preview": preview,
        "quota_basis": basis(preview.quotas),
        "can_edit": permissions.has(user, "policy.edit") and not record.is_frozen,
        "can_freeze": permissions.has(user, "policy.freeze") and not record.is_frozen,
        "freeze_form": FreezeForm(),
    })


def _preview_for_form(record, form: PolicyForm, day):
    """Q1 with the quota fields as typed so far (the others as saved); None while one does not parse."""
    policy = record.policy()
    typed = {}
    for name in QUOTA_FIELDS:
        field = form.fields[name]
        try:
            value = field.clean(form[name].data if form.is_bound else form[name].initial)
        except forms.ValidationError:  # a half-typed number: no preview until it parses
            return None
        typed[name] = value
    try:
        return queries.quota_preview(record.hotline, dataclasses.replace(policy, **typed), day)
    except ValueError:
        return None


@login_required
@require_http_methods(["GET", "POST"])
def year_edit(request, year):
    record = _year_or_404(request, year)
    permissions.require(request.user, "policy.edit")
    if record.is_frozen:
        messages.error(request, DomainError("policy_frozen").message)
        return redirect(_url(request, record.hotline, "year", record.year))
    policy = record.policy()
    form = PolicyForm(policy, record.revision, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.policy_update(
                actor=request.user, policy=record, values=form.values(), reason=form.cleaned_data["reason"],
                expected_revision=form.cleaned_data["revision"],
            )
        except DomainError as error:
            if error.code == "policy_invalid":
                for problem in error.details:
                    form.add_error(problem["field"], problem["message"])
            else:
                form.add_error("reason" if error.code == "policy_reason_required" else None, error.message)
        else:
            record.refresh_from_db()
            messages.success(request, _("已保存为 %(version)s。") % {"version": record.version})
            return redirect(_url(request, record.hotline, "year", record.year))
    day = timezone.localdate()
    return render(request, "yearly_policy/edit.html", {
        **_common(request, record),
        "form": form,
        "preview": _preview_for_form(record, form, day),
        "day": day,
    })


@login_required
@require_POST
def edit_preview(request, year):
    """htmx: the quota preview for the ratios being typed on the edit page (nothing saved)."""
    record = _year_or_404(request, year)
    permissions.require(request.user, "policy.edit")
    form = PolicyForm(record.policy(), record.revision, request.POST)
    day = timezone.localdate()
    return render(request, "yearly_policy/_quota_preview.html", {
        "preview": _preview_for_form(record, form, day), "day": day, "live": True,
    })


@login_required
def year_history(request, year):
    record = _year_or_404(request, year)
    page = Paginator(queries.revisions_of(record), queries.HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [
        {
            "revision": revision,
            "changes": [
                {"title": field_title(key), "old": shown_raw(key, pair[0]), "new": shown_raw(key, pair[1])}
                for key, pair in revision.changes.items()
            ],
        }
        for revision in page.object_list
    ]
    return render(request, "yearly_policy/history.html", {**_common(request, record), "page_obj": page, "rows": rows})


@login_required
@require_GET
def year_export(request, year):
    record = _year_or_404(request, year)
    revision = request.GET.get("revision")
    number = int(revision) if revision and revision.isdigit() else None
    try:
        text = services.policy_export(actor=request.user, policy=record, revision=number)
    except DomainError as error:
        if error.status == 404:
            raise Http404 from None
        raise
    response = HttpResponse(text.encode("utf-8"), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, services.export_file_name(record, number))
    return response


@login_required
@require_http_methods(["GET", "POST"])
def policy_import(request):
    permissions.require(request.user, "policy.edit")
    hotline = _hotline(request)
    if hotline is None:
        raise Http404
    initial_year = request.GET.get("year")
    form = ImportForm(request.POST or None, request.FILES or None,
                      initial={"year": int(initial_year) if initial_year and initial_year.isdigit() else timezone.localdate().year})
    problems = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            record = services.policy_import(
                actor=request.user, hotline=hotline, year=form.cleaned_data["year"],
                content=upload.read(services.MAX_IMPORT_BYTES + 1), reason=form.cleaned_data["reason"],
            )
        except DomainError as error:
            form.add_error(None, error.message)
            problems = [
                {"title": field_title(d["field"]) if d.get("field") else _("整个文件"), "key": d.get("field") or "", "message": d["message"]}
                for d in error.details
            ]
        else:
            messages.success(request, _("已导入 %(year)d 年度政策，现为 %(version)s。") % {"year": record.year, "version": record.version})
            return redirect(_url(request, hotline, "year", record.year))
    return render(request, "yearly_policy/import.html", {
        "form": form, "problems": problems, "hotline": hotline,
        "hotline_query": _hotline_query(request, hotline), "show_hotline": request.user.role == Role.ADMIN,
    })


@login_required
@require_POST
def year_freeze(request, year):
    record = _year_or_404(request, year)
    permissions.require(request.user, "policy.freeze")
    form = FreezeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写冻结原因。"))
        return redirect(_url(request, record.hotline, "year", record.year))
    try:
        services.policy_freeze(actor=request.user, policy=record, reason=form.cleaned_data["reason"])
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("%(year)d 年度政策已冻结，不能再修改。") % {"year": record.year})
    return redirect(_url(request, record.hotline, "year", record.year))


@login_required
def my_standing(request):
    """The sidebar's 「我的星级进度」: the page of the person linked to the account."""
    if not request.user.person_id:
        return render(request, "yearly_policy/standing_none.html", status=404)
    return redirect("yearly_policy:standing", request.user.person_id)


@login_required
def person_standing(request, person_pk):
    try:
        person = queries.person_for_standing(request.user, person_pk)
    except DomainError:
        raise Http404 from None
    day_form = ReferenceDayForm(request.GET or None)
    day = timezone.localdate()
    if day_form.is_valid() and day_form.cleaned_data["on"]:
        day = day_form.cleaned_data["on"]
    in_force = queries.policy_for_year_or_before(person.hotline, day.year)
    report = None
    if in_force is not None:
        report = standing_report(person_facts(person), in_force, day)
    return render(request, "yearly_policy/standing.html", {
        "person": person,
        "report": report,
        "in_force": in_force,
        "day": day,
        "day_form": day_form,
        "is_self": request.user.person_id == person.pk,
        "can_see_policy": permissions.has(request.user, "policy.view"),
        "hotline_query": _hotline_query(request, person.hotline),
    })
