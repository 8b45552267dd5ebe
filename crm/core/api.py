"""API conventions: every error is structured JSON with a code, a message and field details."""

from typing import Any

from django.core.exceptions import ObjectDoesNotExist
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    if isinstance(exc, ObjectDoesNotExist):
        exc = exceptions.NotFound("Не найдено.")
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = exceptions.ValidationError(detail=detail)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    code = getattr(exc, "default_code", "error")
    if isinstance(exc, exceptions.ValidationError):
        body = {"error": {"code": "invalid", "message": "Проверьте введённые данные.", "fields": response.data}}
        response.data = body
        response.status_code = status.HTTP_400_BAD_REQUEST
    else:
        message = response.data.get("detail", "") if isinstance(response.data, dict) else str(response.data)
        response.data = {"error": {"code": code, "message": str(message)}}
    return response
