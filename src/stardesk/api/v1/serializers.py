"""v1 representations: English field names, choice values (not labels), ISO dates.

Serializers only check the shape of the input; the rules (same hotline, unique
工号, dates in order) are the services' and answer with a DomainError code.
Related records are looked up only among those the caller may see, so an id
out of scope reads as "does not exist".
"""
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from stardesk.accounts import permissions
from stardesk.accounts.models import Role, User
from stardesk.core.errors import MESSAGES
from stardesk.people.models import Hotline, Person, Team, TitleSpell


def _caller(field_or_serializer):
    return field_or_serializer.context["request"].user


class VisibleHotlineField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return permissions.hotlines_visible_to(_caller(self))


class VisibleTeamField(serializers.PrimaryKeyRelatedField):
    def get_queryset(self):
        return permissions.teams_visible_to(_caller(self))


class LeaderField(serializers.PrimaryKeyRelatedField):
    """S3: a team is led by a team-leader account of a hotline the caller may see."""

    def get_queryset(self):
        return User.objects.filter(role=Role.LEADER, hotline__in=permissions.hotlines_visible_to(_caller(self)))


class _DefaultsToOwnHotline:
    """On create, `hotline` may be left out by anyone who belongs to one; a group administrator must name it."""

    def validate(self, attrs):
        attrs = super().validate(attrs)
        if attrs.get("hotline") is None:
            user = _caller(self)
            if user.hotline_id is None:
                raise serializers.ValidationError({"hotline": [MESSAGES["no_hotline"]]})
            attrs["hotline"] = user.hotline
        return attrs


class HotlineSerializer(serializers.ModelSerializer):
    class Meta:
        model = Hotline
        fields = ["id", "name", "code", "company"]
        read_only_fields = fields


class TeamSerializer(serializers.ModelSerializer):
    leader = LeaderField(queryset=User.objects.all(), allow_null=True, required=False, help_text=_("班长账号编号"))
    leader_name = serializers.SerializerMethodField(help_text=_("班长显示名称"))

    class Meta:
        model = Team
        fields = ["id", "hotline", "name", "leader", "leader_name"]
        read_only_fields = ["id", "hotline"]
        validators: list = []  # a duplicate name is the service's `duplicate_team`

    def get_leader_name(self, team) -> str | None:
        return str(team.leader) if team.leader_id else None


class TeamCreateSerializer(_DefaultsToOwnHotline, TeamSerializer):
    hotline = VisibleHotlineField(queryset=Hotline.objects.all(), required=False, help_text=_("热线编号；不填为本人所属热线"))

    class Meta(TeamSerializer.Meta):
        read_only_fields = ["id"]


class PersonSerializer(serializers.ModelSerializer):
    team = VisibleTeamField(queryset=Team.objects.all(), allow_null=True, required=False, help_text=_("班组编号"))
    team_name = serializers.SerializerMethodField(help_text=_("班组名称"))

    class Meta:
        model = Person
        fields = [
            "id",
            "hotline",
            "staff_no",
            "name",
            "employment_type",
            "hotline_start",
            "job_type",
            "job_type_start",
            "team",
            "team_name",
            "left_on",
            "updated_at",
        ]
        read_only_fields = ["id", "hotline", "updated_at"]
        # 工号 uniqueness is the service's `duplicate_staff_no`, with the same message as the page.
        validators: list = []

    def get_team_name(self, person) -> str | None:
        return person.team.name if person.team_id else None


class PersonCreateSerializer(_DefaultsToOwnHotline, PersonSerializer):
    hotline = VisibleHotlineField(queryset=Hotline.objects.all(), required=False, help_text=_("热线编号；不填为本人所属热线"))

    class Meta(PersonSerializer.Meta):
        read_only_fields = ["id", "updated_at"]


class TitleSpellSerializer(serializers.ModelSerializer):
    current = serializers.SerializerMethodField(help_text=_("今天是否持有（S4：授牌日期 ≤ 今天 < 终止日期）"))

    class Meta:
        model = TitleSpell
        fields = ["id", "level", "job_type", "start", "end", "end_reason", "current"]
        read_only_fields = fields

    def get_current(self, spell) -> bool:
        return spell.held_on(self.context.get("today") or timezone.localdate())
