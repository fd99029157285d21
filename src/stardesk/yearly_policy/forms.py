"""Forms of the yearly policy pages: they parse what was typed; the services validate against the rules and save."""
import unicodedata
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from django import forms
from django.utils.translation import gettext_lazy as _

from stardesk.policy.reasons import num
from stardesk.policy.yearly import POLICY_FIELDS, MonthDay, YearlyPolicy
from stardesk.yearly_policy.policy_fields import VERSION_FIELD, Unit, family_of, unit_of

HUNDRED = Decimal(100)
DATE_WIDGET = forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")


def _plain(value) -> str:
    """Full-width digits as typed on Chinese keyboards become plain ones (３０ → 30)."""
    return unicodedata.normalize("NFKC", str(value or "")).strip()


class NumberField(forms.CharField):
    """A decimal typed in the unit it is read in: 30 in a % field is stored as 0.30."""

    def __init__(self, *, unit: Unit, **kwargs):
        self.unit = unit
        kwargs.setdefault("widget", forms.TextInput(attrs={"class": "form-control text-end", "inputmode": "decimal", "autocomplete": "off"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        text = _plain(value).removesuffix(self.unit.value).strip() if self.unit.value else _plain(value)
        if not text:
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise forms.ValidationError(_("请输入数字，例如 30 或 0.5。")) from None
        if not number.is_finite():
            raise forms.ValidationError(_("请输入数字，例如 30 或 0.5。"))
        if self.unit is Unit.PERCENT:
            number = number / HUNDRED
        return number

    def prepare_value(self, value):
        if isinstance(value, Decimal) and self.unit is Unit.PERCENT:
            value = value * HUNDRED
        return num(value) if isinstance(value, Decimal) else value


class WholeNumberField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"class": "form-control text-end", "inputmode": "numeric", "autocomplete": "off"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        text = _plain(value)
        if not text:
            return None
        if not text.lstrip("-").isdigit():
            raise forms.ValidationError(_("请输入整数。"))
        return int(text)


class MonthDayField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"class": "form-control", "placeholder": "07-01", "autocomplete": "off"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        text = _plain(value)
        if not text:
            return None
        try:
            day = MonthDay.parse(text)
        except ValueError:
            raise forms.ValidationError(_("请按“月-日”填写，例如 07-01。")) from None
        if not day.is_valid():
            raise forms.ValidationError(_("没有这一天，请按“月-日”填写，例如 07-01。"))
        return day

    def prepare_value(self, value):
        return str(value) if isinstance(value, MonthDay) else value


def policy_field(pf) -> forms.Field:
    """The form field of one policy field, by its type and unit."""
    label = f"{pf.rule} {pf.label_zh}"
    if pf.kind is bool:
        return forms.BooleanField(label=label, required=False)
    if isinstance(pf.kind, type) and issubclass(pf.kind, StrEnum):
        return forms.TypedChoiceField(
            label=label, choices=[(v.value, v.value) for v in pf.kind], coerce=pf.kind,
            widget=forms.Select(attrs={"class": "form-select"}),
            error_messages={"invalid_choice": _("请从列表中选择。"), "required": _("请选择。")},
        )
    if pf.kind is Decimal:
        return NumberField(label=label, unit=unit_of(pf.name), error_messages={"required": _("请填写。")})
    if pf.kind is int:
        return WholeNumberField(label=label, error_messages={"required": _("请填写。")})
    if pf.kind is MonthDay:
        return MonthDayField(label=label, error_messages={"required": _("请填写。")})
    return forms.CharField(label=label, max_length=200, widget=forms.TextInput(attrs={"class": "form-control"}))


QUOTA_RULES = ("C4", "Q1")
EDITABLE = tuple(pf for pf in POLICY_FIELDS if pf.name != VERSION_FIELD)


class PolicyForm(forms.Form):
    """P1: every field of one cycle's policy, plus the reason of the change (required)."""

    revision = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("修改原因"), max_length=500,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 2, "placeholder": _("例如：经评定委员会 2026 年 3 月会议决定，二星比例调整为 35%")}),
        error_messages={"required": _("请填写修改原因。")},
    )

    def __init__(self, policy: YearlyPolicy, revision: int, *args, **kwargs):
        initial = {pf.name: getattr(policy, pf.name) for pf in EDITABLE}
        initial["revision"] = revision
        super().__init__(*args, initial=initial, **kwargs)
        for pf in EDITABLE:
            self.fields[pf.name] = policy_field(pf)

    def values(self) -> dict:
        """The typed values by field name, for `policy_update`."""
        return {pf.name: self.cleaned_data[pf.name] for pf in EDITABLE}

    def groups(self) -> list[tuple[str, list]]:
        """Bound fields grouped by rule family, with their unit and rule id, in rulebook order."""
        out: dict[str, tuple[str, list]] = {}
        for pf in EDITABLE:
            code, title = family_of(pf)
            widget = self.fields[pf.name].widget
            classes = widget.attrs.get("class", "").split()
            if pf.rule in QUOTA_RULES and "quota-input" not in classes:
                classes.append("quota-input")  # typing here refreshes the quota preview
            if pf.name in self.errors and "is-invalid" not in classes:
                classes.append("is-invalid")
            widget.attrs["class"] = " ".join(classes)
            out.setdefault(code, (title, []))[1].append(
                {"field": self[pf.name], "rule": pf.rule, "label": pf.label_zh, "unit": unit_of(pf.name).value, "key": pf.key,
                 "is_check": pf.kind is bool}
            )
        return list(out.values())


class ReferenceDayForm(forms.Form):
    """Q1: the day N is counted on (资格审核基准日 or any day to try)."""

    on = forms.DateField(label=_("基准日"), required=False, widget=DATE_WIDGET,
                         error_messages={"invalid": _("请输入有效日期，例如 2026-09-30。")})


class NewYearForm(forms.Form):
    year = forms.IntegerField(label=_("评定年度"), min_value=2000, max_value=2100,
                              widget=forms.NumberInput(attrs={"class": "form-control", "style": "max-width:8rem"}),
                              error_messages={"invalid": _("请输入年份。"), "required": _("请输入年份。"),
                                              "min_value": _("年份须在 2000–2100 之间。"), "max_value": _("年份须在 2000–2100 之间。")})


class ImportForm(forms.Form):
    year = NewYearForm.base_fields["year"]
    file = forms.FileField(label=_("政策文件（JSON）"), widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".json,application/json"}),
                           error_messages={"required": _("请选择要导入的政策文件。"), "empty": _("文件是空的。")})
    reason = forms.CharField(label=_("导入原因"), max_length=500,
                             widget=forms.TextInput(attrs={"class": "form-control"}),
                             error_messages={"required": _("请填写导入原因。")})


class FreezeForm(forms.Form):
    reason = forms.CharField(label=_("冻结原因"), max_length=500,
                             widget=forms.TextInput(attrs={"class": "form-control", "placeholder": _("例如：2025 年度集中评定已结束")}),
                             error_messages={"required": _("请填写冻结原因。")})
