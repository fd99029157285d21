"""Forms of the people pages: they parse and check input; the services decide and write."""
import unicodedata

from django import forms
from django.utils.translation import gettext_lazy as _

from stardesk.accounts import permissions
from stardesk.accounts.models import Role, User
from stardesk.people import queries
from stardesk.people.models import EmploymentType, Hotline, Team, TitleEndReason
from stardesk.people.queries import RosterFilter, Status

DATE_WIDGET = forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")


def _text(**attrs):
    return forms.TextInput(attrs={"class": "form-control", **attrs})


def _select(**attrs):
    return forms.Select(attrs={"class": "form-select", **attrs})


def plain(value: str) -> str:
    """Full-width digits and spaces as typed on Chinese keyboards become plain ones (１００１ → 1001)."""
    return unicodedata.normalize("NFKC", value or "").strip()


class TeamChoiceField(forms.ModelChoiceField):
    def __init__(self, *args, with_hotline=False, **kwargs):
        self.with_hotline = with_hotline
        super().__init__(*args, **kwargs)

    def label_from_instance(self, team: Team) -> str:
        return f"{team.hotline.name} · {team.name}" if self.with_hotline else team.name


class HotlineChoiceForm(forms.Form):
    """A group administrator first says which hotline a new record belongs to."""

    hotline = forms.ModelChoiceField(
        label=_("热线"), queryset=Hotline.objects.none(), empty_label=_("请选择热线"), widget=_select()
    )

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hotline"].queryset = permissions.hotlines_visible_to(user).order_by("name")


class RosterFilterForm(forms.Form):
    q = forms.CharField(
        label=_("工号或姓名"), required=False, max_length=50,
        widget=_text(placeholder=_("工号或姓名"), type="search", autocomplete="off"),
    )
    hotline = forms.ModelChoiceField(
        label=_("热线"), queryset=Hotline.objects.none(), required=False, empty_label=_("全部热线"), widget=_select()
    )
    team = TeamChoiceField(label=_("班组"), queryset=Team.objects.none(), required=False, empty_label=_("全部班组"), widget=_select())
    employment_type = forms.ChoiceField(
        label=_("用工性质"), required=False, choices=[("", _("全部用工性质")), *EmploymentType.choices], widget=_select()
    )
    status = forms.ChoiceField(
        label=_("在职状态"),
        required=False,
        choices=[(Status.ACTIVE, _("在职")), (Status.LEFT, _("已离职")), (Status.ALL, _("全部人员"))],
        widget=_select(),
    )
    level = forms.ChoiceField(
        label=_("当前星级"),
        required=False,
        choices=[("", _("全部星级")), ("3", _("三星")), ("2", _("二星")), ("1", _("一星")), ("0", _("无星级"))],
        widget=_select(),
    )
    sort = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.is_group_admin = user.role == Role.ADMIN
        if self.is_group_admin:
            self.fields["hotline"].queryset = Hotline.objects.order_by("name")
        else:
            del self.fields["hotline"]
        team_field = self.fields["team"]
        chosen = self.data.get("hotline") if self.is_group_admin else None
        # Once a group administrator narrows to one hotline, offer only its teams.
        chosen_hotline = Hotline.objects.filter(pk=chosen).first() if chosen and str(chosen).isdigit() else None
        team_field.queryset = queries.team_choices(user, chosen_hotline)
        team_field.with_hotline = self.is_group_admin and chosen_hotline is None

    def wanted(self) -> RosterFilter:
        """What to show; a value that does not parse is ignored rather than refused."""
        if not self.is_bound:
            return RosterFilter()
        self.is_valid()
        data = {name: self.cleaned_data.get(name) for name in self.fields if name not in self.errors}
        return RosterFilter(
            q=plain(data.get("q") or ""),
            hotline=data.get("hotline"),
            team=data.get("team"),
            employment_type=data.get("employment_type") or "",
            status=data.get("status") or Status.ACTIVE,
            level=data.get("level") or "",
            sort=data.get("sort") or queries.DEFAULT_ROSTER_SORT,
        )


