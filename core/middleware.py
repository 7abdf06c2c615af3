import json
import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import Resolver404, resolve
from django.views.debug import SafeExceptionReporterFilter

from core import context
from core.credentials import find_credential_fields, is_credential_field

logger = logging.getLogger(__name__)

TRACE_HEADER = "X-Trace-Id"

# URL names whose job is to accept a credential (the exchange API key endpoint).
CREDENTIAL_ENDPOINTS = frozenset({"exchange-api-key-create"})


class TraceIdMiddleware:
    """Binds a trace id (the caller's X-Trace-Id when well formed) for the request, and,
    once the URL is resolved, the order (and so its exchange) a view works on."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        supplied = request.headers.get(TRACE_HEADER, "")
        trace_id = supplied if context.is_valid_trace_id(supplied) else context.new_trace_id()
        with context.bound(trace_id=trace_id):
            response = self.get_response(request)
        response[TRACE_HEADER] = trace_id
        return response

    def process_view(
        self,
        request: HttpRequest,
        view: Callable[..., HttpResponse],
        args: tuple[object, ...],
        kwargs: dict[str, Any],
    ) -> None:
        context.bind_more(**context.fields_from_ids(kwargs))


class CredentialFieldGuardMiddleware:
    """Refuses API request bodies that carry raw credential fields.

    Credentials are stored once, through the one endpoint made for it; everything else
    refers to a stored key by id. The refusal names the field, never its value.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith("/api/") and request.method in {"POST", "PUT", "PATCH"}:
            fields = self._credential_fields(request)
            if fields and not self._is_credential_endpoint(request.path_info):
                logger.warning(
                    "refused a request body with credential fields",
                    extra={"path": request.path, "fields": fields},
                )
                return JsonResponse(
                    {
                        "error": {
                            "code": "credential_field_refused",
                            "message": (
                                f"This endpoint does not accept credentials; refused field "
                                f"{', '.join(repr(f) for f in fields)}. Store exchange keys "
                                "through the exchange's API key endpoint and refer to them "
                                "by id."
                            ),
                            "detail": {"fields": fields},
                        }
                    },
                    status=400,
                )
        return self.get_response(request)

    @staticmethod
    def _is_credential_endpoint(path: str) -> bool:
        try:
            return resolve(path).url_name in CREDENTIAL_ENDPOINTS
        except Resolver404:
            return False

    @staticmethod
    def _credential_fields(request: HttpRequest) -> list[str]:
        body = request.body
        if not body:
            return []
        content_type = request.content_type or ""
        if content_type == "application/json" or content_type.endswith("+json"):
            try:
                payload = json.loads(body)
            except (ValueError, UnicodeDecodeError):
                return []  # the view's parser reports malformed JSON
            return find_credential_fields(payload)
        if content_type == "application/x-www-form-urlencoded":
            pairs = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
            return sorted({key for key, _ in pairs if is_credential_field(key)})
        if content_type.startswith("multipart/form-data"):
            return sorted(key for key in request.POST if is_credential_field(key))
        return []


class CredentialSafeExceptionReporterFilter(SafeExceptionReporterFilter):
    """Error reports never show a credential field's value from a request body."""

    def get_post_parameters(self, request: HttpRequest | None) -> dict[str, Any]:
        params = super().get_post_parameters(request)
        if request is None:
            return params
        cleaned = params.copy()
        for key in list(cleaned):
            if is_credential_field(key):
                cleaned[key] = self.cleansed_substitute
        return cleaned
