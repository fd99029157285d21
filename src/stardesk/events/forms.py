"""Forms of the event pages: they parse input; the services check the rules and write."""
import datetime
import re
import unicodedata

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stardesk.accounts import permissions
from stardesk.events import sanction_policy
from stardesk.events.models import (
    SANCTIONED_CATEGORIES,
    SUPERVISION_CATEGORIES,
    TITLE_SANCTIONS,
    VETO_CATEGORIES,
    Category,
    Sanction,
    Severity,
)
from stardesk.events.queries import EventFilter, State
from stardesk.people.models import Team

DATE_WIDGET = forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d")


def _select(**attrs):
    return forms.Select(attrs={"class": "form-select", **attrs})


def _textarea(rows=3, **attrs):
    return forms.Textarea(attrs={"class": "form-control", "rows": rows, **attrs})


def plain(value: str) -> str:
    """Full-width digits and spaces as typed on Chinese keyboards become plain ones (１００１ → 1001)."""
    return unicodedata.normalize("NFKC", value or "").strip()


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several evidence files in one input; the service checks their kind and size."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"class": "form-control", "multiple": True}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, (list, tuple)):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


def handling_choices(*, category: str, severity: str, default: str) -> list[tuple[str, str]]:
    """The handlings a category allows (V1: title sanctions only), the policy default labelled 默认."""
    allowed = [s for s in Sanction if category not in SUPERVISION_CATEGORIES or s in TITLE_SANCTIONS]
    choices = []
    if not default:
        choices.append(("", _("按政策默认（先选严重程度）")))
    for sanction in allowed:
        label = sanction.label
        if sanction == default:
            label = _("%(label)s（默认）") % {"label": label}
        choices.append((sanction.value, label))
    return choices


class EventForm(forms.Form):
    staff_no = forms.CharField(
        label=_("工号"),
        max_length=30,
        error_messages={"required": _("请填写工号。")},
        widget=forms.TextInput(attrs={"class": "form-control", "autocomplete": "off", "inputmode": "numeric"}),
    )
    date = forms.DateField(
        label=_("日期"),
        widget=DATE_WIDGET,
        error_messages={"required": _("请填写日期。"), "invalid": _("日期格式应为 2025-03-01。")},
    )
    category = forms.ChoiceField(
        label=_("类别"),
        choices=[("", _("请选择类别")), *Category.choices],
        widget=_select(),
        error_messages={"required": _("请选择类别。"), "invalid_choice": _("请选择列出的类别。")},
    )
    severity = forms.ChoiceField(
        label=_("严重程度"), required=False, choices=[("", _("—")), *Severity.choices], widget=_select()
    )
    sanction = forms.ChoiceField(label=_("处理"), required=False, choices=[], widget=_select())
    description = forms.CharField(
        label=_("说明"), max_length=2000, widget=_textarea(4), error_messages={"required": _("请填写事件说明。")}
    )
    evidence_text = forms.CharField(
        label=_("证据说明"),
        required=False,
        max_length=2000,
        widget=_textarea(2),
        help_text=_("例如录音编号、工单号、投诉单号。"),
    )
    files = MultipleFileField(
        label=_("证据文件"),
        required=False,
        help_text=_("可多选。支持图片、PDF、Word、Excel、文本和录音文件。"),
    )
    correction_reason = forms.CharField(label=_("更正理由"), required=False, max_length=1000, widget=_textarea(2))

    def __init__(self, *args, hotline=None, event=None, settled=False, handling_locked=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event
        # A confirmed title sanction is in force: what it was decided on stays as it is.
        self.handling_locked = handling_locked
        if handling_locked:
            for name in ("date", "category", "severity", "sanction"):
                self.fields[name].disabled = True
        if event is not None:
            # The person of an event never changes; a wrong person is a new record.
            del self.fields["staff_no"]
            del self.fields["files"]
        if not settled:
            del self.fields["correction_reason"]
        else:
            # Shown as required; the service refuses a missing reason with its own words.
            self.fields["correction_reason"].help_text = _("该事件已有确认或申诉裁决，修改将作为更正记录。")
        self.fields["date"].initial = timezone.localdate()
        category = self._value("category") if self._value("category") in Category.values else ""
        severity = self._value("severity") if self._value("severity") in Severity.values else ""
        self.policy = sanction_policy.policy_for(hotline, self._date() or timezone.localdate())
        self.default = (
            sanction_policy.default_sanction(self.policy, category, severity) if category in SANCTIONED_CATEGORIES else None
        ) or ""
        self.fields["sanction"].choices = handling_choices(category=category, severity=severity, default=self.default)
        if not self.is_bound and not self.initial.get("sanction"):
            self.initial["sanction"] = self.default
        self.shows_handling = category in SANCTIONED_CATEGORIES
        # Marked as required for vetoes; the service refuses a missing one with the M5 reason.
        self.needs_severity = category in VETO_CATEGORIES

    def _value(self, name: str) -> str:
        if self.is_bound and not self.handling_locked:
            return self.data.get(name, "") or ""
        return self.initial.get(name, "") or ""

    def _date(self) -> datetime.date | None:
        raw = self._value("date")
        if isinstance(raw, datetime.date):
            return raw
        try:
            return datetime.date.fromisoformat(str(raw))
        except ValueError:
            return None

    def clean_staff_no(self):
        return plain(self.cleaned_data["staff_no"])

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("category") not in SANCTIONED_CATEGORIES:
            # Fields hidden for praise and honours are not sent on; a stale value would be refused.
            cleaned["severity"], cleaned["sanction"] = "", ""
        return cleaned

    def event_fields(self) -> dict:
        return {name: self.cleaned_data.get(name, "") for name in ("date", "category", "severity", "sanction", "description", "evidence_text")}


class EvidenceForm(forms.Form):
    files = MultipleFileField(label=_("证据文件"), help_text=_("可多选。支持图片、PDF、Word、Excel、文本和录音文件。"))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("理由"), max_length=2000, widget=_textarea(3))


