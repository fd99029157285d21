"""Every API refusal has one shape: {code, detail, errors}.

A DomainError keeps its stable code and Chinese message; DRF's own refusals
(bad input, no login, no permission, not found) are given the same shape so a
client reads one format. `errors` lists the fields at fault.
"""
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework import exceptions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from stardesk.core.errors import MESSAGES, DomainError

# DRF's codes for refusals our own vocabulary already names.
_CODES = {
    "permission_denied": "forbidden",
    "not_found": "not_found",
    "parse_error": "invalid",
}


def field_errors(detail, prefix: str | None = None) -> list[dict]:
    """DRF's nested error detail as a flat list of {field, message}; field is None for the whole request."""
    if isinstance(detail, dict):
        found = []
        for name, value in detail.items():
            field = None if name in ("non_field_errors", "detail") else name
            if prefix is not None:
                field = f"{prefix}.{field}" if field is not None else prefix
            found.extend(field_errors(value, field))
        return found
    if isinstance(detail, list):
        found = []
        for position, value in enumerate(detail):
            # A list of messages belongs to the field; a list of objects is a list of nested inputs.
            nested = prefix if not isinstance(value, (dict, list)) else f"{prefix}.{position}" if prefix else str(position)
            found.extend(field_errors(value, nested))
        return found
    return [{"field": prefix, "message": str(detail)}]


def body_for(exc: exceptions.APIException) -> dict:
    if isinstance(exc, exceptions.ValidationError):
        return {"code": "invalid", "detail": str(MESSAGES["invalid"]), "errors": field_errors(exc.detail)}
    code = _CODES.get(exc.default_code, exc.default_code)
    if code in ("forbidden", "not_found"):
        detail = str(MESSAGES[code])
    else:
        detail = str(exc.detail)
    return {"code": code, "detail": detail}


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        body = {"code": exc.code, "detail": exc.message}
        if exc.details:
            body["errors"] = exc.details
        return Response(body, status=exc.status)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:  # not a refusal: let it fail loudly and be logged
        return None
    response.data = body_for(exc)
    return response
