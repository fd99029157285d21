"""v1 endpoints: hotlines, teams, people and title history.

Thin: the caller's scope comes from api/queries.py (accounts.permissions),
writes go through stardesk.people.services like the pages' forms do.
"""
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.filters import OrderingFilter
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.permissions import IsAuthenticated

from stardesk.api import queries
from stardesk.api.schema import ApiSchema
from stardesk.api.v1 import serializers
from stardesk.api.v1.access import NamedPermission
from stardesk.api.v1.filters import PersonFilter, TeamFilter
from stardesk.people import services as people_services
from stardesk.people.models import Hotline, Person, Team


class Pages(LimitOffsetPagination):
    default_limit = 100
    max_limit = 1000  # 20,000 people come in pages, not in one answer


class StableOrderingFilter(OrderingFilter):
    """Ties (the same 工号 in two hotlines, the same start date) are broken by id, so pages never overlap."""

    def get_ordering(self, request, queryset, view):
        ordering = super().get_ordering(request, queryset, view)
        if ordering and not {"pk", "-pk", "id", "-id"} & set(ordering):
            ordering = [*ordering, "pk"]
        return ordering


class ApiViewSet(viewsets.GenericViewSet):
    permission_classes = [IsAuthenticated, NamedPermission]
    pagination_class = Pages
    filter_backends = [DjangoFilterBackend, StableOrderingFilter]
    schema = ApiSchema()
    # action → named permission (accounts.permissions.PERMISSIONS); actions not listed only read.
    action_permissions: dict[str, str] = {}
    # The shape a create (or update) accepts, when it differs from what is read back.
    write_serializer_classes: dict[str, type] = {}

    def get_serializer_class(self):
        return self.write_serializer_classes.get(self.action, self.serializer_class)

    def scoped(self, queryset, model):
        # Schema generation has no caller: describe the model without reading anything.
        if getattr(self, "swagger_fake_view", False):
            return model.objects.none()
        return queryset(self.request.user)


@extend_schema(tags=["hotlines"])
@extend_schema_view(
    list=extend_schema(summary=_("热线列表"), description=_("系统管理员看到全部热线，其他角色只看到本人所属热线。")),
    retrieve=extend_schema(summary=_("热线详情")),
)
class HotlineViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
    serializer_class = serializers.HotlineSerializer
    ordering_fields = ["name", "code"]
    ordering = ["name"]

    def get_queryset(self):
        return self.scoped(queries.hotlines, Hotline)


@extend_schema(tags=["teams"])
@extend_schema_view(
    list=extend_schema(summary=_("班组列表"), description=_("主管、评定委员会看到本热线全部班组，班长看到自己带的班组，客服人员看到所在班组。")),
    retrieve=extend_schema(summary=_("班组详情")),
    create=extend_schema(summary=_("新建班组"), description=_("主管（本热线）和系统管理员可用。")),
    update=extend_schema(summary=_("修改班组")),
    partial_update=extend_schema(summary=_("修改班组（部分字段）")),
)
class TeamViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, ApiViewSet
):
    serializer_class = serializers.TeamSerializer
    write_serializer_classes = {"create": serializers.TeamCreateSerializer}
    filterset_class = TeamFilter
    ordering_fields = ["name", "hotline"]
    ordering = ["hotline", "name"]
    action_permissions = {"create": "teams.edit", "update": "teams.edit", "partial_update": "teams.edit"}

    def get_queryset(self):
        return self.scoped(queries.teams, Team)

    def perform_create(self, serializer):
        facts = serializer.validated_data
        serializer.instance = people_services.team_create(
            actor=self.request.user, hotline=facts["hotline"], name=facts["name"], leader=facts.get("leader")
        )

    def perform_update(self, serializer):
        team, facts = serializer.instance, serializer.validated_data
        serializer.instance = people_services.team_update(
            actor=self.request.user,
            team=team,
            name=facts.get("name", team.name),
            leader=facts["leader"] if "leader" in facts else team.leader,
        )


@extend_schema(tags=["people"])
@extend_schema_view(
    list=extend_schema(summary=_("人员列表"), description=_("班长只看到本班组人员，客服人员只看到本人；可按班组、工号、姓名、在职日期、用工性质筛选。")),
    retrieve=extend_schema(summary=_("人员详情")),
    create=extend_schema(summary=_("新增人员"), description=_("主管（本热线）和系统管理员可用；工号在热线内唯一。")),
    update=extend_schema(summary=_("修改人员")),
    partial_update=extend_schema(summary=_("修改人员（部分字段）")),
)
class PersonViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, ApiViewSet
):
    serializer_class = serializers.PersonSerializer
    write_serializer_classes = {"create": serializers.PersonCreateSerializer}
    filterset_class = PersonFilter
    ordering_fields = ["staff_no", "name", "employment_type", "hotline_start", "job_type_start", "team__name", "left_on"]
    ordering = ["staff_no"]
    action_permissions = {"create": "people.edit", "update": "people.edit", "partial_update": "people.edit"}

    def get_queryset(self):
        return self.scoped(queries.people, Person)

    def perform_create(self, serializer):
        facts = dict(serializer.validated_data)
        hotline = facts.pop("hotline")
        facts.setdefault("job_type", Person._meta.get_field("job_type").get_default())
        serializer.instance = people_services.person_create(actor=self.request.user, hotline=hotline, **facts)

    def perform_update(self, serializer):
        # Fields left out keep their value (the service merges them).
        serializer.instance = people_services.person_update(
            actor=self.request.user, person=serializer.instance, **serializer.validated_data
        )

    @extend_schema(
        summary=_("人员的星级记录"),
        description=_("S4：全部星级记录（含已终止的），按授牌日期排列。"),
        responses=serializers.TitleSpellSerializer(many=True),
        filters=False,
    )
    @action(detail=True, methods=["get"], filter_backends=[], serializer_class=serializers.TitleSpellSerializer)
    def titles(self, request, pk=None):
        person = self.get_object()
        page = self.paginate_queryset(queries.title_history(person))
        data = serializers.TitleSpellSerializer(page, many=True, context={"today": timezone.localdate()}).data
        return self.get_paginated_response(data)
