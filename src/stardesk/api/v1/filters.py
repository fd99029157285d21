"""Query-string filters of the v1 lists (django-filter). Bad values are a 400 with a Chinese message."""
import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from stardesk.people.models import EmploymentType, Person, Team


class IdFilter(django_filters.Filter):
    """A record id: a whole number, or a 400 (never silently rounded)."""

    field_class = forms.IntegerField


class TeamFilter(django_filters.FilterSet):
    hotline = IdFilter(field_name="hotline_id", label=_("热线编号"))
    name = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("班组名称包含"))

    class Meta:
        model = Team
        fields: list = []


class PersonFilter(django_filters.FilterSet):
    hotline = IdFilter(field_name="hotline_id", label=_("热线编号"))
    team = IdFilter(field_name="team_id", label=_("班组编号"))
    staff_no = django_filters.CharFilter(field_name="staff_no", label=_("工号（完全一致）"))
    name = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label=_("姓名包含"))
    employment_type = django_filters.ChoiceFilter(choices=EmploymentType.choices, label=_("用工性质"))
    active_on = django_filters.DateFilter(method="filter_active_on", label=_("在该日期在职（YYYY-MM-DD）"))

    class Meta:
        model = Person
        fields: list = []

    def filter_active_on(self, queryset, name, value):
        return queryset.active_on(value)  # S2
