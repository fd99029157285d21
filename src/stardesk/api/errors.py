"""DomainError → JSON with its stable code; everything else as DRF does it."""
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from stardesk.core.errors import DomainError


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        body = {"code": exc.code, "detail": exc.message}
        if exc.details:
            body["errors"] = exc.details
        return Response(body, status=exc.status)
    return drf_exception_handler(exc, context)
