"""v1 endpoints of the exams: questions (read, for examiners), sittings, attempts (agents: their own only),
results (agents: their own released ones only) and grades. Registered in api/v1/urls.py.

Thin, as the rest of v1: the caller's scope is the pages' (exams.view for the
hotline's staff, one's own invitations for those who sit exams), and writes go
through the same services as the pages (grading.grade_record,
results.results_release). An agent never reads a key, a score or a result
before the sitting's results are released (X6); somebody else's attempt or
result does not exist for them (404).
"""
import django_filters
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from stardesk.accounts import permissions
from stardesk.accounts.models import Role
from stardesk.api.v1.views import ApiViewSet
from stardesk.exams import grading, results
from stardesk.exams.attempt_scores import keys_in_force
from stardesk.exams.models import (
    Answer,
    Attempt,
    Grade,
    Question,
    Sitting,
    SittingKind,
    SittingResult,
    SittingStatus,
)
from stardesk.policy.conventions import one_year_after

# --- scopes ---------------------------------------------------------------------------------------------


def _staff(user) -> bool:
    return permissions.has(user, "exams.view")


def _hotline_scope(queryset, user, field: str = "hotline"):
    if user.role == Role.ADMIN:
        return queryset
    return queryset.filter(**{f"{field}_id": user.hotline_id})


def questions_for(user):
    return _hotline_scope(Question.objects.select_related("current"), user)


def sittings_for(user):
    if _staff(user):
        return _hotline_scope(Sitting.objects.all(), user)
    if user.person_id is None:
        return Sitting.objects.none()
    return Sitting.objects.filter(invitations__person_id=user.person_id).exclude(status=SittingStatus.DRAFT)


def attempts_for(user):
    found = Attempt.objects.select_related("sitting", "person")
    if _staff(user):
        return _hotline_scope(found, user, "sitting__hotline")
    if user.person_id is None:
        return found.none()
    return found.filter(person_id=user.person_id)


def results_for(user):
    found = SittingResult.objects.select_related("sitting", "person")
    if _staff(user):
        return _hotline_scope(found, user, "sitting__hotline")
    if user.person_id is None:
        return found.none()
    return found.filter(person_id=user.person_id, released_at__isnull=False)  # X6


def _released(attempt) -> bool:
    return attempt.sitting.status == SittingStatus.RELEASED


# --- serializers --------------------------------------------------------------------------------------------


class VersionSerializer(serializers.Serializer):
    number = serializers.IntegerField(help_text=_("版本号"))
    stem = serializers.CharField(help_text=_("题干"))
    options = serializers.ListField(child=serializers.CharField(), help_text=_("选项 A–F"))
    answer = serializers.JSONField(help_text=_("答案（单选 \"B\"；多选 [\"A\", \"C\"]；判断 true/false；填空每空的可接受答案）"))
    marks = serializers.DecimalField(max_digits=5, decimal_places=1)
    explanation = serializers.CharField(help_text=_("解析"))
    reference = serializers.CharField(help_text=_("参考答案或评分要点"))
    material = serializers.CharField(help_text=_("作答材料（打字原文）"))
    frozen = serializers.BooleanField(source="is_frozen", help_text=_("已被试卷使用，内容不再改变"))


class QuestionSerializer(serializers.ModelSerializer):
    current = VersionSerializer(read_only=True, allow_null=True, help_text=_("新试卷抽取的当前版本"))

    class Meta:
        model = Question
        fields = ["id", "hotline", "number", "area", "qtype", "level", "difficulty", "status", "current", "updated_at"]
        read_only_fields = fields


class SittingSerializer(serializers.ModelSerializer):
    exam_date = serializers.DateField(read_only=True, help_text=_("考试日期（X4 有效期的起算日）"))

    class Meta:
        model = Sitting
        fields = ["id", "hotline", "name", "kind", "status", "opens_at", "closes_at", "time_limit_minutes", "grace_seconds",
                  "release_rule", "exam_date", "released_at"]
        read_only_fields = fields


class AnswerSerializer(serializers.Serializer):
    item = serializers.IntegerField(source="item_id")
    qtype = serializers.CharField(source="item.version.question.qtype")
    stem = serializers.CharField(source="item.version.stem")
    marks = serializers.DecimalField(source="item.marks", max_digits=5, decimal_places=1)
    response = serializers.JSONField(help_text=_("作答"))
    auto_score = serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True, help_text=_("客观题得分（成绩公布后）"))
    key = serializers.JSONField(source="item.version.answer", help_text=_("答案（成绩公布后）"))


