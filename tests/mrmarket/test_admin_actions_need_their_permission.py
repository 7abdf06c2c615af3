"""Issue 11, point 2: staff who may only look cannot run an admin action, nor create the
global kill switch's row by opening its page; with the permission they can, and the run is
on the record."""

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Permission
from django.urls import reverse

from executor.models import ExecutorState, GlobalKillSwitch
from orders.models import MarketMakingOrder
from tests.mrmarket.admin_rows import admin_rows_create

pytestmark = pytest.mark.django_db


def staff(django_user_model, *codenames: str):
    user = django_user_model.objects.create_user(
        username="staff-" + "-".join(codenames)[:100], password="pw", is_staff=True
    )
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


def run_action(client, changelist: str, action: str, pk: object):
    return client.post(
        reverse(f"admin:{changelist}_changelist"),
        {"action": action, "_selected_action": [str(pk)]},
    )


def test_view_only_staff_cannot_reset_a_kill_switch(client, django_user_model, presets_seeded):
    admin_rows_create()
    state = ExecutorState.objects.get()
    client.force_login(staff(django_user_model, "view_executorstate"))

    run_action(client, "executor_executorstate", "reset_kill_switch", state.pk)

    state.refresh_from_db()
    assert state.kill_switch_tripped
    assert not LogEntry.objects.exists()


def test_with_the_change_permission_the_reset_runs_and_is_logged(
    client, django_user_model, presets_seeded
):
    admin_rows_create()
    state = ExecutorState.objects.get()
    user = staff(django_user_model, "view_executorstate", "change_executorstate")
    client.force_login(user)

    run_action(client, "executor_executorstate", "reset_kill_switch", state.pk)

    state.refresh_from_db()
    assert not state.kill_switch_tripped
    entry = LogEntry.objects.get()
    assert entry.user == user and "reset_kill_switch" in entry.change_message


def test_view_only_staff_cannot_queue_a_withdrawal(
    client, django_user_model, presets_seeded, monkeypatch
):
    from orders import admin as orders_admin

    ran = []
    monkeypatch.setattr(orders_admin, "order_withdrawal_queue", lambda **kw: ran.append(kw))
    admin_rows_create()
    order = MarketMakingOrder.objects.get()
    client.force_login(staff(django_user_model, "view_marketmakingorder"))

    run_action(client, "orders_marketmakingorder", "queue_withdrawal", order.pk)
    assert ran == [] and not LogEntry.objects.exists()

    client.force_login(
        staff(django_user_model, "view_marketmakingorder", "change_marketmakingorder")
    )
    run_action(client, "orders_marketmakingorder", "queue_withdrawal", order.pk)
    assert [call["order_id"] for call in ran] == [order.pk]
    assert LogEntry.objects.filter(object_id=str(order.pk)).count() == 1


def test_opening_the_kill_switch_page_without_its_permission_writes_nothing(
    client, django_user_model
):
    client.force_login(staff(django_user_model, "view_globalkillswitch"))

    response = client.get(reverse("admin:executor_globalkillswitch_changelist"))

    assert response.status_code == 302
    assert not GlobalKillSwitch.objects.exists()


def test_its_permission_holder_opens_it_and_the_row_exists(client, django_user_model):
    client.force_login(
        staff(django_user_model, "view_globalkillswitch", "toggle_global_kill_switch")
    )

    response = client.get(reverse("admin:executor_globalkillswitch_changelist"))

    assert response.url == reverse("admin:executor_globalkillswitch_change", args=[1])
    assert GlobalKillSwitch.objects.filter(engaged=False).exists()
