"""Pages of 授牌 (A1–A3): the award date and ceremony, the certificates, and the published holder list."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from stardesk.accounts import permissions
from stardesk.accounts.models import Role
from stardesk.core.errors import DomainError, Forbidden
from stardesk.cycle import award as award_step
from stardesk.cycle import certificates
from stardesk.cycle.committee_forms import AwardForm
from stardesk.cycle.models import Cycle, Step
from stardesk.cycle.views import _common, _cycle_or_404, _errors_text, _hotline, _hotline_query, _url

PDF_TYPE = "application/pdf"


@login_required
@require_http_methods(["GET", "POST"])
def award(request, year):
    """A1: the supervisor records the award date; the holders, their rewards (A2) and certificates (A3)."""
    cycle = _cycle_or_404(request, year)
    user = request.user
    may_award = permissions.has(user, "cycle.manage") and cycle.step == Step.AWARD and cycle.award_date is None
    form = AwardForm(request.POST or None, initial={"award_date": None}) if may_award else None
    if request.method == "POST":
        if not may_award:
            raise Forbidden()
        if form.is_valid():
            try:
                outcome = award_step.award_perform(actor=user, cycle=cycle, award_date=form.cleaned_data["award_date"])
            except DomainError as error:
                if error.status in (403, 404):
                    raise
                form.add_error("award_date", _errors_text(error))
            else:
                messages.success(request, _("已于 %(day)s 授牌：%(n)s 人获得新的星级，%(e)s 项原星级换届。") % {
                    "day": form.cleaned_data["award_date"].isoformat(), "n": len(outcome.awards), "e": outcome.ended})
                return redirect(_url(request, cycle.hotline, "award", cycle.year))
    awards = list(award_step.awards_of(cycle).filter(person__in=permissions.people_visible_to(user)))
    decided = list(award_step.holders_decided(cycle).filter(person__in=permissions.people_visible_to(user))) \
        if cycle.reached(Step.AWARD) and cycle.award_date is None else []
    return render(request, "cycle/award/award.html", {
        **_common(request, cycle, "award"),
        "form": form,
        "awards": awards,
        "decided": decided,
        "total": sum((a.reward_amount for a in awards), start=0),
        "counts": {L: sum(1 for a in awards if a.level == L) for L in (3, 2, 1)},
        "may_download_all": permissions.has(user, "cycle.export"),
    })


def _pdf(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=PDF_TYPE)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
    return response


def _published(request, year) -> Cycle:
    """A1: the holder list is published to everyone of the hotline once the award is recorded."""
    hotline = _hotline(request)
    if hotline is None:
        raise Http404
    found = Cycle.objects.filter(hotline=hotline, year=year, award_date__isnull=False).select_related("hotline").first()
    if found is None:
        raise Http404
    return found


@login_required
def certificate(request, year, pk):
    """A3: one certificate, for the holder, their team leader, and the hotline's supervisor and committee."""
    cycle = _published(request, year)
    try:
        found = award_step.award_for(request.user, cycle, pk)
    except DomainError:
        raise Http404 from None
    return _pdf(certificates.certificates_pdf([found]), certificates.file_name(found))


@login_required
def certificates_all(request, year):
    """A3: every certificate of the ceremony in one PDF, for printing."""
    cycle = _published(request, year)
    permissions.require(request.user, "cycle.export")
    permissions.require_hotline(request.user, cycle.hotline)
    awards = list(award_step.awards_of(cycle).select_related("cycle", "cycle__hotline"))
    return _pdf(certificates.certificates_pdf(awards), _("星级证书_%(hotline)s_%(year)s.pdf") % {"hotline": cycle.hotline.name, "year": cycle.year})


@login_required
def holders(request, year):
    """A1: the published list of holders from the award date (everyone of the hotline may read it)."""
    cycle = _published(request, year)
    awards = list(award_step.awards_of(cycle))
    return render(request, "cycle/award/holders.html", {
        "cycle": cycle,
        "hotline": cycle.hotline,
        "hotline_query": _hotline_query(request, cycle.hotline),
        "by_level": [(L, [a for a in awards if a.level == L]) for L in (3, 2, 1)],
        # A3: the certificate links the reader may open (their own, their team's, or all for the hotline's staff).
        "mine": set(permissions.people_visible_to(request.user).filter(pk__in=[a.person_id for a in awards])
                    .values_list("pk", flat=True)),
        "cycles": Cycle.objects.filter(hotline=cycle.hotline, award_date__isnull=False).order_by("-year").values_list("year", flat=True),
    })


@login_required
def holders_latest(request):
    """The sidebar's 星级名单: the latest published holder list of the user's hotline."""
    hotline = _hotline(request)
    if hotline is None:
        return redirect("cycle:index") if request.user.role != Role.AGENT else redirect("home")
    found = Cycle.objects.filter(hotline=hotline, award_date__isnull=False).order_by("-year").first()
    if found is None:
        messages.info(request, _("还没有公布的星级名单。"))
        return redirect("home")
    return redirect(_url(request, hotline, "holders", found.year))

