"""Pages of the monthly allowance, the M6 proposals and the ratings: parse, call a query or a service, render."""
from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from stardesk.accounts import permissions
from stardesk.accounts.models import Role
from stardesk.core.errors import DomainError, NotFound
from stardesk.payouts import allowance_export, period_ratings, queries, services
from stardesk.payouts.models import AllowanceLine, LineStatus, LowScoreProposal, ProposalStatus
from stardesk.people.models import Hotline, Person, Team
from stardesk.policy.conventions import Month
from stardesk.sheets import writing

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
FORMATS = ("xlsx", "csv")


# --- parsing the request -----------------------------------------------------------


def _month(text: str | None, default: Month) -> Month:
    if not text:
        return default
    try:
        return Month.parse(text)
    except (ValueError, TypeError):
        raise Http404 from None


def _last_month() -> Month:
    return Month.of(timezone.localdate()).prev()


def _hotline(request) -> Hotline:
    """The hotline a page is about: the user's own; a group administrator picks one (?hotline=)."""
    if request.user.role != Role.ADMIN:
        if request.user.hotline is None:
            raise Http404
        return request.user.hotline
    hotlines = permissions.hotlines_visible_to(request.user).order_by("name")
    wanted = request.GET.get("hotline") or request.POST.get("hotline")
    hotline = hotlines.filter(pk=wanted).first() if wanted and str(wanted).isdigit() else hotlines.first()
    if hotline is None:
        raise Http404
    return hotline


def _chosen(items, wanted) -> object | None:
    return next((item for item in items if str(item.pk) == str(wanted)), None) if wanted else None


def _year(request, default: int) -> int:
    try:
        year = int(request.GET.get("year", default))
    except ValueError:
        return default
    return year if 2000 <= year <= 2100 else default


def _date(text: str | None, default: datetime.date) -> datetime.date:
    if not text:
        return default
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        return default


def _reraise_denied(error: DomainError) -> None:
    """A refusal for lack of rights stays a 403 / 404 page; only bad input becomes a message."""
    if error.status != 400:
        raise error


def _reads_lists(user) -> bool:
    return queries.reads_all(user) or queries.reads_team(user)


# --- the month (M4) -------------------------------------------------------------------


@login_required
def index(request):
    if not _reads_lists(request.user):
        return redirect("payouts:mine")
    hotline = _hotline(request)
    # Without a month asked for: the latest month computed (lines appear when a register is accepted).
    month = _month(request.GET.get("month"), min(queries.latest_month(request.user, hotline) or _last_month(), _last_month()))
    overview = queries.month_overview(request.user, hotline, month)
    teams = [t.team for t in overview.teams]
    team = _chosen(teams, request.GET.get("team"))
    wanted = queries.LineFilter(
        team=team,
        status=request.GET.get("status", ""),
        level=request.GET.get("level", ""),
        q=request.GET.get("q", ""),
        sort=queries.sort_key(request.GET.get("sort", queries.DEFAULT_LINE_SORT)),
    )
    lines = queries.month_lines(request.user, hotline, month, wanted)
    page = Paginator(lines, queries.PAGE_SIZE).get_page(request.GET.get("page"))
    totals = queries.month_totals(queries.month_lines(request.user, hotline, month, queries.LineFilter(team=team)))
    return render(
        request,
        "payouts/index.html",
        {
            "hotline": hotline,
            "hotlines": permissions.hotlines_visible_to(request.user).order_by("name") if request.user.role == Role.ADMIN else [],
            "month": month,
            "prev_month": month.prev(),
            "next_month": month.next(),
            "overview": overview,
            "team": team,
            "teams": teams,
            "filters": wanted,
            "sort": wanted.sort,
            "page_obj": page,
            "totals": totals,
            "statuses": LineStatus.choices,
            "pending_proposals": queries.pending_proposals(request.user, hotline),
            "can_export": permissions.has(request.user, "payouts.export"),
            "can_recompute": permissions.has(request.user, "payouts.recompute"),
        },
    )


