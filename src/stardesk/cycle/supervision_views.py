"""The 星级监督 page (V1, M5, M6): the committee lowers or revokes a title; pending title sanctions are decided.

Each decision goes to the service of the rule it carries out: a V1 finding to
cycle.supervision (the committee), an M5 title sanction to events.services
(the supervisor), an M6 proposal to payouts.services (the supervisor).
"""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from stardesk.accounts import permissions
from stardesk.core.errors import DomainError, Forbidden
from stardesk.cycle import supervision
from stardesk.cycle.committee_forms import ConfirmForm, RejectForm, SupervisionForm
from stardesk.cycle.views import _errors_text, _hotline, _hotline_query
from stardesk.events import services as event_services
from stardesk.events.models import SUPERVISION_CATEGORIES, Event
from stardesk.people.models import Hotline


def _back(request, hotline):
    query = _hotline_query(request, hotline)
    return redirect(f"{request.path}?{query}" if query else request.path)


def _decide_event(user, event: Event, confirm: bool, data: dict):
    """V1 findings are the committee's; M5 title sanctions the supervisor's (events.services)."""
    if event.category in SUPERVISION_CATEGORIES:
        if confirm:
            return supervision.supervision_confirm(actor=user, event=event, reason=data["reason"], effective_on=data.get("effective_on"))
        return supervision.supervision_reject(actor=user, event=event, reason=data["reason"])
    if confirm:
        return event_services.sanction_confirm(actor=user, event=event, reason=data["reason"], effective_on=data.get("effective_on"))
    return event_services.sanction_reject(actor=user, event=event, reason=data["reason"])


def _decide_proposal(user, hotline, pk, confirm: bool, data: dict):
    from stardesk.payouts import services as payout_services

    proposal = supervision.pending_low_scores(user, hotline).filter(pk=pk).first()
    if proposal is None:
        raise Http404
    if confirm:
        return payout_services.low_score_confirm(actor=user, proposal=proposal, reason=data["reason"])
    return payout_services.low_score_reject(actor=user, proposal=proposal, reason=data["reason"])


@login_required
@require_http_methods(["GET", "POST"])
def index(request):
    user = request.user
    if not supervision.may_read(user):
        raise Forbidden()
    hotline = _hotline(request)
    if hotline is None:
        return render(request, "cycle/committee/choose_hotline.html", {"title": _("星级监督"),
                                                                     "hotlines": permissions.hotlines_visible_to(user).order_by("name")})
    may_decide_v1 = permissions.has(user, "supervision.decide")
    action = request.POST.get("action") if request.method == "POST" else None
    form = SupervisionForm(request.POST if action == "decide" else None, request.FILES if action == "decide" else None) \
        if may_decide_v1 else None
    if action == "decide":
        if form is None:
            raise Forbidden()
        if form.is_valid():
            data = form.cleaned_data
            person = permissions.people_visible_to(user).filter(hotline=hotline, staff_no=data["staff_no"].strip()).first()
            if person is None:
                form.add_error("staff_no", _("本热线没有工号为 %(no)s 的人员。") % {"no": data["staff_no"].strip()})
            else:
                try:
                    decision = supervision.supervision_decide(
                        actor=user, person=person, category=data["category"], sanction=data["sanction"], reason=data["reason"],
                        evidence_text=data["evidence_text"], files=data["files"], effective_on=data["effective_on"])
                except DomainError as error:
                    if error.status in (403, 404):
                        raise
                    fields = [d.get("field") for d in error.details if isinstance(d, dict) and d.get("field") in form.fields]
                    form.add_error(fields[0] if fields else None, error.message)
                else:
                    messages.success(request, _("已记录监督决定：%(outcome)s") % {"outcome": decision.title_outcome})
                    return _back(request, hotline)
    elif action in ("confirm_event", "reject_event", "confirm_proposal", "reject_proposal"):
        confirm = action.startswith("confirm")
        pk = request.POST.get("pk", "")
        if not pk.isdigit():
            raise Http404
        posted = (ConfirmForm if confirm else RejectForm)(request.POST)
        if not posted.is_valid():
            messages.error(request, "；".join(e for errors in posted.errors.values() for e in errors))
            return _back(request, hotline)
        try:
            if action.endswith("event"):
                event = supervision.pending_title_sanctions(user, hotline).filter(pk=int(pk)).first()
                if event is None:
                    raise Http404
                _decide_event(user, event, confirm, posted.cleaned_data)
            else:
                _decide_proposal(user, hotline, int(pk), confirm, posted.cleaned_data)
        except DomainError as error:
            if error.status == 404:
                raise Http404 from None
            if error.status == 403:
                raise
            messages.error(request, _errors_text(error))
        else:
            messages.success(request, _("已确认，星级记录已变更。") if confirm else _("已驳回，星级不变。"))
        return _back(request, hotline)
    events = list(supervision.pending_title_sanctions(user, hotline))
    return render(request, "cycle/supervision/index.html", {
        "hotline": hotline,
        "hotline_query": _hotline_query(request, hotline),
        "show_hotline": user.hotline_id is None,
        "hotlines": Hotline.objects.order_by("name") if user.hotline_id is None else (),
        "form": form,
        "events": [(e, supervision.appeal_open(e)) for e in events],
        "proposals": list(supervision.pending_low_scores(user, hotline)),
        "recent": list(supervision.recent_decisions(user, hotline)),
        "may_decide_v1": may_decide_v1,
        "may_decide_m5": permissions.has(user, "events.sanction_decide"),
        "may_decide_m6": permissions.has(user, "payouts.low_score_decide"),
        "supervision_categories": [c.value for c in SUPERVISION_CATEGORIES],
    })
