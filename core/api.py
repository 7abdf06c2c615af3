"""DRF glue: the project-wide error shape {"error": {"code", "message", "detail"}}."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.defaults import page_not_found
from drf_spectacular.utils import OpenApiResponse
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import ApplicationError


def error_response(code: str, message: str, detail: object, status_code: int) -> Response:
    return Response(
        {"error": {"code": code, "message": message, "detail": detail}}, status=status_code
    )


def exception_handler(exc: Exception, ctx: dict[str, Any]) -> Response | None:
    if isinstance(exc, ApplicationError):
        return error_response(exc.code, exc.message, exc.detail, exc.status_code)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, ctx)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    if isinstance(exc, exceptions.ValidationError):
        code, message, detail = "invalid", "The request is not valid.", exc.detail
    else:
        codes = exc.get_codes()
        code = codes if isinstance(codes, str) else "error"
        message, detail = str(exc.detail), {}
    response.data = {"error": {"code": code, "message": message, "detail": detail}}
    if response.status_code == status.HTTP_401_UNAUTHORIZED:
        response.data["error"]["code"] = "not_authenticated"
    return response


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """handler404: an API path that matches no route answers in the API's error shape."""
    if request.path.startswith("/api/"):
        return JsonResponse(
            {"error": {"code": "not_found", "message": "Not found.", "detail": {}}}, status=404
        )
    return page_not_found(request, exception)


# DRF ships no types (see [tool.mypy]): its serializer base is Any to mypy.
class ErrorBodySerializer(serializers.Serializer):  # type: ignore[misc]
    code = serializers.CharField()
    message = serializers.CharField()
    detail = serializers.JSONField()


class ErrorSerializer(serializers.Serializer):  # type: ignore[misc]
    """The project-wide error shape, for the schema: every 4xx/5xx answers with it."""

    error = ErrorBodySerializer()


ERROR_MEANINGS = {
    400: "The request is not valid; `detail` names the fields.",
    401: "Not logged in.",
    403: "Logged in, but not allowed.",
    404: "No such object (or not yours).",
    405: "Method not allowed.",
    409: "The object's state does not allow it; `detail` says the state.",
    415: "Unsupported media type.",
    422: "The Idempotency-Key was already used for another request.",
    502: "The exchange or Mixin answered with an error.",
    503: "The exchange or Mixin could not be reached; try again later.",
}


def error_responses(*codes: int) -> dict[int, OpenApiResponse]:
    """Schema entries for the error answers an operation gives, in the error shape. 401,
    403 and 405 come with every authenticated operation and are always included."""
    return {
        code: OpenApiResponse(ErrorSerializer, description=ERROR_MEANINGS[code])
        for code in sorted({*codes, 400, 401, 403, 405})
    }
