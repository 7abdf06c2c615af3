"""DRF glue: the project-wide error shape {"error": {"code", "message", "detail"}}."""

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.defaults import page_not_found
from rest_framework import exceptions, status
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