class PersonForm(forms.Form):
    """S2: the facts of a person."""

    staff_no = forms.CharField(label=_("工号"), max_length=30, widget=_text(autocomplete="off"))
    name = forms.CharField(label=_("姓名"), max_length=50, widget=_text())
    employment_type = forms.ChoiceField(label=_("用工性质"), choices=EmploymentType.choices, widget=_select())
    team = forms.ModelChoiceField(
        label=_("班组"), queryset=Team.objects.none(), required=False, empty_label=_("（未分班组）"), widget=_select()
    )
    hotline_start = forms.DateField(label=_("进入热线日期"), widget=DATE_WIDGET)
    job_type = forms.CharField(label=_("工种"), max_length=30, initial="话务员", widget=_text())
    job_type_start = forms.DateField(
        label=_("工种起始日期"), widget=DATE_WIDGET, help_text=_("开始从事该工种的日期，用于计算工种年限。")
    )
    left_on = forms.DateField(label=_("离职日期"), required=False, widget=DATE_WIDGET, help_text=_("在职人员留空。"))

    def __init__(self, hotline: Hotline, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Team choices only from the person's own hotline.
        self.fields["team"].queryset = Team.objects.filter(hotline=hotline).order_by("name")

    def clean_staff_no(self):
        value = plain(self.cleaned_data["staff_no"])
        if not value:
            raise forms.ValidationError(_("请填写工号。"))
        return value

    def clean_name(self):
        value = self.cleaned_data["name"].strip()
        if not value:
            raise forms.ValidationError(_("请填写姓名。"))
        return value

    def clean_job_type(self):
        return self.cleaned_data["job_type"].strip()

    def clean(self):
        data = super().clean()
        start, left = data.get("hotline_start"), data.get("left_on")
        if start and left and left < start:
            self.add_error("left_on", _("离职日期不能早于进入热线日期。"))
        return data


class TitleForm(forms.Form):
    """S4: one spell of a star title, possibly already ended (history)."""

    level = forms.TypedChoiceField(
        label=_("星级"), coerce=int, choices=[(1, _("一星")), (2, _("二星")), (3, _("三星"))], widget=_select()
    )
    job_type = forms.CharField(label=_("工种"), max_length=30, widget=_text())
    start = forms.DateField(label=_("授牌日期"), widget=DATE_WIDGET)
    end = forms.DateField(
        label=_("终止日期"), required=False, widget=DATE_WIDGET, help_text=_("仍持有的星级留空；终止当日起不再持有。")
    )
    end_reason = forms.ChoiceField(
        label=_("终止原因"), required=False, choices=[("", _("（仍持有）")), *TitleEndReason.choices], widget=_select()
    )

    def clean_job_type(self):
        value = self.cleaned_data["job_type"].strip()
        if not value:
            raise forms.ValidationError(_("请填写工种。"))
        return value

    def clean(self):
        data = super().clean()
        start, end, reason = data.get("start"), data.get("end"), data.get("end_reason")
        if start and end and end < start:
            self.add_error("end", _("终止日期不能早于授牌日期。"))
        if end and not reason:
            self.add_error("end_reason", _("填写了终止日期，请选择终止原因。"))
        if reason and not end and "end" not in self.errors:
            self.add_error("end", _("选择了终止原因，请填写终止日期。"))
        return data


class TeamForm(forms.Form):
    name = forms.CharField(label=_("班组名称"), max_length=50, widget=_text())
    leader = forms.ModelChoiceField(
        label=_("班长"), queryset=User.objects.none(), required=False, empty_label=_("（暂无班长）"), widget=_select(),
        help_text=_("从本热线的班长账号中选择。"),
    )

    def __init__(self, hotline: Hotline, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leader"].queryset = queries.leader_choices(hotline)
        self.fields["leader"].label_from_instance = lambda user: f"{user} ({user.username})"

    def clean_name(self):
        value = self.cleaned_data["name"].strip()
        if not value:
            raise forms.ValidationError(_("请填写班组名称。"))
        return value


class HotlineForm(forms.Form):
    name = forms.CharField(label=_("热线名称"), max_length=100, widget=_text())
    code = forms.SlugField(
        label=_("代码"), max_length=30, widget=_text(autocomplete="off"),
        help_text=_("英文字母、数字、连字符，例如 main、branch-2。"),
        error_messages={"invalid": _("代码只能包含英文字母、数字、连字符和下划线。")},
    )
    company = forms.CharField(label=_("所属公司"), max_length=100, required=False, widget=_text())

    def clean_name(self):
        value = self.cleaned_data["name"].strip()
        if not value:
            raise forms.ValidationError(_("请填写热线名称。"))
        return value
