import json
import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import Resolver404, resolve
from django.views.debug import SafeExceptionReporterFilter

from core import context
from core.credentials import find_credential_fields, is_credential_field

logger = logging.getLogger(__name__)

TRACE_HEADER = "X-Trace-Id"

# URL names whose job is to accept a credential (the exchange API key endpoint).
CREDENTIAL_ENDPOINTS = frozenset({"exchange-api-key-create"})


# Deeper than any body the API takes; a limit keeps the walk and the views' parsers far
# from Python's recursion limit.
MAX_BODY_DEPTH = 32


class UnreadableBody(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


def _error(code: str, message: str, detail: dict[str, Any]) -> JsonResponse:
    return JsonResponse({"error": {"code": code, "message": message, "detail": detail}}, status=400)


def _decoded(body: bytes, charset: str) -> str:
    """The body as the views will read it: in the charset the request declares (DRF's
    parsers do the same), so no body reads one way here and another way there."""
    # Django drops a charset it does not know, so `charset` is always one Python has.
    try:
        return body.decode(charset)
    except UnicodeDecodeError:
        raise UnreadableBody(
            "body_unreadable", f"The body is not valid {charset[:40]} text."
        ) from None


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
            try:
                fields = self._credential_fields(request)
            except UnreadableBody as refused:
                return _error(refused.code, refused.message, {})
            if fields and not self._is_credential_endpoint(request.path_info):
                logger.warning(
                    "refused a request body with credential fields",
                    extra={"path": request.path, "fields": fields},
                )
                return _error(
                    "credential_field_refused",
                    (
                        f"This endpoint does not accept credentials; refused field "
                        f"{', '.join(repr(f) for f in fields)}. Store exchange keys "
                        "through the exchange's API key endpoint and refer to them by id."
                    ),
                    {"fields": fields},
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
        text = _decoded(body, request.encoding or settings.DEFAULT_CHARSET)
        if content_type == "application/json" or content_type.endswith("+json"):
            try:
                return find_credential_fields(json.loads(text), max_depth=MAX_BODY_DEPTH)
            except RecursionError:  # json.loads' own, or the walk's depth limit
                raise UnreadableBody(
                    "body_too_deep", f"JSON nested deeper than {MAX_BODY_DEPTH} levels."
                ) from None
            except ValueError:
                return []  # the view's parser reports malformed JSON, read the same way
        if content_type == "application/x-www-form-urlencoded":
            pairs = parse_qsl(text, keep_blank_values=True)
            return sorted({key for key, _ in pairs if is_credential_field(key)})
        if content_type.startswith("multipart/form-data"):
            return sorted(key for key in request.POST if is_credential_field(key))
        return []


class CredentialSafeExceptionReporterFilter(SafeExceptionReporterFilter):
    """Error reports never show a credential field's value from a request body, nor a
    variable marked sensitive, even on a DEBUG page (Django's filter rests in DEBUG)."""

    def is_active(self, request: HttpRequest | None) -> bool:
        return True

    def get_post_parameters(self, request: HttpRequest | None) -> dict[str, Any]:
        params = super().get_post_parameters(request)
        if request is None:
            return params
        cleaned = params.copy()
        for key in list(cleaned):
            if is_credential_field(key):
                cleaned[key] = self.cleansed_substitute
        return cleaned
