"""Pages for reward and sanction events: parse, call a query or a service, render."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from stardesk.accounts import permissions
from stardesk.accounts.models import Role
from stardesk.audit import queries as audit_queries
from stardesk.core.errors import DomainError, Forbidden, NotFound
from stardesk.events import queries, services
from stardesk.events.forms import (
    AppealDecisionForm,
    ConfirmForm,
    EventFilterForm,
    EventForm,
    EvidenceForm,
    ReasonForm,
    plain,
)
from stardesk.events.models import Event, EventEvidence, SanctionStatus
from stardesk.people.models import Person, TitleSpell

# Which form field a service refusal belongs to, so it shows next to the input.
ERROR_FIELDS = {
    "event_person_unknown": "staff_no",
    "event_person_ambiguous": "staff_no",
    "event_date_in_future": "date",
    "event_after_leaving": "date",
    "event_severity_required": "severity",
    "event_no_handling": "sanction",
    "event_supervision_title_only": "sanction",
    "event_description_required": "description",
    "event_correction_reason_required": "correction_reason",
    "evidence_invalid": "files",
}


def _refused(form, error: DomainError) -> None:
    if isinstance(error, (Forbidden, NotFound)):
        raise error
    field = ERROR_FIELDS.get(error.code)
    if field not in form.fields:
        field = None
    form.add_error(field, error.message)
    for detail in error.details:
        form.add_error(field, str(detail))


def _partial_or_page(request, partial: str, page: str, context: dict):
    """htmx live filtering swaps only the results; a plain request (or a history restore) gets the page."""
    wants_partial = bool(request.htmx) and not request.htmx.history_restore_request
    response = render(request, partial if wants_partial else page, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _event_or_404(user, pk) -> Event:
    try:
        return queries.event_for(user, pk)
    except Event.DoesNotExist:
        raise Http404 from None


def _recordable_people(user):
    people = permissions.people_visible_to(user).select_related("team", "hotline")
    if user.role == Role.LEADER:
        people = people.filter(team__leader=user)
    return people


def _person_by_staff_no(user, staff_no: str) -> Person:
    found = list(_recordable_people(user).filter(staff_no=staff_no)[:2])
    if not found:
        raise DomainError("event_person_unknown", _("工号 %(no)s 不在您可以记录的人员中。") % {"no": staff_no})
    if len(found) > 1:
        # Staff numbers are unique per hotline only; a group administrator starts from the person's file.
        raise DomainError("event_person_ambiguous")
    return found[0]


@login_required
@require_GET
def event_list(request):
    form = EventFilterForm(request.user, request.GET or None)
    wanted = form.wanted()
    page = Paginator(queries.event_list(request.user, wanted), queries.PAGE_SIZE).get_page(request.GET.get("page"))
    for event in page:
        event.state = queries.state_of(event)
    context = {
        "form": form,
        "page_obj": page,
        "sort": queries.sort_key(wanted.sort),
        "can_record": permissions.has(request.user, "events.record"),
        "show_hotline": request.user.role == Role.ADMIN,
    }
    return _partial_or_page(request, "events/_list.html", "events/list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def event_create(request):
    permissions.require(request.user, "events.record")
    initial = {}
    person = None
    if request.GET.get("person"):
        person = _recordable_people(request.user).filter(pk=request.GET["person"]).first() if request.GET["person"].isdigit() else None
        if person is None:
            raise Http404
        initial["staff_no"] = person.staff_no
    if request.GET.get("category"):
        initial["category"] = request.GET["category"]
    hotline = request.user.hotline or (person.hotline if person else None)
    posted = request.method == "POST"
    form = EventForm(request.POST if posted else None, request.FILES if posted else None, hotline=hotline, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            target = person if person is not None and person.staff_no == form.cleaned_data["staff_no"] else None
            target = target or _person_by_staff_no(request.user, form.cleaned_data["staff_no"])
            event = services.event_record(
                actor=request.user, person=target, files=form.cleaned_data["files"], **form.event_fields()
            )
        except DomainError as error:
            _refused(form, error)
        else:
            messages.success(request, _("已记录事件：%(event)s。") % {"event": event})
            return redirect("events:detail", event.pk)
    return render(request, "events/event_form.html", {"form": form, "event": None, "person": person})


@login_required
@require_http_methods(["GET", "POST"])
def event_edit(request, pk):
    event = _event_or_404(request.user, pk)
    if not services.can_edit(request.user, event):
        raise Forbidden()
    settled = services.is_settled(event)
    initial = {name: getattr(event, name) for name in services.EVENT_FIELDS}
    form = EventForm(
        request.POST if request.method == "POST" else None,
        hotline=event.hotline,
        event=event,
        settled=settled,
        handling_locked=event.sanction_status == SanctionStatus.CONFIRMED,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.event_update(
                actor=request.user,
                event=event,
                correction_reason=form.cleaned_data.get("correction_reason", ""),
                **form.event_fields(),
            )
        except DomainError as error:
            _refused(form, error)
        else:
            messages.success(request, _("已保存修改。"))
            return redirect("events:detail", event.pk)
    return render(request, "events/event_form.html", {"form": form, "event": event, "person": event.person, "settled": settled})


@login_required
@require_GET
def handling_fields(request):
    """htmx: the severity and handling inputs for the chosen category, the policy default preselected."""
    initial = {name: request.GET.get(name, "") for name in ("category", "severity", "date")}
    event = None
    if request.GET.get("event", "").isdigit():
        event = _event_or_404(request.user, request.GET["event"])
    hotline = event.hotline if event else request.user.hotline
    form = EventForm(hotline=hotline, initial=initial)
    return render(request, "events/_handling_fields.html", {"form": form})


@login_required
@require_GET
def person_lookup(request):
    """htmx: who a typed 工号 is, and the title they hold today (a title sanction on no title changes nothing, E6)."""
    permissions.require(request.user, "events.record")
    staff_no = plain(request.GET.get("staff_no", ""))[:30]
    found = list(_recordable_people(request.user).filter(staff_no=staff_no)[:2]) if staff_no else []
    person = found[0] if len(found) == 1 else None
    held = []
    if person is not None:
        today = timezone.localdate()
        held = list(
            TitleSpell.objects.filter(person=person, start__lte=today).filter(Q(end__isnull=True) | Q(end__gt=today)).order_by("-level")
        )
    return render(
        request,
        "events/_person_found.html",
        {"person": person, "held": held, "staff_no": staff_no, "ambiguous": len(found) > 1},
    )


@login_required
@require_GET
def event_detail(request, pk):
    event = _event_or_404(request.user, pk)
    user = request.user
    evidence = queries.evidence_of(event)
    decisions = queries.decisions_of(event)
    appeal = services.appeal_of(event)
    titles = [spell for d in decisions for spell in (d.ended_title, d.started_title) if spell is not None]
    records = [event, *evidence, *decisions, *titles]
    if appeal is not None:
        records.append(appeal)
    context = {
        "event": event,
        "state": queries.state_of(event),
        "evidence": evidence,
        "appeal": appeal,
        "decisions": decisions,
        "trail": audit_queries.trail_for(*records),
        "can_edit": services.can_edit(user, event),
        "can_add_evidence": services.can_record(user, event.person),
        "can_appeal": services.can_appeal(user, event),
        "can_decide_appeal": services.can_decide_appeal(user, event),
        "can_decide_sanction": services.can_decide_sanction(user, event),
        "settled": services.is_settled(event),
        "appeal_form": ReasonForm(),
        "appeal_decision_form": AppealDecisionForm(),
        "confirm_form": ConfirmForm(initial={"effective_on": timezone.localdate()}),
        "reject_form": ReasonForm(),
        "evidence_form": EvidenceForm(),
        "today": timezone.localdate(),
    }
    return render(request, "events/detail.html", context)


def _act(request, pk, form_class, action, success: str):
    """Run a workflow action from a small form; a refusal comes back as a message on the event's page."""
    event = _event_or_404(request.user, pk)
    form = form_class(request.POST, request.FILES) if form_class is EvidenceForm else form_class(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("events:detail", event.pk)
    try:
        result = action(event, form.cleaned_data)
    except (Forbidden, NotFound):
        raise
    except DomainError as error:
        messages.error(request, error.message)
        for detail in error.details:
            messages.error(request, str(detail))
    else:
        messages.success(request, success if not callable(success) else success(result))
    return redirect("events:detail", event.pk)


@login_required
@require_POST
def appeal_file(request, pk):
    return _act(
        request,
        pk,
        ReasonForm,
        lambda event, data: services.appeal_file(actor=request.user, event=event, reason=data["reason"]),
        _("已提交申诉，等待主管裁决。"),
    )


@login_required
@require_POST
def appeal_decide(request, pk):
    return _act(
        request,
        pk,
        AppealDecisionForm,
        lambda event, data: services.appeal_decide(
            actor=request.user, event=event, overturn=data["outcome"] == "overturn", reason=data["reason"]
        ),
        lambda appeal: _("申诉已裁决：%(outcome)s。") % {"outcome": appeal.get_status_display()},
    )


@login_required
@require_POST
def sanction_confirm(request, pk):
    return _act(
        request,
        pk,
        ConfirmForm,
        lambda event, data: services.sanction_confirm(
            actor=request.user, event=event, reason=data["reason"], effective_on=data["effective_on"]
        ),
        lambda decision: _("已确认星级处理。%(outcome)s") % {"outcome": decision.title_outcome},
    )


@login_required
@require_POST
def sanction_reject(request, pk):
    return _act(
        request,
        pk,
        ReasonForm,
        lambda event, data: services.sanction_reject(actor=request.user, event=event, reason=data["reason"]),
        _("已驳回星级处理，星级不变。"),
    )


@login_required
@require_POST
def evidence_add(request, pk):
    return _act(
        request,
        pk,
        EvidenceForm,
        lambda event, data: services.evidence_add(actor=request.user, event=event, files=data["files"]),
        lambda stored: _("已上传 %(n)s 个证据文件。") % {"n": len(stored)},
    )


@login_required
@require_GET
def evidence_file(request, pk):
    """An evidence file, only to those who may read its event. Images and PDFs open in the browser."""
    try:
        item = EventEvidence.objects.select_related("event").get(pk=pk, event__in=queries.events_visible_to(request.user))
    except EventEvidence.DoesNotExist:
        raise Http404 from None
    try:
        handle = item.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    inline = (item.is_image or item.content_type == "application/pdf") and not request.GET.get("download")
    response = FileResponse(handle, as_attachment=not inline, filename=item.original_name, content_type=item.content_type)
    # Uploaded content never runs as part of the site.
    response["Content-Security-Policy"] = "sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    return response
