"""Forms of the assessment, committee, award, supervision and bonus-plan pages: they parse; the services decide."""
from django import forms
from django.utils.translation import gettext_lazy as _

from stardesk.cycle.forms import DATE_ERRORS, DATE_WIDGET, SELECT, _reason
from stardesk.events.forms import MultipleFileField
from stardesk.events.models import SUPERVISION_CATEGORIES, TITLE_SANCTIONS, Category, Sanction

DECISION_LEVELS = [(3, _("三星")), (2, _("二星")), (1, _("一星")), (0, _("不予评定"))]


class SittingForm(forms.Form):
    """The sitting to invite candidates to (X1) or to offer the cascade to (X3)."""

    sitting = forms.ModelChoiceField(label=_("考试场次"), queryset=None, empty_label=None, widget=forms.Select(attrs=SELECT),
                                     error_messages={"required": _("请选择考试场次。"), "invalid_choice": _("请选择考试场次。")})

    def __init__(self, sittings, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sitting"].queryset = sittings


class DecideForm(forms.Form):
    """K3: one person, one level (0 = not awarded), one reason."""

    level = forms.TypedChoiceField(label=_("评定星级"), choices=DECISION_LEVELS, coerce=int, widget=forms.Select(attrs=SELECT),
                                   error_messages={"required": _("请选择评定星级。")})
    reason = _reason(_("评定理由"), placeholder=_("例如：综合得分第 1 位，考试合格，无一票否决事件"))


class VoteForm(forms.Form):
    level = forms.TypedChoiceField(label=_("我的投票"), choices=DECISION_LEVELS, coerce=int, widget=forms.Select(attrs=SELECT),
                                   error_messages={"required": _("请选择星级。")})
    comment = _reason(_("意见"), required=False)


class AwardForm(forms.Form):
    award_date = forms.DateField(label=_("授牌日期（A1）"), widget=DATE_WIDGET, error_messages=DATE_ERRORS)


class SupervisionForm(forms.Form):
    """V1: the person, the finding (不够级 / 不合格), the handling (or the policy default), evidence and reason."""

    staff_no = forms.CharField(label=_("工号"), max_length=30, widget=forms.TextInput(attrs={"class": "form-control"}),
                               error_messages={"required": _("请填写工号。")})
    category = forms.ChoiceField(label=_("类别"), widget=forms.Select(attrs=SELECT),
                                 choices=[(c.value, c.label) for c in Category if c in SUPERVISION_CATEGORIES])
    sanction = forms.ChoiceField(label=_("处理"), required=False, widget=forms.Select(attrs=SELECT),
                                 choices=[("", _("按政策默认（不够级降级，不合格取消星级）"))]
                                 + [(s.value, s.label) for s in Sanction if s in TITLE_SANCTIONS])
    effective_on = forms.DateField(label=_("决定日期（生效日期）"), required=False, widget=DATE_WIDGET,
                                   help_text=_("不填则为今天。"), error_messages=DATE_ERRORS)
    reason = _reason(_("理由"), rows=3)
    evidence_text = _reason(_("证据说明"), required=False, rows=2)
    files = MultipleFileField(label=_("证据文件"), required=False, help_text=_("可多选。支持图片、PDF、Word、Excel、文本和录音文件。"))


class ConfirmForm(forms.Form):
    effective_on = forms.DateField(label=_("生效日期"), required=False, widget=DATE_WIDGET, help_text=_("不填则为今天（决定日期）。"),
                                   error_messages=DATE_ERRORS)
    reason = _reason(_("说明"), required=False)


class RejectForm(forms.Form):
    reason = _reason(_("驳回理由"))


class MonthForm(forms.Form):
    month = forms.RegexField(label=_("月份"), regex=r"^\d{4}-\d{2}$", max_length=7,
                             widget=forms.TextInput(attrs={"type": "month", "class": "form-control"}),
                             error_messages={"invalid": _("月份格式应为 YYYY-MM。"), "required": _("请选择月份。")})
