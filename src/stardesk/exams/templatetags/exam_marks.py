"""Badges and small formats of the exam pages."""
from decimal import Decimal

from django import template
from django.utils.html import format_html

from stardesk.exams.models import AttemptStatus, QuestionStatus, SittingStatus
from stardesk.policy import reasons

register = template.Library()

SITTING_BADGES = {
    SittingStatus.DRAFT: "text-bg-light border",
    SittingStatus.OPEN: "text-bg-success",
    SittingStatus.CLOSED: "text-bg-secondary",
    SittingStatus.RELEASED: "text-bg-primary",
}


@register.filter
def sitting_badge(sitting):
    return format_html('<span class="badge {}" data-testid="sitting-status">{}</span>',
                       SITTING_BADGES.get(sitting.status, "text-bg-light"), sitting.get_status_display())


@register.filter
def question_status_badge(question):
    css = "text-bg-success" if question.status == QuestionStatus.ACTIVE else "text-bg-secondary"
    return format_html('<span class="badge {}">{}</span>', css, question.get_status_display())


@register.filter
def attempt_badge(attempt):
    if attempt is None:
        return format_html('<span class="badge text-bg-light border">{}</span>', "未开始")
    css = "text-bg-warning" if attempt.status == AttemptStatus.IN_PROGRESS else "text-bg-secondary"
    return format_html('<span class="badge {}" data-testid="attempt-status">{}</span>', css, attempt.get_status_display())


@register.filter
def percent(value):
    """0.6 → 60%."""
    if value is None or value == "":
        return "—"
    return reasons.percent(Decimal(value))


@register.filter
def marks(value):
    """2.0 → 2, 1.5 → 1.5."""
    if value is None or value == "":
        return "—"
    return reasons.num(Decimal(value))


@register.filter
def clock(seconds):
    """Seconds as mm:ss (or h:mm:ss)."""
    seconds = int(seconds or 0)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


@register.filter
def key_text(version):
    """The key of a version as the sheet writes it (examiners' pages only)."""
    from stardesk.exams.question_content import answer_text

    return answer_text(version.question.qtype, version.answer)
