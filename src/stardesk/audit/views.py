"""The audit search page: who changed what, when (supervisor: own hotline; group administrator: all)."""
from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from stardesk.accounts import permissions
from stardesk.accounts.models import Role
from stardesk.audit import queries
from stardesk.people.models import Hotline

DATE = forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")


class AuditSearchForm(forms.Form):
    date_from = forms.DateField(label=_("起始日期"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("截止日期"), required=False, widget=DATE)
    actor = forms.CharField(
        label=_("操作人"), required=False, max_length=150,
        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": _("姓名或用户名")}),
    )
    action = forms.ChoiceField(label=_("操作"), required=False, widget=forms.Select(attrs={"class": "form-select"}))
    target_type = forms.ChoiceField(label=_("对象类型"), required=False, widget=forms.Select(attrs={"class": "form-select"}))
    text = forms.CharField(
        label=_("对象名称"), required=False, max_length=100,
        widget=forms.TextInput(attrs={"class": "form-control", "placeholder": _("如工号、姓名、班组名")}),
    )
    hotline = forms.ModelChoiceField(
        label=_("热线"), required=False, queryset=Hotline.objects.none(), empty_label=_("全部热线"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("全部操作")), *queries.action_choices(user)]
        self.fields["target_type"].choices = [("", _("全部类型")), *queries.type_choices(user)]
        if user.role == Role.ADMIN:
            self.fields["hotline"].queryset = Hotline.objects.order_by("name")
        else:
            del self.fields["hotline"]

    def clean(self):
        data = super().clean()
        if data.get("date_from") and data.get("date_to") and data["date_to"] < data["date_from"]:
            self.add_error("date_to", _("截止日期不能早于起始日期。"))
        return data

    def wanted(self) -> queries.AuditFilter:
        if not self.is_bound or not self.is_valid():
            return queries.AuditFilter()
        data = self.cleaned_data
        return queries.AuditFilter(
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            actor=data.get("actor") or "",
            action=data.get("action") or "",
            target_type=data.get("target_type") or "",
            text=data.get("text") or "",
            hotline_id=data["hotline"].pk if data.get("hotline") else None,
        )


@login_required
def search(request):
    permissions.require(request.user, "audit.search")
    form = AuditSearchForm(request.user, request.GET or None)
    page = Paginator(queries.search(request.user, form.wanted()), queries.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "audit/search.html",
        {"form": form, "page_obj": page, "entries": queries.describe(page.object_list), "show_hotline": request.user.role == Role.ADMIN},
    )