@login_required
def export(request, month, fmt):
    if fmt not in FORMATS:
        raise NotFound()
    permissions.require(request.user, "payouts.export")
    hotline = _hotline(request)
    month = _month(month, _last_month())
    team = _chosen(queries.teams_for(request.user, hotline), request.GET.get("team"))
    if team is None and request.GET.get("team"):
        raise NotFound()
    # A leader's sheet holds their own teams' lines only: export_rows reads what the user may see.
    rows = allowance_export.export_rows(actor=request.user, hotline=hotline, month=month, team=team)
    name = allowance_export.file_name(hotline, month, fmt, team)
    headers = list(allowance_export.HEADERS)
    if fmt == "csv":
        response = StreamingHttpResponse(writing.csv_chunks(headers, rows), content_type=CSV_TYPE)
        response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
        return response
    handle = writing.xlsx_file(sheet_name=allowance_export.TITLE, headers=headers, rows=rows, kinds=list(allowance_export.KINDS))
    return FileResponse(handle, as_attachment=True, filename=name, content_type=XLSX_TYPE)


@login_required
@require_POST
def recompute(request, month):
    hotline = _hotline(request)
    month = _month(month, _last_month())
    try:
        result = services.allowance_recompute(actor=request.user, hotline=hotline, month=month)
    except DomainError as error:
        _reraise_denied(error)
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("已重新计算 %(month)s 的月度星级待遇：%(lines)s 行，其中变更 %(changed)s 行、新增 %(created)s 行（原记录保留）。")
            % {"month": month, "lines": result.lines, "changed": result.changed, "created": result.created},
        )
    query = f"?month={month}" + (f"&hotline={hotline.pk}" if request.user.role == Role.ADMIN else "")
    return redirect(reverse("payouts:index") + query)


@login_required
def line_detail(request, pk):
    try:
        line = queries.line_for(request.user, pk)
    except AllowanceLine.DoesNotExist:
        raise Http404 from None
    return render(request, "payouts/line.html", {"line": line, "history": queries.line_history(line), "month": Month.of(line.month)})


# --- a person: lines, trend, ratings ---------------------------------------------------------


def _person(user, pk) -> Person:
    try:
        return permissions.people_visible_to(user).select_related("team", "hotline").get(pk=pk)
    except Person.DoesNotExist:
        raise Http404 from None


@login_required
def person_page(request, pk):
    person = _person(request.user, pk)
    today = timezone.localdate()
    year = _year(request, today.year)
    as_of = _date(request.GET.get("as_of"), today)
    preliminary = period_ratings.preliminary_for(person.hotline, as_of)
    table = period_ratings.ratings_table([person], [], year, preliminary=preliminary)
    lines = queries.person_lines(person)
    return render(
        request,
        "payouts/person.html",
        {
            "person": person,
            "lines": lines,
            "superseded": queries.person_superseded(person),
            "ratings": table.people[0],
            "periods": period_ratings.PERIODS,
            "preliminary": preliminary,
            "year": year,
            "years": range(today.year, today.year - 4, -1),
            "as_of": as_of,
            "trend": period_ratings.person_trend(person, _last_month()),
            "proposals": queries.proposals_visible_to(request.user).filter(person=person).order_by("-trigger_month")[:12],
            "is_self": request.user.person_id == person.pk,
        },
    )


@login_required
def mine(request):
    """One's own lines, 依据, trend and ratings (T2)."""
    if not request.user.person_id:
        raise NotFound(_("您的账号没有关联人员档案，没有个人的星级待遇。"))
    url = reverse("payouts:person", args=[request.user.person_id])
    return redirect(f"{url}?{request.GET.urlencode()}" if request.GET else url)


# --- M6 proposals -------------------------------------------------------------------------


@login_required
def proposals(request):
    if not _reads_lists(request.user):
        return redirect("payouts:mine")
    hotline = _hotline(request)
    teams = queries.teams_for(request.user, hotline)
    status = request.GET.get("status", ProposalStatus.PENDING)
    wanted = queries.ProposalFilter(
        status=status if status in ProposalStatus.values else "",
        year=_year(request, 0) or None,
        team=_chosen(teams, request.GET.get("team")),
        q=request.GET.get("q", ""),
    )
    found = queries.proposal_list(request.user, wanted).filter(hotline=hotline)
    page = Paginator(found, queries.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "payouts/proposals.html",
        {
            "hotline": hotline,
            "page_obj": page,
            "filters": wanted,
            "status": status,
            "statuses": ProposalStatus.choices,
            "teams": teams,
            "can_decide": permissions.has(request.user, "payouts.low_score_decide"),
        },
    )


