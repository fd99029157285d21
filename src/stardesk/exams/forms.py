"""Forms of the exam pages: they parse input; the services check the rules and write."""
import re
import unicodedata
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from stardesk.accounts import permissions
from stardesk.accounts.models import Role
from stardesk.exams.models import (
    OPTION_LETTERS,
    Area,
    InvitedHow,
    PaperMode,
    QuestionLevel,
    QuestionStatus,
    QuestionType,
    ReleaseRule,
    SectionKind,
    SittingKind,
)
from stardesk.exams.queries import BankFilter


def _select(**attrs):
    return forms.Select(attrs={"class": "form-select", **attrs})


def _text(**attrs):
    return forms.TextInput(attrs={"class": "form-control", **attrs})


def _area(**attrs):
    return forms.Textarea(attrs={"class": "form-control", "rows": 3, **attrs})


def _number(**attrs):
    return forms.NumberInput(attrs={"class": "form-control", **attrs})


DIFFICULTIES = [(str(n), str(n)) for n in range(1, 6)]
LOCAL_DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local", "class": "form-control"}, format="%Y-%m-%dT%H:%M")


class HotlineChoice(forms.ModelChoiceField):
    """A group administrator works in any hotline and says which one."""

    def __init__(self, user, **kwargs):
        super().__init__(queryset=permissions.hotlines_visible_to(user), label=_("热线"), widget=_select(), **kwargs)


class BankFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False, widget=_text(placeholder=_("题号或题干")))
    area = forms.ChoiceField(label=_("知识领域"), required=False, choices=[("", _("全部领域")), *Area.choices], widget=_select())
    qtype = forms.ChoiceField(label=_("题型"), required=False, choices=[("", _("全部题型")), *QuestionType.choices], widget=_select())
    level = forms.ChoiceField(label=_("级别"), required=False, choices=[("", _("全部级别")), *[(str(v), l) for v, l in QuestionLevel.choices]], widget=_select())
    difficulty = forms.ChoiceField(label=_("难度"), required=False, choices=[("", _("全部难度")), *DIFFICULTIES], widget=_select())
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部状态")), *QuestionStatus.choices], widget=_select())
    sort = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if user.role == Role.ADMIN:
            self.fields["hotline"] = HotlineChoice(user, required=False, empty_label=_("全部热线"))

    def wanted(self) -> BankFilter:
        if not self.is_bound or not self.is_valid():
            return BankFilter()
        data = self.cleaned_data
        hotline = data.get("hotline")
        return BankFilter(q=data["q"].strip(), area=data["area"], qtype=data["qtype"], level=data["level"],
                          difficulty=data["difficulty"], status=data["status"], hotline=hotline.pk if hotline else None,
                          sort=data["sort"] or "number")


