"""v1 endpoints of the yearly cycle: cycles, applications, recommendations, the committee's candidates,
decisions and votes, awards and titles. Registered in api/v1/urls.py.

Thin, as the rest of v1: the caller's scope comes from accounts.permissions
(people_visible_to, hotlines_visible_to), and writes go through the same
services as the pages (cycle.services.application_submit, cycle.recommendation_services.
recommendation_correct, cycle.committee.committee_decide and committee_vote). The committee's records are read only
by those who may read the committee (committee.view); the members' votes only
by the committee (committee.votes_view), never by an applicant.
"""
import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.response import Response

from stardesk.accounts import permissions
from stardesk.api.v1.filters import IdFilter
from stardesk.api.v1.views import ApiViewSet
from stardesk.core.errors import NotFound
from stardesk.cycle import committee, recommendation_services, services
from stardesk.cycle.models import (
    Application,
    ApplicationStatus,
    Award,
    CommitteeCandidate,
    CommitteeDecision,
    CommitteeVote,
    Cycle,
    Recommendation,
    RecommendationCorrection,
    Step,
)
from stardesk.people.models import Person, TitleSpell

# --- serializers -----------------------------------------------------------------------------------------


class ReasonSerializer(serializers.Serializer):
    rule = serializers.CharField(help_text=_("规则编号，如 E1、Q3、X5、K2"))
    text = serializers.CharField(help_text=_("所用的数字与说明"))
    passed = serializers.BooleanField(allow_null=True, help_text=_("检查是否通过；说明性依据为空"))


class QuotasSerializer(serializers.Serializer):
    level1 = serializers.IntegerField(allow_null=True)
    level2 = serializers.IntegerField(allow_null=True)
    level3 = serializers.IntegerField(allow_null=True)


class CycleSerializer(serializers.ModelSerializer):
    quotas = serializers.SerializerMethodField(help_text=_("Q1：基准日在岗人数确定后保存的各级名额"))

    class Meta:
        model = Cycle
        fields = ["id", "hotline", "year", "step", "reference_date", "award_date", "policy_version", "headcount", "quotas",
                  "quota_basis", "opened_at"]
        read_only_fields = fields

    @extend_schema_field(QuotasSerializer)
    def get_quotas(self, cycle) -> dict:
        return {"level1": cycle.quota_level1, "level2": cycle.quota_level2, "level3": cycle.quota_level3}


class _PersonFields(serializers.ModelSerializer):
    staff_no = serializers.CharField(source="person.staff_no", read_only=True, help_text=_("工号"))
    name = serializers.CharField(source="person.name", read_only=True, help_text=_("姓名"))


def _level(text):
    # Plain numbers (1–3) rather than one enum per field name.
    return serializers.IntegerField(read_only=True, allow_null=True, help_text=text)


class ApplicationSerializer(_PersonFields):
    level = _level(_("申报星级 1–3"))
    reasons = ReasonSerializer(many=True, read_only=True, help_text=_("E1–E8 每一项检查"))
    eligible_levels = serializers.SerializerMethodField(help_text=_("按基准日符合申报条件的星级"))

    class Meta:
        model = Application
        fields = ["id", "cycle", "person", "staff_no", "name", "level", "status", "source", "eligible", "eligible_levels",
                  "reasons", "leader_recommended", "recommendation_reason", "leader_exception", "honour", "review_status",
                  "policy_version", "submitted_at"]
        read_only_fields = fields

    def get_eligible_levels(self, application) -> list[int]:
        return sorted(application.levels_eligible())


class VisibleCycleField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return Cycle.objects.filter(hotline__in=permissions.hotlines_visible_to(self.context["request"].user))


class VisiblePersonField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return permissions.people_visible_to(self.context["request"].user)


class ApplicationCreateSerializer(serializers.Serializer):
    cycle = VisibleCycleField(queryset=Cycle.objects.all(), help_text=_("年度评定编号"))
    person = VisiblePersonField(queryset=Person.objects.all(), help_text=_("人员编号（客服人员只能为本人申报）"))
    level = serializers.IntegerField(min_value=1, max_value=3, help_text=_("申报星级 1–3"))
    leader_recommended = serializers.BooleanField(default=False, help_text=_("班长推荐表现突出（E1 例外，须填理由）"))
    recommendation_reason = serializers.CharField(default="", allow_blank=True, help_text=_("推荐理由"))


