"""Pages of 业务考核 and 集中评定: the candidates' exams and composite scores, the committee's workspace,
one candidate's file with the member's vote and the decision, and the committee's what-if. Thin: parse,
call a query or a service, render."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from stardesk.accounts import permissions
from stardesk.accounts.models import Role
from stardesk.core.errors import DomainError, Forbidden
from stardesk.cycle import assessment_step, committee, committee_queries as queries
from stardesk.cycle.committee_forms import DecideForm, SittingForm, VoteForm
from stardesk.cycle.eligibility import cycle_policy
from stardesk.cycle.forms import WhatIfForm
from stardesk.cycle.models import Cycle, CycleStage, Step
from stardesk.cycle.views import _common, _cycle_or_404, _errors_text, _hotline, _url


def _viewer(request, year) -> Cycle:
    cycle = _cycle_or_404(request, year)
    if not queries.may_view(request.user):
        raise Forbidden()
    return cycle


def _refused(request, error: DomainError) -> None:
    if error.status in (403, 404):
        raise error
    messages.error(request, _errors_text(error))


# --- 业务考核 ------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def assessment(request, year):
    """X1–X5: every recommended candidate's sittings, cascade, qualification and composite score."""
    cycle = _viewer(request, year)
    user = request.user
    may_run = permissions.has(user, "cycle.manage") and cycle.step == Step.ASSESSMENT
    sittings = assessment_step.level_sittings(cycle)
    if request.method == "POST":
        if not may_run:
            raise Forbidden()
        form = SittingForm(sittings, request.POST)
        action = request.POST.get("action")
        if form.is_valid() and action in ("invite", "cascade"):
            run = assessment_step.assessment_invite if action == "invite" else assessment_step.assessment_cascade
            try:
                fresh = run(actor=user, cycle=cycle, sitting=form.cleaned_data["sitting"])
            except DomainError as error:
                _refused(request, error)
            else:
                messages.success(request, _("已邀请 %(n)s 人参加「%(sitting)s」。") % {"n": len(fresh), "sitting": form.cleaned_data["sitting"]})
        else:
            messages.error(request, _("请选择考试场次。"))
        return redirect(_url(request, cycle.hotline, "assessment", cycle.year))
    # Once 集中评定 has started, the figures as of that day (what the committee kept); before, as of today.
    started = CycleStage.objects.filter(cycle=cycle, step=Step.COMMITTEE, started_at__isnull=False).values_list("started_at", flat=True).first()
    on = timezone.localdate(started) if started else None
    rows = assessment_step.assess(cycle, on=on, with_invitations=True) if cycle.reached(Step.ASSESSMENT) else []
    by_level = {L: [a for a in rows if a.recommended_level == L] for L in (3, 2, 1)}
    return render(request, "cycle/committee/assessment.html", {
        **_common(request, cycle, "assessment"),
        "rows": rows,
        "by_level": [(L, by_level[L]) for L in (3, 2, 1)],
        "may_run": may_run,
        "sitting_form": SittingForm(sittings) if may_run else None,
        "has_sittings": sittings.exists(),
        "missing": sum(1 for a in rows if a.composite.value is None),
        "frozen": cycle.reached(Step.COMMITTEE),
    })


# --- 集中评定 -----------------------------------------------------------------------------------------


@login_required
def committee_home(request):
    """The sidebar's 集中评定: the hotline's latest cycle that has reached the committee."""
    if not queries.may_view(request.user):
        raise Forbidden()
    hotline = _hotline(request)
    if hotline is None:
        return redirect("cycle:index")
    found = Cycle.objects.filter(hotline=hotline, step__in=[Step.COMMITTEE, Step.AWARD, Step.SUMMARY, Step.COMPLETED]).order_by("-year").first()
    if found is None:
        messages.info(request, _("还没有进入集中评定的年度评定。"))
        return redirect(_url(request, hotline, "index"))
    return redirect(_url(request, hotline, "committee", found.year))


