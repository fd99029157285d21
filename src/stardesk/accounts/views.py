"""Account pages: list, create, edit, reset a password. Parse, call accounts.services, render."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from stardesk.accounts import permissions, services
from stardesk.accounts.forms import AccountCreateForm, AccountEditForm, AccountFilterForm
from stardesk.accounts.models import Role
from stardesk.core.errors import MESSAGES, DomainError, Forbidden

PAGE_SIZE = 50
SORTS = {"username": "username", "display_name": "display_name", "role": "role", "hotline": "hotline__name", "last_login": "last_login"}

ERROR_FIELDS = {
    "duplicate_username": "username",
    "person_already_linked": "staff_no",
    "role_not_allowed": "role",
    "no_hotline": "hotline",
}


def _refused(form, error: DomainError) -> None:
    """Show a service refusal next to the field it is about (the service may name it in `details`)."""
    named = [d["field"] for d in error.details if isinstance(d, dict) and d.get("field")]
    target = named[0] if named else ERROR_FIELDS.get(error.code)
    form.add_error(target if target in form.fields else None, error.message)


@login_required
def account_list(request):
    permissions.require(request.user, "accounts.manage")
    form = AccountFilterForm(request.user, request.GET or None)
    wanted = form.values()
    found = services.accounts_visible_to(request.user).select_related("hotline", "person")
    if wanted.get("q"):
        text = wanted["q"].strip()
        found = found.filter(Q(username__icontains=text) | Q(display_name__icontains=text) | Q(person__name__icontains=text))
    if wanted.get("role"):
        found = found.filter(role=wanted["role"])
    if wanted.get("active"):
        found = found.filter(is_active=wanted["active"] == "1")
    if wanted.get("hotline"):
        found = found.filter(hotline=wanted["hotline"])
    sort = request.GET.get("sort", "")
    sort = sort if sort.lstrip("-") in SORTS else "username"
    column = SORTS[sort.lstrip("-")]
    found = found.order_by(f"-{column}" if sort.startswith("-") else column, "pk")
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/list.html",
        {"form": form, "page_obj": page, "sort": sort, "show_hotline": request.user.role == Role.ADMIN,
         "manageable": set(services.grantable_roles(request.user))},
    )


@login_required
@require_http_methods(["GET", "POST"])
def account_create(request):
    permissions.require(request.user, "accounts.manage")
    form = AccountCreateForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account = services.account_create(actor=request.user, **form.service_arguments())
        except DomainError as error:
            _refused(form, error)
        else:
            messages.success(request, _("已新建账号 %(username)s。") % {"username": account.username})
            return redirect("accounts:list")
    return render(request, "accounts/form.html", {"form": form, "account": None})


def _account_or_404(user, pk):
    return get_object_or_404(services.accounts_visible_to(user).select_related("hotline", "person"), pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def account_edit(request, pk):
    permissions.require(request.user, "accounts.manage")
    account = _account_or_404(request.user, pk)
    if account.role not in services.grantable_roles(request.user):
        raise Forbidden(MESSAGES["role_not_allowed"])
    form = AccountEditForm(request.user, account, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.account_update(actor=request.user, account=account, **form.service_arguments())
        except DomainError as error:
            _refused(form, error)
        else:
            messages.success(request, _("已保存。"))
            return redirect("accounts:list")
    return render(request, "accounts/form.html", {"form": form, "account": account})


@login_required
@require_http_methods(["GET", "POST"])
def account_reset_password(request, pk):
    permissions.require(request.user, "accounts.manage")
    account = _account_or_404(request.user, pk)
    if account.role not in services.grantable_roles(request.user):
        raise Forbidden(MESSAGES["role_not_allowed"])
    if request.method == "POST":
        password = services.account_set_password(actor=request.user, account=account)
        # Shown this once, never stored in clear nor kept in the session; the page must not be cached.
        response = render(request, "accounts/password_shown.html", {"account": account, "password": password})
        add_never_cache_headers(response)
        return response
    return render(request, "accounts/reset_password.html", {"account": account})
