"""docs/permission-surface.md lists every state-changing operation the product offers —
API endpoints that accept writes, admin pages that edit and their actions, management
commands — and nothing that no longer exists. Adding one without documenting who may do
it and what record it leaves fails here."""

import re
from pathlib import Path

from django.contrib import admin
from django.core.management import get_commands
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver

DOC = Path(__file__).resolve().parents[2] / "docs" / "permission-surface.md"
OWN_APPS = {
    "core",
    "mrmarket",
    "exchanges",
    "wallet",
    "ledger",
    "executor",
    "orders",
    "campaigns",
    "reports",
    "simulators",
    "demo",
}
WRITE_METHODS = ("post", "put", "patch", "delete")


def _patterns(resolver=None, prefix=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def api_write_endpoints() -> set[str]:
    found = set()
    for _route, pattern in _patterns():
        view_class = getattr(pattern.callback, "view_class", None) or getattr(
            pattern.callback, "cls", None
        )
        module = getattr(pattern.callback, "__module__", "")
        if view_class is None or module.split(".")[0] not in OWN_APPS:
            continue
        if any(hasattr(view_class, method) for method in WRITE_METHODS) and pattern.name:
            found.add(f"url:{pattern.name}")
    return found


def admin_write_surface(superuser) -> set[str]:
    request = RequestFactory().get("/admin/")
    request.user = superuser
    found = set()
    for model, model_admin in admin.site._registry.items():
        label = f"{model._meta.app_label}.{model._meta.model_name}"
        if model._meta.app_label not in OWN_APPS:
            continue
        if (
            model_admin.has_add_permission(request)
            or model_admin.has_change_permission(request)
            or model_admin.has_delete_permission(request)
        ):
            found.add(f"admin:{label}")
        for name in model_admin.get_actions(request):
            if name != "delete_selected":
                found.add(f"admin-action:{label}.{name}")
    return found


def own_commands() -> set[str]:
    return {
        f"command:{name}" for name, app in get_commands().items() if app.split(".")[0] in OWN_APPS
    }


def documented() -> set[str]:
    return set(re.findall(r"`((?:url|admin|admin-action|command):[\w.:-]+)`", DOC.read_text()))


def test_every_state_changing_operation_is_documented(db, django_user_model):
    superuser = django_user_model.objects.create_superuser(username="su", password="x")
    actual = api_write_endpoints() | admin_write_surface(superuser) | own_commands()
    listed = documented()
    undocumented, gone = sorted(actual - listed), sorted(listed - actual)
    assert undocumented == [], f"add to docs/permission-surface.md: {undocumented}"
    assert gone == [], f"documented but gone, remove from the doc: {gone}"