class RecommendationSerializer(_PersonFields):
    applied_level = _level(_("申报星级"))
    level = _level(_("推荐星级；未获推荐为空"))
    reasons = ReasonSerializer(many=True, read_only=True, help_text=_("Q3 排序、Q4 下转等依据"))

    class Meta:
        model = Recommendation
        fields = ["id", "cycle", "application", "person", "staff_no", "name", "applied_level", "level", "position", "rating",
                  "honour", "leader_exception", "overflow", "reasons", "policy_version", "corrected_at", "correction_reason"]
        read_only_fields = fields


class CorrectionSerializer(serializers.ModelSerializer):
    staff_no = serializers.CharField(source="recommendation.person.staff_no", read_only=True)
    name = serializers.CharField(source="recommendation.person.name", read_only=True)
    from_level = _level(_("更正前推荐星级；未列入为空"))
    to_level = _level(_("更正后推荐星级；不列入为空"))

    class Meta:
        model = RecommendationCorrection
        fields = ["id", "cycle", "recommendation", "staff_no", "name", "from_level", "from_position", "to_level",
                  "to_position", "reason", "corrected_by_name", "corrected_at"]
        read_only_fields = fields


class CorrectionCreateSerializer(serializers.Serializer):
    cycle = VisibleCycleField(queryset=Cycle.objects.all(), help_text=_("年度评定编号"))
    staff_no = serializers.CharField(max_length=30, help_text=_("工号"))
    level = serializers.IntegerField(min_value=0, max_value=3, help_text=_("更正后推荐星级 1–3；0 = 不列入推荐名单"))
    reason = serializers.CharField(allow_blank=True, help_text=_("更正理由（必填）"))


class CompositePartSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    weight = serializers.CharField()
    value = serializers.CharField(allow_null=True, help_text=_("缺少时为空（X5：不按 0 分计算）"))
    count = serializers.IntegerField()


class CandidateSerializer(_PersonFields):
    recommended_level = _level(_("推荐星级"))
    composite_parts = CompositePartSerializer(many=True, read_only=True)
    reasons = ReasonSerializer(many=True, read_only=True)
    flags = serializers.ListField(child=serializers.CharField(), read_only=True, help_text=_("K1：E1 例外、E4 荣誉、当年一票否决"))

    class Meta:
        model = CommitteeCandidate
        fields = ["id", "cycle", "person", "staff_no", "name", "recommended_level", "qualified_level", "exam_score", "exam_on",
                  "composite", "composite_parts", "flags", "start_level", "list_position", "proposed_level",
                  "proposed_position", "level", "decided", "reasons", "policy_version"]
        read_only_fields = fields


class DecisionSerializer(serializers.ModelSerializer):
    staff_no = serializers.CharField(source="candidate.person.staff_no", read_only=True)
    name = serializers.CharField(source="candidate.person.name", read_only=True)

    class Meta:
        model = CommitteeDecision
        fields = ["id", "cycle", "candidate", "staff_no", "name", "action", "from_level", "to_level", "member_name",
                  "decided_at", "reason", "basis"]
        read_only_fields = fields


class VisibleCandidateField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        user = self.context["request"].user
        return CommitteeCandidate.objects.filter(cycle__hotline__in=permissions.hotlines_visible_to(user))


class DecisionCreateSerializer(serializers.Serializer):
    candidate = VisibleCandidateField(queryset=CommitteeCandidate.objects.all(), help_text=_("评定候选人编号"))
    to_level = serializers.IntegerField(min_value=0, max_value=3, help_text=_("评定星级，0 为不予评定"))
    reason = serializers.CharField(allow_blank=True, help_text=_("理由（K3：必填）"))


class VoteSerializer(serializers.ModelSerializer):
    class Meta:
        model = CommitteeVote
        fields = ["id", "candidate", "member_name", "level", "comment", "cast_at"]
        read_only_fields = fields


class VoteCreateSerializer(serializers.Serializer):
    candidate = VisibleCandidateField(queryset=CommitteeCandidate.objects.all(), help_text=_("评定候选人编号"))
    level = serializers.IntegerField(min_value=0, max_value=3, help_text=_("投票星级，0 为不予评定"))
    comment = serializers.CharField(default="", allow_blank=True)


class AwardSerializer(_PersonFields):
    level = _level(_("授牌星级"))
    class Meta:
        model = Award
        fields = ["id", "cycle", "person", "staff_no", "name", "level", "job_type", "award_date", "title", "certificate_no",
                  "reward_amount", "reward_first_time", "reward_basis", "policy_version"]
        read_only_fields = fields