class AttemptSerializer(serializers.ModelSerializer):
    staff_no = serializers.CharField(source="person.staff_no", read_only=True)
    auto_score = serializers.SerializerMethodField(help_text=_("客观题得分；考生本人在成绩公布前看不到"))

    class Meta:
        model = Attempt
        fields = ["id", "sitting", "staff_no", "status", "started_at", "deadline", "submitted_at", "ended_by", "auto_score",
                  "focus_losses"]
        read_only_fields = fields

    @extend_schema_field(serializers.DecimalField(max_digits=6, decimal_places=2, allow_null=True))
    def get_auto_score(self, attempt):
        user = self.context["request"].user
        if _staff(user) or _released(attempt):
            return str(attempt.auto_score) if attempt.auto_score is not None else None
        return None


class AttemptDetailSerializer(AttemptSerializer):
    answers = serializers.SerializerMethodField(help_text=_("作答；考生本人在成绩公布前只看到自己的作答，看不到答案和得分"))

    class Meta(AttemptSerializer.Meta):
        fields = [*AttemptSerializer.Meta.fields, "answers"]
        read_only_fields = fields

    @extend_schema_field(AnswerSerializer(many=True))
    def get_answers(self, attempt):
        user = self.context["request"].user
        answers = Answer.objects.filter(attempt=attempt).select_related("item__version__question").order_by("item__position")
        data = AnswerSerializer(answers, many=True).data
        if not (_staff(user) or _released(attempt)):
            for entry in data:
                entry["auto_score"], entry["key"] = None, None
            return data
        # The key in force: a correction made after the sitting replaces the version's key (regrading).
        keys = keys_in_force({a.item.version_id for a in answers})
        for answer, entry in zip(answers, data):
            key = keys.get(answer.item.version_id)
            if key is not None:
                entry["key"] = None if key.voided else key.answer
        return data


class ResultSerializer(serializers.ModelSerializer):
    staff_no = serializers.CharField(source="person.staff_no", read_only=True)
    name = serializers.CharField(source="person.name", read_only=True)
    sitting_name = serializers.CharField(source="sitting.name", read_only=True)
    kind = serializers.CharField(source="sitting.kind", read_only=True)
    exam_date = serializers.DateField(source="sitting.exam_date", read_only=True)
    valid_until = serializers.SerializerMethodField(help_text=_("X4：资格考试成绩在此日期之前有效"))

    class Meta:
        model = SittingResult
        fields = ["id", "sitting", "sitting_name", "kind", "exam_date", "staff_no", "name", "source", "knowledge_score",
                  "skills_score", "score", "passed", "basis", "policy_version", "released_at", "valid_until"]
        read_only_fields = fields

    @extend_schema_field(serializers.DateField(allow_null=True))
    def get_valid_until(self, result):
        if result.sitting.kind in (SittingKind.LEVEL1, SittingKind.LEVEL2, SittingKind.LEVEL3):
            return one_year_after(result.sitting.exam_date).isoformat()
        return None


class GradeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Grade
        fields = ["id", "answer", "score", "comment", "parts", "grader_name", "graded_at"]
        read_only_fields = ["id", "parts", "grader_name", "graded_at"]
        extra_kwargs = {"answer": {"queryset": Answer.objects.none()}}

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "answer" in fields and not fields["answer"].read_only:
            fields["answer"].queryset = _hotline_scope(Answer.objects.all(), user, "attempt__sitting__hotline")
        return fields


# --- filters ---------------------------------------------------------------------------------------------------


class SittingFilter(django_filters.FilterSet):
    kind = django_filters.ChoiceFilter(choices=SittingKind.choices)
    status = django_filters.ChoiceFilter(choices=SittingStatus.choices)
    year = django_filters.NumberFilter(field_name="opens_at", lookup_expr="year")

    class Meta:
        model = Sitting
        fields = ["kind", "status", "year"]


class ResultFilter(django_filters.FilterSet):
    sitting = django_filters.NumberFilter(field_name="sitting_id")
    kind = django_filters.ChoiceFilter(field_name="sitting__kind", choices=SittingKind.choices)
    year = django_filters.NumberFilter(field_name="sitting__opens_at", lookup_expr="year")
    staff_no = django_filters.CharFilter(field_name="person__staff_no")

    class Meta:
        model = SittingResult
        fields = ["sitting", "kind", "year", "staff_no"]


