"""Forms of the cycle pages: they parse what was typed; the services check the rules and save."""
import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stardesk.accounts import permissions
from stardesk.cycle.models import LEVEL_CHOICES, STEP_ORDER, ApplicationStatus, ReviewStatus, Step
from stardesk.cycle.queries import STANDING_CHOICES
from stardesk.cycle.what_if import WHAT_IF_FIELDS
from stardesk.people.models import Person
from stardesk.policy.yearly import YearlyPolicy, policy_field as rules_field
from stardesk.yearly_policy.forms import policy_field

DATE_WIDGET = forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")
SELECT = {"class": "form-select"}
DATE_ERRORS = {"invalid": _("请输入有效日期，例如 2026-09-30。"), "required": _("请填写日期。")}
LEVEL_FIELD_CHOICES = [(value, label) for value, label in LEVEL_CHOICES]


def _reason(label, *, required=True, placeholder="", rows=2):
    return forms.CharField(
        label=label, required=required, max_length=500,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": rows, "placeholder": placeholder}),
        error_messages={"required": _("请填写%(what)s。") % {"what": label}},
    )


class OpenCycleForm(forms.Form):
    """Y1/Y3: the year, its reference date R (the application closing date) and the planned start of each step."""

    year = forms.IntegerField(
        label=_("评定年度"), min_value=2000, max_value=2100,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
        error_messages={"invalid": _("请输入年份。"), "required": _("请输入年份。"),
                        "min_value": _("年份须在 2000–2100 之间。"), "max_value": _("年份须在 2000–2100 之间。")},
    )
    reference_date = forms.DateField(label=_("资格审核基准日（申报截止日，Y3）"), widget=DATE_WIDGET, error_messages=DATE_ERRORS)

    def __init__(self, *args, **kwargs):
        today = timezone.localdate()
        kwargs.setdefault("initial", {"year": today.year, "reference_date": datetime.date(today.year, 9, 30)})
        super().__init__(*args, **kwargs)
        for step in STEP_ORDER[1:-1]:
            self.fields[f"planned_{step}"] = forms.DateField(
                label=_("计划开始：%(step)s") % {"step": Step(step).label}, required=False, widget=DATE_WIDGET,
                error_messages=DATE_ERRORS,
            )

    def planned(self) -> dict:
        return {step: self.cleaned_data.get(f"planned_{step}") for step in STEP_ORDER[1:-1]}

    def planned_fields(self):
        return [self[f"planned_{step}"] for step in STEP_ORDER[1:-1]]


class ApplyForm(forms.Form):
    """E: an agent's own application for one level."""

    level = forms.TypedChoiceField(
        label=_("申报星级"), choices=LEVEL_FIELD_CHOICES, coerce=int, widget=forms.RadioSelect,
        error_messages={"required": _("请选择申报星级。"), "invalid_choice": _("请选择 1、2 或 3 星。")},
    )


class EnterApplicationForm(forms.Form):
    """E: a team leader (for a member of the team) or the supervisor enters an application, with the E1 flag."""

    person = forms.ModelChoiceField(
        label=_("人员"), queryset=Person.objects.none(), widget=forms.Select(attrs=SELECT),
        empty_label=_("请选择人员"), error_messages={"required": _("请选择人员。"), "invalid_choice": _("请从列表中选择人员。")},
    )
    level = forms.TypedChoiceField(
        label=_("申报星级"), choices=[("", _("请选择"))] + LEVEL_FIELD_CHOICES, coerce=int,
        widget=forms.Select(attrs=SELECT), error_messages={"required": _("请选择申报星级。")},
    )
    leader_recommended = forms.BooleanField(label=_("班长推荐“表现突出”（E1：入职不满一年申报一星的例外）"), required=False)
    recommendation_reason = _reason(_("推荐理由"), required=False, placeholder=_("表现突出的具体事实，将提交评定委员会"))

    def __init__(self, user, cycle, *args, **kwargs):
        super().__init__(*args, **kwargs)
        applied = cycle.applications.filter(status=ApplicationStatus.ACTIVE).values("person_id")
        self.fields["person"].queryset = (
            permissions.people_visible_to(user).filter(hotline_id=cycle.hotline_id)
            .active_on(cycle.reference_date).exclude(pk__in=applied).select_related("team").order_by("staff_no")
        )
        self.fields["person"].label_from_instance = lambda p: f"{p.staff_no} {p.name}" + (f"（{p.team.name}）" if p.team_id else "")


class FlagForm(forms.Form):
    """E1: the team leader's "表现突出" recommendation and its written reason."""

    recommended = forms.BooleanField(label=_("推荐“表现突出”"), required=False)
    reason = _reason(_("推荐理由"), required=False, placeholder=_("表现突出的具体事实，将提交评定委员会"))


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("审核"), choices=[("confirm", _("推荐")), ("withhold", _("不推荐"))], widget=forms.RadioSelect,
        error_messages={"required": _("请选择推荐或不推荐。")},
    )
    reason = _reason(_("理由"), required=False, placeholder=_("不推荐时必填"))


