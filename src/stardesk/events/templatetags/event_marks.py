"""Badges for events: category and state, the same on every page."""
from django import template
from django.utils.html import format_html

from stardesk.events import queries, services
from stardesk.events.models import FEEDBACK_CATEGORIES, HONOUR_CATEGORIES, SUPERVISION_CATEGORIES, VETO_CATEGORIES, Category

register = template.Library()

STATE_STYLES = {
    queries.State.PENDING: "text-bg-warning",
    queries.State.APPEALING: "text-bg-info",
    queries.State.CONFIRMED: "text-bg-danger",
    queries.State.REJECTED: "text-bg-secondary",
    queries.State.OVERTURNED: "text-bg-light border text-decoration-line-through",
    queries.State.IN_FORCE: "text-bg-success",
}


def _category_style(category: str) -> str:
    if category in VETO_CATEGORIES:
        return "text-bg-danger"
    if category in SUPERVISION_CATEGORIES:
        return "text-bg-warning"
    if category in HONOUR_CATEGORIES:
        return "text-bg-primary"
    if category in FEEDBACK_CATEGORIES:
        return "text-bg-success"
    return "text-bg-secondary"


@register.filter
def category_badge(event) -> str:
    return format_html(
        '<span class="badge {}" data-category="{}">{}</span>',
        _category_style(event.category),
        event.category,
        Category(event.category).label,
    )


@register.filter
def state_badge(event) -> str:
    state, label = getattr(event, "state", None) or queries.state_of(event)
    return format_html('<span class="badge {}" data-state="{}">{}</span>', STATE_STYLES.get(state, "text-bg-secondary"), state, label)


@register.simple_tag(takes_context=True)
def can_record_event(context, person=None) -> bool:
    """Whether the viewer may record an event (for `person`, when given)."""
    user = context.get("user") or context["request"].user
    return services.can_record(user, person)
