"""DRF plumbing of the integration API: bearer-token authentication, scope permission, a bounded JSON parser."""

import json
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions, status
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.parsers import BaseParser
from rest_framework.permissions import BasePermission
from rest_framework.request import Request

from crm.integrations.models import IntegrationToken
from crm.integrations.services import token_for
from crm.org.models import User

MAX_BATCH_ITEMS = 1000
MAX_BODY_BYTES = 10 * 1024 * 1024


class BatchTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "batch_too_large"
    default_detail = _("Пакет слишком большой: не больше 1000 элементов и 10 МБ.")


class IntegrationTokenAuthentication(BaseAuthentication):
    """`Authorization: Bearer crm_<prefix>_<secret>`; an unknown, revoked or switched-off token answers 401."""

    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[User, IntegrationToken] | None:
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Заголовок Authorization: Bearer <токен> — без пробелов в токене."))
        try:
            presented = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("Токен недействителен.")) from None
        token = token_for(presented)
        if token is None:
            raise exceptions.AuthenticationFailed(_("Токен недействителен, отозван или учётная запись отключена."))
        return token.account.user, token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class HasWriteScope(BasePermission):
    """The token's account may write the view's kind of records."""

    message = _("Токену этой системы запрещено записывать такие данные.")

    def has_permission(self, request: Request, view: Any) -> bool:
        token = request.auth
        if not isinstance(token, IntegrationToken):
            return False
        kind = getattr(view, "kind", None)
        return kind is None or token.account.may_write(kind)


class BoundedJSONParser(BaseParser):
    """JSON up to MAX_BODY_BYTES; anything unparsable (bad UTF-8, NaN, too deep) is a 400, never a 500."""

    media_type = "application/json"

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Mapping[str, Any] | None = None) -> Any:
        request = (parser_context or {}).get("request")
        declared = request.META.get("CONTENT_LENGTH") if request is not None else None
        if declared and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
            raise BatchTooLarge()
        body = stream.read(MAX_BODY_BYTES + 1) if stream is not None else b""
        if len(body) > MAX_BODY_BYTES:
            raise BatchTooLarge()
        try:
            return json.loads(body.decode("utf-8"), parse_constant=_reject_constant)
        except (ValueError, RecursionError) as error:
            raise exceptions.ParseError(_("Неверный JSON: %(error)s") % {"error": _short(error)}) from None


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not valid JSON")


def _short(error: Exception) -> str:
    return str(error)[:200] if isinstance(error, ValueError) else str(_("слишком глубокая вложенность"))


class IntegrationTokenScheme(OpenApiAuthenticationExtension):
    target_class = "crm.integrations.rest.IntegrationTokenAuthentication"
    name = "integrationToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "Токен интеграционной учётной записи: Authorization: Bearer crm_<префикс>_<секрет>.",
        }