@login_required
def workspace(request, year):
    """K1/K2: the candidates per level, ordered by composite score, with flags, the proposal and the seats."""
    cycle = _viewer(request, year)
    user = request.user
    if not cycle.reached(Step.COMMITTEE):
        return render(request, "cycle/committee/workspace.html", {**_common(request, cycle, "committee"), "not_started": True})
    candidates = list(queries.candidates_of(user, cycle))
    seats = queries.seats_of(cycle)
    lists, unlisted = queries.level_lists(candidates, seats)
    open_ = cycle.step == Step.COMMITTEE
    may_try = open_ and (permissions.has(user, "cycle.manage") or queries.may_decide(user))
    policy = cycle_policy(cycle).policy
    trial, what_if_form = None, None
    if may_try:
        bound = request.GET if request.GET.get("what_if") else None
        what_if_form = WhatIfForm(policy, bound)
        if what_if_form.is_bound and what_if_form.is_valid():
            trial = committee.committee_what_if(cycle, what_if_form.tried())
    return render(request, "cycle/committee/workspace.html", {
        **_common(request, cycle, "committee"),
        "lists": lists,
        "unlisted": unlisted,
        "open": open_,
        "see_votes": queries.may_see_votes(user),
        "may_decide": open_ and queries.may_decide(user),
        "decisions": list(queries.decisions_of_cycle(cycle)[:20]),
        "decided": sum(1 for c in candidates if c.decided),
        "undecided": sum(1 for c in candidates if not c.decided),
        "what_if_form": what_if_form,
        "trial": trial,
        "may_close": open_ and permissions.has(user, "cycle.close_decision"),
    })


@login_required
@require_http_methods(["GET", "POST"])
def candidate(request, year, pk):
    """One candidate: the whole file, the member's own vote, and the decision (K3)."""
    cycle = _viewer(request, year)
    user = request.user
    found = queries.candidate_for(user, cycle, pk)
    open_ = cycle.step == Step.COMMITTEE
    member = open_ and queries.may_decide(user) and (user.role == Role.ADMIN or user.hotline_id == cycle.hotline_id)
    action = request.POST.get("action") if request.method == "POST" else None
    decide_form = DecideForm(request.POST if action == "decide" else None, initial={"level": found.level})
    mine = found.votes.filter(member=user).first() if queries.may_see_votes(user) else None
    vote_form = VoteForm(request.POST if action == "vote" else None, prefix="vote",
                         initial={"level": mine.level if mine else found.proposed_level, "comment": mine.comment if mine else ""})
    if action in ("decide", "vote"):
        if not member:
            raise Forbidden()
        form = decide_form if action == "decide" else vote_form
        if form.is_valid():
            data = form.cleaned_data
            try:
                if action == "decide":
                    decision = committee.committee_decide(actor=user, candidate=found, to_level=data["level"], reason=data["reason"])
                    done = _("已记录评定：%(person)s %(what)s。") % {
                        "person": found.person, "what": decision.get_action_display() + (f" {decision.to_level}星" if decision.to_level else "")}
                else:
                    committee.committee_vote(actor=user, candidate=found, level=data["level"], comment=data["comment"])
                    done = _("已保存您的投票。")
            except DomainError as error:
                if error.status in (403, 404):
                    raise
                form.add_error("reason" if error.code == "committee_reason_required" else None, error.message)
            else:
                messages.success(request, done)
                return redirect(_url(request, cycle.hotline, "candidate", cycle.year, found.pk))
    see_votes = queries.may_see_votes(user)
    return render(request, "cycle/committee/candidate.html", {
        **_common(request, cycle, "committee"),
        "c": found,
        "file": queries.file_of(found),
        "decisions": list(queries.decisions_of(found)),
        "votes": list(queries.votes_of(found)) if see_votes else None,
        "see_votes": see_votes,
        "member": member,
        "decide_form": decide_form,
        "vote_form": vote_form,
        "open": open_,
        "seats": queries.seats_of(cycle),
    })
