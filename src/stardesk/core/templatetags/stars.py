"""Star titles as users know them: ★★ for 二星."""
from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

register = template.Library()

LEVEL_NAMES = {1: gettext_lazy("一星"), 2: gettext_lazy("二星"), 3: gettext_lazy("三星")}


@register.filter
def stars(level) -> str:
    if not level:
        return format_html('<span class="text-body-secondary">{}</span>', _("无"))
    level = int(level)
    return format_html(
        '<span class="star" title="{}" aria-label="{}">{}</span>',
        LEVEL_NAMES[level],
        LEVEL_NAMES[level],
        "★" * level,
    )
