"""Forms of the grading pages: a plain score, the typing test's raw data, a language rubric."""
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from stardesk.exams.skill_rubrics import RUBRICS

TEXT = {"class": "form-control form-control-sm"}
NUMBER = {"class": "form-control form-control-sm", "inputmode": "decimal"}


class GradeForm(forms.Form):
    kind = "plain"
    score = forms.DecimalField(label=_("得分"), min_value=Decimal(0), max_digits=6, decimal_places=1, widget=forms.NumberInput(attrs={**NUMBER, "step": "0.1"}))
    comment = forms.CharField(label=_("评语"), required=False, max_length=2000, widget=forms.Textarea(attrs={**TEXT, "rows": 2}))

    def __init__(self, *args, marks=None, **kwargs):
        super().__init__(*args, **kwargs)
        if marks is not None:
            self.fields["score"].max_value = marks
            self.fields["score"].widget.attrs["max"] = str(marks)
            self.fields["score"].help_text = _("0–%(m)s 分，最多一位小数") % {"m": marks}


class CorrectionForm(GradeForm):
    """A grade corrected after the release: the new score and the reason (required); it goes through a regrade's dry run."""

    kind = "correct"
    reason = forms.CharField(label=_("更正原因"), max_length=1000, widget=forms.Textarea(attrs={**TEXT, "rows": 2}),
                             help_text=_("必填，记入重新评分记录和审计日志"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["comment"]
        self.fields["score"].label = _("更正后的得分")


class TypingForm(forms.Form):
    kind = "typing"
    characters = forms.IntegerField(label=_("录入字数"), min_value=0, widget=forms.NumberInput(attrs=NUMBER))
    errors = forms.IntegerField(label=_("错误字数"), min_value=0, widget=forms.NumberInput(attrs=NUMBER))
    keystrokes = forms.IntegerField(label=_("击键次数"), min_value=0, required=False, widget=forms.NumberInput(attrs=NUMBER))
    seconds = forms.IntegerField(label=_("用时（秒）"), min_value=1, widget=forms.NumberInput(attrs=NUMBER))
    target_speed = forms.DecimalField(label=_("达标速度（字/分钟）"), min_value=Decimal("0.1"), max_digits=5, decimal_places=1,
                                      widget=forms.NumberInput(attrs={**NUMBER, "step": "0.1"}),
                                      help_text=_("达到此速度得满分，低于按比例计分"))
    comment = forms.CharField(label=_("评语"), required=False, max_length=2000, widget=forms.Textarea(attrs={**TEXT, "rows": 2}))


class LanguageForm(forms.Form):
    """Both rubrics' parts; the chosen rubric's parts are required by the service."""

    kind = "language"
    rubric = forms.ChoiceField(label=_("评分方式"), choices=[(r.key, r.label) for r in RUBRICS.values()],
                               widget=forms.Select(attrs={"class": "form-select form-select-sm", "data-rubric-choice": ""}))
    comment = forms.CharField(label=_("评语"), required=False, max_length=2000, widget=forms.Textarea(attrs={**TEXT, "rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for rubric in RUBRICS.values():
            for part in rubric.parts:
                self.fields[f"{rubric.key}_{part.key}"] = forms.DecimalField(
                    label=f"{part.label}（{part.full}）", required=False, min_value=Decimal(0), max_value=part.full, decimal_places=1,
                    widget=forms.NumberInput(attrs={**NUMBER, "step": "0.1", "data-rubric": rubric.key}),
                )

    def rubric_fields(self):
        """[(rubric, [bound fields of its parts])] for the template."""
        return [(rubric, [self[f"{rubric.key}_{part.key}"] for part in rubric.parts]) for rubric in RUBRICS.values()]

    def values(self) -> dict:
        rubric = RUBRICS[self.cleaned_data["rubric"]]
        return {part.key: self.cleaned_data.get(f"{rubric.key}_{part.key}") for part in rubric.parts}


class AnonymityForm(forms.Form):
    anonymous = forms.BooleanField(label=_("匿名阅卷（阅卷人只看到考生编号）"), required=False,
                                   widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))