class AttemptFilter(django_filters.FilterSet):
    sitting = django_filters.NumberFilter(field_name="sitting_id")

    class Meta:
        model = Attempt
        fields = ["sitting"]


# --- viewsets ------------------------------------------------------------------------------------------------


@extend_schema(tags=["exams"])
@extend_schema_view(
    list=extend_schema(summary=_("试题列表"), description=_("阅卷人（主管、评定委员会）只读本热线题库，含答案；其他角色无权访问。")),
    retrieve=extend_schema(summary=_("试题详情")),
)
class QuestionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = QuestionSerializer
    ordering_fields = ["number", "area", "qtype", "level", "difficulty", "updated_at"]
    ordering = ["number"]
    action_permissions = {"list": "exams.view", "retrieve": "exams.view"}

    def get_queryset(self):
        return self.scoped(questions_for, Question)


@extend_schema(tags=["exams"])
@extend_schema_view(
    list=extend_schema(summary=_("考试场次"), description=_("主管、评定委员会看到本热线全部场次；考生只看到邀请了自己的场次（草稿除外）。")),
    retrieve=extend_schema(summary=_("考试场次详情")),
)
class SittingViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = SittingSerializer
    filterset_class = SittingFilter
    ordering_fields = ["opens_at", "name"]
    ordering = ["-opens_at"]
    action_permissions = {"release": "exams.results"}

    def get_queryset(self):
        return self.scoped(sittings_for, Sitting)

    @extend_schema(summary=_("公布成绩"), description=_("X6：公布已关闭且阅卷完成的场次的成绩；与成绩页面的「公布成绩」相同。"),
                   request=None, responses=SittingSerializer)
    @action(detail=True, methods=["post"])
    def release(self, request, pk=None):
        sitting = results.results_release(actor=request.user, sitting=self.get_object())
        return Response(SittingSerializer(sitting, context={"request": request}).data)


@extend_schema(tags=["exams"])
@extend_schema_view(
    list=extend_schema(summary=_("答卷"), description=_("考生只看到本人的答卷；主管、评定委员会看到本热线的答卷。")),
    retrieve=extend_schema(summary=_("答卷详情"), description=_("含作答；答案和得分在成绩公布后才对考生本人显示（X6）。")),
)
class AttemptViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = AttemptSerializer
    filterset_class = AttemptFilter
    ordering_fields = ["started_at", "submitted_at"]
    ordering = ["-started_at"]

    def get_serializer_class(self):
        return AttemptDetailSerializer if self.action == "retrieve" else AttemptSerializer

    def get_queryset(self):
        return self.scoped(attempts_for, Attempt)


@extend_schema(tags=["exams"])
@extend_schema_view(
    list=extend_schema(summary=_("考试成绩"), description=_("考生只看到本人已公布的成绩（X6）；主管、评定委员会看到本热线全部成绩，含线下考试。")),
    retrieve=extend_schema(summary=_("考试成绩详情")),
)
class ResultViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = ResultSerializer
    filterset_class = ResultFilter
    ordering_fields = ["score", "sitting__opens_at", "person__staff_no"]
    ordering = ["-sitting__opens_at", "person__staff_no"]

    def get_queryset(self):
        return self.scoped(results_for, SittingResult)


@extend_schema(tags=["exams"])
@extend_schema_view(
    list=extend_schema(summary=_("评分记录"), description=_("阅卷人可见本热线的全部评分记录（只增不改，最后一次为准）。")),
    create=extend_schema(summary=_("评分"), description=_("为一道简答、打字或口试题评分；与阅卷页面相同的检查。")),
)
class GradeViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, ApiViewSet):
    serializer_class = GradeSerializer
    ordering_fields = ["graded_at"]
    ordering = ["-graded_at"]
    action_permissions = {"list": "exams.grade", "create": "exams.grade"}

    def get_queryset(self):
        def scope(user):
            return _hotline_scope(Grade.objects.select_related("answer"), user, "answer__attempt__sitting__hotline")

        return self.scoped(scope, Grade)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        grade = grading.grade_record(actor=request.user, answer=data["answer"], score=data["score"], comment=data.get("comment", ""))
        return Response(GradeSerializer(grade, context={"request": request}).data, status=status.HTTP_201_CREATED)