class TitleSerializer(_PersonFields):
    current = serializers.SerializerMethodField(help_text=_("今天是否持有（S4：授牌日期 ≤ 今天 < 终止日期）"))

    class Meta:
        model = TitleSpell
        fields = ["id", "person", "staff_no", "name", "level", "job_type", "start", "end", "end_reason", "current"]
        read_only_fields = fields

    def get_current(self, spell) -> bool:
        return spell.held_on(self.context.get("today") or timezone.localdate())


# --- filters ---------------------------------------------------------------------------------------------


class CycleFilter(django_filters.FilterSet):
    hotline = IdFilter(field_name="hotline_id", label=_("热线编号"))
    year = django_filters.NumberFilter(label=_("评定年度"))
    step = django_filters.ChoiceFilter(choices=Step.choices, label=_("当前步骤"))

    class Meta:
        model = Cycle
        fields: list = []


class ApplicationFilter(django_filters.FilterSet):
    cycle = IdFilter(field_name="cycle_id", label=_("年度评定编号"))
    person = IdFilter(field_name="person_id", label=_("人员编号"))
    staff_no = django_filters.CharFilter(field_name="person__staff_no", label=_("工号（完全一致）"))
    level = django_filters.NumberFilter(label=_("申报星级"))
    eligible = django_filters.BooleanFilter(label=_("是否符合申报条件"))
    status = django_filters.ChoiceFilter(choices=ApplicationStatus.choices, label=_("状态"))

    class Meta:
        model = Application
        fields: list = []


class CycleLevelFilter(django_filters.FilterSet):
    cycle = IdFilter(field_name="cycle_id", label=_("年度评定编号"))
    staff_no = django_filters.CharFilter(field_name="person__staff_no", label=_("工号（完全一致）"))
    level = django_filters.NumberFilter(label=_("星级"))


class RecommendationFilter(CycleLevelFilter):
    class Meta:
        model = Recommendation
        fields: list = []


class CandidateFilter(CycleLevelFilter):
    class Meta:
        model = CommitteeCandidate
        fields: list = []


class AwardFilter(CycleLevelFilter):
    class Meta:
        model = Award
        fields: list = []


class DecisionFilter(django_filters.FilterSet):
    cycle = IdFilter(field_name="cycle_id", label=_("年度评定编号"))
    candidate = IdFilter(field_name="candidate_id", label=_("评定候选人编号"))

    class Meta:
        model = CommitteeDecision
        fields: list = []


class VoteFilter(django_filters.FilterSet):
    candidate = IdFilter(field_name="candidate_id", label=_("评定候选人编号"))

    class Meta:
        model = CommitteeVote
        fields: list = []


class TitleFilter(django_filters.FilterSet):
    hotline = IdFilter(field_name="person__hotline_id", label=_("热线编号"))
    person = IdFilter(field_name="person_id", label=_("人员编号"))
    staff_no = django_filters.CharFilter(field_name="person__staff_no", label=_("工号（完全一致）"))
    level = django_filters.NumberFilter(label=_("星级"))
    held_on = django_filters.DateFilter(method="filter_held_on", label=_("在该日期持有（YYYY-MM-DD）"))

    class Meta:
        model = TitleSpell
        fields: list = []

    def filter_held_on(self, queryset, name, value):
        # S4: held on days start <= d < end.
        return queryset.filter(start__lte=value).exclude(end__lte=value)


# --- viewsets --------------------------------------------------------------------------------------------


def _people(user):
    return permissions.people_visible_to(user)


def created(data) -> Response:
    return Response(data, status=status.HTTP_201_CREATED)


@extend_schema(tags=["cycles"])
@extend_schema_view(
    list=extend_schema(summary=_("年度评定列表"), description=_("本人所属热线的年度评定（系统管理员：全部热线）。")),
    retrieve=extend_schema(summary=_("年度评定详情")),
)
class CycleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = CycleSerializer
    filterset_class = CycleFilter
    ordering_fields = ["year"]
    ordering = ["-year"]

    def get_queryset(self):
        return self.scoped(lambda user: Cycle.objects.filter(hotline__in=permissions.hotlines_visible_to(user)), Cycle)