class WithdrawForm(forms.Form):
    reason = _reason(_("撤回原因"), required=False, rows=1)


class CorrectionForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("更正"), choices=[("level", _("改为申报其他星级")), ("withdraw", _("撤销该申报"))], widget=forms.RadioSelect,
        error_messages={"required": _("请选择更正方式。")},
    )
    level = forms.TypedChoiceField(label=_("申报星级"), choices=[("", "—")] + LEVEL_FIELD_CHOICES, coerce=int, required=False,
                                   widget=forms.Select(attrs=SELECT))
    reason = _reason(_("更正理由"))


class ListCorrectionForm(forms.Form):
    """Y2: the supervisor's correction of the finalised recommendation list: whose, where to, and why."""

    staff_no = forms.CharField(label=_("工号"), max_length=30, widget=forms.TextInput(attrs={"class": "form-control"}),
                               error_messages={"required": _("请填写工号。")})
    level = forms.TypedChoiceField(
        label=_("更正为"), choices=[("0", _("不列入推荐名单"))] + [(str(v), label) for v, label in LEVEL_FIELD_CHOICES],
        coerce=int, widget=forms.Select(attrs=SELECT), error_messages={"required": _("请选择更正后的推荐星级。"),
                                                                         "invalid_choice": _("请选择更正后的推荐星级。")},
    )
    reason = _reason(_("更正理由"), placeholder=_("例如：月度得分录入错误，已更正"))


class TransitionForm(forms.Form):
    to = forms.ChoiceField(choices=Step.choices, widget=forms.HiddenInput)
    note = forms.CharField(label=_("说明"), required=False, max_length=500,
                           widget=forms.TextInput(attrs={"class": "form-control", "placeholder": _("可选")}))


class AdoptPolicyForm(forms.Form):
    reason = _reason(_("原因"), rows=1, placeholder=_("例如：评定委员会决定二星比例调整为 35%"))


class WhatIfForm(forms.Form):
    """P1 fields a supervisor may try on the recommendation (Q1 ratios and rounding, E7 rank gate)."""

    def __init__(self, policy: YearlyPolicy, *args, **kwargs):
        kwargs.setdefault("initial", {name: getattr(policy, name) for name in WHAT_IF_FIELDS})
        super().__init__(*args, **kwargs)
        for name in WHAT_IF_FIELDS:
            field = policy_field(rules_field(name))
            field.required = rules_field(name).kind is not bool
            self.fields[name] = field

    def tried(self) -> dict:
        return {name: self.cleaned_data[name] for name in WHAT_IF_FIELDS}


class PeopleFilterForm(forms.Form):
    q = forms.CharField(label=_("工号或姓名"), required=False, max_length=50,
                        widget=forms.TextInput(attrs={"class": "form-control", "type": "search", "placeholder": _("工号或姓名")}))
    team = forms.ModelChoiceField(label=_("班组"), queryset=None, required=False, empty_label=_("全部班组"),
                                  widget=forms.Select(attrs=SELECT))
    standing = forms.ChoiceField(label=_("评定情况"), required=False, choices=[("", _("全部"))] + STANDING_CHOICES,
                                 widget=forms.Select(attrs=SELECT))
    level = forms.TypedChoiceField(label=_("申报星级"), required=False, coerce=int, empty_value=None,
                                   choices=[("", _("全部"))] + LEVEL_FIELD_CHOICES, widget=forms.Select(attrs=SELECT))
    everyone = forms.BooleanField(label=_("含基准日不在职且未申报的人员"), required=False)

    def __init__(self, user, cycle, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = permissions.teams_visible_to(user).filter(hotline_id=cycle.hotline_id).order_by("name")


class ApplicationFilterForm(forms.Form):
    q = PeopleFilterForm.base_fields["q"]
    team = PeopleFilterForm.base_fields["team"]
    level = PeopleFilterForm.base_fields["level"]
    eligible = forms.ChoiceField(label=_("申报条件"), required=False, widget=forms.Select(attrs=SELECT),
                                 choices=[("", _("全部")), ("yes", _("符合")), ("no", _("不符合"))])
    review = forms.ChoiceField(label=_("班长审核"), required=False, widget=forms.Select(attrs=SELECT),
                               choices=[("", _("全部"))] + list(ReviewStatus.choices))
    status = forms.ChoiceField(label=_("状态"), required=False, widget=forms.Select(attrs=SELECT),
                               choices=list(ApplicationStatus.choices))

    def __init__(self, user, cycle, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"] = forms.ModelChoiceField(
            label=_("班组"), required=False, empty_label=_("全部班组"), widget=forms.Select(attrs=SELECT),
            queryset=permissions.teams_visible_to(user).filter(hotline_id=cycle.hotline_id).order_by("name"),
        )
