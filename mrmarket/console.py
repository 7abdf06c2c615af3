"""The operators' pages inside the admin: the setup guide, the system status (also as JSON
for monitoring) and the node operator panel. Staff only; they read, never write."""

from dataclasses import asdict

from django.contrib import admin
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.response import TemplateResponse
from django.urls import path

from mrmarket.setup_guide import setup_guide_steps


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


def console_urls() -> list:
    """Mounted before the admin's own URLs; admin_view makes each staff-only."""
    view = admin.site.admin_view
    return [
        path("admin/setup/", view(setup_guide), name="admin-setup"),
        path("admin/setup.json", view(setup_guide_json), name="admin-setup-json"),
    ]