@extend_schema(tags=["cycles"])
@extend_schema_view(
    list=extend_schema(summary=_("星级申报列表"), description=_("班长看到本班组，客服人员看到本人的申报；每份申报附 E1–E8 的检查结果。")),
    retrieve=extend_schema(summary=_("星级申报详情")),
    create=extend_schema(summary=_("星级申报"), request=ApplicationCreateSerializer, responses={201: ApplicationSerializer},
                         description=_("客服人员为本人、班长为本班组成员、主管为本热线人员申报；申报后立即检查资格（E1–E8）。")),
)
class ApplicationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ApiViewSet):
    serializer_class = ApplicationSerializer
    write_serializer_classes = {"create": ApplicationCreateSerializer}
    filterset_class = ApplicationFilter
    ordering_fields = ["person__staff_no", "level", "submitted_at"]
    ordering = ["person__staff_no"]

    def get_queryset(self):
        return self.scoped(lambda user: Application.objects.filter(person__in=_people(user)).select_related("person"), Application)

    def check_permissions(self, request):
        super().check_permissions(request)
        # An agent applies for themselves, a leader or the supervisor for others: anyone else is refused first.
        if self.action == "create" and not (permissions.has(request.user, "cycle.apply")
                                            or permissions.has(request.user, "cycle.apply_for_team")):
            self.permission_denied(request)

    def create(self, request, *args, **kwargs):
        incoming = ApplicationCreateSerializer(data=request.data, context=self.get_serializer_context())
        incoming.is_valid(raise_exception=True)
        facts = incoming.validated_data
        application = services.application_submit(
            actor=request.user, cycle=facts["cycle"], person=facts["person"], level=facts["level"],
            leader_recommended=facts["leader_recommended"], recommendation_reason=facts["recommendation_reason"])
        return created(ApplicationSerializer(application, context=self.get_serializer_context()).data)



@extend_schema(tags=["cycles"])
@extend_schema_view(
    list=extend_schema(summary=_("推荐名单"), description=_("确定后的推荐名单（Q3 排序、Q4 下转），含未获推荐者及原因。")),
    retrieve=extend_schema(summary=_("推荐名单的一行")),
)
class RecommendationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = RecommendationSerializer
    filterset_class = RecommendationFilter
    ordering_fields = ["level", "position", "person__staff_no"]
    ordering = ["-level", "position"]

    def get_queryset(self):
        return self.scoped(lambda user: Recommendation.objects.filter(person__in=_people(user)).select_related("person"),
                           Recommendation)


@extend_schema(tags=["cycles"])
@extend_schema_view(
    list=extend_schema(summary=_("推荐名单更正记录"), description=_("Y2：确定后的推荐名单每一次更正（前后位置、理由、更正人、时间）。")),
    create=extend_schema(summary=_("更正推荐名单"), request=CorrectionCreateSerializer, responses={201: CorrectionSerializer},
                         description=_("主管在业务考核步骤内因数据错误把候选人列入或移出推荐名单，须写理由；按基准日重新检查申报条件（E），"
                                       "不得高于申报星级（Q4）或超过名额（Q2）。")),
)
class CorrectionViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, ApiViewSet):
    serializer_class = CorrectionSerializer
    write_serializer_classes = {"create": CorrectionCreateSerializer}
    ordering_fields = ["corrected_at"]
    ordering = ["corrected_at"]
    action_permissions = {"create": "cycle.manage"}

    def get_queryset(self):
        return self.scoped(lambda user: RecommendationCorrection.objects.filter(
            recommendation__person__in=_people(user)).select_related("recommendation__person"), RecommendationCorrection)

    def create(self, request, *args, **kwargs):
        incoming = CorrectionCreateSerializer(data=request.data, context=self.get_serializer_context())
        incoming.is_valid(raise_exception=True)
        facts = incoming.validated_data
        found = Application.objects.filter(cycle=facts["cycle"], status=ApplicationStatus.ACTIVE,
                                           person__in=_people(request.user), person__staff_no=facts["staff_no"].strip()).first()
        if found is None:
            raise NotFound(_("本年度评定中没有工号 %(no)s 的有效申报。") % {"no": facts["staff_no"].strip()})
        recommendation_services.recommendation_correct(actor=request.user, cycle=facts["cycle"], application=found,
                                                       level=facts["level"] or None, reason=facts["reason"])
        correction = RecommendationCorrection.objects.filter(recommendation__application=found).latest("pk")
        return created(CorrectionSerializer(correction, context=self.get_serializer_context()).data)


@extend_schema(tags=["committee"])
@extend_schema_view(
    list=extend_schema(summary=_("评定候选人"), description=_("K1/K2：各级评定名单（按综合得分排序）、提示、建议与当前评定星级。主管、评定委员会可用。")),
    retrieve=extend_schema(summary=_("评定候选人详情")),
)
class CandidateViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = CandidateSerializer
    filterset_class = CandidateFilter
    ordering_fields = ["start_level", "list_position", "person__staff_no"]
    ordering = ["-start_level", "list_position"]
    action_permissions = {"list": "committee.view", "retrieve": "committee.view"}

    def get_queryset(self):
        return self.scoped(lambda user: CommitteeCandidate.objects.filter(person__in=_people(user)).select_related("person"),
                           CommitteeCandidate)


