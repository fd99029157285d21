"""Figures of the allowance pages as people read them: 181.00, 90.5%, 95.5."""
from decimal import Decimal

from django import template

from stardesk.policy.reasons import num, percent

register = template.Library()


@register.filter
def money(value) -> str:
    """C3: yuan to 0.01 (already rounded when computed); empty for none."""
    if value is None or value == "":
        return ""
    return f"{Decimal(value):.2f}"


@register.filter
def rate(value) -> str:
    """系数 as a percentage: 0.905 → 90.5%."""
    if value is None or value == "":
        return ""
    return percent(Decimal(value))


@register.filter
def figure(value) -> str:
    """A score or a rating without trailing zeros: 95, 95.5, 92.33."""
    if value is None or value == "":
        return ""
    return num(Decimal(value))


@register.filter
def rating_shown(row, key):
    """{{ row|rating_shown:"q1" }}: a rating row's figure for a period (0.01 half up, M7), or None."""
    return row.shown(key)


@register.filter
def rating_of(row, key):
    """{{ row|rating_of:"q1" }}: the Rating (or team rating) itself, for its months and counts."""
    return row.ratings.get(key)


@register.filter
def hundredths(value) -> str:
    """A rating shown to 0.01 (M7): 92.30."""
    if value is None or value == "":
        return ""
    return f"{Decimal(value):.2f}"
