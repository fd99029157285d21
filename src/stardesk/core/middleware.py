"""Turns a DomainError escaping a page view into a page the user can read."""
from django.shortcuts import render

from stardesk.core.errors import DomainError


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
                {"error": exception},
                status=exception.status,
            )
        return None