@extend_schema(tags=["committee"])
@extend_schema_view(
    list=extend_schema(summary=_("评定决定"), description=_("K3：逐人的评定决定（委员、时间、理由）。")),
    retrieve=extend_schema(summary=_("评定决定详情")),
    create=extend_schema(summary=_("记录评定决定"), request=DecisionCreateSerializer, responses={201: DecisionSerializer},
                         description=_("评定委员会委员逐人同意、不予评定或调整星级；超过名额、高于考试合格星级或不符合申报条件时拒绝。")),
)
class DecisionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ApiViewSet):
    serializer_class = DecisionSerializer
    write_serializer_classes = {"create": DecisionCreateSerializer}
    filterset_class = DecisionFilter
    ordering_fields = ["decided_at"]
    ordering = ["decided_at"]
    action_permissions = {"list": "committee.view", "retrieve": "committee.view", "create": "committee.decide"}

    def get_queryset(self):
        return self.scoped(lambda user: CommitteeDecision.objects.filter(
            candidate__person__in=_people(user)).select_related("candidate__person"), CommitteeDecision)

    def create(self, request, *args, **kwargs):
        incoming = DecisionCreateSerializer(data=request.data, context=self.get_serializer_context())
        incoming.is_valid(raise_exception=True)
        facts = incoming.validated_data
        decision = committee.committee_decide(actor=request.user, candidate=facts["candidate"], to_level=facts["to_level"],
                                              reason=facts["reason"])
        return created(DecisionSerializer(decision, context=self.get_serializer_context()).data)


@extend_schema(tags=["committee"])
@extend_schema_view(
    list=extend_schema(summary=_("委员投票"), description=_("每位委员的投票是单独的记录，仅评定委员会可见。")),
    create=extend_schema(summary=_("投票"), request=VoteCreateSerializer, responses={201: VoteSerializer}, description=_("委员对一位候选人投票；再次投票替换本人原来的投票。")),
)
class VoteViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, ApiViewSet):
    serializer_class = VoteSerializer
    write_serializer_classes = {"create": VoteCreateSerializer}
    filterset_class = VoteFilter
    ordering_fields = ["cast_at"]
    ordering = ["cast_at"]
    action_permissions = {"list": "committee.votes_view", "create": "committee.decide"}

    def get_queryset(self):
        return self.scoped(lambda user: CommitteeVote.objects.filter(candidate__person__in=_people(user)), CommitteeVote)

    def create(self, request, *args, **kwargs):
        incoming = VoteCreateSerializer(data=request.data, context=self.get_serializer_context())
        incoming.is_valid(raise_exception=True)
        facts = incoming.validated_data
        vote = committee.committee_vote(actor=request.user, candidate=facts["candidate"], level=facts["level"],
                                        comment=facts["comment"])
        return created(VoteSerializer(vote, context=self.get_serializer_context()).data)


@extend_schema(tags=["cycles"])
@extend_schema_view(
    list=extend_schema(summary=_("授牌记录"), description=_("A1–A3：授牌星级、一次性奖励及依据、证书编号。")),
    retrieve=extend_schema(summary=_("授牌记录详情")),
)
class AwardViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = AwardSerializer
    filterset_class = AwardFilter
    ordering_fields = ["level", "certificate_no", "award_date"]
    ordering = ["-award_date", "-level", "certificate_no"]

    def get_queryset(self):
        return self.scoped(lambda user: Award.objects.filter(person__in=_people(user)).select_related("person"), Award)


@extend_schema(tags=["titles"])
@extend_schema_view(
    list=extend_schema(summary=_("星级记录"), description=_("S4：可查看人员的全部星级记录（含已终止的）；可按持有日期筛选当时的持有人。")),
    retrieve=extend_schema(summary=_("星级记录详情")),
)
class TitleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = TitleSerializer
    filterset_class = TitleFilter
    ordering_fields = ["start", "level", "person__staff_no"]
    ordering = ["person__staff_no", "start"]

    def get_queryset(self):
        return self.scoped(lambda user: TitleSpell.objects.filter(person__in=_people(user)).select_related("person"), TitleSpell)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate()}