class ConfirmForm(forms.Form):
    effective_on = forms.DateField(
        label=_("生效日期"), required=False, widget=DATE_WIDGET, help_text=_("不填则为今天（决定日期）。")
    )
    reason = forms.CharField(label=_("说明"), required=False, max_length=2000, widget=_textarea(2))


class AppealDecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("裁决"),
        choices=[("uphold", _("维持原处理")), ("overturn", _("撤销该事件"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label=_("裁决理由"), max_length=2000, widget=_textarea(3))


MONTH_PATTERN = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?\s*$")


class MonthField(forms.CharField):
    """A month as an <input type=month> sends it (2025-03), or typed as 2025/3 or 2025年3月."""

    widget = forms.TextInput(attrs={"type": "month", "class": "form-control"})

    def to_python(self, value):
        value = plain(super().to_python(value))
        if not value:
            return None
        found = MONTH_PATTERN.match(value)
        if not found or not 1 <= int(found.group(2)) <= 12:
            raise forms.ValidationError(_("月份格式应为 2025-03。"))
        return datetime.date(int(found.group(1)), int(found.group(2)), 1)


class TeamChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, team: Team) -> str:
        return team.name


class EventFilterForm(forms.Form):
    q = forms.CharField(
        label=_("工号或姓名"),
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"class": "form-control", "type": "search", "placeholder": _("工号或姓名"), "autocomplete": "off"}),
    )
    team = TeamChoiceField(label=_("班组"), queryset=Team.objects.none(), required=False, empty_label=_("全部班组"), widget=_select())
    category = forms.ChoiceField(label=_("类别"), required=False, choices=[("", _("全部类别")), *Category.choices], widget=_select())
    month = MonthField(label=_("月份"), required=False)
    state = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[
            ("", _("全部状态")),
            (State.PENDING, _("待确认")),
            (State.APPEALING, _("申诉中")),
            (State.CONFIRMED, _("已确认")),
            (State.REJECTED, _("已驳回")),
            (State.OVERTURNED, _("已撤销")),
            (State.IN_FORCE, _("生效中")),
        ],
        widget=_select(),
    )
    sort = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = permissions.teams_visible_to(user).order_by("name")

    def wanted(self) -> EventFilter:
        if not self.is_bound or not self.is_valid():
            # A bad filter value shows the unfiltered list with the field's message, never an error page.
            data = getattr(self, "cleaned_data", {}) if self.is_bound else {}
        else:
            data = self.cleaned_data
        return EventFilter(
            q=data.get("q") or "",
            team=data.get("team"),
            category=data.get("category") or "",
            month=data.get("month"),
            state=data.get("state") or "",
            sort=data.get("sort") or "",
        )
