"""Table bits every list page shares: sort links and page links that keep the current filters."""
from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()


def _query(request, **changes) -> str:
    query = request.GET.copy()
    for key, value in changes.items():
        if value is None:
            query.pop(key, None)
        else:
            query[key] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.simple_tag(takes_context=True)
def sort_link(context, key: str, label) -> str:
    """A column header link: the first click sorts ascending, the next descending; the page resets to 1."""
    request = context["request"]
    current = context.get("sort") or request.GET.get("sort", "")
    if current == key:
        target, icon, state = f"-{key}", "bi-sort-up", _("升序")
    elif current == f"-{key}":
        target, icon, state = key, "bi-sort-down", _("降序")
    else:
        target, icon, state = key, "", ""
    arrow = format_html(' <i class="bi {}" aria-label="{}"></i>', icon, state) if icon else ""
    return format_html(
        '<a href="{}" data-sort="{}">{}{}</a>', _query(request, sort=target, page=None), key, label, arrow
    )


def _window(number: int, last: int, width: int = 2) -> list[int | None]:
    """Page numbers around the current one, with None where pages are skipped."""
    shown = sorted({1, last, *range(max(1, number - width), min(last, number + width) + 1)})
    pages: list[int | None] = []
    for n in shown:
        if pages and n - pages[-1] > 1:
            pages.append(None)
        pages.append(n)
    return pages


@register.simple_tag(takes_context=True)
def pagination(context, page_obj) -> str:
    if page_obj is None or page_obj.paginator.num_pages <= 1:
        return ""
    request = context["request"]
    number, last = page_obj.number, page_obj.paginator.num_pages

    def item(page, label, *, disabled=False, active=False):
        if disabled or page is None:
            return format_html('<li class="page-item disabled"><span class="page-link">{}</span></li>', label)
        if active:
            return format_html(
                '<li class="page-item active" aria-current="page"><span class="page-link">{}</span></li>', label
            )
        return format_html('<li class="page-item"><a class="page-link" href="{}">{}</a></li>', _query(request, page=page), label)

    items = [item(number - 1, _("上一页"), disabled=not page_obj.has_previous())]
    for n in _window(number, last):
        items.append(item(n, n if n else "…", active=n == number))
    items.append(item(number + 1, _("下一页"), disabled=not page_obj.has_next()))
    return format_html(
        '<nav aria-label="{}"><ul class="pagination pagination-sm flex-wrap mb-0">{}</ul></nav>',
        _("分页"),
        format_html_join("", "{}", ((i,) for i in items)),
    )


@register.simple_tag(takes_context=True)
def result_range(context, page_obj) -> str:
    """'第 51–100 条，共 1,234 条' under a list."""
    count = page_obj.paginator.count
    if not count:
        return _("没有符合条件的记录")
    return _("第 %(first)s–%(last)s 条，共 %(count)s 条") % {
        "first": page_obj.start_index(),
        "last": page_obj.end_index(),
        "count": count,
    }


@register.simple_tag(takes_context=True)
def keep_query(context, *skip: str) -> str:
    """Hidden inputs repeating the current query, so a second form on the page keeps the filters."""
    request = context["request"]
    return format_html_join(
        "",
        '<input type="hidden" name="{}" value="{}">',
        ((k, v) for k, values in request.GET.lists() if k not in skip for v in values),
    ) or mark_safe("")
