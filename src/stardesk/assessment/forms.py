"""Reading the assessment's forms: plain fields through Django forms, table-shaped posts into service inputs."""
from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from stardesk.assessment.models import EvaluationMode, MonitoringEvaluation
from stardesk.assessment.services import ItemInput, MarkInput, SectionInput
from stardesk.people.models import Person


def marks_from_post(post) -> dict[int, MarkInput]:
    """Per-item entries posted as item=<id> with ded-<id>, na-<id>, veto-<id>."""
    marks = {}
    for raw in post.getlist("item"):
        if not raw.isdigit():
            continue
        item_id = int(raw)
        marks[item_id] = MarkInput(
            item_id=item_id,
            deduction=post.get(f"ded-{item_id}", ""),
            not_applicable=post.get(f"na-{item_id}") == "1",
            veto=post.get(f"veto-{item_id}") == "1",
        )
    return marks


def rubric_from_post(post) -> tuple[str, list[SectionInput]]:
    """The rubric editor posts sections (section=<key>) and items (item=<key>, <key>-section=<section key>),
    each with an order number. Untouched blank new rows are skipped; rows ticked 删除 are left out, and
    so are the items of a deleted section."""
    items_of: dict[str, list[tuple[float, ItemInput]]] = {}
    for key in post.getlist("item"):
        if post.get(f"{key}-delete") == "1":
            continue
        name = post.get(f"{key}-name", "").strip()
        points = post.get(f"{key}-points", "")
        if key.startswith("new") and not name and not points.strip():
            continue
        items_of.setdefault(post.get(f"{key}-section", ""), []).append(
            (
                _order(post.get(f"{key}-order")),
                ItemInput(
                    key=key,
                    name=name,
                    points=points,
                    item_id=int(post[f"{key}-id"]) if post.get(f"{key}-id", "").isdigit() else None,
                    allows_na=post.get(f"{key}-na") == "1",
                    is_veto=post.get(f"{key}-veto") == "1",
                    guidance=post.get(f"{key}-guidance", ""),
                ),
            )
        )
    sections = []
    for key in post.getlist("section"):
        if post.get(f"{key}-delete") == "1":
            continue
        name = post.get(f"{key}-name", "").strip()
        items = [item for _, item in sorted(items_of.get(key, []), key=lambda pair: pair[0])]
        if key.startswith("new") and not name and not items:
            continue
        sections.append(
            (
                _order(post.get(f"{key}-order")),
                SectionInput(
                    key=key,
                    name=name,
                    section_id=int(post[f"{key}-id"]) if post.get(f"{key}-id", "").isdigit() else None,
                    items=items,
                ),
            )
        )
    return post.get("name", ""), [section for _, section in sorted(sections, key=lambda pair: pair[0])]


def _order(raw) -> float:
    try:
        return float(raw)
    except (TypeError, ValueError):
        return 9999.0


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.staff_no} {obj.name}（{obj.team}）" if obj.team_id else f"{obj.staff_no} {obj.name}"


class MonitoringForm(forms.Form):
    person = PersonChoiceField(label=_("客服人员"), queryset=Person.objects.none(), widget=forms.Select(attrs={"class": "form-select"}))
    call_no = forms.CharField(label=_("录音编号"), max_length=60, widget=forms.TextInput(attrs={"class": "form-control"}))
    call_date = forms.DateField(label=_("通话日期"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"class": "form-control", "type": "date"}))
    recording = forms.FileField(
        label=_("录音文件"),
        required=False,
        help_text=_("可选；mp3、wav、ogg、m4a 等格式，不超过50MB，保存后可在页面上播放。"),
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": "audio/*"}),
    )
    mode = forms.ChoiceField(
        label=_("评分方式"),
        choices=[(EvaluationMode.ITEMS, _("按细则扣分")), (EvaluationMode.TOTAL, _("直接录入总分"))],
        initial=EvaluationMode.ITEMS,
        widget=forms.RadioSelect,
    )
    score = forms.CharField(
        label=_("总分"), required=False, help_text=_("直接录入总分时填写：0–100，最多一位小数。"), widget=forms.TextInput(attrs={"class": "form-control", "inputmode": "decimal"})
    )
    comment = forms.CharField(label=_("评语"), required=False, max_length=500, widget=forms.Textarea(attrs={"class": "form-control", "rows": 2}))

    def __init__(self, *args, people, evaluation: MonitoringEvaluation | None = None, **kwargs):
        if evaluation is not None:
            kwargs["initial"] = {
                **{
                    "person": evaluation.person_id,
                    "call_no": evaluation.call_no,
                    "call_date": evaluation.call_date,
                    "mode": evaluation.mode if evaluation.mode != EvaluationMode.IMPORTED else EvaluationMode.TOTAL,
                    "score": format(evaluation.score, "f"),
                    "comment": evaluation.comment,
                },
                **(kwargs.get("initial") or {}),
            }
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people
        if evaluation is not None:
            self.fields["person"].queryset = Person.objects.filter(pk=evaluation.person_id)
            self.fields["person"].disabled = True
        else:
            self.fields["call_date"].initial = timezone.localdate()


class ScoreCorrectionForm(forms.Form):
    new_score = forms.CharField(
        label=_("新值"), max_length=10, help_text=_("0–100，最多一位小数。"), widget=forms.TextInput(attrs={"class": "form-control", "inputmode": "decimal", "autofocus": True})
    )
    reason = forms.CharField(label=_("更正原因"), max_length=500, widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}))