class QuestionForm(forms.Form):
    number = forms.CharField(label=_("题号"), required=False, max_length=20, widget=_text(),
                             help_text=_("留空则自动编号"))
    area = forms.ChoiceField(label=_("知识领域"), choices=Area.choices, widget=_select())
    qtype = forms.ChoiceField(label=_("题型"), choices=QuestionType.choices, widget=_select(**{"data-question-type": ""}))
    level = forms.TypedChoiceField(label=_("级别"), coerce=int, choices=[(str(v), l) for v, l in QuestionLevel.choices], widget=_select())
    difficulty = forms.TypedChoiceField(label=_("难度"), coerce=int, choices=DIFFICULTIES, initial="3", widget=_select(),
                                        help_text=_("1 最易，5 最难"))
    status = forms.ChoiceField(label=_("状态"), choices=QuestionStatus.choices, widget=_select())
    stem = forms.CharField(label=_("题干"), widget=_area(rows=4), help_text=_("填空题用 ____（三个以上下划线）标出每个空"))
    answer = forms.CharField(label=_("答案"), required=False, widget=_text(),
                             help_text=_("单选填一个字母（B）；多选填多个字母（ACD），至少两个且不能全选；判断填「对」或「错」；"
                                         "填空题各空用「；」分隔，同一空的多个可接受答案用「|」分隔"))
    reference = forms.CharField(label=_("参考答案或评分要点"), required=False, widget=_area(rows=4),
                                help_text=_("简答题和口试题由阅卷人按此评分"))
    material = forms.CharField(label=_("录入原文"), required=False, widget=_area(rows=4),
                               help_text=_("打字题：考生照此录入；按「正确字数 ÷ 分钟」计速度，「1 − 错字数 ÷ 录入字数」计正确率"))
    marks = forms.DecimalField(label=_("分值"), min_value=Decimal("0.1"), max_value=Decimal(100), decimal_places=1,
                               initial=Decimal(2), widget=_number(step="0.1"), help_text=_("组卷时以蓝图规则的每题分值为准"))
    explanation = forms.CharField(label=_("解析"), required=False, widget=_area(rows=2))
    note = forms.CharField(label=_("修改说明"), required=False, max_length=200, widget=_text())

    def __init__(self, *args, user=None, question=None, **kwargs):
        super().__init__(*args, **kwargs)
        for letter in OPTION_LETTERS:
            name = f"option_{letter.lower()}"
            self.fields[name] = forms.CharField(label=_("选项%(l)s") % {"l": letter}, required=False, max_length=500, widget=_text())
        self.order_fields(["number", "hotline", "area", "qtype", "level", "difficulty", "status", "stem",
                           *[f"option_{l.lower()}" for l in OPTION_LETTERS], "answer", "reference", "material", "marks",
                           "explanation", "note"])
        if question is not None:
            # The type and the 题号 of a question never change.
            del self.fields["number"]
            self.fields["qtype"].disabled = True
            self.fields["qtype"].required = False
        elif user is not None and user.role == Role.ADMIN:
            self.fields["hotline"] = HotlineChoice(user)
            self.order_fields(["number", "hotline"])

    def options(self) -> list[str]:
        return [self.cleaned_data.get(f"option_{letter.lower()}", "") for letter in OPTION_LETTERS]

    def content(self) -> dict:
        data = self.cleaned_data
        return {
            "area": data["area"], "level": data["level"], "difficulty": data["difficulty"], "status": data["status"],
            "stem": data["stem"], "options": self.options(), "answer_text": data["answer"], "marks": data["marks"],
            "explanation": data["explanation"], "reference": data["reference"], "material": data["material"], "note": data["note"],
        }


def question_initial(question) -> dict:
    from stardesk.exams.question_content import answer_text

    version = question.current
    initial = {"area": question.area, "qtype": question.qtype, "level": str(question.level), "difficulty": str(question.difficulty),
               "status": question.status}
    if version is not None:
        initial.update({"stem": version.stem, "answer": answer_text(question.qtype, version.answer), "reference": version.reference,
                        "material": version.material, "marks": version.marks, "explanation": version.explanation})
        for letter, text in zip(OPTION_LETTERS, version.options or []):
            initial[f"option_{letter.lower()}"] = text
    return initial


# --- blueprints -------------------------------------------------------------------------------


class BlueprintForm(forms.Form):
    name = forms.CharField(label=_("蓝图名称"), max_length=100, widget=_text())
    kind = forms.ChoiceField(label=_("考试类别"), choices=SittingKind.choices, widget=_select())
    description = forms.CharField(label=_("说明"), required=False, widget=_area(rows=2))

    def __init__(self, *args, user=None, creating=False, **kwargs):
        super().__init__(*args, **kwargs)
        if creating and user is not None and user.role == Role.ADMIN:
            self.fields["hotline"] = HotlineChoice(user)


class SectionForm(forms.Form):
    name = forms.CharField(label=_("部分名称"), max_length=50, required=False, widget=_text())
    kind = forms.ChoiceField(label=_("类型"), choices=SectionKind.choices, widget=_select())
    weight = forms.DecimalField(label=_("权重（%）"), required=False, min_value=Decimal("0.1"), max_value=Decimal(100),
                                decimal_places=1, widget=_number(step="0.1"))

    def is_blank(self) -> bool:
        return not self.cleaned_data.get("name") and self.cleaned_data.get("weight") is None


