"""What the product offers that changes state, read from the code, and what
docs/permission-surface.md says of each: who may do it and what record it leaves.
tests/mrmarket/test_permission_surface.py compares the two."""

import re
from dataclasses import dataclass
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
WHO = {"superuser", "staff", "user", "owner", "anyone", "shell", "system"}
RECORDS = {"auditlog", "adminlog", "event", "ledger", "rows", "none"}


@dataclass(frozen=True)
class Entry:
    operation: str
    who: frozenset[str]  # role words, and perm:<app>.<codename> for a model permission
    records: frozenset[str]


def _patterns(resolver=None, prefix=""):
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            yield from _patterns(entry, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def write_urls() -> dict[str, URLPattern]:
    """Our named URLs whose view accepts a write method."""
    found = {}
    for _route, pattern in _patterns():
        view_class = getattr(pattern.callback, "view_class", None) or getattr(
            pattern.callback, "cls", None
        )
        module = getattr(pattern.callback, "__module__", "")
        if view_class is None or module.split(".")[0] not in OWN_APPS:
            continue
        if any(hasattr(view_class, method) for method in WRITE_METHODS) and pattern.name:
            found[f"url:{pattern.name}"] = pattern
    return found


def admin_write_surface(superuser) -> dict[str, tuple[type, object]]:
    """Every model admin a superuser can write through (any app's: the beat's schedule,
    users and tokens are operations too), and every admin action."""
    request = RequestFactory().get("/admin/")
    request.user = superuser
    found = {}
    for model, model_admin in admin.site._registry.items():
        label = f"{model._meta.app_label}.{model._meta.model_name}"
        if (
            model_admin.has_add_permission(request)
            or model_admin.has_change_permission(request)
            or model_admin.has_delete_permission(request)
        ):
            found[f"admin:{label}"] = (model, model_admin)
        for name in model_admin.get_actions(request):
            if name != "delete_selected":
                found[f"admin-action:{label}.{name}"] = (model, model_admin)
    return found


def own_commands() -> set[str]:
    return {
        f"command:{name}" for name, app in get_commands().items() if app.split(".")[0] in OWN_APPS
    }


def own_tasks() -> set[str]:
    from mrmarket.celery import app

    app.loader.import_default_modules()
    return {f"task:{name}" for name in app.tasks if name.split(".")[0] in OWN_APPS}


ROW = re.compile(
    r"^\|\s*`((?:url|admin|admin-action|command|task):[\w.:-]+)`[^|]*\|([^|]*)\|([^|]*)\|"
)


def documented(text: str | None = None) -> dict[str, Entry]:
    """The doc's table rows: `operation` | who | record, each column's words in backticks."""
    entries = {}
    for line in (text if text is not None else DOC.read_text()).splitlines():
        match = ROW.match(line.strip())
        if match:
            operation, who, record = match.groups()
            entries[operation] = Entry(
                operation,
                frozenset(re.findall(r"`([\w.:]+)`", who)),
                frozenset(re.findall(r"`(\w+)`", record)),
            )
    return entries
