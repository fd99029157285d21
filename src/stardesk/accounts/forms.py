"""Forms of the account pages: parse and check input; accounts.services decides and writes."""
from django import forms
from django.utils.translation import gettext_lazy as _

from stardesk.accounts import services
from stardesk.accounts.models import Role
from stardesk.people.forms import plain
from stardesk.people.models import Hotline, Person


def _text(**attrs):
    return forms.TextInput(attrs={"class": "form-control", **attrs})


def _select(**attrs):
    return forms.Select(attrs={"class": "form-select", **attrs})


class AccountFilterForm(forms.Form):
    q = forms.CharField(
        label=_("用户名或名称"), required=False, max_length=150,
        widget=_text(type="search", placeholder=_("用户名或名称"), autocomplete="off"),
    )
    role = forms.ChoiceField(label=_("角色"), required=False, choices=[("", _("全部角色")), *Role.choices], widget=_select())
    active = forms.ChoiceField(
        label=_("状态"), required=False,
        choices=[("", _("全部")), ("1", _("启用")), ("0", _("停用"))], widget=_select(),
    )
    hotline = forms.ModelChoiceField(
        label=_("热线"), required=False, queryset=Hotline.objects.none(), empty_label=_("全部热线"), widget=_select()
    )

    def __init__(self, actor, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if actor.role == Role.ADMIN:
            self.fields["hotline"].queryset = Hotline.objects.order_by("name")
        else:
            del self.fields["hotline"]

    def values(self) -> dict:
        if not self.is_bound:
            return {}
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value not in (None, "")}


class _PersonLinkMixin:
    """The person an account belongs to, entered by 工号 (a select of 20,000 names would not do)."""

    def _person_for(self, hotline):
        staff_no = plain(self.cleaned_data.get("staff_no") or "")
        if not staff_no:
            return None
        if hotline is None:
            self.add_error("staff_no", _("请先选择热线。"))
            return None
        person = Person.objects.filter(hotline=hotline, staff_no=staff_no).first()
        if person is None:
            self.add_error("staff_no", _("本热线没有工号为 %(staff_no)s 的人员。") % {"staff_no": staff_no})
        return person


class AccountCreateForm(_PersonLinkMixin, forms.Form):
    hotline = forms.ModelChoiceField(
        label=_("热线"), required=False, queryset=Hotline.objects.none(), empty_label=_("请选择热线"), widget=_select(),
        help_text=_("系统管理员账号不属于任何热线。"),
    )
    username = forms.CharField(
        label=_("用户名"), max_length=150, widget=_text(autocomplete="off"), help_text=_("登录时使用，可用字母、数字和 @/./+/-/_。")
    )
    display_name = forms.CharField(label=_("显示名称"), max_length=50, required=False, widget=_text())
    role = forms.ChoiceField(label=_("角色"), choices=(), widget=_select())
    staff_no = forms.CharField(
        label=_("对应人员工号"), max_length=30, required=False, widget=_text(autocomplete="off"),
        help_text=_("客服人员的账号应关联本人的人员档案，本人才能查看自己的档案。"),
    )
    password = forms.CharField(
        label=_("初始密码"), widget=forms.PasswordInput(attrs={"class": "form-control", "autocomplete": "new-password"}),
        strip=False,
    )
    password_again = forms.CharField(
        label=_("再次输入密码"), widget=forms.PasswordInput(attrs={"class": "form-control", "autocomplete": "new-password"}),
        strip=False,
    )

    def __init__(self, actor, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.fields["role"].choices = [(r, Role(r).label) for r in services.grantable_roles(actor)]
        if actor.role == Role.ADMIN:
            self.fields["hotline"].queryset = Hotline.objects.order_by("name")
        else:
            del self.fields["hotline"]

    def clean(self):
        data = super().clean()
        if data.get("password") and data.get("password_again") and data["password"] != data["password_again"]:
            self.add_error("password_again", _("两次输入的密码不一致。"))
        role = data.get("role")
        hotline = data.get("hotline") if self.actor.role == Role.ADMIN else self.actor.hotline
        if role and role != Role.ADMIN and hotline is None and "hotline" in self.fields:
            self.add_error("hotline", _("请选择热线。"))
        data["hotline"] = None if role == Role.ADMIN else hotline
        data["person"] = self._person_for(data["hotline"]) if role != Role.ADMIN else None
        return data

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {key: data[key] for key in ("hotline", "username", "role", "display_name", "password", "person")}


class AccountEditForm(_PersonLinkMixin, forms.Form):
    display_name = forms.CharField(label=_("显示名称"), max_length=50, required=False, widget=_text())
    role = forms.ChoiceField(label=_("角色"), choices=(), widget=_select())
    staff_no = forms.CharField(
        label=_("对应人员工号"), max_length=30, required=False, widget=_text(autocomplete="off"),
        help_text=_("留空则解除关联。"),
    )
    is_active = forms.BooleanField(label=_("启用（停用后不能登录）"), required=False)

    def __init__(self, actor, account, *args, **kwargs):
        initial = {
            "display_name": account.display_name,
            "role": account.role,
            "staff_no": account.person.staff_no if account.person else "",
            "is_active": account.is_active,
        }
        super().__init__(*args, initial=initial, **kwargs)
        self.account = account
        roles = services.grantable_roles(actor)
        if account.role not in roles:
            roles = [account.role, *roles]
        self.fields["role"].choices = [(r, Role(r).label) for r in roles]
        if account.role == Role.ADMIN:
            # A group administrator has no hotline and hence no person (S1).
            del self.fields["staff_no"]

    def clean(self):
        data = super().clean()
        if "staff_no" in self.fields:
            data["person"] = self._person_for(self.account.hotline)
        else:
            data["person"] = None
        return data

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        return {key: data[key] for key in ("display_name", "role", "is_active", "person")}
