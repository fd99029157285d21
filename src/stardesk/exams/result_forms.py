"""Forms of the results pages: an offline result, a cascade offer, a key correction, a J3 decision."""
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stardesk.accounts.models import Role
from stardesk.exams.models import SittingKind
from stardesk.people.models import Hotline

TEXT = {"class": "form-control"}
SELECT = {"class": "form-select"}


class OfflineResultForm(forms.Form):
    """One row of the 考试成绩 sheet, entered by hand."""

    hotline = forms.ModelChoiceField(label=_("热线"), queryset=Hotline.objects.none(), widget=forms.Select(attrs=SELECT))
    staff_no = forms.CharField(label=_("工号"), max_length=30, widget=forms.TextInput(attrs=TEXT))
    exam_name = forms.CharField(label=_("考试名称"), max_length=100, widget=forms.TextInput(attrs=TEXT))
    kind = forms.ChoiceField(label=_("考试类别"), choices=SittingKind.choices, widget=forms.Select(attrs=SELECT))
    exam_date = forms.DateField(label=_("考试日期"), widget=forms.DateInput(attrs={**TEXT, "type": "date"}, format="%Y-%m-%d"))
    score = forms.DecimalField(label=_("成绩"), min_value=0, max_value=100, decimal_places=1, widget=forms.NumberInput(attrs={**TEXT, "step": "0.1"}))
    knowledge = forms.DecimalField(label=_("知识得分"), required=False, min_value=0, max_value=100, decimal_places=1,
                                   widget=forms.NumberInput(attrs={**TEXT, "step": "0.1"}))
    skills = forms.DecimalField(label=_("技能得分"), required=False, min_value=0, max_value=100, decimal_places=1,
                                widget=forms.NumberInput(attrs={**TEXT, "step": "0.1"}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None and user.role == Role.ADMIN:
            self.fields["hotline"].queryset = Hotline.objects.order_by("name")
        else:
            del self.fields["hotline"]
        self.fields["exam_date"].initial = timezone.localdate()


class CascadeForm(forms.Form):
    target = forms.ModelChoiceField(label=_("补考场次"), queryset=None, widget=forms.Select(attrs=SELECT),
                                    help_text=_("下一级的星级资格考试场次（草稿或进行中）"))

    def __init__(self, *args, targets=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["target"].queryset = targets


class RegradeForm(forms.Form):
    version = forms.TypedChoiceField(label=_("试题"), coerce=int, widget=forms.Select(attrs=SELECT))
    voided = forms.BooleanField(label=_("作废该题（不计分，从各部分总分中去掉）"), required=False,
                                widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
    answer = forms.CharField(label=_("更正后的答案"), required=False, max_length=500, widget=forms.TextInput(attrs=TEXT),
                             help_text=_("单选 B；多选 ACD；判断 对/错；填空各空用「；」分隔、同一空的可接受答案用「|」分隔"))
    reason = forms.CharField(label=_("更正原因"), max_length=1000, widget=forms.Textarea(attrs={**TEXT, "rows": 2}))

    def __init__(self, *args, versions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["version"].choices = [(v.pk, label) for v, label in versions]


class JuneDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("confirm", _("确认")), ("reject", _("驳回"))], widget=forms.HiddenInput)
    reason = forms.CharField(label=_("说明"), required=False, max_length=1000, widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}))
