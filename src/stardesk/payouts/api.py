"""v1 endpoints for the daily-assessment records: monthly scores (M3), call-monitoring scores (M2), events
(M5, V1, V2, E4) and allowance lines (M4).

Under the pages' permissions: every list starts from what the caller may
read (an agent their own records, a leader their team's, the supervisor and
the committee their hotline's), so a record out of scope is a 404. Money and
scores are decimals written as strings, months as YYYY-MM.

Writes go through the services the pages use, with the same checks, Chinese
refusals and audit entries: a leader confirms the team's month
(assessment.services.month_confirm) and scores a recorded call
(monitoring_save); a leader or the supervisor records an event
(events.services.event_record). Allowance lines are computed, never posted.
"""
from __future__ import annotations

import datetime
import re

import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.response import Response

from stardesk.accounts import permissions
from stardesk.api.v1.filters import IdFilter
from stardesk.api.v1.serializers import VisibleTeamField
from stardesk.api.v1.views import ApiViewSet
from stardesk.assessment import services as assessment
from stardesk.assessment.models import MonitoringEvaluation, MonthlyScore, Register, RegisterState
from stardesk.assessment.queries import monitoring_visible_to
from stardesk.events import services as events
from stardesk.events.models import Category, Event, Sanction, Severity
from stardesk.events.queries import events_visible_to
from stardesk.payouts import queries
from stardesk.payouts.models import AllowanceLine, LineStatus
from stardesk.policy.conventions import Month

