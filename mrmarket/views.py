from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from mrmarket.health import system_health


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when ok or degraded (the product works, behind), 503 only when something is down."""
    report = system_health()
    return JsonResponse(report, status=503 if report["status"] == "down" else 200)
