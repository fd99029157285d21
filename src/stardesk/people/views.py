"""Pages for hotlines, teams and people: parse, call a query or a service, render."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from stardesk.accounts import permissions
from stardesk.accounts.models import Role
from stardesk.audit import queries as audit_queries
from stardesk.core.errors import DomainError
from stardesk.people import queries, services, work_file
from stardesk.people.forms import HotlineChoiceForm, HotlineForm, PersonForm, RosterFilterForm, TeamForm, TitleForm
from stardesk.people.models import Hotline, Person, Team

# Which form field a service refusal belongs to, so it shows next to the input.
ERROR_FIELDS = {"duplicate_staff_no": "staff_no", "duplicate_team": "name"}


def _refused(form, error: DomainError) -> None:
    form.add_error(ERROR_FIELDS.get(error.code), error.message)


def _partial_or_page(request, partial: str, page: str, context: dict):
    """htmx live search swaps only the results; a plain request (or a history restore) gets the page."""
    wants_partial = bool(request.htmx) and not request.htmx.history_restore_request
    response = render(request, partial if wants_partial else page, context)
    patch_vary_headers(response, ("HX-Request",))
    return response


def _hotline_for_new(request):
    """The hotline a new record goes into: the user's own, or the one a group administrator picked."""
    user = request.user
    if user.role != Role.ADMIN:
        return user.hotline, None
    choice = HotlineChoiceForm(user, request.POST if request.method == "POST" else request.GET)
    if choice.is_valid():
        return choice.cleaned_data["hotline"], choice
    only = list(Hotline.objects.order_by("pk")[:2])
    if len(only) == 1:
        return only[0], choice
    return None, HotlineChoiceForm(user)


@login_required
def person_list(request):
    permissions.require(request.user, "people.list")
    form = RosterFilterForm(request.user, request.GET or None)
    wanted = form.wanted()
    page = Paginator(queries.roster(request.user, wanted), queries.PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page_obj": page,
        "sort": queries.sort_key(wanted.sort, queries.ROSTER_SORTS, queries.DEFAULT_ROSTER_SORT),
        "can_edit": permissions.has(request.user, "people.edit"),
        "show_hotline": request.user.role == Role.ADMIN,
    }
    return _partial_or_page(request, "people/_roster.html", "people/list.html", context)


def _person_or_404(user, pk) -> Person:
    try:
        return queries.person_for(user, pk)
    except Person.DoesNotExist:
        raise Http404 from None