class RuleForm(forms.Form):
    section = forms.TypedChoiceField(label=_("部分"), coerce=int, required=False, choices=[], widget=_select())
    area = forms.ChoiceField(label=_("知识领域"), choices=[("", "—"), *Area.choices], required=False, widget=_select())
    qtype = forms.ChoiceField(label=_("题型"), choices=[("", "—"), *QuestionType.choices], required=False, widget=_select())
    difficulty = forms.TypedChoiceField(label=_("难度"), coerce=int, empty_value=None, required=False,
                                        choices=[("", _("不限")), *DIFFICULTIES], widget=_select())
    count = forms.IntegerField(label=_("题数"), min_value=1, max_value=200, required=False, widget=_number())
    marks = forms.DecimalField(label=_("每题分值"), min_value=Decimal("0.1"), max_value=Decimal(100), decimal_places=1,
                               required=False, widget=_number(step="0.1"))

    def __init__(self, *args, sections: int = 2, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = [(str(n), _("第%(n)s部分") % {"n": n}) for n in range(1, sections + 1)]

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not data.get("area") and not data.get("qtype") and data.get("count") is None


EXTRA_SECTIONS = 1
EXTRA_RULES = 3


class MaterialiseForm(forms.Form):
    title = forms.CharField(label=_("试卷名称"), required=False, max_length=100, widget=_text(),
                            help_text=_("留空则用蓝图名称加生成时间"))


# --- sittings -------------------------------------------------------------------------------------


class SittingForm(forms.Form):
    name = forms.CharField(label=_("场次名称"), max_length=100, widget=_text())
    kind = forms.ChoiceField(label=_("考试类别"), choices=SittingKind.choices, widget=_select())
    mode = forms.ChoiceField(label=_("命题方式"), choices=PaperMode.choices, widget=_select(),
                             help_text=_("统一命题：所有人同一份试卷（题序、选项顺序可按人打乱）；按人抽题：开放时按蓝图为每人抽一份"))
    paper = forms.ModelChoiceField(label=_("试卷（统一命题）"), queryset=None, required=False, widget=_select())
    blueprint = forms.ModelChoiceField(label=_("组卷蓝图（按人抽题）"), queryset=None, required=False, widget=_select())
    opens_at = forms.DateTimeField(label=_("开始时间"), widget=LOCAL_DATETIME, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"])
    closes_at = forms.DateTimeField(label=_("结束时间"), widget=LOCAL_DATETIME, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
                                    help_text=_("答卷截止时间不会晚于此时间"))
    time_limit_minutes = forms.IntegerField(label=_("答题时长（分钟）"), min_value=1, max_value=600, initial=90, widget=_number())
    grace_seconds = forms.IntegerField(label=_("交卷宽限（秒）"), min_value=0, max_value=600, initial=60, widget=_number(),
                                       help_text=_("时间到后，在宽限内到达的答案和交卷仍然有效（网络延迟）"))
    release_rule = forms.ChoiceField(label=_("成绩公布方式"), choices=ReleaseRule.choices, widget=_select())
    shuffle_questions = forms.BooleanField(label=_("每人题序打乱（同一部分内）"), required=False, initial=True)
    shuffle_options = forms.BooleanField(label=_("每人选项顺序打乱"), required=False, initial=True)

    def __init__(self, *args, user, hotline=None, **kwargs):
        super().__init__(*args, **kwargs)
        from stardesk.exams import queries

        papers = queries.shared_papers_visible_to(user).order_by("-created_at")
        blueprints = queries.blueprints_visible_to(user).order_by("name")
        if hotline is not None:
            papers, blueprints = papers.filter(hotline=hotline), blueprints.filter(hotline=hotline)
        elif user.role == Role.ADMIN:
            self.fields["hotline"] = HotlineChoice(user)
            self.order_fields(["hotline"])
        self.fields["paper"].queryset = papers
        self.fields["blueprint"].queryset = blueprints
        self.fields["paper"].label_from_instance = lambda p: f"{p.title}（{p.total_marks}分）"

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("hotline", None)
        return data


LEVEL_CHOICES = [("1", _("持有一星")), ("2", _("持有二星")), ("3", _("持有三星")), ("0", _("未持有星级"))]


class InviteForm(forms.Form):
    how = forms.ChoiceField(label=_("邀请方式"), choices=[(InvitedHow.LEVEL, _("按星级")), (InvitedHow.HAND, _("按工号")),
                                                       (InvitedHow.EVERYONE, _("全体在职人员"))], widget=_select())
    level = forms.ChoiceField(label=_("当前星级"), choices=LEVEL_CHOICES, required=False, widget=_select())
    staff_nos = forms.CharField(label=_("工号"), required=False, widget=_area(rows=3),
                                help_text=_("一个或多个工号，用空格、逗号或换行分隔"))

    def clean(self):
        data = super().clean()
        if data.get("how") == InvitedHow.LEVEL and data.get("level") in (None, ""):
            self.add_error("level", _("请选择星级"))
        if data.get("how") == InvitedHow.HAND:
            data["staff_no_list"] = staff_numbers(data.get("staff_nos", ""))
            if not data["staff_no_list"]:
                self.add_error("staff_nos", _("请填写工号"))
        return data


def staff_numbers(text: str) -> list[str]:
    """Full-width digits and separators as typed on Chinese keyboards become plain ones (１００１ → 1001)."""
    plain = unicodedata.normalize("NFKC", text or "")
    return list(dict.fromkeys(part for part in re.split(r"[\s,;、，；]+", plain) if part))

