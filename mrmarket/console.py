"""The operators' pages inside the admin: the setup guide, the system status (also as JSON
for monitoring) and the node operator panel. Staff only; they read, never write."""

import hmac
from dataclasses import asdict

from django.conf import settings
from django.contrib import admin
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path
from django.views.decorators.cache import never_cache

from mrmarket.panel import operator_panel
from mrmarket.setup_guide import setup_guide_steps
from mrmarket.status import system_status


def setup_guide(request: HttpRequest) -> HttpResponse:
    steps = setup_guide_steps()
    required_open = [s for s in steps if s.required and not s.done]
    context = {
        **admin.site.each_context(request),
        "title": "Setup guide",
        "steps": [asdict(step) for step in steps],
        "ready": not required_open,
    }
    return TemplateResponse(request, "admin/mrmarket/setup_guide.html", context)


def setup_guide_json(request: HttpRequest) -> JsonResponse:
    steps = setup_guide_steps()
    return JsonResponse(
        {
            "ready": all(s.done for s in steps if s.required),
            "steps": [asdict(step) for step in steps],
        }
    )


def status_page(request: HttpRequest) -> HttpResponse:
    report = system_status()
    context = {**admin.site.each_context(request), "title": "System status", **report}
    return TemplateResponse(request, "admin/mrmarket/status.html", context)


def panel_page(request: HttpRequest) -> HttpResponse:
    context = {**admin.site.each_context(request), "title": "Operator panel", **operator_panel()}
    return TemplateResponse(request, "admin/mrmarket/panel.html", context)


def _monitoring_token_given(request: HttpRequest) -> bool:
    token = settings.MONITORING_TOKEN
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    return bool(token) and bool(given) and hmac.compare_digest(given, token)


@never_cache
def status_json(request: HttpRequest) -> HttpResponse:
    """For monitoring: staff logged in, or the MONITORING_TOKEN as a bearer token."""
    if not (request.user.is_active and request.user.is_staff) and not _monitoring_token_given(
        request
    ):
        return JsonResponse({"error": {"code": "not_authenticated"}}, status=401)
    return JsonResponse(system_status())


def console_urls() -> list:
    """Mounted before the admin's own URLs; admin_view makes each staff-only."""
    view = admin.site.admin_view
    return [
        path("admin/setup/", view(setup_guide), name="admin-setup"),
        path("admin/setup.json", view(setup_guide_json), name="admin-setup-json"),
        path("admin/status/", view(status_page), name="admin-status"),
        path("admin/status.json", status_json, name="admin-status-json"),
        path("admin/panel/", view(panel_page), name="admin-panel"),
    ]
