"""docs/permission-surface.md lists every state-changing operation — API endpoints and
pages that accept writes, admin pages that edit and their actions (any app's, the beat's
schedule and API tokens included), management commands and Celery tasks — and nothing that
no longer exists. For each it says who may do it and what record it leaves, and this test
holds the code to both: a staff member without the named permission is refused, one with
it is let in, an admin page's model is audited, an admin action run for real writes its
admin log entry. The last tests prove that a careless action fails here."""

import uuid

import pytest
from celery import Celery
from celery.app.task import Task
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.test import Client, RequestFactory
from django.urls import reverse

from tests.mrmarket.admin_rows import admin_rows_create
from tests.mrmarket.permission_surface import (
    RECORDS,
    WHO,
    Entry,
    admin_write_surface,
    documented,
    own_commands,
    own_tasks,
    write_urls,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(django_user_model):
    return django_user_model.objects.create_superuser(username="su", password="x")


@pytest.fixture
def no_broker(monkeypatch):
    """Actions that start jobs (validate a key, run a periodic task) run for real here;
    what they send stops at this list instead of a broker."""
    sent: list[str] = []
    monkeypatch.setattr(Task, "apply_async", lambda task, *a, **kw: sent.append(task.name))
    monkeypatch.setattr(Celery, "send_task", lambda app, name, *a, **kw: sent.append(name))
    return sent


def test_every_state_changing_operation_is_documented(superuser):
    actual = set(write_urls()) | set(admin_write_surface(superuser)) | own_commands() | own_tasks()
    listed = set(documented())
    undocumented, gone = sorted(actual - listed), sorted(listed - actual)
    assert undocumented == [], f"add to docs/permission-surface.md: {undocumented}"
    assert gone == [], f"documented but gone, remove from the doc: {gone}"


def test_every_entry_names_who_and_what_record_in_known_words():
    for entry in documented().values():
        roles = {w for w in entry.who if not w.startswith("perm:")}
        assert entry.who and roles <= WHO, f"{entry.operation}: who is {sorted(entry.who)}"
        assert entry.records and entry.records <= RECORDS, entry.operation
        kind = entry.operation.split(":")[0]
        if kind in {"admin", "admin-action"}:
            assert entry.who - {"staff"}, f"{entry.operation}: name its permission"
        if kind == "command":
            assert entry.who == {"shell"}, entry.operation
        if kind == "task":
            assert entry.who == {"system"}, entry.operation


# --- who: the permission the code actually requires --------------------------------------


def _staff(django_user_model, permissions: list[Permission]):
    user = django_user_model.objects.create_user(
        username=f"staff-{uuid.uuid4().hex[:8]}", password="x", is_staff=True
    )
    user.user_permissions.add(*permissions)
    return type(user).objects.get(pk=user.pk)  # fresh: no cached permissions


def _request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def _model_permissions(model) -> list[Permission]:
    return list(Permission.objects.filter(content_type=ContentType.objects.get_for_model(model)))


def _named_permissions(entry: Entry) -> list[Permission]:
    named = []
    for word in entry.who:
        if word.startswith("perm:"):
            app_label, codename = word.removeprefix("perm:").split(".")
            named.append(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )
    return named


def _view_only(model) -> list[Permission]:
    return [p for p in _model_permissions(model) if p.codename.startswith("view_")]


def _writes(model_admin, user) -> bool:
    request = _request(user)
    return (
        model_admin.has_add_permission(request)
        or model_admin.has_change_permission(request)
        or model_admin.has_delete_permission(request)
    )


def _has_action(model_admin, user, name: str) -> bool:
    return name in model_admin.get_actions(_request(user))


def who_problems(entry: Entry, model, model_admin, django_user_model, superuser) -> list[str]:
    """Who may do it, checked on the code: the documented permission lets a staff member
    in, its absence keeps one out; "superuser" keeps out staff holding every permission."""
    if entry.operation.startswith("admin-action:"):
        name = entry.operation.rsplit(".", 1)[1]

        def allowed(user) -> bool:
            return _has_action(model_admin, user, name)
    else:

        def allowed(user) -> bool:
            return _writes(model_admin, user)

    problems = []
    if not allowed(superuser):
        problems.append(f"{entry.operation}: a superuser cannot do it")
    if "superuser" in entry.who:
        everything = _staff(django_user_model, _model_permissions(model))
        if allowed(everything):
            problems.append(f"{entry.operation}: staff with every permission can do it")
        return problems
    named = _named_permissions(entry)
    if allowed(_staff(django_user_model, _view_only(model))):
        problems.append(f"{entry.operation}: staff who may only view can do it")
    if not allowed(_staff(django_user_model, _view_only(model) + named)):
        problems.append(f"{entry.operation}: the documented permission is not enough")
    return problems


def test_admin_pages_and_actions_require_what_the_doc_says(django_user_model, superuser):
    entries = documented()
    problems = []
    for operation, (model, model_admin) in admin_write_surface(superuser).items():
        entry = entries[operation]
        problems += who_problems(entry, model, model_admin, django_user_model, superuser)
    assert problems == []


@pytest.mark.parametrize("operation", sorted(o for o in documented() if o.startswith("url:")))
def test_urls_refuse_who_the_doc_leaves_out(operation, django_user_model):
    pattern = write_urls()[operation]
    kwargs = {
        name: {"uuid": uuid.uuid4(), "int": 1, "databaseid": 1}.get(
            type(conv).__name__.removesuffix("Converter").lower(), "x"
        )
        for name, conv in pattern.pattern.converters.items()
    }
    url = reverse(operation.removeprefix("url:"), kwargs=kwargs)
    who = documented()[operation].who
    anonymous = Client().post(url, {}, content_type="application/json")
    refused = anonymous.status_code in (401, 403) or (
        anonymous.status_code == 302 and "login" in anonymous["Location"]
    )
    if "anyone" in who:
        assert not refused, f"{operation} refuses strangers though the doc says anyone"
        return
    assert refused, f"{operation} answered {anonymous.status_code} to a stranger"
    if "staff" in who:
        client = Client()
        client.force_login(django_user_model.objects.create_user(username="plain"))
        assert client.post(url, {}, content_type="application/json").status_code == 403


# --- record: what the code actually writes ------------------------------------------------


def record_problems(entry: Entry, model, model_admin, client, superuser) -> list[str]:
    from auditlog.registry import auditlog

    from core.admin import ReadOnlyInline

    if entry.operation.startswith("admin:"):
        if "auditlog" not in entry.records:
            return [f"{entry.operation}: an admin page that writes is audited (auditlog)"]
        # An inline that can write nothing (core.admin.ReadOnlyInline) leaves nothing to audit.
        models = [model] + [
            inline.model for inline in model_admin.inlines if not issubclass(inline, ReadOnlyInline)
        ]
        return [
            f"{entry.operation}: {m._meta.label} is not registered with auditlog"
            for m in models
            if not auditlog.contains(m)
        ]
    name = entry.operation.rsplit(".", 1)[1]
    if "adminlog" not in entry.records:
        return [f"{entry.operation}: an admin action leaves an admin log entry (adminlog)"]
    row = model.objects.order_by("pk").first()
    if row is None:
        return [f"{entry.operation}: add a {model._meta.label} to tests/mrmarket/admin_rows.py"]
    before = LogEntry.objects.count()
    meta = model._meta
    client.post(
        reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist"),
        {"action": name, "_selected_action": [str(row.pk)]},
    )
    logged = LogEntry.objects.order_by("pk")[before:]
    if not any(e.user_id == superuser.pk and name in e.change_message for e in logged):
        return [f"{entry.operation}: running it wrote no admin log entry naming it"]
    return []


def _rows_for_every_action() -> None:
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    admin_rows_create()
    every = IntervalSchedule.objects.create(every=10, period=IntervalSchedule.SECONDS)
    PeriodicTask.objects.create(
        name="reconcile", task="orders.tasks.reconcile_orders", interval=every
    )


def test_admin_pages_are_audited_and_actions_leave_their_record(
    client, superuser, presets_seeded, no_broker
):
    _rows_for_every_action()
    client.force_login(superuser)
    entries = documented()
    problems = []
    for operation, (model, model_admin) in admin_write_surface(superuser).items():
        problems += record_problems(entries[operation], model, model_admin, client, superuser)
    assert problems == []


# --- the test of the test ------------------------------------------------------------------


def _careless_action(modeladmin, request, queryset) -> None:
    queryset.update(kill_switch_tripped=False)


def test_an_action_without_a_permission_fails_the_surface_test(
    monkeypatch, django_user_model, superuser
):
    from executor.models import ExecutorState

    model_admin = admin.site._registry[ExecutorState]
    careless = admin.action(description="Reset without asking")(_careless_action)
    monkeypatch.setattr(model_admin, "actions", [*model_admin.actions, careless])
    operation = "admin-action:executor.executorstate._careless_action"
    assert operation in admin_write_surface(superuser)
    entry = Entry(operation, frozenset({"perm:executor.change_executorstate"}), frozenset())

    problems = who_problems(entry, ExecutorState, model_admin, django_user_model, superuser)

    assert problems == [f"{operation}: staff who may only view can do it"]


def test_an_action_without_an_audit_record_fails_the_surface_test(
    monkeypatch, client, superuser, presets_seeded
):
    from executor.models import ExecutorState

    admin_rows_create()
    model_admin = admin.site._registry[ExecutorState]
    careless = admin.action(description="Reset quietly", permissions=["reset"])(_careless_action)
    monkeypatch.setattr(model_admin, "actions", [*model_admin.actions, careless])
    client.force_login(superuser)
    operation = "admin-action:executor.executorstate._careless_action"
    entry = Entry(
        operation, frozenset({"perm:executor.change_executorstate"}), frozenset({"adminlog"})
    )

    problems = record_problems(entry, ExecutorState, model_admin, client, superuser)

    assert problems == [f"{operation}: running it wrote no admin log entry naming it"]
    assert not ExecutorState.objects.filter(kill_switch_tripped=True).exists()  # it did run


def test_an_unaudited_admin_page_fails_the_surface_test(superuser, client, monkeypatch):
    from auditlog.registry import auditlog

    from exchanges.models import TradingPair

    monkeypatch.setattr(auditlog, "contains", lambda model: model is not TradingPair)
    entry = Entry(
        "admin:exchanges.tradingpair",
        frozenset({"perm:exchanges.change_tradingpair"}),
        frozenset({"auditlog"}),
    )

    problems = record_problems(
        entry, TradingPair, admin.site._registry[TradingPair], client, superuser
    )

    assert problems == [
        "admin:exchanges.tradingpair: exchanges.TradingPair is not registered with auditlog"
    ]
