from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from mrmarket.health import system_health


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    report = system_health()
    return JsonResponse(report, status=200 if report["status"] == "ok" else 503)