_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class MonthField(forms.CharField):
    """YYYY-MM → the month's first day; anything else is a 400 with a Chinese message."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        found = _MONTH.match(value.strip())
        if not found or not 1 <= int(found.group(2)) <= 12:
            raise forms.ValidationError(_("月份应为 YYYY-MM，如 2025-03。"))
        return datetime.date(int(found.group(1)), int(found.group(2)), 1)


class MonthFilter(django_filters.Filter):
    field_class = MonthField


@extend_schema_field(OpenApiTypes.STR)
class MonthText(serializers.Field):
    """A month as YYYY-MM."""

    def to_representation(self, value):
        return f"{value:%Y-%m}"


@extend_schema_field(OpenApiTypes.STR)
class MonthInput(serializers.Field):
    """A month given as YYYY-MM (read as policy.conventions.Month)."""

    def to_internal_value(self, data):
        try:
            return Month.of(MonthField().clean(str(data)))
        except (forms.ValidationError, TypeError):
            raise serializers.ValidationError(_("月份应为 YYYY-MM，如 2025-03。")) from None

    def to_representation(self, value):
        return str(value)


@extend_schema_field(OpenApiTypes.INT)
class VisiblePersonField(serializers.PrimaryKeyRelatedField):
    """A person the caller may read; anyone else reads as "does not exist"."""

    def get_queryset(self):
        return permissions.people_visible_to(self.context["request"].user).select_related("team", "hotline")


def _typed_figure(help_text):
    """A score or deduction as typed ("95", "９５．５", "95分"): the services read it (C2)."""
    return serializers.CharField(required=False, allow_blank=True, allow_null=True, default="", help_text=help_text)


class _PersonFields(serializers.Serializer):
    staff_no = serializers.CharField(source="person.staff_no", read_only=True, help_text=_("工号"))
    name = serializers.CharField(source="person.name", read_only=True, help_text=_("姓名"))
    team_name = serializers.SerializerMethodField(help_text=_("班组名称"))

    def get_team_name(self, record) -> str | None:
        return record.team.name if record.team_id else None


# --- monthly scores (M3) -------------------------------------------------------------------


class MonthlyScoreSerializer(_PersonFields, serializers.ModelSerializer):
    month = MonthText(help_text=_("月份 YYYY-MM"))
    confirmed = serializers.SerializerMethodField(help_text=_("班长已确认（M3）"))
    locked = serializers.BooleanField(read_only=True, help_text=_("所在班组该月登记表已接收，得分锁定（R2）"))

    class Meta:
        model = MonthlyScore
        fields = [
            "id", "person", "staff_no", "name", "team", "team_name", "month", "score", "computed_score", "deduction",
            "deduction_reason", "weeks_count", "source", "confirmed", "confirmed_at", "locked", "policy_version", "basis",
        ]
        read_only_fields = fields

    def get_confirmed(self, score) -> bool:
        return score.is_confirmed


class MonthlyScoreFilter(django_filters.FilterSet):
    person = IdFilter(field_name="person_id", label=_("人员编号"))
    team = IdFilter(field_name="team_id", label=_("班组编号"))
    staff_no = django_filters.CharFilter(field_name="person__staff_no", label=_("工号（完全一致）"))
    month = MonthFilter(field_name="month", label=_("月份 YYYY-MM"))
    month_from = MonthFilter(field_name="month", lookup_expr="gte", label=_("起始月份 YYYY-MM"))
    month_to = MonthFilter(field_name="month", lookup_expr="lte", label=_("截止月份 YYYY-MM"))

    class Meta:
        model = MonthlyScore
        fields: list = []


@extend_schema_field(OpenApiTypes.INT)
class _TeamId(VisibleTeamField):
    """A team the caller may see, by its id."""


class MonthLineInput(serializers.Serializer):
    person = serializers.IntegerField(help_text=_("人员编号"))
    deduction = _typed_figure(_("月度扣分（有周考评时）"))
    deduction_reason = serializers.CharField(required=False, allow_blank=True, default="", help_text=_("扣分原因"))
    entered_score = _typed_figure(_("月度得分（本月没有周考评时由班长录入）"))


class MonthConfirmSerializer(serializers.Serializer):
    team = _TeamId(help_text=_("班组编号"))
    month = MonthInput(help_text=_("月份 YYYY-MM"))
    lines = MonthLineInput(many=True, required=False, default=list, help_text=_("需要扣分或录入得分的人员；其余人员按周考评计算"))


@extend_schema(tags=["assessment"])
@extend_schema_view(
    list=extend_schema(summary=_("月度得分列表"), description=_("M3：班长只看到本班组人员，客服人员只看到本人；locked 表示该月登记表已接收。")),
    retrieve=extend_schema(summary=_("月度得分详情")),
    create=extend_schema(
        summary=_("确认班组的月度得分"),
        description=_(
            "M3：班长确认本班组该月每名人员的月度得分，全部成功或全部不保存（与月度考核页面相同）。"
            "有周考评的按周考评平均计算，可填月度扣分及原因；没有周考评的须录入月度得分。登记表已提交或已接收时拒绝。"
        ),
        request=MonthConfirmSerializer,
        responses={201: MonthlyScoreSerializer(many=True)},
    ),
)
class MonthlyScoreViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = MonthlyScoreSerializer
    write_serializer_classes = {"create": MonthConfirmSerializer}
    filterset_class = MonthlyScoreFilter
    ordering_fields = ["month", "person__staff_no", "score"]
    ordering = ["month", "person__staff_no"]
    action_permissions = {"create": "assessment.month_confirm"}

    def create(self, request, *args, **kwargs):
        given = MonthConfirmSerializer(data=request.data, context=self.get_serializer_context())
        given.is_valid(raise_exception=True)
        facts = given.validated_data
        saved = assessment.month_confirm(
            actor=request.user,
            team=facts["team"],
            month=facts["month"],
            lines=[
                assessment.MonthLine(
                    person_id=line["person"],
                    deduction=line.get("deduction") or None,
                    deduction_reason=line.get("deduction_reason", ""),
                    entered_score=line.get("entered_score") or None,
                )
                for line in facts["lines"]
            ],
        )
        rows = self.get_queryset().filter(pk__in=[score.pk for score in saved]).order_by("person__staff_no", "pk")
        return Response(MonthlyScoreSerializer(rows, many=True, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED)

    def get_queryset(self):
        def scoped(user):
            accepted = Register.objects.filter(team=OuterRef("team"), month=OuterRef("month"), state=RegisterState.ACCEPTED)
            return (
                MonthlyScore.objects.filter(person__in=permissions.people_visible_to(user))
                .select_related("person", "team")
                .annotate(locked=Exists(accepted))
            )

        return self.scoped(scoped, MonthlyScore)


# --- call monitoring (M2) ------------------------------------------------------------------


class MonitoringSerializer(_PersonFields, serializers.ModelSerializer):
    evaluator_name = serializers.SerializerMethodField(help_text=_("考评人"))

    class Meta:
        model = MonitoringEvaluation
        fields = ["id", "person", "staff_no", "name", "team", "team_name", "call_date", "call_no", "score", "comment", "mode", "evaluator_name"]
        read_only_fields = fields

    def get_evaluator_name(self, evaluation) -> str | None:
        return str(evaluation.evaluator) if evaluation.evaluator_id else None


class MonitoringFilter(django_filters.FilterSet):
    person = IdFilter(field_name="person_id", label=_("人员编号"))
    team = IdFilter(field_name="team_id", label=_("班组编号"))
    staff_no = django_filters.CharFilter(field_name="person__staff_no", label=_("工号（完全一致）"))
    date_from = django_filters.DateFilter(field_name="call_date", lookup_expr="gte", label=_("起始日期"))
    date_to = django_filters.DateFilter(field_name="call_date", lookup_expr="lte", label=_("截止日期"))

    class Meta:
        model = MonitoringEvaluation
        fields: list = []


class MarkInput(serializers.Serializer):
    item = serializers.IntegerField(help_text=_("评分细则项目编号"))
    deduction = _typed_figure(_("扣分"))
    na = serializers.BooleanField(required=False, default=False, help_text=_("不适用"))
    veto = serializers.BooleanField(required=False, default=False, help_text=_("勾选一票否决项"))


class MonitoringCreateSerializer(serializers.Serializer):
    person = VisiblePersonField(help_text=_("人员编号"))
    call_no = serializers.CharField(allow_blank=True, help_text=_("录音编号"))
    call_date = serializers.DateField(help_text=_("通话日期"))
    score = _typed_figure(_("直接录入的总分；按细则扣分时留空"))
    marks = MarkInput(many=True, required=False, help_text=_("按评分细则逐项扣分（M2），给出时按细则计算得分"))
    comment = serializers.CharField(required=False, allow_blank=True, default="", help_text=_("评语"))


@extend_schema(tags=["assessment"])
@extend_schema_view(
    list=extend_schema(summary=_("监听录音评分列表"), description=_("M2：监听录音评分（页面录入或 监听评分 导入），计入综合得分（X5）。")),
    retrieve=extend_schema(summary=_("监听录音评分详情")),
    create=extend_schema(
        summary=_("录入监听录音评分"),
        description=_("M2：班长为本班组人员的一通录音评分：直接录入总分，或按当前评分细则逐项扣分。录音文件在页面上传。"),
        request=MonitoringCreateSerializer,
        responses={201: MonitoringSerializer},
    ),
)
class MonitoringViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = MonitoringSerializer
    write_serializer_classes = {"create": MonitoringCreateSerializer}
    filterset_class = MonitoringFilter
    ordering_fields = ["call_date", "person__staff_no", "score"]
    ordering = ["-call_date", "-id"]
    action_permissions = {"create": "assessment.evaluate"}

    def get_queryset(self):
        return self.scoped(lambda user: monitoring_visible_to(user).select_related("person", "team", "evaluator"), MonitoringEvaluation)

    def create(self, request, *args, **kwargs):
        given = MonitoringCreateSerializer(data=request.data, context=self.get_serializer_context())
        given.is_valid(raise_exception=True)
        facts = given.validated_data
        marks = facts.get("marks")
        evaluation = assessment.monitoring_save(
            actor=request.user,
            person=facts["person"],
            call_no=facts["call_no"],
            call_date=facts["call_date"],
            comment=facts["comment"],
            score=facts.get("score") or None,
            marks=None if marks is None else {
                m["item"]: assessment.MarkInput(m["item"], m.get("deduction") or None, m["na"], m["veto"]) for m in marks
            },
        )
        row = self.get_queryset().get(pk=evaluation.pk)
        return Response(MonitoringSerializer(row, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED)


# --- events (M5, V1, V2, E4) -----------------------------------------------------------------


class EventSerializer(serializers.ModelSerializer):
    staff_no = serializers.CharField(source="person.staff_no", read_only=True, help_text=_("工号"))
    name = serializers.CharField(source="person.name", read_only=True, help_text=_("姓名"))
    month = MonthText(help_text=_("月份 YYYY-MM"))
    appeal_status = serializers.SerializerMethodField(help_text=_("申诉状态（无申诉为空）"))

    class Meta:
        model = Event
        fields = [
            "id", "person", "staff_no", "name", "date", "month", "category", "severity", "sanction", "sanction_is_default",
            "sanction_basis", "sanction_status", "effective_on", "description", "appeal_status", "recorded_at",
        ]
        read_only_fields = fields

    def get_appeal_status(self, event) -> str | None:
        appeal = event.appeal_or_none()
        return appeal.status if appeal is not None else None


class EventFilter(django_filters.FilterSet):
    person = IdFilter(field_name="person_id", label=_("人员编号"))
    staff_no = django_filters.CharFilter(field_name="person__staff_no", label=_("工号（完全一致）"))
    category = django_filters.ChoiceFilter(choices=Event._meta.get_field("category").choices, label=_("类别"))
    month = MonthFilter(field_name="month", label=_("月份 YYYY-MM"))
    date_from = django_filters.DateFilter(field_name="date", lookup_expr="gte", label=_("起始日期"))
    date_to = django_filters.DateFilter(field_name="date", lookup_expr="lte", label=_("截止日期"))

    class Meta:
        model = Event
        fields: list = []


class EventCreateSerializer(serializers.Serializer):
    person = VisiblePersonField(help_text=_("人员编号"))
    date = serializers.DateField(help_text=_("日期"))
    category = serializers.ChoiceField(choices=Category.choices, help_text=_("类别"))
    severity = serializers.ChoiceField(
        choices=Severity.choices, required=False, allow_blank=True, default="", help_text=_("严重程度（一票否决与监督事件）")
    )
    sanction = serializers.ChoiceField(
        choices=Sanction.choices, required=False, allow_blank=True, default="",
        help_text=_("处理；留空时按年度政策的默认处理（M5 按严重程度，V1 按类别）"),
    )
    description = serializers.CharField(allow_blank=True, help_text=_("说明"))
    evidence_text = serializers.CharField(required=False, allow_blank=True, default="", help_text=_("证据说明"))


@extend_schema(tags=["events"])
@extend_schema_view(
    list=extend_schema(summary=_("奖惩事件列表"), description=_("一票否决（M5）、监督（V1）、表扬与投诉（V2）、荣誉（E4）。")),
    retrieve=extend_schema(summary=_("奖惩事件详情")),
    create=extend_schema(
        summary=_("记录奖惩事件"),
        description=_("班长为本班组人员、主管为本热线人员记录事件；降级、取消星级须主管确认后生效（M5、V1）。证据文件在页面上传。"),
        request=EventCreateSerializer,
        responses={201: EventSerializer},
    ),
)
class EventViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = EventSerializer
    write_serializer_classes = {"create": EventCreateSerializer}
    filterset_class = EventFilter
    ordering_fields = ["date", "person__staff_no"]
    ordering = ["-date", "-id"]
    action_permissions = {"create": "events.record"}

    def get_queryset(self):
        return self.scoped(lambda user: events_visible_to(user).select_related("person", "appeal"), Event)

    def create(self, request, *args, **kwargs):
        given = EventCreateSerializer(data=request.data, context=self.get_serializer_context())
        given.is_valid(raise_exception=True)
        event = events.event_record(actor=request.user, **given.validated_data)
        row = self.get_queryset().get(pk=event.pk)
        return Response(EventSerializer(row, context=self.get_serializer_context()).data, status=status.HTTP_201_CREATED)


# --- allowance lines (M4) ------------------------------------------------------------------


class AllowanceLineSerializer(_PersonFields, serializers.ModelSerializer):
    month = MonthText(help_text=_("月份 YYYY-MM"))

    class Meta:
        model = AllowanceLine
        fields = [
            "id", "person", "staff_no", "name", "team", "team_name", "month", "level", "treatment_level", "paid_level",
            "score", "base", "rate", "amount", "status", "basis", "policy_version", "cause", "computed_at", "is_current",
            "superseded_by",
        ]
        read_only_fields = fields


class AllowanceLineFilter(django_filters.FilterSet):
    person = IdFilter(field_name="person_id", label=_("人员编号"))
    team = IdFilter(field_name="team_id", label=_("班组编号"))
    staff_no = django_filters.CharFilter(field_name="person__staff_no", label=_("工号（完全一致）"))
    month = MonthFilter(field_name="month", label=_("月份 YYYY-MM"))
    status = django_filters.ChoiceFilter(choices=LineStatus.choices, label=_("状态：decided 已定 / pending 待定"))
    history = django_filters.BooleanFilter(method="filter_history", label=_("true 时包括已被重新计算替代的行"))

    class Meta:
        model = AllowanceLine
        fields: list = []

    def filter_history(self, queryset, name, value):
        return queryset  # the viewset lists the lines in force unless history is true


@extend_schema(tags=["allowance"])
@extend_schema_view(
    list=extend_schema(
        summary=_("月度星级待遇列表"),
        description=_("M4：每行含月末星级、待遇等级、得分、系数、金额（待定为空）与依据；默认只列现行的行，history=true 时包括已替代的行。"),
    ),
    retrieve=extend_schema(summary=_("月度星级待遇详情")),
)
class AllowanceLineViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = AllowanceLineSerializer
    filterset_class = AllowanceLineFilter
    ordering_fields = ["month", "person__staff_no", "amount"]
    ordering = ["month", "person__staff_no"]

    def get_queryset(self):
        return self.scoped(lambda user: queries.lines_visible_to(user).select_related("person", "team"), AllowanceLine)

    def filter_queryset(self, queryset):
        queryset = super().filter_queryset(queryset)
        # A list shows the lines in force; one line (even a superseded one) is read by its id.
        if self.action == "list" and self.request.query_params.get("history", "").lower() not in ("true", "1"):
            queryset = queryset.filter(is_current=True)
        return queryset
