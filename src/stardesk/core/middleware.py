"""Turns a DomainError escaping a page view into a page the user can read."""
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from stardesk.core.errors import DomainError


HEADINGS = {403: _("无权访问"), 404: _("找不到该记录")}


class DomainErrorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DomainError) and not request.path.startswith("/api/"):
            return render(
                request,
                "core/domain_error.html",
                {"error": exception, "heading": HEADINGS.get(exception.status, _("操作未完成"))},
                status=exception.status,
            )
        return None
