"""Small template helpers of the assessment pages."""
from decimal import Decimal

from django import template
from django.utils.translation import gettext

register = template.Library()


@register.filter
def lookup(mapping, key):
    """{{ marks|lookup:item.pk }}: a dict entry by a key that is not a plain name."""
    if not mapping:
        return None
    return mapping.get(key)


@register.filter
def score(value) -> str:
    """A score as people write it: 95, 95.5 (C2); empty for none."""
    if value is None or value == "":
        return ""
    value = Decimal(value)
    return str(int(value)) if value == value.to_integral_value() else format(value.normalize(), "f")


@register.filter
def month_label(month) -> str:
    """A policy Month as people say it: 2025年3月."""
    return gettext("%(year)s年%(month)s月") % {"year": month.year, "month": month.month}


@register.filter
def week_label(week) -> str:
    """An ISO week as people say it: 2025年第14周."""
    return gettext("%(year)s年第%(week)s周") % {"year": week.year, "week": week.week}