@login_required
def person_detail(request, pk):
    """T2: the work file: the person's facts and titles, then what every other part records about them."""
    person = _person_or_404(request.user, pk)
    history = queries.title_history(person)
    today = timezone.localdate()
    return render(
        request,
        "people/detail.html",
        {
            "person": person,
            "history": history,
            "held": [spell for spell in history if spell.held_on(today)],
            "trail": audit_queries.trail_for(person, *history),
            "file": work_file.work_file(request.user, person, today),
            "can_edit": permissions.has(request.user, "people.edit"),
            "can_list": permissions.has(request.user, "people.list"),
            "can_manage_accounts": permissions.has(request.user, "accounts.manage"),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def person_create(request):
    permissions.require(request.user, "people.edit")
    hotline, choice = _hotline_for_new(request)
    if hotline is None:
        return render(request, "people/choose_hotline.html", {"choice": choice, "title": _("新增人员")})
    form = PersonForm(hotline, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_create(actor=request.user, hotline=hotline, **form.cleaned_data)
        except DomainError as error:
            _refused(form, error)
        else:
            messages.success(request, _("已新增人员 %(person)s。") % {"person": person})
            return redirect("people:detail", person.pk)
    return render(request, "people/person_form.html", {"form": form, "hotline": hotline, "person": None})


@login_required
@require_http_methods(["GET", "POST"])
def person_edit(request, pk):
    person = _person_or_404(request.user, pk)
    permissions.require(request.user, "people.edit")
    initial = {name: getattr(person, name) for name in services.PERSON_FIELDS}
    form = PersonForm(person.hotline, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_update(actor=request.user, person=person, **form.cleaned_data)
        except DomainError as error:
            _refused(form, error)
        else:
            messages.success(request, _("已保存。"))
            return redirect("people:detail", person.pk)
    return render(request, "people/person_form.html", {"form": form, "hotline": person.hotline, "person": person})


@login_required
@require_http_methods(["GET", "POST"])
def title_add(request, pk):
    person = _person_or_404(request.user, pk)
    permissions.require(request.user, "people.edit")
    form = TitleForm(request.POST or None, initial={"job_type": person.job_type})
    if request.method == "POST" and form.is_valid():
        try:
            services.title_add(actor=request.user, person=person, **form.cleaned_data)
        except DomainError as error:
            _refused(form, error)
        else:
            messages.success(request, _("已新增星级记录。"))
            return redirect("people:detail", person.pk)
    return render(request, "people/title_form.html", {"form": form, "person": person})


TEAM_SORTS = {"name": "name", "active": "active_count", "stars": "star_count", "leader": "leader__display_name"}


@login_required
def team_list(request):
    permissions.require(request.user, "people.list")
    choice = HotlineChoiceForm(request.user, request.GET or None) if request.user.role == Role.ADMIN else None
    hotline = choice.cleaned_data["hotline"] if choice is not None and choice.is_valid() else None
    sort = queries.sort_key(request.GET.get("sort", ""), TEAM_SORTS, "name")
    found = queries.teams(request.user, hotline=hotline)
    column = TEAM_SORTS[sort.lstrip("-")]
    found = found.order_by(f"-{column}" if sort.startswith("-") else column, "hotline__name", "name")
    page = Paginator(found, queries.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "people/teams.html",
        {
            "page_obj": page,
            "sort": sort,
            "choice": choice,
            "can_edit": permissions.has(request.user, "teams.edit"),
            "show_hotline": request.user.role == Role.ADMIN,
        },
    )


def _team_or_404(user, pk) -> Team:
    try:
        return queries.team_for(user, pk)
    except Team.DoesNotExist:
        raise Http404 from None


@login_required
def team_detail(request, pk):
    permissions.require(request.user, "people.list")
    team = _team_or_404(request.user, pk)
    form = RosterFilterForm(request.user, request.GET or None)
    wanted = form.wanted()
    wanted.team, wanted.hotline = team, None
    members = queries.roster(request.user, wanted)
    page = Paginator(members, queries.PAGE_SIZE).get_page(request.GET.get("page"))
    can_edit = permissions.has(request.user, "teams.edit")
    return render(
        request,
        "people/team.html",
        {
            "team": team,
            "page_obj": page,
            "status": wanted.status,
            "sort": queries.sort_key(wanted.sort, queries.ROSTER_SORTS, queries.DEFAULT_ROSTER_SORT),
            "can_edit": can_edit,
            "trail": audit_queries.trail_for(team) if can_edit else [],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def team_create(request):
    permissions.require(request.user, "teams.edit")
    hotline, choice = _hotline_for_new(request)
    if hotline is None:
        return render(request, "people/choose_hotline.html", {"choice": choice, "title": _("新建班组")})
    form = TeamForm(hotline, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            team = services.team_create(actor=request.user, hotline=hotline, **form.cleaned_data)
        except DomainError as error:
            _refused(form, error)
        else:
            messages.success(request, _("已新建班组 %(team)s。") % {"team": team})
            return redirect("people:team", team.pk)
    return render(request, "people/team_form.html", {"form": form, "hotline": hotline, "team": None})


@login_required
@require_http_methods(["GET", "POST"])
def team_edit(request, pk):
    team = _team_or_404(request.user, pk)
    permissions.require(request.user, "teams.edit")
    form = TeamForm(team.hotline, request.POST or None, initial={"name": team.name, "leader": team.leader_id})
    if request.method == "POST" and form.is_valid():
        try:
            services.team_update(actor=request.user, team=team, **form.cleaned_data)
        except DomainError as error:
            _refused(form, error)
        else:
            messages.success(request, _("已保存。"))
            return redirect("people:team", team.pk)
    return render(request, "people/team_form.html", {"form": form, "hotline": team.hotline, "team": team})


@login_required
@require_http_methods(["GET", "POST"])
def hotline_list(request):
    permissions.require(request.user, "hotlines.edit")
    form = HotlineForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            hotline = services.hotline_create(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            _refused(form, error)
        else:
            messages.success(request, _("已新建热线 %(hotline)s。") % {"hotline": hotline})
            return redirect("people:hotlines")
    return render(request, "people/hotlines.html", {"hotlines": queries.hotlines(), "form": form})