@login_required
def proposal_detail(request, pk):
    try:
        proposal = queries.proposal_for(request.user, pk)
    except LowScoreProposal.DoesNotExist:
        raise Http404 from None
    if request.method == "POST":
        action = request.POST.get("action")
        reason = request.POST.get("reason", "")
        try:
            if action == "confirm":
                services.low_score_confirm(actor=request.user, proposal=proposal, reason=reason)
                messages.success(request, _("已确认：星级已按持续低分（M6）调整，该人员此后各月的待遇已重新计算。"))
            elif action == "reject":
                services.low_score_reject(actor=request.user, proposal=proposal, reason=reason)
                messages.success(request, _("已驳回该提议，星级不变。"))
            else:
                raise Http404
        except DomainError as error:
            _reraise_denied(error)
            messages.error(request, error.message)
            return render(
                request, "payouts/proposal.html",
                {"proposal": proposal, "can_decide": permissions.has(request.user, "payouts.low_score_decide"), "reason": reason, "error": error.message},
                status=400,
            )
        return redirect("payouts:proposal", pk=proposal.pk)
    return render(
        request, "payouts/proposal.html", {"proposal": proposal, "can_decide": permissions.has(request.user, "payouts.low_score_decide")}
    )


# --- ratings (M7) ---------------------------------------------------------------------------


def _people_rated(user, hotline, year: int, team: Team | None):
    """The people of the ratings table: those the user may read, in post some day of the year (S2)."""
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    people = permissions.people_visible_to(user).filter(hotline=hotline, hotline_start__lte=last)
    people = people.exclude(left_on__isnull=False, left_on__lte=first)
    if team is not None:
        people = people.filter(team=team)
    return list(people.select_related("team").order_by("staff_no"))


@login_required
def ratings(request):
    if not _reads_lists(request.user):
        url = reverse("payouts:mine")
        return redirect(f"{url}#ratings")
    hotline = _hotline(request)
    today = timezone.localdate()
    year = _year(request, today.year)
    as_of = _date(request.GET.get("as_of"), today)
    teams = queries.teams_for(request.user, hotline)
    team = _chosen(teams, request.GET.get("team"))
    sort = request.GET.get("sort", "-year")
    preliminary = period_ratings.preliminary_for(hotline, as_of)
    table = period_ratings.ratings_table(
        _people_rated(request.user, hotline, year, team), [team] if team else teams, year, preliminary=preliminary, sort=sort
    )
    page = Paginator(table.people, queries.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "payouts/ratings.html",
        {
            "hotline": hotline,
            "year": year,
            "years": range(today.year, today.year - 4, -1),
            "as_of": as_of,
            "teams": teams,
            "team": team,
            "sort": sort,
            "table": table,
            "page_obj": page,
            "periods": period_ratings.PERIODS,
            "preliminary": preliminary,
        },
    )


@login_required
def team_page(request, pk):
    hotline_teams = permissions.teams_visible_to(request.user).select_related("hotline", "leader")
    if not _reads_lists(request.user):
        raise Http404
    try:
        team = hotline_teams.get(pk=pk)
    except Team.DoesNotExist:
        raise Http404 from None
    today = timezone.localdate()
    year = _year(request, today.year)
    as_of = _date(request.GET.get("as_of"), today)
    preliminary = period_ratings.preliminary_for(team.hotline, as_of)
    people = _people_rated(request.user, team.hotline, year, team)
    table = period_ratings.ratings_table(people, [team], year, preliminary=preliminary, sort=request.GET.get("sort", "-year"))
    return render(
        request,
        "payouts/team.html",
        {
            "team": team,
            "year": year,
            "years": range(today.year, today.year - 4, -1),
            "as_of": as_of,
            "table": table,
            "team_ratings": table.teams[0] if table.teams else None,
            "periods": period_ratings.PERIODS,
            "preliminary": preliminary,
            "sort": request.GET.get("sort", "-year"),
            "trend": period_ratings.team_trend(team, _last_month()),
        },
    )
